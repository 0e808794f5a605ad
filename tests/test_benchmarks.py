"""Each benchmark runs at a tiny size (no timing is asserted: that is BENCHMARKS.md's job)."""

from __future__ import annotations

import importlib.util
import logging
import math
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

import poller.otel
from benchmarks import (
    _lifecycles,
    airflow,
    assign,
    clients,
    deadline,
    detection,
    overhead,
    rollout,
    scale,
    startup,
)
from benchmarks.__main__ import main
from benchmarks._endpoint import ServiceThrottle
from poller.simulator import Fault
from poller.simulator._clock import SimulatedClock


@pytest.fixture(autouse=True)
def _poller_logger_restored() -> Iterator[None]:
    """The benchmarks silence poller's logger; the tests that follow need it back."""
    logger = logging.getLogger("poller")
    disabled = logger.disabled
    yield
    logger.disabled = disabled


def test_overhead_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The per-poll comparison measures every loop."""
    medians = overhead.run(quick=True)

    assert {
        "bare",
        "bare+sleep",
        "bare+checkpoint",
        "poller",
        "poller+otel",
        "minimal",
        "waiter",
    } == set(medians)
    assert all(value > 0 for value in medians.values())
    output = capsys.readouterr().out
    assert "poller / bare" in output
    assert "poller+otel / bare" in output
    assert not poller.otel.instrumented()  # only while its own loop ran


def test_scale_runs() -> None:
    """Both scale scenarios reach ACTIVE for every instance and report memory."""
    results = scale.run(quick=True, accounts=3, one_client=5)

    assert 3 == results["accounts"]["ok"]
    assert 5 == results["one_client"]["ok"]
    assert results["one_client"]["per_instance"] > 0


def test_detection_schedules_agree_with_the_loop(tmp_path: Path) -> None:
    """The simulated schedule and poller's own loop agree on one lifecycle; a plot is drawn."""
    durations = detection.lifecycles(30)
    schedule = detection.NAMED[0]

    assert detection.simulate(schedule, durations)[0] == pytest.approx(
        detection.real_loop(schedule, durations)[0], rel=0.2
    )
    pytest.importorskip("matplotlib")
    detection.plot(durations[:10], tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 0


def test_fixed_interval_detects_half_an_interval_late() -> None:
    """A fixed 10 s poll finds a random moment 5 s late on average."""
    calls, delay = detection.simulate(detection.Schedule("", 10, 10), detection.lifecycles(4000))

    assert 5 == pytest.approx(delay, abs=0.3)
    assert calls > 9


def test_rollout_runs() -> None:
    """Every request of every run completes; each throttled Describe is a poll.retrying event.

    At x50 the waits' timeouts (the default 30 min, scaled: 36 s, and 14 s for the run at
    x125) are ten times what a loaded machine takes; --quick's x200 leaves 3.6 s at x500.
    """
    results = rollout.run(quick=True, requests=30, scale=50.0)

    runs = [*results["alone"], results["faster"], results["shared"]]
    assert all(30 == figures["ok"] for figures in runs)
    assert all(figures["polls"] >= 30 for figures in runs)
    # Slowness only adds time: a run faster than its ideal would be a broken rate limit.
    assert all(figures["ratio"] > 0.9 for figures in runs)
    shared = results["shared"]
    assert shared["describe_throttles"] == shared["throttled_events"]
    assert shared["service_throttles"] >= shared["describe_throttles"]
    assert results["memory"]["per_request"] > 0


def test_assign_runs() -> None:
    """Each driver ends with the plan as planned, each assignment written once, 15 at most."""
    [results] = assign.run(quick=True, count=30).values()

    for figures in results.values():
        created, state = figures["created"], figures["state"]
        assert (30, 0) == (created["in_place"], state["in_place"])
        assert [1] == state["writes_per_assignment"]
        assert state["peak_outstanding"] <= assign.OUTSTANDING


def test_deadline_runs() -> None:
    """A fan-out of endless requests times every one of them out, by its deadline or close."""
    figures = deadline.run(quick=True)

    assert {"10", "100", "queued"} == set(figures)
    assert all(late < deadline.TIMEOUT for late in figures.values())


def test_service_throttle_answers_throttling_above_its_rate() -> None:
    """The endpoint's rate limit lets a burst through, throttles, and refills on its clock."""
    clock = SimulatedClock(time_scale=1e-9)  # still, but for advance()
    throttle = ServiceThrottle(clock, rate=5.0, burst=5.0)
    throttle.add(Fault.internal_error(), operation="DescribeRegion")

    passed = [throttle.take("DescribeInstance") for _ in range(5)]
    refused = throttle.take("DescribeInstance")
    clock.advance(0.4)  # two tokens
    later = [throttle.take("DescribeRegion"), throttle.take("DescribeInstance")]
    again = throttle.take("DescribeInstance")

    assert [None] * 5 == passed
    assert refused is not None
    assert "ThrottlingException" == refused.code
    assert [Fault.internal_error(), None] == later  # the armed fault still applies
    assert again is refused
    assert 2 == throttle.throttled


def test_scaled_limiter_is_the_default_with_time_sped_up() -> None:
    """Rate, floor and recovery scale so that a halved rate recovers in the same scaled time."""
    normal, fast = rollout.scaled_limiter(1.0), rollout.scaled_limiter(20.0)

    assert 20 * normal.rate == fast.rate
    assert 20 * normal.bucket.min_rate == fast.bucket.min_rate
    recover = normal.bucket.max_rate / 2 / normal.bucket.recovery
    assert recover / 20 == pytest.approx(fast.bucket.max_rate / 2 / fast.bucket.recovery)


@pytest.mark.parametrize("subject", _lifecycles.SUBJECTS, ids=lambda s: s.resource.name)
def test_each_resource_waits_with_its_real_waiter_on_fixed_intervals(
    subject: _lifecycles.Subject,
) -> None:
    """Polls at 0, f, 2f ...: floor(T / f) + 2 calls, the change found less than f late."""
    every = subject.fixed[0]
    durations = _lifecycles.settle_times(subject.lifecycles[0], 40)

    figures = _lifecycles.measure(subject, every, every, durations)

    assert statistics.fmean(math.floor(t / every) + 2 for t in durations) == pytest.approx(
        figures.calls
    )
    assert 0 <= figures.latency < every
    assert figures.p90 < every


def test_defaults_by_resource_cover_every_resource(capsys: pytest.CaptureFixture[str]) -> None:
    """Each resource gets its defaults and fixed intervals on each of its lifecycles."""
    tables = detection.by_resource(5)

    out = capsys.readouterr().out
    for subject in _lifecycles.SUBJECTS:
        rows = tables[subject.name]
        assert len(subject.lifecycles) * (1 + len(subject.fixed)) == len(rows)
        delays = subject.resource.delays
        assert f"defaults {delays.min_delay:g} s / {delays.max_delay:g} s" in out
        defaults = [figures for _, label, figures in rows if label.startswith("defaults")]
        # Jitter never pauses longer than max_delay: the change is found within it.
        assert all(0 <= figures.latency < delays.max_delay for figures in defaults)


def test_startup_runs() -> None:
    """Both commands describe an ACTIVE instance (skipped without an AWS CLI at hand)."""
    if startup.aws_cli(install=False) is None:
        pytest.skip("no AWS CLI installed; the benchmark installs one, the test does not")

    medians = startup.run(quick=True)

    assert {"poller", "poller-main", "bare", "aws"} == set(medians)


def test_runner_accepts_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks --quick --only detection` prints the detection figures."""
    assert 0 == main(["--quick", "--only", "detection", "--plot", "/dev/null"])

    assert "calls against detection delay" in capsys.readouterr().out


def test_clients_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Both backends, shared and own contexts; shared clients hold one context between them."""
    pytest.importorskip("trio")

    medians = clients.run(quick=True)

    assert {
        "aiohttp, shared",
        "aiohttp, own contexts",
        "httpx, shared",
        "httpx, own contexts",
    } == set(medians)
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    counts = {line.split("  ")[0]: line.rsplit(", ", 1)[-1] for line in lines if "ms per" in line}
    assert {
        "aiohttp, shared": "1 SSL context(s)",
        "aiohttp, own contexts": "5 SSL context(s)",
        "httpx, shared": "1 SSL context(s)",
        "httpx, own contexts": "5 SSL context(s)",
    } == counts


def test_airflow_is_skipped_with_a_message_where_it_is_not_installed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The main environment has no Airflow: the benchmark says so (tests/airflow runs it)."""
    if importlib.util.find_spec("airflow") is not None:
        pytest.skip("Airflow is installed here: tests/airflow/test_benchmark.py runs it")

    assert {} == airflow.run(quick=True)
    assert "airflow: skipped, Apache Airflow is not installed" in capsys.readouterr().out
