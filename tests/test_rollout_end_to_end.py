"""Every row of the rollout resources' tables, over real HTTP, on every supported stack.

The legs of ``tests/test_end_to_end.py`` (asyncio with aiohttp and httpx, trio with httpx) and
its fixtures: a real aiobotocore client against the local endpoint, served from a thread.
Lifecycles outlast any test; a status_changed hook finishes them once the in-between state has
been seen, so no verdict depends on the machine's speed. (A Region gone after REMOVING while
waiting for ``active`` cannot be reached over HTTP: REMOVING has already failed that wait; its
cell is tested in tests/test_rollout_acceptors.py.)
"""

# ruff: noqa: F811  (the fixtures of tests/test_end_to_end.py, imported, are parameters here)
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import poller
from poller.events import (
    AccessControlAttributesStatusChanged,
    AccountAssignmentStatusChanged,
    AccountAssignmentUnknownStatus,
    Event,
    PermissionSetProvisioningStatusChanged,
    PollRetrying,
    RegionStatusChanged,
    RegionUnknownStatus,
    WaitSucceeded,
)
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

REGION = "eu-west-1"
MISSING_REQUEST = "00000000-0000-4000-8000-000000000000"


def finish_on(sim: Simulator, event_type: type[Event], status: str) -> Callable[[Event], None]:
    """An on_event hook that ends every lifecycle once *status* has been seen, recording all."""
    seen: list[Event] = []

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, event_type) and getattr(event, "status", None) == status:
            sim.advance(2 * NEVER)

    hook.seen = seen  # type: ignore[attr-defined]
    return hook


# -- Regions -----------------------------------------------------------------------------------


@pytest.mark.real_time
async def test_region_adding_then_active(sim: Simulator, leg: Leg) -> None:
    """ADDING waits, ACTIVE succeeds; events carry region_name."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=NEVER)
    hook = finish_on(sim, RegionStatusChanged, "ADDING")

    result = await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, on_event=hook, **FAST))

    assert ["ADDING", "ACTIVE"] == [s.status for s in result.history]
    assert (REGION, False) == (result.description.region_name, result.description.is_primary_region)
    assert result.attempts == sim.calls("DescribeRegion", arn, region_name=REGION)
    events: list[Event] = hook.seen  # type: ignore[attr-defined]
    assert all((e.instance_arn, e.region_name) == (arn, REGION) for e in events)
    assert {"region_name": REGION} | {"instance_arn": arn} == {
        k: v for k, v in events[0].fields().items() if k in ("region_name", "instance_arn")
    }


@pytest.mark.real_time
async def test_region_removing_then_removed(sim: Simulator, leg: Leg) -> None:
    """REMOVING waits for removed; ResourceNotFound after it is success, status None."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=0)
    sim.remove_region(arn, REGION, seconds=NEVER)
    hook = finish_on(sim, RegionStatusChanged, "REMOVING")

    result = await leg.run(
        lambda c: poller.wait_for_region(c, arn, REGION, until="removed", on_event=hook, **FAST)
    )

    assert ["REMOVING", None] == [s.status for s in result.history]
    assert result.description is None


@pytest.mark.real_time
async def test_region_removing_fails_active(sim: Simulator, leg: Leg) -> None:
    """REMOVING while waiting for active: RegionRemovedError with the Region's identity."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=0)
    sim.remove_region(arn, REGION, seconds=NEVER)

    with pytest.raises(poller.RegionRemovedError) as caught:
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))

    assert (arn, REGION) == (caught.value.instance_arn, caught.value.region_name)
    assert "REMOVING" in str(caught.value)


async def test_region_never_added(sim: Simulator, leg: Leg) -> None:
    """Not found and not listed: ResourceNotFoundError for active, success for removed."""
    arn = sim.create_instance("e2e", create_seconds=0)

    with pytest.raises(poller.ResourceNotFoundError) as caught:
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))
    result = await leg.run(
        lambda c: poller.wait_for_region(c, arn, REGION, until="removed", **FAST)
    )

    assert REGION == caught.value.region_name
    assert [None] == [s.status for s in result.history]
    assert 2 == sim.calls("ListRegions", arn)


async def test_region_not_found_and_listing_denied(sim: Simulator, leg: Leg) -> None:
    """Not found, and ListRegions denied: AccessDeniedError asking for ListRegions alone."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_fault(
        Fault.error("AccessDeniedException", status=400, count=1), operation="ListRegions"
    )

    with pytest.raises(poller.AccessDeniedError) as caught:
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))

    message = str(caught.value)
    assert "DescribeRegion answered ResourceNotFoundException" in message
    assert "grant sso:ListRegions." in message
    assert "sso:DescribeRegion" not in message
    assert REGION == caught.value.region_name


