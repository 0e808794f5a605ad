"""The rollouts' pacing, in virtual time against a stand-in that enforces the service's limits.

Every test runs on trio's MockClock (the ``virtual_time`` marker): a rollout of a hundred
assignments whose requests last thirty seconds each takes no real time, and its timings are
exact. The stand-in (tests/fake_identity_center.py) counts what the limits refused.
"""

from __future__ import annotations

import collections

import anyio
import pytest
from botocore.exceptions import EndpointConnectionError

import poller
from poller import events
from tests.fake_identity_center import (
    ARN,
    GROUP,
    OTHER_SET,
    PERMISSION_SET,
    USER,
    FakeIdentityCenter,
)
from tests.fakes import client_error

pytestmark = pytest.mark.virtual_time


def plan(count: int, *, permission_set: str = PERMISSION_SET) -> list[poller.Assignment]:
    """*count* assignments of one group, an account each."""
    return [
        poller.Assignment(f"{210_000_000_000 + i}", permission_set, "GROUP", GROUP)
        for i in range(count)
    ]


def names(seen: list[events.Event]) -> collections.Counter[str]:
    """How many events of each name."""
    return collections.Counter(event.name for event in seen)


async def test_a_hundred_assignments_keep_fifteen_outstanding_and_twenty_a_second(
    events: list[events.Event],
) -> None:
    """100 assignments of 30 s each: 15 at a time, 20 calls a second at most, no throttle.

    Seven rounds of at most 15 thirty-second requests, so a little over 210 s; each request
    is written once and described about once (its final state): the rest is read off the
    shared List…Status sweeps.
    """
    center = FakeIdentityCenter(seconds=30.0)
    started = anyio.current_time()

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(100), timeout=3600, on_event=events.append
    )

    elapsed = anyio.current_time() - started
    assert [poller.Outcome.REACHED] * 100 == [o.outcome for o in outcomes]
    assert 15 == center.peak
    assert (0, 0, 0) == (center.throttled_rate, center.throttled_outstanding, center.conflicts)
    assert center.busiest_second() <= 20 + 10  # the limiter: 20 a second, 10 at once at most
    assert 7 * 30 <= elapsed < 7 * 30 + 30
    assert 100 == center.count("CreateAccountAssignment")
    # One principal: its own assignments listed once (a page), not a hundred pairs.
    assert (1, 0) == (
        center.count("ListAccountAssignmentsForPrincipal"),
        center.count("ListAccountAssignments"),
    )
    assert 100 <= center.count("DescribeAccountAssignmentCreationStatus") <= 110
    (finished,) = [e for e in events if isinstance(e, poller.events.RolloutFinished)]
    assert (100, 0, 0, 15, 0) == (
        finished.reached,
        finished.unchanged,
        finished.failed,
        finished.peak_outstanding,
        finished.throttled,
    )
    assert center.count("CreateAccountAssignment") == finished.calls["CreateAccountAssignment"]
    sweeps = center.count("ListAccountAssignmentCreationStatus")
    assert sweeps == finished.calls["ListAccountAssignmentCreationStatus"]
    assert len(center.calls) == sum(finished.calls.values())


async def test_max_outstanding_lower_than_the_limit_is_kept() -> None:
    """max_outstanding=4: never more than four requests IN_PROGRESS."""
    center = FakeIdentityCenter(seconds=10.0)

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(20), max_outstanding=4, timeout=3600
    )

    assert all(o.ok for o in outcomes)
    assert 4 == center.peak


async def test_requests_of_others_count_against_the_service_limit(
    events: list[events.Event],
) -> None:
    """Someone else's ten writes in progress: ours meet the limit, are throttled and retried.

    Every throttle halves the rollout's limiter; each write is sent again after its backoff
    (``rollout.retrying``), and every assignment is created once.
    """
    center = FakeIdentityCenter(seconds=30.0)
    for account in range(10):
        center.start(
            "creation", (f"{310_000_000_000 + account}", OTHER_SET, "USER", USER), OTHER_SET
        )
    limiter = poller.RateLimiter(rate=20)

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(30), timeout=3600, limiter=limiter, on_event=events.append
    )

    assert all(o.ok for o in outcomes)
    assert 15 == center.peak
    assert center.throttled_outstanding > 0
    assert 30 == len(center.accepted)
    retried = [e for e in events if isinstance(e, poller.events.RolloutRetrying)]
    assert retried
    assert {"ThrottlingException"} == {e.error_code for e in retried}
    assert all(e.delay >= 1.0 for e in retried)  # min_delay 1 s, doubled after a throttle
    (finished,) = [e for e in events if isinstance(e, poller.events.RolloutFinished)]
    assert center.throttled_outstanding == finished.throttled


