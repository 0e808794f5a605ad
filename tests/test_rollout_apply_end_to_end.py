"""The rollouts over real HTTP, against the simulator with the service's limits on.

The simulator enforces IAM Identity Center's limits (``aws_limits=True``: a collective rate,
15 asynchronous writes IN_PROGRESS per instance, conflicts) and draws each request's duration
from a log-normal. Lifecycles last far longer than any test at the simulator's real-time
clock: the test moves the clock on from the rollout's own events (when its fifteen slots are
full, and once its last write is in), so no verdict depends on the machine's speed. The rate
is scaled (200 a second, for the simulator and the rollout's limiter alike) so that a
120-assignment rollout takes a second or two; its exact pace is tested in virtual time
(tests/test_rollout_pacing.py).
"""

# ruff: noqa: F811  (the fixtures of tests/test_end_to_end.py, imported, are parameters here)
from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import poller
from poller.events import Event, RolloutBlocked, RolloutRequestStarted, RolloutRetrying
from poller.simulator import Simulator, serve_in_thread
from tests.test_end_to_end import NEVER, aws_environment  # noqa: F401  (fixtures)

#: The rate of the simulator's bucket and of the rollout's limiter, per (simulated) second.
RATE = 200.0
#: The median request, in simulated seconds, and the clock's step when the slots are full.
MEDIAN = 600.0
STEP = 300.0
GROUP = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
USER = "94482488-3041-7026-18f3-be45837cd0e4"
#: Pauses between polls, in real seconds: the clock is moved by the test, not by waiting.
PACE: dict[str, Any] = {"min_delay": 0.005, "max_delay": 0.05, "timeout": 120}


@pytest.fixture
def sim() -> Simulator:
    """The service's limits on, log-normal lifecycles (median 600 s, sigma 0.5), real time."""
    return Simulator(
        aws_limits=True,
        aws_rate=RATE,
        aws_burst=20,
        assignment_seconds=MEDIAN,
        assignment_sigma=0.5,
        provisioning_seconds=MEDIAN,
        provisioning_sigma=0.5,
        lifecycle_seed=7,
        seed=7,
    )


@pytest.fixture
def endpoint(sim: Simulator, aws_environment: None) -> Iterator[str]:
    """The simulator on loopback."""
    with serve_in_thread(sim) as server:
        yield server.endpoint_url


def limiter() -> poller.RateLimiter:
    """The rollout's limiter at the simulator's rate."""
    return poller.RateLimiter(rate=RATE, burst=10)


def driver(sim: Simulator, arn: str, writes: int) -> Callable[[Event], None]:
    """An on_event hook that moves the clock on from the rollout's own events.

    While the instance's fifteen slots are full, each event of the rollout (its waits poll
    often) moves the clock ``STEP``: the requests whose drawn duration has passed end, the
    others run on. Once the last of *writes* is in, the clock moves past every lifecycle.
    Records every event in ``hook.seen``.
    """
    seen: list[Event] = []
    started = [0]

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, RolloutRequestStarted):
            started[0] += 1
            if started[0] == writes:
                sim.advance(2 * NEVER)
                return
        if started[0] < writes and sim.outstanding_by_instance().get(arn, 0) >= 15:
            sim.advance(STEP)

    hook.seen = seen  # type: ignore[attr-defined]
    return hook


def plan(permission_set: str, count: int) -> list[poller.Assignment]:
    """*count* assignments: a group in each account, and a user in every fourth."""
    assignments = []
    for i in range(count):
        account = f"{210_000_000_000 + i // 2}"
        principal = ("GROUP", GROUP) if i % 2 == 0 else ("USER", USER)
        assignments.append(poller.Assignment(account, permission_set, *principal))
    return assignments


def in_place(sim: Simulator, arn: str, permission_set: str) -> set[poller.Assignment]:
    """Every assignment of *permission_set* listed now, read off the simulator's state."""
    instance = sim.require(arn)
    now = sim.now()
    return {
        poller.Assignment(a.account_id, a.permission_set_arn, a.principal_type, a.principal_id)
        for (_, set_arn), by_principal in instance.assignments.items()
        if set_arn == permission_set
        for a in by_principal.values()
        if a.exists(now)
    }


def accepted(sim: Simulator, operation: str) -> collections.Counter[poller.Assignment]:
    """The writes of *operation* the endpoint accepted, per assignment, from its request log."""
    return collections.Counter(
        poller.Assignment(
            str(r.target_id), str(r.permission_set_arn), str(r.principal_type), str(r.principal_id)
        )
        for r in sim.requests
        if r.operation == operation and r.status == 200
    )


