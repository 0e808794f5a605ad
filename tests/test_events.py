"""Events: every transition once, with the table's keys, to structlog and to on_event."""

from __future__ import annotations

import logging
import pathlib
import subprocess
import sys
import textwrap
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

import poller
import poller.events
from poller.events import Event
from tests.fakes import ARN, ScriptedClient, client_error, described

pytestmark = pytest.mark.virtual_time

COMMON = {"instance_arn": ARN, "until": "active"}


async def _wait(client: ScriptedClient, hook: Any = None) -> poller.WaitResult:
    """Wait on *client* for 10 s at most, polling once a second."""
    return await poller.wait_for_instance(
        client, ARN, timeout=10, min_delay=1, max_delay=1, on_event=hook
    )


async def test_whole_event_stream_through_structlog() -> None:
    """A configured structlog receives each event once, named and keyed as in the table."""
    client = ScriptedClient(
        [
            described("CREATE_IN_PROGRESS"),
            client_error("ThrottlingException", "Rate exceeded"),
            described("ACTIVE"),
        ]
    )

    with capture_logs() as logs:
        await _wait(client)

    assert [
        COMMON
        | {
            "event": "wait.started",
            "log_level": "info",
            "timeout": 10.0,
            "min_delay": 1.0,
            "max_delay": 1.0,
        },
        COMMON
        | {
            "event": "poll.completed",
            "log_level": "debug",
            "attempt": 1,
            "elapsed": 0.0,
            "status": "CREATE_IN_PROGRESS",
            "latency": 0.0,  # no encryption_status: the answer had none
        },
        COMMON
        | {
            "event": "instance.status_changed",
            "log_level": "info",
            "previous_status": None,
            "status": "CREATE_IN_PROGRESS",
            "previous_encryption_status": None,
            "encryption_status": None,
            "status_reason": None,
            "encryption_status_reason": None,
            "attempt": 1,
            "elapsed": 0.0,
            "reasons": (),
        },
        COMMON
        | {
            "event": "poll.scheduled",
            "log_level": "debug",
            "attempt": 1,
            "delay": 1.0,
            "elapsed": 0.0,
        },
        COMMON
        | {
            "event": "poll.retrying",
            "log_level": "warning",
            "error_code": "ThrottlingException",
            "error_reason": None,
            "error_message": "Rate exceeded",
            "attempt": 2,
            "delay": 2.0,
            "elapsed": 1.0,
        },
        COMMON
        | {
            "event": "poll.scheduled",  # every pause, a retry's too
            "log_level": "debug",
            "attempt": 2,
            "delay": 2.0,
            "elapsed": 1.0,
        },
        COMMON
        | {
            "event": "poll.completed",
            "log_level": "debug",
            "attempt": 3,
            "elapsed": 3.0,
            "status": "ACTIVE",
            "latency": 0.0,  # no encryption_status: the answer had none
        },
        COMMON
        | {
            "event": "instance.status_changed",
            "log_level": "info",
            "previous_status": "CREATE_IN_PROGRESS",
            "status": "ACTIVE",
            "previous_encryption_status": None,
            "encryption_status": None,
            "status_reason": None,
            "encryption_status_reason": None,
            "attempt": 3,
            "elapsed": 3.0,
            "reasons": (),
        },
        COMMON
        | {
            "event": "wait.succeeded",
            "log_level": "info",
            "status": "ACTIVE",
            "attempts": 3,
            "elapsed": 3.0,
        },
    ] == logs


