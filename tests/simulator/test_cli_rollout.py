"""The simulator command's options for a rollout: durations, failures, quotas, fault filters."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import re
from typing import Any

import click
import pytest

from poller.simulator import Fault, Simulator, simulate_command
from poller.simulator._cli import _build
from poller.simulator._requests import RequestKind

from .conftest import ACCOUNT, GROUP, OTHER_ACCOUNT, boto_client
from .running import Running


def _simulator(*argv: str) -> Simulator:
    params = simulate_command.make_context("simulate", list(argv)).params
    served = {"host", "port", "instances", "faults", "log_requests", "assignment_fail_accounts"}
    settings = {key: value for key, value in params.items() if key not in served}
    return _build(
        settings, params["faults"], params["assignment_fail_accounts"], log_requests=False
    )


def test_options_reach_the_simulator() -> None:
    """Each rollout option sets the simulator's setting of the same name."""
    sim = _simulator(
        "--add-region-seconds",
        "1",
        "--remove-region-seconds",
        "2",
        "--region-quota",
        "3",
        "--access-control-seconds",
        "4",
        "--access-control-fail-reason",
        "bad attribute",
        "--provisioning-seconds",
        "5",
        "--provisioning-fail-reason",
        "no role",
        "--assignment-seconds",
        "6",
        "--assignment-fail-reason",
        "suspended",
        "--assignment-quota",
        "7",
    )

    assert (1, 2, 3, 4, "bad attribute", 5, "no role", 6, "suspended", 7) == (
        sim.add_region_seconds,
        sim.remove_region_seconds,
        sim.region_quota,
        sim.access_control_seconds,
        sim.access_control_fail_reason,
        sim.provisioning_seconds,
        sim.provisioning_fail_reason,
        sim.assignment_seconds,
        sim.assignment_fail_reason,
        sim.assignment_quota,
    )


def test_defaults_are_the_simulators() -> None:
    """Without options the command's simulator has the library's defaults."""
    sim, library = _simulator(), Simulator()
    names = ("add_region_seconds", "remove_region_seconds", "region_quota")
    names += ("access_control_seconds", "provisioning_seconds", "assignment_seconds")
    names += ("assignment_quota", "assignment_fail_reason", "aws_limits")
    names += ("provisioning_sigma", "assignment_sigma", "lifecycle_seed")

    assert [getattr(library, name) for name in names] == [getattr(sim, name) for name in names]
    assert (library.limits.rate, library.limits.burst, library.limits.outstanding) == (
        sim.limits.rate,
        sim.limits.burst,
        sim.limits.outstanding,
    )


def test_limit_and_lifecycle_options_reach_the_simulator() -> None:
    """--aws-limits and its settings, the sigmas and the lifecycle seed set the simulator's."""
    sim = _simulator(
        "--aws-limits",
        "--aws-rate",
        "5",
        "--aws-burst",
        "8",
        "--aws-outstanding",
        "3",
        "--assignment-sigma",
        "0.5",
        "--provisioning-sigma",
        "0.25",
        "--lifecycle-seed",
        "42",
        "--seed",
        "1",
    )

    assert (True, 5.0, 8.0, 3, 0.5, 0.25, 42) == (
        sim.aws_limits,
        sim.limits.rate,
        sim.limits.burst,
        sim.limits.outstanding,
        sim.assignment_sigma,
        sim.provisioning_sigma,
        sim.lifecycle_seed,
    )


def test_lifecycle_seed_defaults_to_seed() -> None:
    """Without --lifecycle-seed, --seed seeds the drawn durations: the same on every run."""
    first, again = (
        _simulator("--seed", "3", "--assignment-sigma", "1"),
        _simulator("--seed", "3", "--assignment-sigma", "1"),
    )
    kind = RequestKind.ASSIGNMENT_DELETION

    assert 3 == first.lifecycle_seed
    assert [first.request_seconds(kind) for _ in range(5)] == [
        again.request_seconds(kind) for _ in range(5)
    ]


def test_fail_accounts_narrow_the_failure() -> None:
    """--assignment-fail-account makes only that account's assignments fail."""
    sim = _simulator(
        "--assignment-fail-account", OTHER_ACCOUNT, "--assignment-fail-reason", "suspended"
    )
    kind = RequestKind.ASSIGNMENT_CREATION

    assert (None, None, "suspended") == (
        sim.assignment_fail_reason,
        sim.failure_for(kind, ACCOUNT, "ps"),
        sim.failure_for(kind, OTHER_ACCOUNT, "ps"),
    )


