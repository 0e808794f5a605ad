"""The books of a wait, kept without any I/O: counts, states, and the events they make."""

from __future__ import annotations

import random

import pytest

import poller
from poller._engine._acceptors import Observation
from poller._engine._progress import Progress
from poller._identity import Identity
from poller._resources._instance import INSTANCE
from poller._resources._instance_description import InstanceDescription
from poller._settings import WaitSettings
from poller.events import (
    Event,
    InstanceStatusChanged,
    PollCompleted,
    PollRetrying,
    PollScheduled,
    UnknownStatusSeen,
    WaitCancelled,
    WaitFailed,
    WaitStarted,
    WaitSucceeded,
)
from tests.fakes import ARN, described


class Clock:
    """A clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """The time now."""
        return self.now


def seen(status: str, encryption: str | None = None) -> Observation:
    """An answered poll."""
    return Observation(
        description=InstanceDescription.from_api(described(status, encryption)),
        operation="DescribeInstance",
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def progress(clock: Clock, events: list[Event]) -> Progress:
    settings = WaitSettings.of(defaults=INSTANCE.delays, on_event=events.append)
    return Progress(INSTANCE, Identity(ARN), "active", settings, clock)


def test_states_are_recorded_once_each(
    progress: Progress, clock: Clock, events: list[Event]
) -> None:
    """A repeated state is not new; each change is recorded with its attempt and time."""
    progress.begin(60.0)
    for status, encryption in [("CREATE_IN_PROGRESS", None)] * 2 + [("ACTIVE", "ENABLED")]:
        clock.now += 1.0
        progress.sent()
        progress.answered(seen(status, encryption), 0.05, retrying=False)

    assert 3 == progress.attempts
    assert [("CREATE_IN_PROGRESS", None, 1, 1.0), ("ACTIVE", "ENABLED", 3, 3.0)] == [
        (s.status, s.encryption_status, s.attempt, s.elapsed) for s in progress.history
    ]
    changes = [e for e in events if isinstance(e, InstanceStatusChanged)]
    assert [(None, "CREATE_IN_PROGRESS"), ("CREATE_IN_PROGRESS", "ACTIVE")] == [
        (e.previous_status, e.status) for e in changes
    ]
    assert [1, 2, 3] == [e.attempt for e in events if isinstance(e, PollCompleted)]
    assert isinstance(events[0], WaitStarted)
    assert 60.0 == events[0].timeout


def test_new_state_is_returned_only_when_new(progress: Progress) -> None:
    """``answered`` returns the description for a new state, None for a repeat or an error."""
    first = progress.answered(seen("CREATE_IN_PROGRESS"), 0.01, retrying=False)
    again = progress.answered(seen("CREATE_IN_PROGRESS"), 0.01, retrying=False)
    failed = progress.answered(Observation(error_code="ThrottlingException"), 0.01, retrying=True)

    assert "CREATE_IN_PROGRESS" == first.status
    assert (None, None) == (again, failed)
    assert "ThrottlingException" == progress.last_error.error_code
    assert "CREATE_IN_PROGRESS" == progress.last.status


def test_unknown_status_warns_once_per_value(progress: Progress, events: list[Event]) -> None:
    """A Status this version does not know is an event once per value."""
    for status in ["MIGRATING", "MIGRATING", "ACTIVE", "MIGRATING", "SPLITTING"]:
        progress.answered(seen(status), 0.01, retrying=False)

    assert ["MIGRATING", "SPLITTING"] == [
        e.status for e in events if isinstance(e, UnknownStatusSeen)
    ]


def test_removal_is_noted(progress: Progress) -> None:
    """DELETE_IN_PROGRESS seen once is remembered for the denials that follow."""
    progress.answered(seen("ACTIVE"), 0.01, retrying=False)
    assert not progress.removal_seen

    progress.answered(seen("DELETE_IN_PROGRESS"), 0.01, retrying=False)

    assert progress.removal_seen


def test_gone_is_status_none_once(progress: Progress, events: list[Event]) -> None:
    """A vanished resource is one history entry with status None, and one change event."""
    progress.answered(seen("DELETE_IN_PROGRESS"), 0.01, retrying=False)
    progress.vanished()
    progress.vanished()

    assert ["DELETE_IN_PROGRESS", None] == [s.status for s in progress.history]
    changes = [e for e in events if isinstance(e, InstanceStatusChanged)]
    assert ("DELETE_IN_PROGRESS", None) == (changes[-1].previous_status, changes[-1].status)


def test_gone_before_seen_is_no_change_from_nothing(
    progress: Progress, events: list[Event]
) -> None:
    """Gone before any state was seen: in the history, but no status_changed from null to null."""
    progress.vanished()

    assert [None] == [s.status for s in progress.history]
    assert [] == [e for e in events if isinstance(e, InstanceStatusChanged)]


def test_poll_events_share_a_level() -> None:
    """poll.completed and poll.scheduled share a level: one question a poll serves both."""
    assert PollCompleted.level == PollScheduled.level


def test_pauses_are_events(progress: Progress, events: list[Event]) -> None:
    """Every pause is poll.scheduled; after a transient error, poll.retrying comes first."""
    progress.sent()
    throttled = Observation(error_code="ThrottlingException", error_message="Rate exceeded")
    progress.pausing(2.5, seen("CREATE_IN_PROGRESS"), retrying=False)
    progress.pausing(5.0, throttled, retrying=True)

    scheduled, retrying, rescheduled = events
    assert isinstance(scheduled, PollScheduled)
    assert (1, 2.5) == (scheduled.attempt, scheduled.delay)
    assert isinstance(rescheduled, PollScheduled)
    assert (1, 5.0) == (rescheduled.attempt, rescheduled.delay)
    assert isinstance(retrying, PollRetrying)
    assert ("ThrottlingException", "Rate exceeded", 5.0) == (
        retrying.error_code,
        retrying.error_message,
        retrying.delay,
    )


def test_one_end_event(progress: Progress, events: list[Event]) -> None:
    """Once the wait has ended, a late cancellation emits nothing more."""
    progress.answered(seen("ACTIVE"), 0.01, retrying=False)
    result = progress.succeeded()
    progress.cancelled()

    assert [WaitSucceeded] == [type(e) for e in events if e.name.startswith("wait.")]
    assert "ACTIVE" == result.instance.status
    assert poller.Target.ACTIVE == result.until


def test_failure_and_cancellation_events(clock: Clock, events: list[Event]) -> None:
    """failed() emits wait.failed with the error's class and reason; cancelled() its own."""
    settings = WaitSettings.of(defaults=INSTANCE.delays, on_event=events.append)
    first = Progress(INSTANCE, Identity(ARN), "active", settings, clock)
    error = first.failed(poller.ApiError("x", code="E", instance_arn=ARN, reason="why"))
    second = Progress(INSTANCE, Identity(ARN), "active", settings, clock)
    second.cancelled()

    failed, cancelled = events
    assert isinstance(failed, WaitFailed)
    assert ("ApiError", "why") == (failed.error, failed.reason)
    assert isinstance(cancelled, WaitCancelled)
    assert isinstance(error, poller.ApiError)


def test_margin_ignores_one_slow_answer(progress: Progress) -> None:
    """The room kept before the deadline follows a high percentile, not one outlier."""
    assert 0.01 == progress.margin()
    for _ in range(15):
        progress.answered(seen("CREATE_IN_PROGRESS"), 0.1, retrying=False)
    progress.answered(seen("CREATE_IN_PROGRESS"), 5.0, retrying=False)

    assert progress.margin() < 1.0


def test_margin_never_exceeds_its_ceiling(progress: Progress) -> None:
    """The ceiling kept without sorting (twice the slowest round trip) bounds the margin."""
    generator = random.Random(7)
    assert progress.margin() <= progress.margin_ceiling
    for _ in range(200):
        progress.answered(seen("CREATE_IN_PROGRESS"), generator.expovariate(4), retrying=False)
        assert progress.margin() <= progress.margin_ceiling


def test_margin_with_few_samples_is_the_slowest(progress: Progress) -> None:
    """With few round trips, the slowest one sets the margin (twice it)."""
    progress.answered(seen("CREATE_IN_PROGRESS"), 0.2, retrying=False)
    progress.answered(seen("CREATE_IN_PROGRESS"), 0.5, retrying=False)

    assert 1.0 == pytest.approx(progress.margin())