async def test_a_throttle_halves_the_shared_limiter() -> None:
    """ThrottlingException (the rate) on a write reaches the limiter every call goes through."""
    center = FakeIdentityCenter(seconds=5.0)
    center.fault(
        "CreateAccountAssignment",
        client_error("ThrottlingException", "Rate exceeded", operation="CreateAccountAssignment"),
    )
    limiter = poller.RateLimiter(rate=20)
    rates: list[float] = []

    def watch(event: events.Event) -> None:
        if isinstance(event, poller.events.RolloutRetrying):
            rates.append(limiter.rate)

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(3), timeout=600, limiter=limiter, on_event=watch
    )

    assert all(o.ok for o in outcomes)
    assert [10.0] == rates


async def test_a_conflict_is_retried_after_a_pause(events: list[events.Event]) -> None:
    """ConflictException on a write: paused (min_delay 1 s or more), sent again, created once."""
    center = FakeIdentityCenter(seconds=5.0)
    conflict = client_error(
        "ConflictException",
        "There is a conflicting operation in process.",
        operation="CreateAccountAssignment",
    )
    center.fault("CreateAccountAssignment", conflict, conflict)

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(1), timeout=600, on_event=events.append
    )

    assert outcomes[0].ok
    retried = [e for e in events if isinstance(e, poller.events.RolloutRetrying)]
    assert [1, 2] == [e.attempt for e in retried]
    assert {"ConflictException"} == {e.error_code for e in retried}
    (started,) = [e for e in events if isinstance(e, poller.events.RolloutRequestStarted)]
    assert (3, 0) == (started.attempts, started.index)


async def test_assignments_in_place_are_unchanged_without_a_write(
    events: list[events.Event],
) -> None:
    """Run again, the same plan writes nothing: every assignment is listed already."""
    center = FakeIdentityCenter(seconds=5.0)
    assignments = plan(5)
    await poller.apply_account_assignments(center, ARN, assignments, timeout=600)
    writes = len(center.accepted)

    outcomes = await poller.apply_account_assignments(
        center, ARN, assignments, timeout=600, on_event=events.append
    )

    assert [poller.Outcome.UNCHANGED] * 5 == [o.outcome for o in outcomes]
    assert all(o.ok and o.request_id is None and o.description is None for o in outcomes)
    assert writes == len(center.accepted)
    assert 5 == names(events)["rollout.unchanged"]


async def test_requests_in_progress_of_the_plan_are_adopted(events: list[events.Event]) -> None:
    """A crashed run's requests IN_PROGRESS are waited on, never sent again.

    Twenty of them, with max_outstanding 15: they hold the slots as they run (the peak is
    theirs), another client's request in progress is left alone, and the rest is written.
    """
    center = FakeIdentityCenter(seconds=30.0, outstanding=None)
    assignments = plan(25)
    earlier = {
        index: center.start("creation", astuple(assignments[index]), PERMISSION_SET)
        for index in range(20)
    }
    other = center.start("creation", ("999999999999", OTHER_SET, "USER", USER), OTHER_SET)

    outcomes = await poller.apply_account_assignments(
        center, ARN, assignments, timeout=3600, on_event=events.append
    )

    assert all(o.ok for o in outcomes)
    assert [earlier[i] for i in range(20)] == [o.request_id for o in outcomes[:20]]
    assert [True] * 20 + [False] * 5 == [o.adopted for o in outcomes]
    assert {astuple(a) for a in assignments[20:]} == {key for _, key, _ in center.accepted}
    adopted = [e for e in events if isinstance(e, poller.events.RolloutRequestAdopted)]
    assert sorted(earlier.values()) == sorted(str(e.request_id) for e in adopted)
    assert other not in {o.request_id for o in outcomes}
    (finished,) = [e for e in events if isinstance(e, poller.events.RolloutFinished)]
    assert (20, 15) == (finished.adopted, finished.peak_outstanding)