async def test_on_event_gets_the_same_events() -> None:
    """on_event receives typed events whose fields are what structlog logs."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS"), described("CREATE_FAILED")])
    events: list[Event] = []

    with capture_logs() as logs, pytest.raises(poller.InstanceCreateFailedError):
        await _wait(client, events.append)

    assert [e["event"] for e in logs] == [e.name for e in events]
    assert [{k: v for k, v in e.items() if k not in {"event", "log_level"}} for e in logs] == [
        e.fields() for e in events
    ]
    assert {
        "error": "InstanceCreateFailedError",
        "reason": None,
        "status": "CREATE_FAILED",
        "attempts": 2,
        "elapsed": 1.0,
    } == {k: v for k, v in events[-1].fields().items() if k not in COMMON}


async def test_failure_carries_the_reason() -> None:
    """wait.failed carries AWS's own reason."""
    client = ScriptedClient([described("CREATE_FAILED", reason="Quota reached")])
    events: list[Event] = []

    with pytest.raises(poller.InstanceCreateFailedError):
        await _wait(client, events.append)

    assert (events[-1].name, events[-1].reason) == ("wait.failed", "Quota reached")  # type: ignore[attr-defined]


async def test_instance_change_carries_reasons_as_every_resource_does() -> None:
    """instance.status_changed has the table's `reasons`: StatusReason, EncryptionStatusReason."""
    client = ScriptedClient(
        [
            described("CREATE_IN_PROGRESS"),
            described("ACTIVE", "UPDATE_FAILED", encryption_reason="Key disabled"),
        ]
    )
    events: list[Event] = []

    with pytest.raises(poller.EncryptionUpdateFailedError):
        await _wait(client, events.append)

    assert [(), ("Key disabled",)] == [
        e.fields()["reasons"] for e in events if e.name == "instance.status_changed"
    ]


