"""IAM Identity Center's service limits: the rate, outstanding writes, conflicts, counters.

The simulator's clock only moves when a test advances it (``time_scale=1e-6``), so the token
bucket refills by the simulated seconds a test gives it, never by how fast the test runs.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from poller.simulator import Fault, LimitCounters, Simulator, serve_in_thread
from poller.simulator._operations import OPERATIONS
from poller.testing import running_identity_center

from .conftest import ACCOUNT, GROUP, OTHER_ACCOUNT, boto_client, error_of
from .test_faults_everywhere import _minimal_input

TOO_MANY = "There are too many requests processing. Please try again later."
CONFLICTING = "There is a conflicting operation in process."


@pytest.fixture
def limited() -> Simulator:
    """A simulator enforcing the limits, its clock moved only by the test."""
    return Simulator(time_scale=1e-6, seed=7, aws_limits=True)


@pytest.fixture
def wide(limited: Simulator) -> Simulator:
    """The limited simulator with a bucket too deep to empty: only the other limits bite."""
    limited.configure_limits(False, burst=1e9)
    limited.configure_limits(True)  # turned on, the bucket is full: a billion tokens
    return limited


@pytest.fixture
def client(limited: Simulator) -> Iterator[Any]:
    """A boto3 client, without retries, for the limited simulator served in a thread."""
    with serve_in_thread(limited) as server:
        client = boto_client(server)
        yield client
        client.close()


@pytest.fixture
def instance(limited: Simulator) -> str:
    """An ACTIVE instance of the limited simulator."""
    arn = limited.create_instance("limited", create_seconds=0)
    limited.advance(0.001)  # a thousandth of a second: a fiftieth of a token
    return arn


def outcome(call: Any, **kwargs: Any) -> str:
    """``ok``, or the error code the call answered."""
    try:
        call(**kwargs)
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return "ok"


def assign(client: Any, arn: str, ps_arn: str, account: str) -> str:
    return outcome(
        client.create_account_assignment,
        InstanceArn=arn,
        TargetId=account,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps_arn,
        PrincipalType="GROUP",
        PrincipalId=GROUP,
    )


def _provision(client: Any, arn: str, ps_arn: str, account: str | None = ACCOUNT) -> str:
    target = {"TargetType": "AWS_ACCOUNT", "TargetId": account} if account else {}
    return outcome(
        client.provision_permission_set,
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        **(target or {"TargetType": "ALL_PROVISIONED_ACCOUNTS"}),
    )


def _account(n: int) -> str:
    return f"{100_000_000_000 + n}"


def test_off_by_default(sim: Simulator, boto: Any, arn: str) -> None:
    """Without aws_limits, a hundred requests at once are all answered, and nothing is counted."""
    outcomes = {outcome(boto.list_instances) for _ in range(100)}

    assert (False, {"ok"}) == (sim.aws_limits, outcomes)
    assert LimitCounters() == sim.limit_counters()


def test_the_bucket_holds_a_burst_and_refills_on_the_simulated_clock(
    limited: Simulator, client: Any
) -> None:
    """20 requests pass at once, the 21st is throttled; 1/20 simulated second buys one more."""
    first = [outcome(client.list_instances) for _ in range(21)]
    limited.advance(0.05)
    refilled = [outcome(client.list_instances) for _ in range(2)]
    limited.advance(10)  # ten seconds fill the bucket no further than its burst
    after_a_pause = [outcome(client.list_instances) for _ in range(21)]

    assert ["ok"] * 20 + ["ThrottlingException"] == first
    assert ["ok", "ThrottlingException"] == refilled
    assert ["ok"] * 20 + ["ThrottlingException"] == after_a_pause
    assert 3 == limited.limit_counters().throttled_rate


def test_a_throttled_request_is_a_throttling_fault_on_the_wire(
    limited: Simulator, client: Any
) -> None:
    """HTTP 400, ThrottlingException with the service's 'Rate exceeded', logged as such."""
    limited.configure_limits(burst=1)
    client.list_instances()
    response = error_of(client.list_instances)

    assert (400, "ThrottlingException", "Rate exceeded") == (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
    assert "ThrottlingException" == limited.requests[-1].error_code


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_the_bucket_covers_every_operation(limited: Simulator, client: Any, operation: str) -> None:
    """Each operation, list operations too, takes a token: the next request finds none."""
    limited.configure_limits(burst=1)
    call = getattr(client, xform_name(operation))
    first = outcome(call, **_minimal_input(operation))
    second = outcome(call, **_minimal_input(operation))

    assert "ThrottlingException" != first
    assert "ThrottlingException" == second


def test_rate_and_burst_are_tunable(limited: Simulator, client: Any) -> None:
    """rate=2 and burst=3: three at once, then one each half simulated second."""
    limited.configure_limits(rate=2, burst=3)
    burst = [outcome(client.list_instances) for _ in range(4)]
    limited.advance(0.5)
    later = [outcome(client.list_instances) for _ in range(2)]

    assert ["ok", "ok", "ok", "ThrottlingException"] == burst
    assert ["ok", "ThrottlingException"] == later


def test_turning_the_limits_on_fills_the_bucket(sim: Simulator, boto: Any) -> None:
    """Turned on while running, the limits start with a full bucket; turned off, none bite."""
    sim.configure_limits(True, burst=2)
    on = [outcome(boto.list_instances) for _ in range(3)]
    sim.aws_limits = False
    off = [outcome(boto.list_instances) for _ in range(3)]

    assert (["ok", "ok", "ThrottlingException"], ["ok"] * 3) == (on, off)


def test_faults_answer_without_a_token(limited: Simulator, client: Any) -> None:
    """A request a fault answers never reaches the service: it takes no token."""
    limited.configure_limits(burst=1)
    limited.add_fault(Fault.internal_error(count=3), operation="ListInstances")
    faulted = [outcome(client.list_instances) for _ in range(3)]
    served = [outcome(client.list_instances) for _ in range(2)]

    assert (["InternalServerException"] * 3, ["ok", "ThrottlingException"]) == (faulted, served)


def test_bad_settings_are_refused(limited: Simulator) -> None:
    """A rate that is not positive and finite, a burst below 1, an outstanding limit below 1."""
    refused = []
    for settings in ({"rate": 0}, {"rate": float("inf")}, {"burst": 0.5}, {"outstanding": 0}):
        with pytest.raises(ValueError, match="must be") as caught:
            limited.configure_limits(**settings)
        refused.append(str(caught.value).split(",")[0])

    assert [
        "the rate must be a positive finite number",
        "the rate must be a positive finite number",
        "the burst must be a finite number",
        "the outstanding limit must be a positive integer",
    ] == refused
    assert (20.0, 20.0, 15) == (
        limited.limits.rate,
        limited.limits.burst,
        limited.limits.outstanding,
    )


def test_sixteenth_outstanding_creation_is_throttled(
    wide: Simulator, client: Any, instance: str
) -> None:
    """15 creations IN_PROGRESS at once; the 16th is throttled, in the words users report."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    fifteen = [assign(client, instance, ps_arn, _account(n)) for n in range(15)]
    response = error_of(
        client.create_account_assignment,
        InstanceArn=instance,
        TargetId=_account(15),
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps_arn,
        PrincipalType="GROUP",
        PrincipalId=GROUP,
    )
    wide.advance(10)  # the fifteen SUCCEED: no longer outstanding
    again = assign(client, instance, ps_arn, _account(15))
    counters = wide.limit_counters()

    assert ["ok"] * 15 == fifteen
    assert (400, "ThrottlingException", TOO_MANY) == (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
    assert "ok" == again
    assert (1, 0, 15, {instance: 15}) == (
        counters.throttled_outstanding,
        counters.throttled_rate,
        counters.peak_outstanding,
        counters.peak_outstanding_by_instance,
    )
    assert (1, {instance: 1}) == (wide.outstanding_writes(instance), wide.outstanding_by_instance())


def test_provisionings_and_deletions_are_outstanding_writes_too(
    wide: Simulator, client: Any, instance: str
) -> None:
    """Creations, deletions and provisionings share the 15 of their instance, not another's."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    wide.create_account_assignment(
        instance, ps_arn, ACCOUNT, principal_type="GROUP", principal_id=GROUP, seconds=0
    )
    other_sets = [wide.create_permission_set(instance, f"Set{n}") for n in range(5)]
    writes = [_provision(client, instance, other) for other in other_sets]
    writes.append(
        outcome(
            client.delete_account_assignment,
            InstanceArn=instance,
            TargetId=ACCOUNT,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps_arn,
            PrincipalType="GROUP",
            PrincipalId=GROUP,
        )
    )
    writes += [assign(client, instance, ps_arn, _account(n)) for n in range(9)]
    beyond = [
        _provision(client, instance, ps_arn),
        assign(client, instance, ps_arn, OTHER_ACCOUNT),
    ]
    elsewhere = wide.create_instance("elsewhere", create_seconds=0)
    wide.advance(0.001)
    elsewhere_set = wide.create_permission_set(elsewhere, "Admin")
    unaffected = assign(client, elsewhere, elsewhere_set, ACCOUNT)

    assert (["ok"] * 15, ["ThrottlingException"] * 2, "ok") == (writes, beyond, unaffected)
    assert 2 == wide.limit_counters().throttled_outstanding


