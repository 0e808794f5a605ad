"""The terminal display: console lines per event and the live status line below them."""

from __future__ import annotations

import io
from typing import Any

import pytest

from poller import events
from poller.cli._render import Console, _render_console
from poller.cli._status import WaitProgress, status_line
from tests.fakes import ARN

COMMON = {"instance_arn": ARN, "until": "active"}


@pytest.mark.parametrize(
    ("name", "fields", "expected"),
    [
        (
            "wait.started",
            {"timeout": 90.0, "min_delay": 2.0, "max_delay": 30.0},
            "waiting (timeout",
        ),
        (
            "instance.status_changed",
            {"previous_status": "ACTIVE", "status": None, "elapsed": 3.0},
            "ACTIVE → gone after",
        ),
        (
            "instance.status_changed",
            {
                "status": "ACTIVE",
                "encryption_status": "UPDATE_FAILED",
                "encryption_status_reason": "Key disabled",
                "reasons": ("Key disabled",),
                "elapsed": 1.0,
            },
            "start → ACTIVE (encryption UPDATE_FAILED) after 1.0 s: Key disabled",
        ),
        (
            "poll.completed",
            {"attempt": 2, "status": "ACTIVE", "latency": 0.012},
            "poll 2: ACTIVE (12 ms)",
        ),
        (
            "poll.scheduled",
            {"attempt": 2, "delay": 4.0, "elapsed": 3.0},
            "next poll in 4.0s (after poll 2)",
        ),
        (
            "poll.retrying",
            {
                "error_code": "ThrottlingException",
                "error_message": "Rate exceeded",
                "delay": 4.0,
                "attempt": 3,
            },
            "ThrottlingException: Rate exceeded; retrying in",
        ),
        ("wait.succeeded", {"status": None, "attempts": 4, "elapsed": 2.0}, "done: gone after"),
        (
            "wait.failed",
            {"error": "InstanceCreateFailedError", "reason": "Quota", "elapsed": 1.0},
            "failed (InstanceCreateFailedError) after 1.0 s: Quota",
        ),
        (
            "wait.timed_out",
            {"status": "CREATE_IN_PROGRESS", "elapsed": 9.0},
            "timed out in CREATE_IN_PROGRESS",
        ),
        ("wait.cancelled", {"status": None, "elapsed": 1.0}, "cancelled in no state"),
        (
            "cli.error",
            {"message": "Access denied.", "hint": "Check the policy."},
            "Access denied. Check the policy.",
        ),
        (
            "demo.endpoint",
            {"endpoint_url": "http://127.0.0.1:1"},
            "endpoint_url=http://127.0.0.1:1",
        ),
    ],
)
def test_console_line_for_each_event(name: str, fields: dict[str, Any], expected: str) -> None:
    """Each event reads as one line: time, name, instance id, what happened."""
    line = _render_console(
        None, "info", COMMON | fields | {"event": name, "timestamp": "2026-11-25T12:00:00+00:00"}
    )

    assert expected in line
    assert "ssoins-1234567890abcdef" in line
    assert name in line


def test_an_instance_reason_is_said_once() -> None:
    """The change event names the reason and lists it in reasons: the line says it once."""
    event = events.InstanceStatusChanged(
        **COMMON,
        previous_status="CREATE_IN_PROGRESS",
        status="CREATE_FAILED",
        reasons=("Quota exceeded.",),
        previous_encryption_status=None,
        encryption_status=None,
        status_reason="Quota exceeded.",
        encryption_status_reason=None,
        attempt=2,
        elapsed=1.0,
    )

    line = _render_console(None, "info", event.fields() | {"event": event.name})

    assert 1 == line.count("Quota exceeded.")
    assert line.endswith("CREATE_IN_PROGRESS → CREATE_FAILED after 1.0 s: Quota exceeded.")


