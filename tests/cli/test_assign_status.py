"""`poller assign` on stderr: the rollout's items counted on the status line, its events in words.

The line is followed from the events the library emits (``rollout.*``, and its waits'
``poll.retrying`` and endings), fed here by hand as a rollout would emit them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from poller import events
from poller.cli._render import Console, _render_console
from poller.cli._status import RolloutProgress, rollout_line
from tests.fakes import ARN

PS = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0123456789abcdef"
GROUP = "906723b8-1234-5678-9abc-def012345678"
COMMON = {"instance_arn": ARN, "until": "succeeded"}
WRITE = {**COMMON, "operation": "CreateAccountAssignment"}


def item(index: int) -> dict[str, Any]:
    """The event keys of item *index* of a plan (account 1000000000NN)."""
    return {
        "index": index,
        "permission_set_arn": PS,
        "account_id": f"{100_000_000_000 + index}",
        "principal_type": "GROUP",
        "principal_id": GROUP,
    }


def started(index: int) -> events.RolloutRequestStarted:
    """Item *index*'s write accepted: its request is ``request-<index>``."""
    return events.RolloutRequestStarted(
        **WRITE, **item(index), request_id=f"request-{index}", attempts=1
    )


def throttled(index: int) -> events.RolloutRetrying:
    """Item *index*'s write throttled, to be sent again."""
    return events.RolloutRetrying(
        **WRITE,
        **item(index),
        error_code="ThrottlingException",
        error_message="Rate exceeded",
        attempt=1,
        delay=1.0,
    )


def succeeded(index: int) -> events.WaitSucceeded:
    """The wait on item *index*'s request ends."""
    return events.WaitSucceeded(
        **COMMON, request_id=f"request-{index}", status="SUCCEEDED", attempts=1, elapsed=2.0
    )


def test_the_line_counts_done_in_progress_waiting_and_throttled() -> None:
    """Each item is counted where its events put it; none is counted twice."""
    progress = RolloutProgress(5, started=0.0)
    checking = rollout_line(progress, 1.0, 200)
    progress.on_event(events.RolloutUnchanged(**WRITE, **item(0)))
    progress.on_event(throttled(1))
    progress.on_event(started(2))
    holding = rollout_line(progress, 2.0, 200)
    progress.on_event(started(1))
    progress.on_event(
        events.PollRetrying(
            **COMMON,
            request_id="request-2",
            error_code="ThrottlingException",
            error_message="Rate exceeded",
            attempt=2,
            delay=2.0,
            elapsed=1.0,
        )
    )
    progress.on_event(succeeded(2))
    progress.on_event(
        events.RolloutRetrying(
            **WRITE,
            **item(3),
            error_code="ConflictException",
            error_message="A conflicting operation is in process.",
            attempt=1,
            delay=1.0,
        )
    )
    later = rollout_line(progress, 65.0, 200)
    for index in (1, 3, 4):
        progress.ended(index)

    assert "5 assignments: 0 done · 5 being checked · 1.0s" == checking
    assert "5 assignments: 1 done · 2 in progress · 2 waiting for a slot · 1 throttled · 2.0s" == (
        holding
    )
    assert "5 assignments: 2 done · 2 in progress · 1 waiting for a slot · 2 throttled · 1m05s" == (
        later
    )
    assert "" == rollout_line(progress, 66.0, 200)  # all done: no line


@pytest.mark.parametrize("width", [10, 30, 50, 79])
def test_the_rollout_line_always_fits(width: int) -> None:
    """Narrower than the whole line, the least needed parts go first, the counts last."""
    progress = RolloutProgress(40, started=0.0, throttled=3, checked=True)
    progress.in_progress.update(range(15))
    progress.done.update(range(15, 27))

    line = rollout_line(progress, 3725.0, width)

    assert len(line) <= width
    if width >= 50:
        assert "15 in progress" in line


def test_the_console_draws_the_rollout_s_line_not_the_waits() -> None:
    """Once told to follow a rollout, the live line counts its items."""
    stream = io.StringIO()
    console = Console(stream, live=True, width=lambda: 100)
    console.follow_rollout(2)

    console.on_event(started(0))
    drawn = stream.getvalue().rsplit("\r", 1)[-1]
    console.on_event(succeeded(0))
    console.on_event(events.RolloutUnchanged(**WRITE, **item(1)))
    console.finish()

    assert drawn.startswith("2 assignments: 0 done · 1 in progress · 1 waiting for a slot")
    assert stream.getvalue().endswith("\r\x1b[K")


FINISHED = {
    "operation": "CreateAccountAssignment",
    "items": 40,
    "reached": 30,
    "unchanged": 8,
    "adopted": 1,
    "failed": 2,
    "calls": {"CreateAccountAssignment": 33, "ListAccountAssignments": 5},
    "throttled": 3,
    "conflicts": 1,
    "peak_outstanding": 15,
    "elapsed": 12.34,
}


@pytest.mark.parametrize(
    ("name", "fields", "expected"),
    [
        (
            "rollout.started",
            {
                "operation": "CreateAccountAssignment",
                "items": 40,
                "max_outstanding": 5,
                "timeout": 900.0,
            },
            "40 to roll out with CreateAccountAssignment, at most 5 in progress (timeout 15m00s)",
        ),
        (
            "rollout.unchanged",
            {"operation": "CreateAccountAssignment", **item(2)},
            f"#3 GROUP {GROUP} in 100000000002 with ps-0123456789abcdef: unchanged, in place",
        ),
        (
            "rollout.unchanged",
            {"operation": "DeleteAccountAssignment", **item(0)},
            "unchanged, absent already",
        ),
        (
            "rollout.request_started",
            {"operation": "DeleteAccountAssignment", **item(0), "attempts": 3},
            "DeleteAccountAssignment accepted (sent 3 times)",
        ),
        (
            "rollout.adopted",
            {"operation": "CreateAccountAssignment", **item(0), "request_id": "r"},
            "its request is in progress already: waiting on it, not writing",
        ),
        (
            "rollout.retrying",
            {
                "operation": "CreateAccountAssignment",
                **item(0),
                "error_code": "ThrottlingException",
                "error_message": "Rate exceeded.",
                "attempt": 2,
                "delay": 4.0,
            },
            "CreateAccountAssignment answered ThrottlingException (Rate exceeded); again in 4.0s "
            "(attempt 2)",
        ),
        (
            "rollout.retrying",
            {
                "operation": "ListAccountAssignmentCreationStatus",
                "error_code": "InternalServerException",
                "error_message": "Oops",
                "attempt": 1,
                "delay": 1.0,
            },
            "the rollout: ListAccountAssignmentCreationStatus answered InternalServerException",
        ),
        (
            "rollout.blocked",
            {"operation": "ProvisionPermissionSet", "index": 0, "permission_set_arn": PS},
            "#1 ps-0123456789abcdef: another provisioning of it is in progress",
        ),
        (
            "rollout.finished",
            FINISHED,
            "40 rolled out in 12.3 s: 30 reached, 8 unchanged, 2 failed; 38 calls, 3 throttled, "
            "1 conflicts, at most 15 in progress",
        ),
        ("rollout.someday", {"operation": "X", "index": 1}, "operation=X index=1"),
    ],
)
def test_each_rollout_event_reads_as_words(
    name: str, fields: dict[str, Any], expected: str
) -> None:
    """A rollout's event reads as one line of words, its item by position and keys."""
    line = _render_console(
        None, "info", COMMON | fields | {"event": name, "timestamp": "2026-11-25T12:00:00+00:00"}
    )

    assert expected in line
    assert name in line
