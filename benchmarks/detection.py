"""Calls against detection delay: what each polling schedule costs, and how late it notices.

Virtual time, no HTTP. An instance's creation takes T seconds, T drawn from a lognormal
distribution with a median of 90 s and sigma 0.3 (5th-95th percentile: 55-147 s; an
assumption: Identity Center answers CreateInstance at once and settles in a minute or two).
The first poll is at 0; each schedule then sleeps what ``poller._backoff.delay_for`` gives it
(the Smithy schedule with full jitter; a fixed interval is min = max). The detection delay is
the time from T to the first poll at or after it; the round trip is taken as zero. Every
schedule sees the same lifecycles and the same random stream.

A cross-check runs poller's real loop (``wait_for_instance``) on trio's MockClock with a
scripted client over a sample of the same lifecycles: its mean calls and delay must agree with
the schedule's.

Then every resource (:data:`benchmarks._lifecycles.SUBJECTS`: instance, Region, attribute-based
access control, request) with its default delays against a few fixed intervals, on lifecycles
typical of it: there the real waiters run, on trio's MockClock (:func:`by_resource`).
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Final

from benchmarks._common import quiet, report
from benchmarks._lifecycles import SUBJECTS, Figures, measure, settle_times
from poller._backoff import delay_for

__all__ = ["NAMED", "Schedule", "by_resource", "lifecycles", "real_loop", "run", "simulate"]

MEDIAN_SECONDS = 90.0
SIGMA = 0.3
TIMEOUT = 1800.0
INSTANCE: Final = SUBJECTS[0]


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A polling schedule: Smithy's with these bounds (a fixed interval when equal)."""

    label: str
    min_delay: float
    max_delay: float


NAMED = [
    Schedule("poller defaults (2 s / 30 s)", 2, 30),
    Schedule("fixed 10 s (Terraform ssoadmin)", 10, 10),
    Schedule("fixed 15 s (botocore waiters)", 15, 15),
    Schedule("Smithy defaults (2 s / 120 s)", 2, 120),
]
SMITHY_MAX = [4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60, 90, 120]
#: The same schedule starting from 5 s: a creation takes a minute or more, so the first
#: doublings from 2 s mostly find it still in progress.
SMITHY5_MAX = [8, 10, 15, 20, 30, 45, 60]
FIXED = [2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60]


def lifecycles(count: int, seed: int = 2026) -> list[float]:
    """*count* creation times in seconds, lognormal around a 90 s median."""
    rng = random.Random(seed)
    return [rng.lognormvariate(0.0, SIGMA) * MEDIAN_SECONDS for _ in range(count)]


def simulate(schedule: Schedule, durations: list[float], seed: int = 7) -> tuple[float, float]:
    """Mean calls and mean detection delay (seconds) of *schedule* over *durations*."""
    rng = random.Random(seed)
    calls = delays = 0.0
    for duration in durations:
        t, attempt = 0.0, 1
        while t < duration:
            t += delay_for(
                attempt,
                min_delay=schedule.min_delay,
                max_delay=schedule.max_delay,
                remaining=TIMEOUT - t,
                uniform=rng.uniform,
            )
            attempt += 1
        calls += attempt
        delays += t - duration
    return calls / len(durations), delays / len(durations)


def real_loop(schedule: Schedule, durations: list[float]) -> tuple[float, float]:
    """Mean calls and delay of poller's own loop in virtual time, over *durations*."""
    figures = measure(INSTANCE, schedule.min_delay, schedule.max_delay, durations)
    return figures.calls, figures.latency


def by_resource(runs: int) -> dict[str, list[tuple[float, str, Figures]]]:
    """Each resource's default delays against fixed intervals, on its stated lifecycles.

    For every row of :data:`benchmarks._lifecycles.SUBJECTS` and each of its typical
    lifecycles ``T0``, *runs* waits with the real waiter in virtual time, the status changing
    after ``uniform(T0 / 2, 3 T0 / 2)`` seconds (the same draws for every schedule).
    """
    tables: dict[str, list[tuple[float, str, Figures]]] = {}
    for subject in SUBJECTS:
        delays = subject.resource.delays
        schedules = [
            (f"defaults {delays.min_delay:g} s / {delays.max_delay:g} s", delays.min_delay,
             delays.max_delay),
            *((f"fixed {every:g} s", every, every) for every in subject.fixed),
        ]  # fmt: skip
        rows = tables[subject.name] = []
        for typical in subject.lifecycles:
            durations = settle_times(typical, runs)
            rows.extend(
                (typical, label, measure(subject, low, high, durations))
                for label, low, high in schedules
            )
        report(
            f"calls against detection, {subject.name} ({runs:,} waits per cell, virtual time)",
            [
                (
                    f"T0 {typical:g} s, {label}",
                    f"{figures.calls:5.1f} calls, detected {figures.latency:5.1f} s late "
                    f"(p90 {figures.p90:5.1f} s)",
                )
                for typical, label, figures in rows
            ],
        )
    return tables


