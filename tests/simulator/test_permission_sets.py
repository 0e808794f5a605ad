"""Permission sets and their provisioning through boto3."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import re
from typing import Any

import pytest

from poller.simulator import Simulator

from .conftest import ACCOUNT, OTHER_ACCOUNT, UNKNOWN_ARN, UNKNOWN_REQUEST, code_of, error_of

LOWERCASE_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _provision(boto: Any, arn: str, ps_arn: str, account: str | None = ACCOUNT) -> dict[str, Any]:
    target = {"TargetType": "AWS_ACCOUNT", "TargetId": account} if account else {}
    answer = boto.provision_permission_set(
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        **(target or {"TargetType": "ALL_PROVISIONED_ACCOUNTS"}),
    )
    return answer["PermissionSetProvisioningStatus"]  # type: ignore[no-any-return]


def _status(boto: Any, arn: str, request_id: str) -> dict[str, Any]:
    answer = boto.describe_permission_set_provisioning_status(
        InstanceArn=arn, ProvisionPermissionSetRequestId=request_id
    )
    return answer["PermissionSetProvisioningStatus"]  # type: ignore[no-any-return]


def test_create_describe_list(boto: Any, arn: str) -> None:
    """CreatePermissionSet answers what DescribePermissionSet shows and ListPermissionSets lists."""
    created = boto.create_permission_set(
        InstanceArn=arn,
        Name="Admin",
        Description="Administrators",
        SessionDuration="PT8H",
        RelayState="https://console.aws.amazon.com/",
        Tags=[{"Key": "team", "Value": "infra"}],
    )["PermissionSet"]
    described = boto.describe_permission_set(
        InstanceArn=arn, PermissionSetArn=created["PermissionSetArn"]
    )["PermissionSet"]
    listed = boto.list_permission_sets(InstanceArn=arn)

    assert created == described
    assert {
        "Name",
        "PermissionSetArn",
        "Description",
        "CreatedDate",
        "SessionDuration",
        "RelayState",
    } == set(described)
    instance_id = arn.rsplit("/", 1)[1]
    assert re.fullmatch(
        f"arn:aws:sso:::permissionSet/{instance_id}/ps-[0-9a-f]{{16}}", created["PermissionSetArn"]
    )
    assert [created["PermissionSetArn"]] == listed["PermissionSets"]


def test_defaults_and_pagination(sim: Simulator, boto: Any, arn: str) -> None:
    """A bare permission set has a one-hour session; ListPermissionSets pages."""
    arns = [sim.create_permission_set(arn, f"ps{n}") for n in range(3)]
    bare = boto.describe_permission_set(InstanceArn=arn, PermissionSetArn=arns[0])
    first = boto.list_permission_sets(InstanceArn=arn, MaxResults=2)
    pages = boto.get_paginator("list_permission_sets").paginate(
        InstanceArn=arn, PaginationConfig={"PageSize": 2}
    )

    assert {"Name", "PermissionSetArn", "CreatedDate", "SessionDuration"} == set(
        bare["PermissionSet"]
    )
    assert "PT1H" == bare["PermissionSet"]["SessionDuration"]
    assert (2, True) == (len(first["PermissionSets"]), "NextToken" in first)
    assert arns == [ps for page in pages for ps in page["PermissionSets"]]


def test_name_taken_conflicts(boto: Any, arn: str, ps_arn: str) -> None:
    """A second permission set with the same name is a ConflictException."""
    assert "ConflictException" == code_of(boto.create_permission_set, InstanceArn=arn, Name="Admin")


def test_unknown_permission_set(boto: Any, arn: str) -> None:
    """A well-formed ARN the instance does not have is ResourceNotFoundException."""
    unknown = f"arn:aws:sso:::permissionSet/{arn.rsplit('/', 1)[1]}/ps-0000000000000000"
    codes = [
        code_of(boto.describe_permission_set, InstanceArn=arn, PermissionSetArn=unknown),
        code_of(
            boto.provision_permission_set,
            InstanceArn=arn,
            PermissionSetArn=unknown,
            TargetType="ALL_PROVISIONED_ACCOUNTS",
        ),
    ]

    assert ["ResourceNotFoundException"] * 2 == codes


def test_provisioning_in_progress_then_succeeded(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """ProvisionPermissionSet answers IN_PROGRESS and a lowercase UUID; it then SUCCEEDS."""
    started = _provision(boto, arn, ps_arn)
    during = _status(boto, arn, started["RequestId"])
    sim.advance(15)
    done = _status(boto, arn, started["RequestId"])

    assert LOWERCASE_UUID.fullmatch(started["RequestId"])
    assert {
        "Status": "IN_PROGRESS",
        "RequestId": started["RequestId"],
        "AccountId": ACCOUNT,
        "PermissionSetArn": ps_arn,
    } == {k: v for k, v in started.items() if k != "CreatedDate"}
    assert started == during
    assert ("SUCCEEDED", None) == (done["Status"], done.get("FailureReason"))
    assert started["CreatedDate"] == done["CreatedDate"]


def test_provisioning_fails_when_asked(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """fail_provisioning makes the matching requests end FAILED with the FailureReason."""
    sim.fail_provisioning("The role cannot be created.", account_id=OTHER_ACCOUNT, count=1)
    ok = _provision(boto, arn, ps_arn, ACCOUNT)["RequestId"]
    sim.advance(15)
    failed = _provision(boto, arn, ps_arn, OTHER_ACCOUNT)["RequestId"]
    sim.advance(15)
    again = _provision(boto, arn, ps_arn, OTHER_ACCOUNT)["RequestId"]
    sim.advance(15)

    outcomes = [
        (status["Status"], status.get("FailureReason"))
        for status in (_status(boto, arn, request) for request in (ok, failed, again))
    ]
    assert [
        ("SUCCEEDED", None),
        ("FAILED", "The role cannot be created."),
        ("SUCCEEDED", None),
    ] == outcomes


def test_provisioning_fail_reason_setting(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """provisioning_fail_reason fails every provisioning received over the wire."""
    sim.provisioning_fail_reason = "Quota of roles reached"
    request_id = _provision(boto, arn, ps_arn, None)["RequestId"]
    sim.advance(15)
    status = _status(boto, arn, request_id)

    assert ("FAILED", "Quota of roles reached", None) == (
        status["Status"],
        status["FailureReason"],
        status.get("AccountId"),
    )


def test_provisioning_twice_at_once_conflicts(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """A permission set being provisioned cannot be provisioned again until that is over."""
    other = sim.create_permission_set(arn, "ReadOnly")
    _provision(boto, arn, ps_arn)
    conflict = error_of(
        boto.provision_permission_set,
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        TargetType="ALL_PROVISIONED_ACCOUNTS",
    )
    in_parallel = _provision(boto, arn, other)["Status"]
    sim.advance(15)
    afterwards = _provision(boto, arn, ps_arn)["Status"]

    assert ("ConflictException", 400) == (
        conflict["Error"]["Code"],
        conflict["ResponseMetadata"]["HTTPStatusCode"],
    )
    assert ("IN_PROGRESS", "IN_PROGRESS") == (in_parallel, afterwards)


def test_target_id_goes_with_aws_account(boto: Any, arn: str, ps_arn: str) -> None:
    """TargetId is required for AWS_ACCOUNT and refused for ALL_PROVISIONED_ACCOUNTS."""
    codes = [
        code_of(
            boto.provision_permission_set,
            InstanceArn=arn,
            PermissionSetArn=ps_arn,
            TargetType="AWS_ACCOUNT",
        ),
        code_of(
            boto.provision_permission_set,
            InstanceArn=arn,
            PermissionSetArn=ps_arn,
            TargetType="ALL_PROVISIONED_ACCOUNTS",
            TargetId=ACCOUNT,
        ),
    ]

    assert ["ValidationException"] * 2 == codes


def test_list_provisioning_status(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """ListPermissionSetProvisioningStatus lists every request, or those in one status."""
    first = _provision(boto, arn, ps_arn)["RequestId"]
    sim.advance(15)
    second = _provision(boto, arn, ps_arn)["RequestId"]
    every = boto.list_permission_set_provisioning_status(InstanceArn=arn)
    succeeded = boto.list_permission_set_provisioning_status(
        InstanceArn=arn, Filter={"Status": "SUCCEEDED"}
    )

    assert [(first, "SUCCEEDED"), (second, "IN_PROGRESS")] == [
        (item["RequestId"], item["Status"]) for item in every["PermissionSetsProvisioningStatus"]
    ]
    assert {"Status", "RequestId", "CreatedDate"} == set(
        every["PermissionSetsProvisioningStatus"][0]
    )
    assert [first] == [item["RequestId"] for item in succeeded["PermissionSetsProvisioningStatus"]]


def test_unknown_request_is_not_found(boto: Any, arn: str) -> None:
    """A request ID never answered is ResourceNotFoundException; so on an unknown instance."""
    codes = [
        code_of(
            boto.describe_permission_set_provisioning_status,
            InstanceArn=arn,
            ProvisionPermissionSetRequestId=UNKNOWN_REQUEST,
        ),
        code_of(
            boto.describe_permission_set_provisioning_status,
            InstanceArn=UNKNOWN_ARN,
            ProvisionPermissionSetRequestId=UNKNOWN_REQUEST,
        ),
    ]

    assert ["ResourceNotFoundException", "AccessDeniedException"] == codes


def test_request_of_another_instance_is_not_found(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """A request is found only on its own instance."""
    other = sim.create_instance("other", create_seconds=0)
    request_id = _provision(boto, arn, ps_arn)["RequestId"]

    assert "ResourceNotFoundException" == code_of(
        boto.describe_permission_set_provisioning_status,
        InstanceArn=other,
        ProvisionPermissionSetRequestId=request_id,
    )


@pytest.mark.parametrize(
    "request_id",
    ["0B5EE1A4-5C6D-4E7F-8A9B-0C1D2E3F4A5B", "gggggggg-0000-4000-8000-000000000000"],
)
def test_bad_request_id_is_a_validation_error(boto: Any, arn: str, request_id: str) -> None:
    """Request IDs must be lowercase UUIDs, as the model's pattern says."""
    response = error_of(
        boto.describe_permission_set_provisioning_status,
        InstanceArn=arn,
        ProvisionPermissionSetRequestId=request_id,
    )

    assert "ValidationException" == response["Error"]["Code"]
    assert "at 'provisionPermissionSetRequestId' failed" in response["Error"]["Message"]