def test_live_status_line_follows_the_wait() -> None:
    """The status line shows the state and the engine's next poll, stays under log lines, goes."""
    stream = io.StringIO()
    console = Console(stream, live=True)

    console.on_event(events.WaitStarted(**COMMON, timeout=60, min_delay=2, max_delay=30))
    console.on_event(
        events.PollCompleted(
            **COMMON,
            attempt=1,
            elapsed=0.1,
            status="CREATE_IN_PROGRESS",
            encryption_status=None,
            latency=0.01,
        )
    )
    console.on_event(
        events.InstanceStatusChanged(
            **COMMON,
            previous_status=None,
            status="CREATE_IN_PROGRESS",
            reasons=(),
            previous_encryption_status=None,
            encryption_status=None,
            status_reason=None,
            encryption_status_reason=None,
            attempt=1,
            elapsed=0.1,
        )
    )
    console.on_event(events.PollScheduled(**COMMON, attempt=1, delay=60.0, elapsed=0.1))
    polling = stream.getvalue().rsplit("\r", 1)[-1]
    console.write_line("a log line")
    console.on_event(
        events.PollRetrying(
            **COMMON,
            error_code="ThrottlingException",
            error_message="",
            attempt=2,
            delay=4.0,
            elapsed=2.0,
        )
    )
    retrying = stream.getvalue().rsplit("\r", 1)[-1]
    console.on_event(events.WaitSucceeded(**COMMON, status="ACTIVE", attempts=3, elapsed=6.0))
    console.finish()

    assert "ssoins-1234567890abcdef CREATE_IN_PROGRESS" in polling
    assert "· next poll in " in polling  # the engine's own delay, counting down
    assert "retry in" in retrying
    assert "a log line\n" in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[K")  # the status line is gone at the end


def test_no_status_line_off_a_terminal() -> None:
    """Without a terminal, only log lines are written."""
    stream = io.StringIO()
    console = Console(stream, live=False)

    console.on_event(events.WaitStarted(**COMMON, timeout=60, min_delay=2, max_delay=30))
    console.write_line("only this")

    assert "only this\n" == stream.getvalue()


def progress_of(*statuses: str, next_poll: float | None = 3.0) -> dict[str, WaitProgress]:
    """One wait per status, started at 0, polling again at *next_poll*."""
    return {
        f"arn:aws:sso:::instance/ssoins-{n:016d}": WaitProgress(
            started=0.0, status=status, next_poll=next_poll
        )
        for n, status in enumerate(statuses)
    }


def test_one_wait_reads_as_its_instance() -> None:
    """A single wait: its instance, status, time so far and the next poll."""
    line = status_line(progress_of("CREATE_IN_PROGRESS", next_poll=15.0), now=12.0, width=79)

    assert "ssoins-0000000000000000 CREATE_IN_PROGRESS 12s · next poll in 3.0s" == line


def test_several_waits_read_as_counts() -> None:
    """Several waits: how many, per status, and the soonest next poll."""
    progress = progress_of("CREATE_IN_PROGRESS", "ACTIVE", "CREATE_IN_PROGRESS")

    line = status_line(progress, now=0.0, width=79)

    assert "3 waiting: 2 CREATE_IN_PROGRESS, 1 ACTIVE · next poll in 3.0s" == line


def test_ended_waits_are_counted_as_done() -> None:
    """Waits that ended are only counted; when all have, there is no line, and no next poll."""
    progress = progress_of("CREATE_IN_PROGRESS", "ACTIVE", "CREATE_IN_PROGRESS")
    for wait in list(progress.values())[:2]:
        wait.done = True

    one_left = status_line(progress, now=0.0, width=79)
    list(progress.values())[2].done = True
    none_left = status_line(progress, now=0.0, width=79)

    assert one_left.endswith("· 2 done · next poll in 3.0s"), one_left
    assert "" == none_left


@pytest.mark.parametrize("width", range(1, 121))
def test_the_line_always_fits(width: int) -> None:
    """Fifty waits in many states fit any width, keeping the count as long as it can."""
    statuses = [f"STATUS_{n % 7}_WITH_A_LONG_NAME" for n in range(50)]

    line = status_line(progress_of(*statuses), now=0.0, width=width)

    assert len(line) <= width
    if width >= len("50 waiting"):
        assert line.startswith("50 waiting")


def test_on_80_columns_the_console_keeps_to_one_line() -> None:
    """Many waits on an 80-column terminal: every status line drawn is shorter than 80."""
    stream = io.StringIO()
    console = Console(stream, live=True, width=lambda: 79)
    arns = [f"arn:aws:sso:::instance/ssoins-{n:016d}" for n in range(12)]

    for arn in arns:
        common = {"instance_arn": arn, "until": "active"}
        console.on_event(events.WaitStarted(**common, timeout=60, min_delay=2, max_delay=30))
        console.on_event(events.PollScheduled(**common, attempt=1, delay=5.0, elapsed=0.1))

    drawn = [part.rpartition("\x1b[K")[2] for part in stream.getvalue().split("\r")]
    assert "12 waiting: 12 starting · next poll in" in drawn[-1]
    assert all(len(line) < 80 for line in drawn)


def test_the_line_under_a_wait_s_last_event_counts_it_done() -> None:
    """The library logs a wait's ending before its hook hears of it: no stale "next poll"."""
    import logging  # noqa: PLC0415

    import structlog  # noqa: PLC0415

    from poller.cli._render import configure_logging  # noqa: PLC0415

    stream = io.StringIO()
    console = Console(stream, live=True, width=lambda: 79)
    configure_logging(json_lines=False, level=logging.INFO, console=console)
    console.on_event(events.WaitStarted(**COMMON, timeout=60, min_delay=2, max_delay=30))
    console.on_event(events.PollScheduled(**COMMON, attempt=1, delay=60.0, elapsed=0.1))
    drawn = len(stream.getvalue())

    structlog.get_logger("poller").info(
        "wait.cancelled", **COMMON, status="CREATE_IN_PROGRESS", attempts=1, elapsed=0.2
    )

    assert "wait.cancelled" in stream.getvalue()[drawn:]
    assert "next poll" not in stream.getvalue()[drawn:]
