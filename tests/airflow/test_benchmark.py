"""The Airflow benchmark runs at a tiny size (its figures are BENCHMARKS.md's, not asserted)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from benchmarks import airflow
from benchmarks.__main__ import main


@pytest.fixture(autouse=True)
def _poller_logger_restored() -> Iterator[None]:
    """The benchmarks silence poller's logger; the tests that follow need it back."""
    logger = logging.getLogger("poller")
    disabled = logger.disabled
    yield
    logger.disabled = disabled


def test_the_trigger_is_measured_under_both_log_levels(capsys: pytest.CaptureFixture[str]) -> None:
    """The longest block of the loop, the log per request and the event, for each."""
    figures = airflow.run(quick=True)

    for levels in ("default levels", "poller=WARNING"):
        assert figures[f"{levels}: block_ms"] >= figures[f"{levels}: own_block_ms"] >= 0
        assert figures[f"{levels}: log_per_request"] > 0
        assert 0 < figures[f"{levels}: event_bytes"] < 2000
    # Several requests: poller's per-wait events are at DEBUG under Airflow's default levels
    # too, so both logs are the trigger's summary: the same lines, fewer than the requests.
    lines = figures["default levels: log_lines"]
    assert lines == figures["poller=WARNING: log_lines"] < 20  # the quick run's 20 requests
    assert "longest block" in capsys.readouterr().out


def test_the_runner_takes_it_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks --quick --only airflow`."""
    assert 0 == main(["--quick", "--only", "airflow"])

    assert "ResourceWaitTrigger on 20 requests" in capsys.readouterr().out