def plot(durations: list[float], path: Path) -> None:
    """Draw the trade-off curves, calls against detection delay, as a PNG."""
    import matplotlib  # noqa: PLC0415 - a benchmark-only dependency, loaded when drawing

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(8, 5.5), dpi=110)
    smithy = [simulate(Schedule("", 2, m), durations) for m in SMITHY_MAX]
    fixed = [simulate(Schedule("", f, f), durations) for f in FIXED]
    axes.plot(
        [d for _, d in smithy], [c for c, _ in smithy], "o-", label="Smithy, min 2 s, max varied"
    )
    for (calls, delay), top in zip(smithy, SMITHY_MAX, strict=True):
        axes.annotate(
            f"{top:g}", (delay, calls), textcoords="offset points", xytext=(4, 4), fontsize=7
        )
    smithy5 = [simulate(Schedule("", 5, m), durations) for m in SMITHY5_MAX]
    axes.plot(
        [d for _, d in smithy5], [c for c, _ in smithy5], "^-", label="Smithy, min 5 s, max varied"
    )
    for (calls, delay), top in zip(smithy5, SMITHY5_MAX, strict=True):
        axes.annotate(
            f"{top:g}", (delay, calls), textcoords="offset points", xytext=(4, 4), fontsize=7
        )
    axes.plot([d for _, d in fixed], [c for c, _ in fixed], "s--", label="fixed interval")
    for (calls, delay), every in zip(fixed, FIXED, strict=True):
        axes.annotate(
            f"{every:g}", (delay, calls), textcoords="offset points", xytext=(4, -10), fontsize=7
        )
    for schedule, marker in zip(NAMED, "*DPX", strict=True):
        calls, delay = simulate(schedule, durations)
        axes.plot([delay], [calls], marker, markersize=11, label=schedule.label)
    axes.set_xlabel("mean detection delay after the instance settles (s)")
    axes.set_ylabel("mean DescribeInstance calls per wait")
    axes.set_title(
        "Polling schedules: calls against detection delay\n"
        f"creation time lognormal, median {MEDIAN_SECONDS:g} s, sigma {SIGMA}"
    )
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def run(*, quick: bool = False, plot_path: Path | None = None) -> dict[str, tuple[float, float]]:
    """Simulate the named schedules (and cross-check poller's loop), print, plot."""
    quiet()
    durations = lifecycles(500 if quick else 20_000)
    results = {s.label: simulate(s, durations) for s in NAMED}
    rows = [
        (label, f"{calls:5.1f} calls, detected {delay:5.1f} s late")
        for label, (calls, delay) in results.items()
    ]
    sample = durations[: 20 if quick else 400]
    calls, delay = real_loop(NAMED[0], sample)
    expected_calls, expected_delay = simulate(NAMED[0], sample)
    rows.append(
        (
            f"cross-check, poller's loop ({len(sample)} runs)",
            f"{calls:5.1f} calls, detected {delay:5.1f} s late "
            f"(schedule: {expected_calls:.1f}, {expected_delay:.1f})",
        )
    )
    for low, tops in ((2, SMITHY_MAX), (5, SMITHY5_MAX)):
        for top in tops:
            c, d = simulate(Schedule("", low, top), durations)
            rows.append(
                (f"Smithy {low} s / {top:g} s", f"{c:5.1f} calls, detected {d:5.1f} s late")
            )
    for every in FIXED:
        c, d = simulate(Schedule("", every, every), durations)
        rows.append((f"fixed {every:g} s", f"{c:5.1f} calls, detected {d:5.1f} s late"))
    report(f"calls against detection delay ({len(durations):,} lifecycles, virtual time)", rows)
    if plot_path is not None:
        try:
            plot(durations, plot_path)
        except ImportError:
            print("  no plot: pip install -e '.[bench]' for matplotlib")
        else:
            print(f"  plot written to {plot_path}")
    by_resource(30 if quick else 1000)
    return results


if __name__ == "__main__":
    run(plot_path=Path("benchmarks/detection.png"))
