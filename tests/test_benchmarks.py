"""Each benchmark runs at a tiny size (no timing is asserted: that is BENCHMARKS.md's job)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import detection, overhead, scale, startup
from benchmarks.__main__ import main


@pytest.fixture(autouse=True)
def _poller_logger_restored() -> Iterator[None]:
    """The benchmarks silence poller's logger; the tests that follow need it back."""
    logger = logging.getLogger("poller")
    disabled = logger.disabled
    yield
    logger.disabled = disabled


def test_overhead_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The per-poll comparison measures all three loops."""
    medians = overhead.run(quick=True)

    assert {"bare", "bare+sleep", "poller", "waiter"} == set(medians)
    assert all(value > 0 for value in medians.values())
    assert "poller / bare" in capsys.readouterr().out


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


def test_startup_runs() -> None:
    """Both commands describe an ACTIVE instance (skipped without an AWS CLI at hand)."""
    if startup.aws_cli(install=False) is None:
        pytest.skip("no AWS CLI installed; the benchmark installs one, the test does not")

    medians = startup.run(quick=True)

    assert {"poller", "bare", "aws"} == set(medians)


def test_runner_accepts_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks --quick --only detection` prints the detection figures."""
    assert 0 == main(["--quick", "--only", "detection", "--plot", "/dev/null"])

    assert "calls against detection delay" in capsys.readouterr().out