def test_scripted_requests_count_but_are_not_refused(
    wide: Simulator, client: Any, instance: str
) -> None:
    """Scripted creations beyond 15 start; they are outstanding, and the wire is refused."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    for n in range(20):
        wide.create_account_assignment(instance, ps_arn, _account(n))
    refused = assign(client, instance, ps_arn, OTHER_ACCOUNT)

    assert ("ThrottlingException", 20, 20) == (
        refused,
        wide.outstanding_writes(instance),
        wide.limit_counters().peak_outstanding,
    )


def test_a_forced_status_frees_or_takes_a_slot(wide: Simulator, client: Any, instance: str) -> None:
    """Outstanding means IN_PROGRESS: a status forced on a request counts as it reads."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    requests = [wide.create_account_assignment(instance, ps_arn, _account(n)) for n in range(15)]
    wide.set_request_status(requests[0], "FAILED", reason="Forced")
    freed = wide.outstanding_writes(instance)
    accepted = assign(client, instance, ps_arn, OTHER_ACCOUNT)
    wide.advance(10)
    wide.set_request_status(requests[1], "IN_PROGRESS")  # ended, but forced back
    forced_back = wide.outstanding_writes(instance)
    wide.set_request_status(requests[1], None)

    assert (14, "ok", 1, 0) == (freed, accepted, forced_back, wide.outstanding_writes(instance))


