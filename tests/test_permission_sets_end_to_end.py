"""permission-sets-enabled over real HTTP, on every supported stack, by its name alone.

The legs and fixtures of ``tests/test_end_to_end.py``: a real aiobotocore client against the
local endpoint, served from a thread. The resource is only ever named
(``poller.wait(client, "permission-sets-enabled", arn)``): no waiter of its own exists.
Enabling outlasts any test; the test ends it (moves the simulated clock) once the wait has seen
it under way, so no verdict depends on the machine's speed.
"""

# ruff: noqa: F811  (the fixtures of tests/test_end_to_end.py, imported, are parameters here)
from __future__ import annotations

from contextlib import aclosing
from typing import Any

import pytest

import poller
from poller.events import Event, PollCompleted, StatusChanged, UnknownStatus
from poller.simulator import Fault, Simulator
from tests.test_end_to_end import (  # noqa: F401  (fixtures)
    FAST,
    NEVER,
    NEVER_EXISTED,
    Leg,
    anyio_backend,
    aws_environment,
    leg,
    sim,
)

KIND = poller.resources["permission-sets-enabled"]


def finish_when_seen(sim: Simulator, status: str, seen: list[Event]) -> Any:
    """An on_event hook that records every event and ends enabling once *status* is seen."""

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, KIND.status_changed) and event.status == status:
            sim.advance(2 * NEVER)

    return hook


@pytest.mark.real_time
async def test_enabled_after_update_instance(sim: Simulator, leg: Leg) -> None:
    """UpdateInstance starts it: NOT_ENABLED waits, ENABLED succeeds, with its own events."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.permission_sets_seconds = NEVER
    events: list[Event] = []

    async def scenario(client: Any) -> poller.WaitResult:
        await client.update_instance(InstanceArn=arn, PermissionSetsEnabled=True)
        hook = finish_when_seen(sim, "NOT_ENABLED", events)
        return await poller.wait(client, "permission-sets-enabled", arn, on_event=hook, **FAST)

    result = await leg.run(scenario)

    assert ["NOT_ENABLED", "ENABLED"] == [s.status for s in result.history]
    assert ("enabled", "ACTIVE", True) == (
        result.until,
        result.description.instance.status,
        result.description.instance.permission_sets_enabled,
    )
    assert (result.attempts, 1) == (
        sim.calls("DescribeInstance", arn),
        sim.calls("UpdateInstance", arn),
    )
    changes = [(e.previous_status, e.status) for e in events if isinstance(e, StatusChanged)]
    assert [(None, "NOT_ENABLED"), ("NOT_ENABLED", "ENABLED")] == changes
    assert {"permission_sets_enabled.status_changed"} == {
        e.name for e in events if isinstance(e, StatusChanged)
    }


@pytest.mark.real_time
async def test_watch_sees_not_enabled_then_enabled(sim: Simulator, leg: Leg) -> None:
    """poller.watch yields each distinct state; the test ends enabling after the first."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.enable_permission_sets(arn, seconds=NEVER)

    async def scenario(client: Any) -> list[object]:
        statuses = []
        watcher = poller.watch(client, "permission-sets-enabled", arn, **FAST)
        async with aclosing(watcher) as states:
            async for description in states:
                statuses.append(description.status)
                sim.advance(2 * NEVER)
        return statuses

    assert ["NOT_ENABLED", "ENABLED"] == await leg.run(scenario)


@pytest.mark.real_time
async def test_look_and_meets(sim: Simulator, leg: Leg) -> None:
    """poller.look describes it once; the kind says whether that meets `enabled`."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.enable_permission_sets(arn, seconds=NEVER)

    async def scenario(client: Any) -> tuple[Any, Any]:
        before = await poller.look(client, "permission-sets-enabled", arn)
        sim.advance(2 * NEVER)
        return before, await poller.look(client, KIND, arn)

    before, after = await leg.run(scenario)

    who = KIND.identity(arn)
    assert ("NOT_ENABLED", False) == (before.status, KIND.meets(before, who))
    assert ("ENABLED", True) == (after.status, KIND.meets(after, who))


async def test_wait_many(sim: Simulator, leg: Leg) -> None:
    """poller.wait_many waits on several instances; each outcome is its own."""
    ready = sim.create_instance("ready", create_seconds=0)
    sim.enable_permission_sets(ready, seconds=0)
    failed = sim.create_instance("failed", create_seconds=0, fail_reason="Quota reached")

    outcomes = await leg.run(
        lambda c: poller.wait_many("permission-sets-enabled", [(c, ready), (c, failed)], **FAST)
    )

    assert [(ready, True), (failed, False)] == [(o.instance_arn, o.ok) for o in outcomes]
    assert isinstance(outcomes[1].error, poller.InstanceCreateFailedError)


async def test_unknown_status_waits_and_warns_once(sim: Simulator, leg: Leg) -> None:
    """An instance Status this version does not know is waited through, warned of once."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.enable_permission_sets(arn, seconds=0)
    sim.set_status(arn, "MIGRATING")
    events: list[Event] = []

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, PollCompleted) and event.attempt == 3:
            sim.set_status(arn, None)  # the migration ends: ACTIVE again

    result = await leg.run(
        lambda c: poller.wait(c, "permission-sets-enabled", arn, on_event=hook, **FAST)
    )

    warnings = [e for e in events if isinstance(e, UnknownStatus)]
    assert ["MIGRATING", "ENABLED"] == [s.status for s in result.history]
    assert [("permission_sets_enabled.unknown_status", "MIGRATING")] == [
        (e.name, e.status) for e in warnings
    ]
    assert 4 == result.attempts


async def test_create_failed(sim: Simulator, leg: Leg) -> None:
    """CREATE_FAILED raises InstanceCreateFailedError with the StatusReason."""
    arn = sim.create_instance("e2e", create_seconds=0, fail_reason="Organization limit reached")

    with pytest.raises(poller.InstanceCreateFailedError) as caught:
        await leg.run(lambda c: poller.wait(c, "permission-sets-enabled", arn, **FAST))

    assert ("Organization limit reached", arn) == (caught.value.reason, caught.value.instance_arn)


@pytest.mark.real_time
async def test_deleted_while_waiting(sim: Simulator, leg: Leg) -> None:
    """An instance being deleted never gets there: InstanceDeletedError."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.enable_permission_sets(arn, seconds=NEVER)
    sim.delete_instance(arn, delete_seconds=NEVER)

    with pytest.raises(poller.InstanceDeletedError, match="DELETE_IN_PROGRESS"):
        await leg.run(lambda c: poller.wait(c, "permission-sets-enabled", arn, **FAST))


async def test_never_existed(sim: Simulator, leg: Leg) -> None:
    """Denied and not listed by ListInstances: ResourceNotFoundError, asked once."""
    with pytest.raises(poller.ResourceNotFoundError, match="ListInstances does not list it"):
        await leg.run(lambda c: poller.wait(c, "permission-sets-enabled", NEVER_EXISTED, **FAST))

    assert 1 == sim.calls("ListInstances")


async def test_kms_access_denied(sim: Simulator, leg: Leg) -> None:
    """AccessDenied with a KMS_ Reason is the key policy's: AccessDeniedError, kms set."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_fault(Fault.access_denied(count=None, kms=True), instance_arn=arn)

    with pytest.raises(poller.AccessDeniedError) as caught:
        await leg.run(lambda c: poller.wait(c, "permission-sets-enabled", arn, **FAST))

    assert (True, "KMS_AccessDeniedException") == (caught.value.kms, caught.value.reason)
    assert f"the permission sets of instance {arn}" in str(caught.value)