@pytest.mark.parametrize(
    "ps_arn",
    [
        "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-short",
        "arn:aws:sso:::instance/ssoins-0123456789abcdef",
        "arn:aws:sso:::permissionSet/ins-0123456789abcdef/ps-0123456789abcdef/extra",
    ],
)
def test_bad_permission_set_arn_is_a_validation_error(boto: Any, arn: str, ps_arn: str) -> None:
    """Permission set ARNs must match the model's pattern, as a whole."""
    response = error_of(boto.describe_permission_set, InstanceArn=arn, PermissionSetArn=ps_arn)

    assert "ValidationException" == response["Error"]["Code"]
    assert "at 'permissionSetArn' failed to satisfy constraint" in response["Error"]["Message"]


def test_scripted_provisioning(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """Scripted provisioning can fail, never finish, or have its status forced."""
    failed = sim.provision_permission_set(arn, ps_arn, seconds=0, fail_reason="Denied by SCP")
    stuck = sim.provision_permission_set(arn, ps_arn, never_finish=True)
    sim.advance(1e9)
    sim.set_request_status(stuck, "PENDING")
    forced = _status(boto, arn, stuck)["Status"]
    sim.set_request_status(stuck, None)

    assert ("FAILED", "Denied by SCP") == (
        _status(boto, arn, failed)["Status"],
        _status(boto, arn, failed)["FailureReason"],
    )
    assert ("PENDING", "IN_PROGRESS") == (forced, _status(boto, arn, stuck)["Status"])