async def test_120_assignments_created_then_deleted_inside_the_limits(
    sim: Simulator, endpoint: str
) -> None:
    """120 created, then deleted: 15 at most outstanding, none lost, none twice, few throttles.

    Then the same plan again writes nothing: every assignment is unchanged.
    """
    arn = sim.create_instance("rollout", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "ReadOnly")
    assignments = plan(permission_set, 120)
    shared = limiter()

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        created_hook = driver(sim, arn, writes=120)
        created = await poller.apply_account_assignments(
            client, arn, assignments, limiter=shared, on_event=created_hook, **PACE
        )
        counters = sim.limit_counters()
        again = await poller.apply_account_assignments(
            client, arn, assignments, limiter=shared, **PACE
        )
        sim.reset_limit_counters()
        deleted_hook = driver(sim, arn, writes=120)
        deleted = await poller.apply_account_assignments(
            client, arn, assignments, delete=True, limiter=shared, on_event=deleted_hook, **PACE
        )
    deletion_counters = sim.limit_counters()

    assert [poller.Outcome.REACHED] * 120 == [o.outcome for o in created]
    assert all(o.description is not None and o.request_id for o in created)
    assert [poller.Outcome.UNCHANGED] * 120 == [o.outcome for o in again]
    assert [poller.Outcome.REACHED] * 120 == [o.outcome for o in deleted]
    for counted in (counters, deletion_counters):
        assert 15 == counted.peak_outstanding
        assert 0 == counted.throttled_outstanding
        assert 0 == counted.conflicts
        assert counted.throttled_rate <= 3
    assert collections.Counter(assignments) == accepted(sim, "CreateAccountAssignment")
    assert collections.Counter(assignments) == accepted(sim, "DeleteAccountAssignment")
    assert set() == in_place(sim, arn, permission_set)
    for hook in (created_hook, deleted_hook):
        (finished,) = [e for e in hook.seen if isinstance(e, poller.events.RolloutFinished)]  # type: ignore[attr-defined]
        assert (120, 15) == (finished.reached, finished.peak_outstanding)
        # Two principals, sixty assignments each: one page of each one's assignments.
        assert 2 == finished.calls["ListAccountAssignmentsForPrincipal"]
        assert "ListAccountAssignments" not in finished.calls
        assert finished.throttled <= 3


async def test_the_plan_is_in_place_after_creation(sim: Simulator, endpoint: str) -> None:
    """What ListAccountAssignments lists afterwards is the plan, exactly; a failure is AWS's."""
    arn = sim.create_instance("rollout", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "ReadOnly")
    assignments = plan(permission_set, 30)
    suspended = assignments[7]
    sim.fail_assignments("The account is suspended.", account_id=suspended.account_id)

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.apply_account_assignments(
            client, arn, assignments, limiter=limiter(), on_event=driver(sim, arn, 30), **PACE
        )
        listed = set()
        for account in {a.account_id for a in assignments}:
            page = await client.list_account_assignments(
                InstanceArn=arn, AccountId=account, PermissionSetArn=permission_set
            )
            listed |= {poller.Assignment.from_api(a) for a in page["AccountAssignments"]}

    failed = {o.assignment: o for o in outcomes if not o.ok}
    assert {a for a in assignments if a.account_id == suspended.account_id} == set(failed)
    assert all(o.outcome is poller.Outcome.FAILED for o in failed.values())
    assert {"The account is suspended."} == {o.error.reason for o in failed.values() if o.error}
    assert {"The account is suspended."} == {
        o.description.failure_reason for o in failed.values() if o.description
    }
    assert set(assignments) - set(failed) == listed == in_place(sim, arn, permission_set)


async def test_assignments_of_a_permission_set_being_provisioned_wait_out_the_conflict(
    sim: Simulator, endpoint: str
) -> None:
    """A provisioning of the set to every account: the writes meet ConflictException, retry.

    The test ends the provisioning once a conflict has been retried; each assignment is then
    created once.
    """
    arn = sim.create_instance("rollout", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "ReadOnly")
    sim.provision_permission_set(arn, permission_set, seconds=NEVER)
    assignments = plan(permission_set, 4)
    seen: list[Event] = []

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, RolloutRetrying) and event.error_code == "ConflictException":
            sim.advance(2 * NEVER)  # the provisioning ends
        elif isinstance(event, RolloutRequestStarted):
            sim.advance(2 * NEVER)  # the assignment's creation ends

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.apply_account_assignments(
            client, arn, assignments, limiter=limiter(), on_event=hook, **PACE
        )

    assert all(o.ok for o in outcomes)
    assert sim.limit_counters().conflicts >= 1
    assert collections.Counter(assignments) == accepted(sim, "CreateAccountAssignment")
    assert any(isinstance(e, RolloutRetrying) for e in seen)


async def test_a_running_provisioning_is_waited_for_on_the_wire(
    sim: Simulator, endpoint: str
) -> None:
    """ConflictException on ProvisionPermissionSet: the running one ends, then ours succeeds.

    One at a time (``max_outstanding=1``), so that the clock moves only for the request in
    view; the FailureReason of the third comes back.
    """
    arn = sim.create_instance("rollout", create_seconds=0)
    sets = [sim.create_permission_set(arn, name) for name in ("A", "B", "C")]
    running = sim.provision_permission_set(arn, sets[0], seconds=NEVER)
    sim.fail_provisioning("A policy is too large.", permission_set_arn=sets[2])
    seen: list[Event] = []

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, RolloutBlocked | RolloutRequestStarted):
            sim.advance(2 * NEVER)  # the running provisioning ends; then each of ours

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.provision_permission_sets(
            client, arn, sets, max_outstanding=1, limiter=limiter(), on_event=hook, **PACE
        )

    assert ["reached", "reached", "failed"] == [o.outcome for o in outcomes]
    assert running != outcomes[0].request_id
    assert isinstance(outcomes[2].error, poller.PermissionSetProvisioningFailedError)
    assert "A policy is too large." == outcomes[2].error.reason
    (blocked,) = [e for e in seen if isinstance(e, RolloutBlocked)]
    assert (running, sets[0]) == (blocked.request_id, blocked.permission_set_arn)
    writes = [
        (r.permission_set_arn, r.status)
        for r in sim.requests
        if r.operation == "ProvisionPermissionSet"
    ]
    assert [(sets[0], 400), (sets[0], 200)] == [w for w in writes if w[0] == sets[0]]
    assert 1 == sim.limit_counters().conflicts