def astuple(assignment: poller.Assignment) -> tuple[str, str, str, str]:
    """An assignment as the stand-in keys it."""
    return (
        assignment.account_id,
        assignment.permission_set_arn,
        assignment.principal_type,
        assignment.principal_id,
    )


async def test_a_lost_answer_is_looked_for_before_writing_again(
    events: list[events.Event],
) -> None:
    """A write whose answer was lost is looked for before it is written again.

    One done (its answer lost) is found IN_PROGRESS and adopted; one never done is written
    again: each assignment is created once.
    """
    center = FakeIdentityCenter(seconds=30.0)
    center.fault(
        "CreateAccountAssignment",
        "lost",
        EndpointConnectionError(endpoint_url="https://sso.us-east-1.amazonaws.com/"),
    )

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(2), timeout=600, on_event=events.append, max_outstanding=1
    )

    assert all(o.ok for o in outcomes)
    assert [True, False] == [o.adopted for o in outcomes]
    assert 2 == len(center.accepted)
    assert 2 == len({key for _, key, _ in center.accepted})
    # The first is found IN_PROGRESS at once; the second not at all, so written again after
    # a pause.
    retried = [e for e in events if isinstance(e, poller.events.RolloutRetrying)]
    assert ["EndpointConnectionError"] == [e.error_code for e in retried]


async def test_a_lost_answer_of_a_finished_write_is_reached_without_a_request() -> None:
    """Lost, and done by the time it is looked for: listed in place, reached, not sent again."""
    center = FakeIdentityCenter(seconds=0.0)
    center.fault("CreateAccountAssignment", "lost")

    (outcome,) = await poller.apply_account_assignments(center, ARN, plan(1), timeout=600)

    assert (poller.Outcome.REACHED, None) == (outcome.outcome, outcome.request_id)
    assert 1 == len(center.accepted)


async def test_deleting_absent_assignments_is_unchanged() -> None:
    """delete=True: absent ones are unchanged, present ones deleted; one gone meanwhile too."""
    center = FakeIdentityCenter(seconds=5.0)
    assignments = plan(4)
    center.assignments |= {astuple(a) for a in assignments[:3]}
    center.fault(
        "DeleteAccountAssignment",
        client_error("ResourceNotFoundException", "No such assignment.", operation="Delete"),
    )

    outcomes = await poller.apply_account_assignments(
        center, ARN, assignments, delete=True, timeout=600, max_outstanding=1
    )

    words = [o.outcome for o in outcomes]
    assert [
        poller.Outcome.UNCHANGED,
        *[poller.Outcome.REACHED] * 2,
        poller.Outcome.UNCHANGED,
    ] == words
    assert set() == center.assignments - {astuple(assignments[0])}
    assert outcomes[1].description is not None
    assert poller.RequestStatus.SUCCEEDED == outcomes[1].description.status


async def test_a_failed_request_carries_aws_reason() -> None:
    """A request that ends FAILED: outcome failed, AccountAssignmentFailedError, FailureReason."""
    center = FakeIdentityCenter(seconds=5.0)
    assignments = plan(2)
    center.fail_reasons[astuple(assignments[1])] = "The account is suspended."

    outcomes = await poller.apply_account_assignments(center, ARN, assignments, timeout=600)

    assert [True, False] == [o.ok for o in outcomes]
    failed = outcomes[1]
    assert poller.Outcome.FAILED == failed.outcome
    assert isinstance(failed.error, poller.AccountAssignmentFailedError)
    assert "The account is suspended." == failed.error.reason
    assert failed.description is not None
    assert "The account is suspended." == failed.description.failure_reason
    assert failed.request_id == failed.description.request_id