async def test_unconfigured_structlog_goes_to_stdlib_logging(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """With structlog unconfigured, events go to the 'poller' logger and never to stdout."""
    assert not structlog.is_configured()
    caplog.set_level(logging.DEBUG, logger="poller")

    await _wait(ScriptedClient([described("ACTIVE")]))

    records = [r for r in caplog.records if r.name == "poller"]
    assert ["wait.started", "poll.completed", "instance.status_changed", "wait.succeeded"] == [
        r.getMessage().split()[0] for r in records
    ]
    assert [logging.INFO, logging.DEBUG, logging.INFO, logging.INFO] == [r.levelno for r in records]
    assert f"instance_arn={ARN!r}" in records[0].getMessage()
    assert "ACTIVE" == records[-1].poller["status"]  # type: ignore[attr-defined]
    assert "" == capsys.readouterr().out


def test_nothing_reaches_stderr_when_the_application_sets_up_no_logging() -> None:
    """A failed wait's error events stay silent in a program that configured no logging.

    Run in a fresh interpreter: logging's last-resort handler would print warnings and errors
    to stderr if poller's logger had no handler of its own.
    """
    script = textwrap.dedent(
        f"""
        import anyio, poller
        from tests.fakes import ScriptedClient, described
        async def main():
            client = ScriptedClient([described("CREATE_FAILED", reason="Quota reached")])
            try:
                await poller.wait_for_instance(client, {ARN!r}, timeout=10)
            except poller.InstanceCreateFailedError:
                print("failed")
        anyio.run(main)
        """
    )
    root = pathlib.Path(__file__).parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert ("failed\n", "") == (done.stdout, done.stderr)


async def test_library_never_configures_structlog() -> None:
    """A wait leaves structlog as unconfigured as it found it."""
    await _wait(ScriptedClient([described("ACTIVE")]))

    assert not structlog.is_configured()


async def test_each_transition_is_emitted_exactly_once() -> None:
    """Repeated states emit poll.completed each time but status_changed only on change."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")] * 4 + [described("ACTIVE")])
    events: list[Event] = []

    await _wait(client, events.append)

    names = [e.name for e in events]
    assert 5 == names.count("poll.completed")
    assert 2 == names.count("instance.status_changed")
    assert 1 == names.count("wait.started") == names.count("wait.succeeded")


async def test_a_retry_names_the_throttles_reason(events: list[Event]) -> None:
    """A KMS throttle's Reason reaches poll.retrying: the customer's key, not Identity Center."""
    throttled = client_error("ThrottlingException", "Slow down.", reason="KMS_ThrottlingException")
    client = ScriptedClient([throttled, described("ACTIVE")])

    await poller.wait_for_instance(
        client, ARN, on_event=events.append, timeout=10, min_delay=0, max_delay=0.001
    )

    [retrying] = [e for e in events if isinstance(e, poller.events.PollRetrying)]
    assert ("ThrottlingException", "KMS_ThrottlingException") == (
        retrying.error_code,
        retrying.error_reason,
    )


async def test_quieted_logs_the_events_below_its_level_at_debug() -> None:
    """Inside quieted(), info events log at debug and warnings stay; the hook sees them all."""
    client = ScriptedClient(
        [described("CREATE_IN_PROGRESS"), described("NEW_STATUS"), described("ACTIVE")]
    )
    hooked: list[Event] = []

    with capture_logs() as logs, poller.events.quieted():
        await _wait(client, hooked.append)

    logged = {entry["event"]: entry["log_level"] for entry in logs}
    assert "debug" == logged["wait.started"] == logged["instance.status_changed"]
    assert "debug" == logged["wait.succeeded"] == logged["poll.completed"]
    assert "warning" == logged["instance.unknown_status"]
    assert [entry["event"] for entry in logs] == [event.name for event in hooked]
    assert {"info", "warning"} <= {event.level for event in hooked}  # the events keep theirs


async def test_quieted_reaches_the_waits_of_a_fan_out_and_ends_with_its_block() -> None:
    """The waits a fan-out starts inside quieted() inherit it; after the block, levels return."""
    other = ARN.replace("ins-", "ins-1")[: len(ARN)]

    with capture_logs() as inside, poller.events.quieted("error"):
        await poller.wait_for_instances(
            [(ScriptedClient([described("ACTIVE")]), arn) for arn in (ARN, other)],
            timeout=10,
            min_delay=1,
            max_delay=1,
        )
    with capture_logs() as after:
        await _wait(ScriptedClient([described("ACTIVE")]))

    assert 2 == sum(entry["event"] == "wait.succeeded" for entry in inside)
    assert {"debug"} == {entry["log_level"] for entry in inside}
    assert "info" == next(e["log_level"] for e in after if e["event"] == "wait.succeeded")


async def test_quieted_with_stdlib_logging(caplog: pytest.LogCaptureFixture) -> None:
    """With structlog unconfigured, the 'poller' logger's records drop to DEBUG alike."""
    caplog.set_level(logging.DEBUG, logger="poller")

    with poller.events.quieted():
        await _wait(ScriptedClient([described("ACTIVE")]))

    assert {logging.DEBUG} == {r.levelno for r in caplog.records if r.name == "poller"}


def test_quieted_refuses_an_unknown_level() -> None:
    """A level that is not one of the four is a ValueError naming them, not a silent no-op."""
    refused = pytest.raises(ValueError, match="below must be one of debug, info, warning, error")
    with refused, poller.events.quieted("verbose"):  # type: ignore[arg-type]
        pass


@pytest.mark.parametrize(
    ("code", "throttled"),
    [
        ("ThrottlingException", True),
        ("TooManyRequestsException", True),
        ("RequestLimitExceeded", True),
        ("InternalServerException", False),
        ("ConflictException", False),
        ("ReadTimeoutError", False),
    ],
)
def test_a_retry_says_whether_it_was_throttled(code: str, throttled: bool) -> None:
    """poll.retrying and rollout.retrying tell a throttle from a fault, by the engine's codes."""
    retry = {"error_code": code, "error_message": "m", "attempt": 1, "delay": 1.0}
    poll = poller.events.PollRetrying(**COMMON, **retry, elapsed=1.0)
    rollout = poller.events.RolloutRetrying(
        instance_arn=ARN, until="applied", operation="CreateAccountAssignment", **retry
    )

    assert throttled is poll.throttled is rollout.throttled