async def test_region_not_found_but_listed_is_retried(sim: Simulator, leg: Leg) -> None:
    """DescribeRegion not finding a Region ListRegions lists: asked again."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=0)
    sim.add_fault(
        Fault.error("ResourceNotFoundException", status=400, count=2), operation="DescribeRegion"
    )

    result = await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))

    assert "ACTIVE" == result.description.status
    assert 3 == result.attempts
    assert 2 == sim.calls("ListRegions", arn)


async def test_region_unknown_status_and_denied(sim: Simulator, leg: Leg) -> None:
    """An unknown Status waits with one warning; AccessDenied (any Reason) fails."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=0)
    sim.set_region_status(arn, REGION, "MIGRATING")
    events: list[Event] = []

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, RegionUnknownStatus):
            sim.set_region_status(arn, REGION, None)

    result = await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, on_event=hook, **FAST))
    sim.add_fault(Fault.access_denied(count=None), operation="DescribeRegion")
    with pytest.raises(poller.AccessDeniedError):
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))

    assert ["MIGRATING", "ACTIVE"] == [s.status for s in result.history]
    assert 1 == sum(isinstance(e, RegionUnknownStatus) for e in events)
    # A Region has no encryption status: its poll.completed carries none.
    completed = [e.fields() for e in events if e.name == "poll.completed"]
    assert all("encryption_status" not in fields for fields in completed)
    assert {"MIGRATING", "ACTIVE"} == {fields["status"] for fields in completed}


async def test_region_transient_validation_and_other(sim: Simulator, leg: Leg) -> None:
    """Throttling is retried; ValidationException → InvalidArgumentError; others ApiError."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_region(arn, REGION, seconds=0)
    sim.add_fault(Fault.throttling(count=2), operation="DescribeRegion")
    events: list[Event] = []

    result = await leg.run(
        lambda c: poller.wait_for_region(c, arn, REGION, on_event=events.append, **FAST)
    )
    sim.add_fault(Fault.validation(count=1, message="bad"), operation="DescribeRegion")
    with pytest.raises(poller.InvalidArgumentError, match="bad"):
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))
    sim.add_fault(Fault.error("ExpiredTokenException", status=403, count=1))
    with pytest.raises(poller.ApiError):
        await leg.run(lambda c: poller.wait_for_region(c, arn, REGION, **FAST))

    assert "ACTIVE" == result.description.status
    assert 2 == sum(isinstance(e, PollRetrying) for e in events)


# -- attribute-based access control ------------------------------------------------------------


@pytest.mark.real_time
async def test_access_control_in_progress_then_enabled(sim: Simulator, leg: Leg) -> None:
    """CREATION_IN_PROGRESS waits, ENABLED succeeds."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.create_access_control_attributes(arn, seconds=NEVER)
    hook = finish_on(sim, AccessControlAttributesStatusChanged, "CREATION_IN_PROGRESS")

    result = await leg.run(
        lambda c: poller.wait_for_access_control_attributes(c, arn, on_event=hook, **FAST)
    )

    assert ["CREATION_IN_PROGRESS", "ENABLED"] == [s.status for s in result.history]


async def test_access_control_failed_and_missing(sim: Simulator, leg: Leg) -> None:
    """CREATION_FAILED carries the StatusReason; no configuration is ResourceNotFoundError."""
    arn = sim.create_instance("e2e", create_seconds=0)
    other = sim.create_instance("other", create_seconds=0)
    sim.create_access_control_attributes(arn, seconds=0, fail_reason="No such source.")

    with pytest.raises(poller.AccessControlAttributesFailedError) as failed:
        await leg.run(lambda c: poller.wait_for_access_control_attributes(c, arn, **FAST))
    with pytest.raises(poller.ResourceNotFoundError):
        await leg.run(lambda c: poller.wait_for_access_control_attributes(c, other, **FAST))

    assert "No such source." == failed.value.reason