@pytest.mark.parametrize(
    ("operation", "code", "error", "outcome"),
    [
        ("ListAccountAssignments", "AccessDeniedException", poller.AccessDeniedError, "denied"),
        ("CreateAccountAssignment", "ValidationException", poller.InvalidArgumentError, "invalid"),
        (
            "CreateAccountAssignment",
            "ServiceQuotaExceededException",
            poller.ApiError,
            "error",
        ),
        (
            "ListAccountAssignments",
            "ResourceNotFoundException",
            poller.ResourceNotFoundError,
            "not-found",
        ),
    ],
)
async def test_an_error_no_retry_fixes_ends_its_item(
    operation: str, code: str, error: type[poller.PollerError], outcome: str
) -> None:
    """An error no retry fixes ends the item it is about; the others go on."""
    center = FakeIdentityCenter(seconds=5.0)
    center.fault(operation, client_error(code, "No.", operation=operation))

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(2), timeout=600, max_outstanding=1
    )

    # Written in input order; listed a few at a time, in whichever order they answer.
    (ended,) = [o for o in outcomes if not o.ok]
    assert [outcome, "reached"] == sorted(o.outcome for o in outcomes)
    assert isinstance(ended.error, error)
    assert "No." == ended.error.reason
    assert ARN == ended.error.instance_arn


async def test_a_denied_sweep_ends_every_item_before_any_write() -> None:
    """The requests in progress cannot be listed: nothing is written.

    A re-run could not tell its own requests: every item is denied, with a message naming
    the permission.
    """
    center = FakeIdentityCenter()
    operation = "ListAccountAssignmentCreationStatus"
    center.fault(operation, client_error("AccessDeniedException", "Denied.", operation=operation))

    outcomes = await poller.apply_account_assignments(center, ARN, plan(3), timeout=600)

    assert ["denied"] * 3 == [o.outcome for o in outcomes]
    assert "sso:ListAccountAssignmentCreationStatus" in str(outcomes[0].error)
    assert 0 == center.count("CreateAccountAssignment")


async def test_transient_errors_of_listings_are_retried(events: list[events.Event]) -> None:
    """A 500 and a throttle on the listings: retried with ``rollout.retrying``, then on."""
    center = FakeIdentityCenter(seconds=5.0)
    center.fault(
        "ListAccountAssignmentCreationStatus",
        client_error("InternalServerException", "Oops.", status=500, operation="List"),
    )
    center.fault(
        "ListAccountAssignments",
        client_error("ThrottlingException", "Rate exceeded", operation="List"),
    )

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(1), timeout=600, on_event=events.append
    )

    assert outcomes[0].ok
    retried = [e for e in events if isinstance(e, poller.events.RolloutRetrying)]
    assert [
        ("ListAccountAssignmentCreationStatus", None),
        ("ListAccountAssignments", 0),
    ] == [(e.operation, e.index) for e in retried]
    assert "index" not in retried[0].fields()
    assert "210000000000" == retried[1].fields()["account_id"]


@pytest.mark.virtual_time
async def test_a_denied_principal_listing_falls_back_to_one_listing_per_pair() -> None:
    """ListAccountAssignmentsForPrincipal denied: each account and set is listed instead."""
    center = FakeIdentityCenter(seconds=30.0)
    center.fault(
        "ListAccountAssignmentsForPrincipal",
        client_error("AccessDeniedException", "Not allowed.", operation="List"),
    )

    outcomes = await poller.apply_account_assignments(center, ARN, plan(5), timeout=600)

    assert [poller.Outcome.REACHED] * 5 == [o.outcome for o in outcomes]
    assert (1, 5) == (
        center.count("ListAccountAssignmentsForPrincipal"),
        center.count("ListAccountAssignments"),
    )


async def test_an_endpoint_never_answered_is_unreachable() -> None:
    """Connections refused from the start, for 10 s and 3 tries: EndpointUnreachableError."""
    center = FakeIdentityCenter()
    refused = EndpointConnectionError(endpoint_url="https://sso.example/")
    center.fault("ListAccountAssignmentCreationStatus", *[refused] * 50)

    outcomes = await poller.apply_account_assignments(center, ARN, plan(2), timeout=600)

    assert all(isinstance(o.error, poller.EndpointUnreachableError) for o in outcomes)
    assert anyio.current_time() < 60