def test_fault_filters_by_region_and_request() -> None:
    """--fault takes region= and request= filters, armed as add_fault's arguments."""
    request_id = "0b5ee1a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b"
    sim = _simulator(
        "--fault",
        "throttling,region=eu-west-1",
        "--fault",
        f"internal-error,count=forever,request={request_id}",
    )

    assert [Fault.throttling(), None, Fault.internal_error(None)] == [
        sim.faults.take("DescribeRegion", None, region_name="eu-west-1"),
        sim.faults.take("DescribeRegion", None, region_name="eu-west-1"),
        sim.faults.take("DescribeAccountAssignmentCreationStatus", None, request_id=request_id),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--add-region-seconds", "-1"], "'--add-region-seconds': must be a finite number, 0 or"),
        (["--assignment-seconds", "inf"], "'--assignment-seconds': must be a finite number"),
        (["--assignment-quota", "-1"], "'--assignment-quota': -1 is not in the range x>=0"),
        (["--assignment-fail-account", "42"], "'42' does not look like an account ID"),
        (["--fault", "throttling,region=moon"], "region must be a Region name such as"),
        (["--assignment-sigma", "-1"], "'--assignment-sigma': must be a finite number, 0 or"),
        (["--provisioning-sigma", "inf"], "'--provisioning-sigma': must be a finite number"),
        (["--lifecycle-seed", "x"], "'--lifecycle-seed': 'x' is not a valid integer"),
        (["--aws-rate", "0"], "'--aws-rate': must be a finite number, more than 0; not 0"),
        (["--aws-rate", "inf"], "'--aws-rate': must be a finite number, more than 0"),
        (["--aws-burst", "0.5"], "'--aws-burst': must be a finite number, 1 or more; not 0.5"),
        (["--aws-outstanding", "0"], "'--aws-outstanding': 0 is not in the range x>=1"),
    ],
)
def test_bad_rollout_input_is_a_usage_error(argv: list[str], message: str) -> None:
    """Bad rollout options are refused by click with exit status 2."""
    with pytest.raises(click.BadParameter) as refused:
        simulate_command.make_context("simulate", argv)

    assert 2 == refused.value.exit_code
    assert message in refused.value.format_message()


def test_rollout_over_the_command() -> None:
    """A served rollout follows the options: a failing account, a failing provisioning."""
    argv = ["--create-seconds", "0", "--instance", "x", "--assignment-seconds", "0"]
    argv += ["--assignment-fail-account", OTHER_ACCOUNT, "--provisioning-seconds", "0"]
    argv += ["--provisioning-fail-reason", "No role", "--add-region-seconds", "0"]
    argv += ["--log-requests"]
    with Running(*argv) as child:
        endpoint_url, arn = child.line(), child.line()
        child.line("stderr")  # ready
        client = boto_client(endpoint_url)
        try:
            outcome = _roll_out(client, arn)
        finally:
            client.close()
        logged = [child.line("stderr") for _ in range(7)]

    assert {
        "region": "ACTIVE",
        "provisioning": ("FAILED", "No role"),
        ACCOUNT: ("SUCCEEDED", None),
        OTHER_ACCOUNT: ("FAILED", "Simulated failure of the assignment"),
    } == outcome
    assert re.search(r" DescribeRegion \S+ 200 - region=eu-west-1$", logged[1])
    assert re.search(r" DescribePermissionSetProvisioningStatus \S+ 200 - request=\S+$", logged[4])


def _roll_out(client: Any, arn: str) -> dict[str, Any]:
    client.add_region(InstanceArn=arn, RegionName="eu-west-1")
    region = client.describe_region(InstanceArn=arn, RegionName="eu-west-1")["Status"]
    ps_arn = client.create_permission_set(InstanceArn=arn, Name="Admin")["PermissionSet"][
        "PermissionSetArn"
    ]
    provisioning = client.provision_permission_set(
        InstanceArn=arn, PermissionSetArn=ps_arn, TargetType="ALL_PROVISIONED_ACCOUNTS"
    )["PermissionSetProvisioningStatus"]
    provisioned = client.describe_permission_set_provisioning_status(
        InstanceArn=arn, ProvisionPermissionSetRequestId=provisioning["RequestId"]
    )["PermissionSetProvisioningStatus"]
    outcome: dict[str, Any] = {
        "region": region,
        "provisioning": (provisioned["Status"], provisioned.get("FailureReason")),
    }
    for account in (ACCOUNT, OTHER_ACCOUNT):
        created = client.create_account_assignment(
            InstanceArn=arn,
            TargetId=account,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps_arn,
            PrincipalType="GROUP",
            PrincipalId=GROUP,
        )["AccountAssignmentCreationStatus"]
        status = client.describe_account_assignment_creation_status(
            InstanceArn=arn, AccountAssignmentCreationRequestId=created["RequestId"]
        )["AccountAssignmentCreationStatus"]
        outcome[account] = (status["Status"], status.get("FailureReason"))
    return outcome
