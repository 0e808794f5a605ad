"""`poller.look_account_assignments`: a plan looked at once over real HTTP, writing nothing.

The simulator's lifecycles are scripted (done at once, or never over during a test); what each
look sent is read off its request log.
"""

# ruff: noqa: F811  (the fixture of tests/test_end_to_end.py, imported, is a parameter here)
from __future__ import annotations

import math
import time
from collections.abc import Iterator

import pytest

import poller
from poller.events import Event, RolloutRetrying, RolloutUnchanged
from poller.simulator import Fault, Simulator, serve_in_thread
from tests.test_end_to_end import aws_environment  # noqa: F401  (fixture)

ACCOUNTS = ("111122223333", "444455556666", "777788889999")
GROUP = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
USER = "94482488-3041-7026-18f3-be45837cd0e4"
#: Pauses of the look's retries, in real seconds.
PACE = {"min_delay": 0.005, "max_delay": 0.05}


@pytest.fixture
def sim() -> Simulator:
    """A local Identity Center whose requests run on real time (scripted here)."""
    return Simulator()


@pytest.fixture
def endpoint(sim: Simulator, aws_environment: None) -> Iterator[str]:
    """The simulator on loopback."""
    with serve_in_thread(sim) as server:
        yield server.endpoint_url


def instance(sim: Simulator) -> tuple[str, str]:
    """An ACTIVE instance and a permission set of it."""
    arn = sim.create_instance("look", create_seconds=0)
    return arn, sim.create_permission_set(arn, "ReadOnly")


def plan(ps: str, principal: tuple[str, str] = ("GROUP", GROUP)) -> list[poller.Assignment]:
    """The principal in each account."""
    return [poller.Assignment(account, ps, *principal) for account in ACCOUNTS]


def place(sim: Simulator, arn: str, item: poller.Assignment, **lifecycle: object) -> str:
    """Create *item* on the simulator (at once, unless *lifecycle* says otherwise)."""
    return sim.create_account_assignment(
        arn,
        item.permission_set_arn,
        item.account_id,
        principal_type=item.principal_type,
        principal_id=item.principal_id,
        **({"seconds": 0} | lifecycle),  # type: ignore[arg-type]
    )


def sent(sim: Simulator) -> list[str]:
    """The operations the endpoint received, in order."""
    return [record.operation for record in sim.requests]


@pytest.mark.parametrize("principal", [("GROUP", GROUP), ("USER", USER)])
async def test_in_place_is_unchanged_and_the_rest_not_yet(
    sim: Simulator, endpoint: str, principal: tuple[str, str]
) -> None:
    """One listing: what is in place is unchanged, the rest timed out saying not yet."""
    arn, ps = instance(sim)
    items = plan(ps, principal)
    place(sim, arn, items[1])
    seen: list[Event] = []
    told: list[poller.AssignmentOutcome] = []

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.look_account_assignments(
            client, arn, items, on_event=seen.append, on_outcome=told.append, **PACE
        )

    assert [poller.Outcome.TIMED_OUT, poller.Outcome.UNCHANGED, poller.Outcome.TIMED_OUT] == [
        o.outcome for o in outcomes
    ]
    assert items == [o.assignment for o in outcomes]
    assert sorted(outcomes, key=str) == sorted(told, key=str)
    error = outcomes[0].error
    assert isinstance(error, poller.WaitTimeoutError)
    assert f"{items[0]} is not in place yet: looked once, without writing." in error.message
    assert (arn, 1) == (error.instance_arn, error.attempts)
    assert [1] == [e.index for e in seen if isinstance(e, RolloutUnchanged)]
    assert not [e for e in seen if e.name in {"rollout.started", "rollout.finished"}]
    # Three items of one principal: its own listing, once; nothing written, nothing waited on.
    assert ["ListAccountAssignmentsForPrincipal"] == sent(sim)


async def test_a_deletion_is_as_planned_once_absent(sim: Simulator, endpoint: str) -> None:
    """delete=True: absent is unchanged, in place is still there, not yet."""
    arn, ps = instance(sim)
    items = plan(ps)[:2]
    place(sim, arn, items[0])

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.look_account_assignments(client, arn, items, delete=True, **PACE)

    assert [poller.Outcome.TIMED_OUT, poller.Outcome.UNCHANGED] == [o.outcome for o in outcomes]
    assert outcomes[0].error is not None
    assert "is still in place: looked once" in outcomes[0].error.message
    assert ["ListAccountAssignments"] * 2 == sent(sim)  # one per account and permission set


async def test_a_request_in_progress_is_not_yet(sim: Simulator, endpoint: str) -> None:
    """A creation still IN_PROGRESS has not put its assignment in place: not yet, not waited on."""
    arn, ps = instance(sim)
    [item] = plan(ps)[:1]
    place(sim, arn, item, seconds=math.inf)

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        [outcome] = await poller.look_account_assignments(client, arn, [item], **PACE)

    assert poller.Outcome.TIMED_OUT is outcome.outcome
    assert None is outcome.request_id
    assert ["ListAccountAssignments"] == sent(sim)


async def test_a_throttled_listing_is_retried(sim: Simulator, endpoint: str) -> None:
    """Throttling is retried under the deadline (rollout.retrying), then the answer counts."""
    arn, ps = instance(sim)
    [item] = plan(ps)[:1]
    place(sim, arn, item)
    sim.add_fault(Fault.throttling(count=2), operation="ListAccountAssignments")
    seen: list[Event] = []

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        [outcome] = await poller.look_account_assignments(
            client, arn, [item], on_event=seen.append, **PACE
        )

    assert poller.Outcome.UNCHANGED is outcome.outcome
    assert [1, 2] == [e.attempt for e in seen if isinstance(e, RolloutRetrying)]


async def test_a_denied_listing_ends_its_items_denied(sim: Simulator, endpoint: str) -> None:
    """No permission to list: each item is denied, the message naming the operation."""
    arn, ps = instance(sim)
    sim.add_fault(Fault.access_denied(count=None), operation="ListAccountAssignmentsForPrincipal")
    sim.add_fault(Fault.access_denied(count=None), operation="ListAccountAssignments")

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.look_account_assignments(client, arn, plan(ps), **PACE)

    assert [poller.Outcome.DENIED] * 3 == [o.outcome for o in outcomes]
    assert all("sso:ListAccountAssignments" in str(o.error) for o in outcomes)
    # The principal's own listing denied, each pair is listed instead: denied too.
    assert ["ListAccountAssignmentsForPrincipal", *["ListAccountAssignments"] * 3] == sent(sim)


async def test_bad_input_and_a_past_deadline_send_nothing(sim: Simulator, endpoint: str) -> None:
    """Bad assignments are refused, all listed; a deadline already past times every item out."""
    arn, ps = instance(sim)
    bad = [poller.Assignment("1", ps, "GROUP", GROUP), poller.Assignment("2", ps, "ROBOT", GROUP)]

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        with pytest.raises(poller.InvalidArgumentError) as refused:
            await poller.look_account_assignments(client, arn, bad)
        late = await poller.look_account_assignments(
            client, arn, plan(ps), deadline=time.time() - 1
        )

    assert [0, 1, 1] == [index for index, _ in refused.value.problems]
    assert [poller.Outcome.TIMED_OUT] * 3 == [o.outcome for o in late]
    assert [] == sent(sim)