async def test_the_deadline_ends_the_rollout_with_where_each_item_stood(
    events: list[events.Event],
) -> None:
    """A deadline too short for 40 requests of 60 s: the rollout returns by it.

    The first fifteen are timed out by their waits; the others are not written so near the
    deadline: each message says so, and nothing passes the deadline.
    """
    center = FakeIdentityCenter(seconds=60.0)
    started = anyio.current_time()
    seen: list[poller.AssignmentOutcome] = []

    outcomes = await poller.apply_account_assignments(
        center, ARN, plan(40), timeout=45, on_outcome=seen.append, on_event=events.append
    )

    assert anyio.current_time() - started <= 45
    assert ["timed-out"] * 40 == [o.outcome for o in outcomes]
    assert 40 == len(seen)
    assert [o.assignment for o in outcomes] == plan(40)
    waiting = [o for o in outcomes if o.request_id is not None]
    queued = [o for o in outcomes if o.request_id is None]
    assert (15, 25) == (len(waiting), len(queued))
    assert "to succeed" in str(waiting[0].error)
    # Those whose turn came as the first ones timed out are not written so near the end.
    assert "not written: too near the deadline" in str(queued[0].error)
    assert all(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes)
    assert 15 == center.count("CreateAccountAssignment")


async def test_a_deadline_already_past_sends_nothing() -> None:
    """A deadline in the past: every item timed out, never started, no request."""
    center = FakeIdentityCenter()

    outcomes = await poller.apply_account_assignments(center, ARN, plan(3), deadline=0.0)

    assert ["timed-out"] * 3 == [o.outcome for o in outcomes]
    assert "never started" in str(outcomes[0].error)
    assert [] == center.calls


async def test_an_empty_plan_sends_nothing() -> None:
    """No assignments: no request, no outcome."""
    center = FakeIdentityCenter()

    assert [] == await poller.apply_account_assignments(center, ARN, [], timeout=60)
    assert [] == await poller.provision_permission_sets(center, ARN, [], timeout=60)
    assert [] == center.calls


async def test_outcomes_are_in_input_order_and_handed_on_as_they_end() -> None:
    """on_outcome hears each as it ends (shortest first); the list is in input order."""
    durations = {"210000000000": 50.0, "210000000001": 10.0, "210000000002": 30.0}
    center = FakeIdentityCenter(seconds=lambda _, key: durations[key[0]])
    seen: list[str] = []
    assignments = plan(3)

    outcomes = await poller.apply_account_assignments(
        center,
        ARN,
        assignments,
        timeout=600,
        on_outcome=lambda o: seen.append(o.assignment.account_id),
    )

    assert assignments == [o.assignment for o in outcomes]
    assert ["210000000001", "210000000002", "210000000000"] == seen


# -- provisioning ----------------------------------------------------------------------------


def sets(count: int) -> list[str]:
    """*count* permission sets of the instance."""
    return [
        f"arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016x}" for i in range(count)
    ]


async def test_permission_sets_are_provisioned_in_parallel_fifteen_at_most() -> None:
    """Twenty sets, 15 s each: two rounds, at most fifteen at once, one request each."""
    center = FakeIdentityCenter(seconds=15.0)
    started = anyio.current_time()

    outcomes = await poller.provision_permission_sets(center, ARN, sets(20), timeout=600)

    assert all(o.outcome is poller.Outcome.REACHED for o in outcomes)
    assert sets(20) == [o.permission_set_arn for o in outcomes]
    assert 15 == center.peak
    assert 20 == len(center.accepted)
    assert anyio.current_time() - started < 2 * 15 + 15


async def test_a_running_provisioning_is_waited_for_then_the_set_provisioned_again(
    events: list[events.Event],
) -> None:
    """ConflictException: the running provisioning of the set is waited for, then ours sent.

    The running one is found among the requests IN_PROGRESS; the other set is not held up.
    """
    center = FakeIdentityCenter(seconds=15.0)
    first, second = sets(2)
    running = center.start("provisioning", None, first, seconds=100.0)

    outcomes = await poller.provision_permission_sets(
        center, ARN, [first, second], timeout=600, on_event=events.append
    )

    assert all(o.ok for o in outcomes)
    assert running != outcomes[0].request_id
    ours = center.requests[str(outcomes[0].request_id)]
    assert ours.started >= 100.0
    assert center.requests[str(outcomes[1].request_id)].started < 1.0  # not held up
    assert 1 == center.conflicts
    (blocked,) = [e for e in events if isinstance(e, poller.events.RolloutBlocked)]
    assert (running, 0, first) == (blocked.request_id, blocked.index, blocked.permission_set_arn)
    (finished,) = [e for e in events if isinstance(e, poller.events.RolloutFinished)]
    assert 1 == finished.conflicts