# -- requests ----------------------------------------------------------------------------------


@pytest.mark.real_time
async def test_provisioning_in_progress_then_succeeded(sim: Simulator, leg: Leg) -> None:
    """IN_PROGRESS waits, SUCCEEDED succeeds; the description is the status object."""
    arn = sim.create_instance("e2e", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    request_id = sim.provision_permission_set(arn, permission_set, seconds=NEVER)
    hook = finish_on(sim, PermissionSetProvisioningStatusChanged, "IN_PROGRESS")

    result = await leg.run(
        lambda c: poller.wait_for_permission_set_provisioning(
            c, arn, request_id, on_event=hook, **FAST
        )
    )

    assert ["IN_PROGRESS", "SUCCEEDED"] == [s.status for s in result.history]
    assert (request_id, permission_set) == (
        result.description.request_id,
        result.description.permission_set_arn,
    )
    events: list[Event] = hook.seen  # type: ignore[attr-defined]
    assert all(e.request_id == request_id for e in events)


@pytest.mark.parametrize("kind", ["creation", "deletion"])
@pytest.mark.real_time
async def test_assignment_in_progress_then_failed(sim: Simulator, leg: Leg, kind: str) -> None:
    """IN_PROGRESS waits; FAILED raises AccountAssignmentFailedError with its FailureReason."""
    arn = sim.create_instance("e2e", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    start = sim.create_account_assignment if kind == "creation" else sim.delete_account_assignment
    wait = (
        poller.wait_for_account_assignment_creation
        if kind == "creation"
        else poller.wait_for_account_assignment_deletion
    )
    request_id = start(
        arn, permission_set, "111122223333", seconds=NEVER, fail_reason="Account is suspended."
    )
    hook = finish_on(sim, AccountAssignmentStatusChanged, "IN_PROGRESS")

    with pytest.raises(poller.AccountAssignmentFailedError) as caught:
        await leg.run(lambda c: wait(c, arn, request_id, on_event=hook, **FAST))

    assert ("Account is suspended.", request_id) == (caught.value.reason, caught.value.request_id)
    assert "Account is suspended" in str(caught.value)
    events: list[Event] = hook.seen  # type: ignore[attr-defined]
    changes = [e for e in events if isinstance(e, AccountAssignmentStatusChanged)]
    assert [("IN_PROGRESS", ()), ("FAILED", ("Account is suspended.",))] == [
        (e.status, e.reasons) for e in changes
    ]
    operation = f"DescribeAccountAssignment{kind.title()}Status"
    assert caught.value.attempts == sim.calls(operation, arn, request_id=request_id)


async def test_request_unknown_status_missing_and_denied(sim: Simulator, leg: Leg) -> None:
    """Unknown Status waits with one warning; no such request; AccessDenied."""
    arn = sim.create_instance("e2e", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    request_id = sim.create_account_assignment(arn, permission_set, "111122223333", seconds=0)
    sim.set_request_status(request_id, "QUEUED")
    events: list[Event] = []

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, AccountAssignmentUnknownStatus):
            sim.set_request_status(request_id, None)

    result = await leg.run(
        lambda c: poller.wait_for_account_assignment_creation(
            c, arn, request_id, on_event=hook, **FAST
        )
    )
    with pytest.raises(poller.ResourceNotFoundError) as missing:
        await leg.run(
            lambda c: poller.wait_for_account_assignment_creation(c, arn, MISSING_REQUEST, **FAST)
        )
    sim.add_fault(Fault.access_denied(count=None), request_id=request_id)
    with pytest.raises(poller.AccessDeniedError):
        await leg.run(
            lambda c: poller.wait_for_account_assignment_creation(c, arn, request_id, **FAST)
        )

    assert ["QUEUED", "SUCCEEDED"] == [s.status for s in result.history]
    assert 1 == sum(isinstance(e, AccountAssignmentUnknownStatus) for e in events)
    assert any(isinstance(e, AccountAssignmentStatusChanged) for e in events)
    assert any(isinstance(e, WaitSucceeded) and e.request_id == request_id for e in events)
    assert MISSING_REQUEST == missing.value.request_id


async def test_many_requests_over_http(sim: Simulator, leg: Leg) -> None:
    """wait_for_requests: one outcome per request, in input order, failures included."""
    arn = sim.create_instance("e2e", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    accounts = [f"1111222233{n:02d}" for n in range(12)]
    ids = [
        sim.create_account_assignment(
            arn,
            permission_set,
            account,
            seconds=0,
            fail_reason="Account is suspended." if n == 5 else None,
        )
        for n, account in enumerate(accounts)
    ]

    outcomes = await leg.run(
        lambda c: poller.wait_for_requests(c, arn, ids, kind="account-assignment-creation", **FAST)
    )

    assert ids == [o.request_id for o in outcomes]
    assert [n != 5 for n in range(12)] == [o.ok for o in outcomes]
    assert isinstance(outcomes[5].error, poller.AccountAssignmentFailedError)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, arn: poller.wait_for_region(c, arn, "EU-WEST-1"),
        lambda c, arn: poller.wait_for_permission_set_provisioning(c, arn, "NOT-A-UUID"),
        lambda c, arn: poller.wait_for_account_assignment_deletion(
            c, arn, "B2A5E1F0-4C3D-4E5F-8A9B-0C1D2E3F4A5B"
        ),
        lambda c, arn: poller.wait_for_requests(c, arn, ["x"], kind="account-assignment-creation"),
    ],
    ids=["region", "provisioning", "deletion", "many"],
)
async def test_bad_identifiers_send_nothing(
    sim: Simulator, leg: Leg, call: Callable[[Any, str], Any]
) -> None:
    """A malformed Region name or request ID is refused before any request."""
    arn = sim.create_instance("e2e", create_seconds=0)
    before = sim.request_count

    with pytest.raises(poller.InvalidArgumentError):
        await leg.run(lambda c: call(c, arn))

    assert before == sim.request_count


async def test_provisioning_failed_carries_the_reason(sim: Simulator, leg: Leg) -> None:
    """FAILED: PermissionSetProvisioningFailedError with FailureReason and the request ID."""
    arn = sim.create_instance("e2e", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "Admins")
    request_id = sim.provision_permission_set(
        arn, permission_set, seconds=0, fail_reason="Policy is too large."
    )

    with pytest.raises(poller.PermissionSetProvisioningFailedError) as caught:
        await leg.run(
            lambda c: poller.wait_for_permission_set_provisioning(c, arn, request_id, **FAST)
        )

    assert ("Policy is too large.", request_id) == (caught.value.reason, caught.value.request_id)


@pytest.mark.parametrize("resource", ["access-control", "request"])
async def test_shared_rows_over_http(sim: Simulator, leg: Leg, resource: str) -> None:
    """Transient errors retried; AccessDenied, ValidationException and others fail."""
    arn = sim.create_instance("e2e", create_seconds=0)
    if resource == "access-control":
        sim.create_access_control_attributes(arn, seconds=0)
        operation = "DescribeInstanceAccessControlAttributeConfiguration"

        def wait(client: Any, **settings: Any) -> Any:
            return poller.wait_for_access_control_attributes(client, arn, **settings)
    else:
        permission_set = sim.create_permission_set(arn, "Admins")
        request_id = sim.provision_permission_set(arn, permission_set, seconds=0)
        operation = "DescribePermissionSetProvisioningStatus"

        def wait(client: Any, **settings: Any) -> Any:
            return poller.wait_for_permission_set_provisioning(client, arn, request_id, **settings)

    sim.add_fault(Fault.internal_error(count=2), operation=operation)
    events: list[Event] = []
    result = await leg.run(lambda c: wait(c, on_event=events.append, **FAST))
    assert 2 == sum(isinstance(e, PollRetrying) for e in events)
    assert 3 == result.attempts

    for fault, error in [
        (Fault.access_denied(count=1), poller.AccessDeniedError),
        (Fault.validation(count=1, message="bad input"), poller.InvalidArgumentError),
        (Fault.error("ExpiredTokenException", status=403, count=1), poller.ApiError),
    ]:
        sim.add_fault(fault, operation=operation)
        with pytest.raises(error):
            await leg.run(lambda c: wait(c, **FAST))
