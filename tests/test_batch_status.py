"""Many requests on one instance: a List…Status page says which are still IN_PROGRESS.

Over real HTTP against the local endpoint, on every stack (the legs of
``tests/test_end_to_end.py``). Lifecycles outlast any test; a hook finishes them once every
request has been seen IN_PROGRESS, so no verdict depends on the machine's speed.
"""

# ruff: noqa: F811  (the fixtures of tests/test_end_to_end.py, imported, are parameters here)
from __future__ import annotations

from collections.abc import Callable

import pytest

import poller
from poller.events import AccountAssignmentStatusChanged, Event, PollCompleted
from poller.simulator import Fault, Simulator
from tests.test_end_to_end import (  # noqa: F401  (fixtures)
    FAST,
    NEVER,
    Leg,
    anyio_backend,
    aws_environment,
    leg,
    sim,
)

pytestmark = pytest.mark.real_time

COUNT = 40
DESCRIBE = "DescribeAccountAssignmentCreationStatus"
LIST = "ListAccountAssignmentCreationStatus"


def requests(sim: Simulator, count: int = COUNT) -> tuple[str, list[str]]:
    """An instance and *count* assignment creations that stay IN_PROGRESS until advanced."""
    arn = sim.create_instance("batch", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    ids = [
        sim.create_account_assignment(arn, permission_set, f"{n:012d}", seconds=NEVER)
        for n in range(count)
    ]
    return arn, ids


def finish_once_all_seen(
    sim: Simulator, count: int, events: list[Event]
) -> Callable[[Event], None]:
    """A hook that records every event, and ends the lifecycles once *count* are in progress."""
    in_progress: set[str | None] = set()

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, AccountAssignmentStatusChanged) and event.status == "IN_PROGRESS":
            in_progress.add(event.request_id)
            if len(in_progress) == count:
                sim.advance(2 * NEVER)

    return hook


async def test_a_request_in_progress_is_listed_not_described(sim: Simulator, leg: Leg) -> None:
    """Forty requests: one Describe each, for the final state; List pages for the rest."""
    arn, ids = requests(sim)
    events: list[Event] = []
    hook = finish_once_all_seen(sim, COUNT, events)

    outcomes = await leg.run(
        lambda c: poller.wait_for_requests(
            c, arn, ids, kind="account-assignment-creation", on_event=hook, **FAST
        )
    )

    assert all(o.ok for o in outcomes)
    assert sim.calls(DESCRIBE, arn) <= 1.2 * COUNT
    assert sim.calls(LIST, arn) >= 1
    for outcome in outcomes:
        assert outcome.result is not None
        assert ["IN_PROGRESS", "SUCCEEDED"] == [s.status for s in outcome.result.history]
        assert outcome.result.attempts == sim.calls(DESCRIBE, arn, request_id=outcome.request_id)
        assert "SUCCEEDED" == outcome.result.description.status
        assert outcome.result.description.target_id is not None  # the Describe's whole answer
    completed = [e for e in events if isinstance(e, PollCompleted)]
    assert sim.calls(DESCRIBE, arn) == len(completed)  # poll.completed: each Describe answer


async def test_a_denied_listing_falls_back_to_describing(sim: Simulator, leg: Leg) -> None:
    """ListAccountAssignmentCreationStatus denied: every request is described, same outcome."""
    arn, ids = requests(sim, 5)
    sim.add_fault(Fault.access_denied(count=None), operation=LIST)
    events: list[Event] = []
    hook = finish_once_all_seen(sim, 5, events)

    outcomes = await leg.run(
        lambda c: poller.wait_for_requests(
            c, arn, ids, kind="account-assignment-creation", on_event=hook, **FAST
        )
    )

    assert all(o.ok for o in outcomes)
    assert 1 == sim.calls(LIST, arn)  # denied once: never asked again
    for outcome in outcomes:
        assert outcome.result is not None
        assert ["IN_PROGRESS", "SUCCEEDED"] == [s.status for s in outcome.result.history]
        assert outcome.result.attempts >= 2  # described while in progress, and at the end


async def test_one_request_is_described_as_before(sim: Simulator, leg: Leg) -> None:
    """A single request needs no listing: it is described, as it always was."""
    arn, ids = requests(sim, 1)
    events: list[Event] = []
    hook = finish_once_all_seen(sim, 1, events)

    outcomes = await leg.run(
        lambda c: poller.wait_for_requests(
            c, arn, ids, kind="account-assignment-creation", on_event=hook, **FAST
        )
    )

    assert all(o.ok for o in outcomes)
    assert 0 == sim.calls(LIST, arn)