async def test_a_conflict_whose_provisioning_ended_already_is_retried_after_a_pause(
    events: list[events.Event],
) -> None:
    """A conflict, but nothing of the set IN_PROGRESS any more: a pause, then again."""
    center = FakeIdentityCenter(seconds=5.0)
    conflict = client_error("ConflictException", "Conflicting.", operation="ProvisionPermissionSet")
    center.fault("ProvisionPermissionSet", conflict)

    (outcome,) = await poller.provision_permission_sets(
        center, ARN, sets(1), timeout=600, on_event=events.append
    )

    assert outcome.ok
    assert 1 == names(events)["rollout.retrying"]
    assert 0 == names(events)["rollout.blocked"]


async def test_a_failed_provisioning_carries_aws_reason() -> None:
    """FAILED: PermissionSetProvisioningFailedError with the FailureReason."""
    center = FakeIdentityCenter(seconds=5.0)
    center.fail_reasons[sets(1)[0]] = "A policy is too large."

    (outcome,) = await poller.provision_permission_sets(center, ARN, sets(1), timeout=600)

    assert poller.Outcome.FAILED == outcome.outcome
    assert isinstance(outcome.error, poller.PermissionSetProvisioningFailedError)
    assert "A policy is too large." == outcome.error.reason
    assert outcome.description is not None


async def test_provisioning_errors_end_their_set() -> None:
    """AccessDenied on a provisioning: that set denied; a lost answer: looked for, sent again."""
    center = FakeIdentityCenter(seconds=5.0)
    center.fault(
        "ProvisionPermissionSet",
        client_error("AccessDeniedException", "Denied.", operation="ProvisionPermissionSet"),
        EndpointConnectionError(endpoint_url="https://sso.example/"),
    )

    outcomes = await poller.provision_permission_sets(
        center, ARN, sets(2), timeout=600, max_outstanding=1
    )

    assert ["denied", "reached"] == [o.outcome for o in outcomes]
    assert 1 == len(center.accepted)


# -- the less travelled paths ------------------------------------------------------------------


async def test_listings_are_followed_page_by_page() -> None:
    """150 principals hold the set in the account: the listing's second page has ours."""
    center = FakeIdentityCenter(seconds=5.0)
    (assignment,) = plan(1)
    others = {
        (assignment.account_id, PERMISSION_SET, "USER", f"{i:08x}-0000-0000-0000-000000000000")
        for i in range(149)
    }
    center.assignments |= {*others, astuple(assignment)}

    (outcome,) = await poller.apply_account_assignments(center, ARN, [assignment], timeout=600)

    assert poller.Outcome.UNCHANGED == outcome.outcome
    assert 2 == center.count("ListAccountAssignments")


async def test_a_garbled_answer_is_looked_for_like_a_lost_one() -> None:
    """A write answered without a RequestId: found IN_PROGRESS, adopted, not sent again."""
    center = FakeIdentityCenter(seconds=30.0)
    center.fault("CreateAccountAssignment", "garbled")
    center.fault("ProvisionPermissionSet", "garbled")

    (outcome,) = await poller.apply_account_assignments(center, ARN, plan(1), timeout=600)
    (provisioned,) = await poller.provision_permission_sets(center, ARN, sets(1), timeout=600)

    assert (True, True) == (outcome.ok, outcome.adopted)
    assert 1 == center.count("CreateAccountAssignment")
    # A provisioning of the set in progress, perhaps ours: waited for, then the set again.
    assert provisioned.ok
    assert 2 == center.count("ProvisionPermissionSet")


async def test_a_request_id_that_is_no_uuid_cannot_be_waited_on() -> None:
    """A RequestId the service model refuses: the item ends invalid, saying so."""
    center = FakeIdentityCenter(seconds=30.0)
    center.fault("CreateAccountAssignment", "bad-id")

    (outcome,) = await poller.apply_account_assignments(center, ARN, plan(1), timeout=600)

    assert poller.Outcome.INVALID == outcome.outcome
    assert "'NOT-A-UUID' is not a request ID" in str(outcome.error)