def test_outstanding_is_tunable(wide: Simulator, client: Any, instance: str) -> None:
    """aws_outstanding=2: the third write IN_PROGRESS is refused."""
    wide.configure_limits(outstanding=2)
    ps_arn = wide.create_permission_set(instance, "Admin")
    outcomes = [assign(client, instance, ps_arn, _account(n)) for n in range(3)]

    assert ["ok", "ok", "ThrottlingException"] == outcomes


def test_peak_is_kept_with_the_limits_off(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """The counters run with the limits off: 40 creations at once are a peak of 40."""
    outcomes = {assign(boto, arn, ps_arn, _account(n)) for n in range(40)}
    sim.advance(10)
    assign(boto, arn, ps_arn, OTHER_ACCOUNT)
    counters = sim.limit_counters()

    assert ({"ok"}, 40, 0) == (outcomes, counters.peak_outstanding, counters.throttled_outstanding)


def test_reset_counters(wide: Simulator, client: Any, instance: str) -> None:
    """Reset zeroes the counters; the peak starts again from the writes outstanding now."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    for n in range(16):
        assign(client, instance, ps_arn, _account(n))
    wide.advance(5)
    wide.create_account_assignment(instance, ps_arn, OTHER_ACCOUNT)  # 5 s left of 10
    wide.advance(5.5)
    running = wide.outstanding_writes(instance)
    wide.reset_limit_counters()
    counters = wide.limit_counters()

    assert 1 == running
    assert LimitCounters(0, 0, 0, 1, {instance: 1}) == counters


def test_provisioning_a_set_being_provisioned_conflicts(
    limited: Simulator, client: Any, instance: str
) -> None:
    """One update of a permission set at a time: ConflictException, in the service's words."""
    ps_arn = limited.create_permission_set(instance, "Admin")
    first = _provision(client, instance, ps_arn)
    response = error_of(
        client.provision_permission_set,
        InstanceArn=instance,
        PermissionSetArn=ps_arn,
        TargetType="AWS_ACCOUNT",
        TargetId=OTHER_ACCOUNT,
    )
    limited.advance(15)
    after = _provision(client, instance, ps_arn)

    assert ("ok", "ok") == (first, after)
    assert ("ConflictException", CONFLICTING) == (
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
    assert 1 == limited.limit_counters().conflicts


def test_assignment_changes_wait_for_the_provisioning_of_their_account(
    wide: Simulator, client: Any, instance: str
) -> None:
    """While a set is provisioned to an account, an assignment of it there conflicts."""
    ps_arn = wide.create_permission_set(instance, "Admin")
    _provision(client, instance, ps_arn, ACCOUNT)
    same_account = assign(client, instance, ps_arn, ACCOUNT)
    other_account = assign(client, instance, ps_arn, OTHER_ACCOUNT)
    wide.advance(15)
    _provision(client, instance, ps_arn, None)  # every provisioned account
    any_account = assign(client, instance, ps_arn, _account(1))
    wide.advance(15)
    afterwards = assign(client, instance, ps_arn, ACCOUNT)

    assert ("ConflictException", "ok", "ConflictException", "ok") == (
        same_account,
        other_account,
        any_account,
        afterwards,
    )
    assert 2 == wide.limit_counters().conflicts


def test_assignment_changes_during_provisioning_pass_with_the_limits_off(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """With the limits off, an assignment of a set being provisioned starts, as it always did."""
    _provision(boto, arn, ps_arn, ACCOUNT)

    assert "ok" == assign(boto, arn, ps_arn, ACCOUNT)


def test_a_second_change_of_one_assignment_is_a_counted_conflict(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """A change of an assignment being changed conflicts, limits or not, and is counted."""
    outcomes = [assign(boto, arn, ps_arn, ACCOUNT) for _ in range(2)]

    assert (["ok", "ConflictException"], 1) == (outcomes, sim.limit_counters().conflicts)


def test_a_paced_rollout_never_passes_the_limits(
    wide: Simulator, client: Any, instance: str
) -> None:
    """200 creations, 15 at a time as slots free: none refused, the peak exactly 15."""
    wide.set_lifecycles(assignment_sigma=0.5, seed=3)
    ps_arn = wide.create_permission_set(instance, "Admin")
    refused = 0
    for n in range(200):
        while wide.outstanding_writes(instance) >= 15:
            wide.advance(1)
        refused += assign(client, instance, ps_arn, _account(n)) != "ok"
    counters = wide.limit_counters()

    assert (0, 15, 0) == (refused, counters.peak_outstanding, counters.throttled_outstanding)


def test_limits_apply_through_poller_testing_options() -> None:
    """local_identity_center passes aws_limits and its settings to the simulator."""
    with running_identity_center(aws_limits=True, aws_burst=2, time_scale=1e-6) as center:
        client = boto_client(center.endpoint_url)
        try:
            outcomes = [outcome(client.list_instances) for _ in range(3)]
        finally:
            client.close()

    assert ["ok", "ok", "ThrottlingException"] == outcomes