async def test_requests_the_sweep_lists_but_cannot_describe() -> None:
    """One gone meanwhile (ResourceNotFound) is skipped; one denied ends every item denied."""
    center = FakeIdentityCenter(seconds=30.0)
    for account in ("999999999990", "999999999991"):
        center.start("creation", (account, OTHER_SET, "USER", USER), OTHER_SET)
    operation = "DescribeAccountAssignmentCreationStatus"
    center.fault(operation, client_error("ResourceNotFoundException", "Gone.", operation=operation))

    (found,) = await poller.apply_account_assignments(center, ARN, plan(1), timeout=600)
    center.fault(operation, client_error("AccessDeniedException", "No.", operation=operation))
    center.fault(operation, client_error("AccessDeniedException", "No.", operation=operation))
    denied = await poller.apply_account_assignments(center, ARN, plan(3)[1:], timeout=600)

    assert found.ok
    assert ["denied", "denied"] == [o.outcome for o in denied]


async def test_the_deadline_during_the_sweep_ends_every_item_unchecked() -> None:
    """The sweep is still being answered at the deadline: nothing written, each item says so."""
    center = FakeIdentityCenter(latency=5.0)

    outcomes = await poller.apply_account_assignments(center, ARN, plan(2), timeout=2)

    assert ["timed-out"] * 2 == [o.outcome for o in outcomes]
    assert "the requests in progress were being listed" in str(outcomes[0].error)
    assert 0 == center.count("CreateAccountAssignment")


async def test_writes_throttled_to_the_deadline_end_with_their_last_error() -> None:
    """Others hold all fifteen for longer than the rollout: its writes are throttled to the end."""
    center = FakeIdentityCenter(seconds=1000.0)
    for account in range(15):
        center.start(
            "creation", (f"{310_000_000_000 + account}", OTHER_SET, "USER", USER), OTHER_SET
        )

    outcomes = await poller.apply_account_assignments(center, ARN, plan(2), timeout=60)

    assert ["timed-out"] * 2 == [o.outcome for o in outcomes]
    error = outcomes[0].error
    assert isinstance(error, poller.WaitTimeoutError)
    assert "was being written; last error ThrottlingException: There are too many" in str(error)
    assert "ThrottlingException" == error.last_error


async def test_a_provisioning_rollout_ends_by_its_deadline() -> None:
    """Sets whose turn comes too late are not provisioned; a deadline past sends nothing."""
    center = FakeIdentityCenter(seconds=100.0)

    outcomes = await poller.provision_permission_sets(
        center, ARN, sets(3), timeout=50, max_outstanding=1
    )
    past = await poller.provision_permission_sets(center, ARN, sets(2), deadline=0.0)

    assert ["timed-out"] * 3 == [o.outcome for o in outcomes]
    assert "too near the deadline" in str(outcomes[1].error)
    assert 1 == center.count("ProvisionPermissionSet")
    assert ["timed-out"] * 2 == [o.outcome for o in past]


async def test_a_provisioning_whose_blocker_cannot_be_found_or_watched() -> None:
    """The requests in progress cannot be listed, or the running one described: denied."""
    center = FakeIdentityCenter(seconds=10.0)
    (arn,) = sets(1)
    center.start("provisioning", None, arn, seconds=100.0)
    listing = "ListPermissionSetProvisioningStatus"
    center.fault(listing, client_error("AccessDeniedException", "No.", operation=listing))
    (unlisted,) = await poller.provision_permission_sets(center, ARN, [arn], timeout=600)

    center = FakeIdentityCenter(seconds=10.0)
    center.start("provisioning", None, arn, seconds=100.0)
    describe = "DescribePermissionSetProvisioningStatus"
    # Described once to be found; its wait's Describe, once it is no longer listed, denied.
    center.fault(describe, None, client_error("AccessDeniedException", "No.", operation=describe))
    (unwatched,) = await poller.provision_permission_sets(center, ARN, [arn], timeout=600)

    assert poller.Outcome.DENIED == unlisted.outcome
    assert "sso:ListPermissionSetProvisioningStatus" in str(unlisted.error)
    assert poller.Outcome.DENIED == unwatched.outcome
    assert 1 == center.count("ProvisionPermissionSet")
