"""Every operation's answer, as sent and as botocore parses it, against the service model.

One rollout through boto3 calls every operation once, with the optional members that failures
add; the raw JSON of each answer is kept (botocore's ``before-parse`` event) and checked
against the model, and its members against the ones the service always sends.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name

from poller.simulator import Simulator
from poller.simulator._operations import OPERATIONS

from .conftest import ACCOUNT, GROUP, boto_client
from .shapes import member_paths, model_violations

REGION = {"RegionName", "Status", "AddedDate", "IsPrimaryRegion"}
PERMISSION_SET = {"Name", "PermissionSetArn", "CreatedDate", "SessionDuration", "Description"}
PROVISIONING = {"Status", "RequestId", "AccountId", "PermissionSetArn", "CreatedDate"}
ASSIGNMENT = {
    "Status",
    "RequestId",
    "TargetId",
    "TargetType",
    "PermissionSetArn",
    "PrincipalType",
    "PrincipalId",
    "CreatedDate",
}
SUMMARY = {"Status", "RequestId", "CreatedDate"}
ABAC = "InstanceAccessControlAttributeConfiguration"
ATTRIBUTE = {"Key", "Value", "Value.Source"}


def _nested(key: str, members: set[str]) -> set[str]:
    return {key} | {f"{key}.{member}" for member in members}


def _listed(key: str, members: set[str]) -> set[str]:
    return {key} | {f"{key}[].{member}" for member in members}


#: The members of each answer in the rollout below (the first item of a list stands for all).
EXPECTED: dict[str, set[str]] = {
    "CreateInstance": {"InstanceArn"},
    "DescribeInstance": {
        "InstanceArn",
        "IdentityStoreId",
        "IdentityStoreArn",
        "OwnerAccountId",
        "Name",
        "CreatedDate",
        "Status",
        "PrimaryRegion",
        *_listed("Regions", REGION),
        *_nested("EncryptionConfigurationDetails", {"KeyType", "EncryptionStatus"}),
        "PermissionSetsEnabled",
    },
    "ListInstances": _listed(
        "Instances",
        {
            "InstanceArn",
            "IdentityStoreId",
            "IdentityStoreArn",
            "OwnerAccountId",
            "Name",
            "CreatedDate",
            "Status",
            "PrimaryRegion",
            "Regions",
            *{f"Regions[].{member}" for member in REGION},
        },
    ),
    "UpdateInstance": set(),
    "DeleteInstance": set(),
    "AddRegion": {"Status"},
    "RemoveRegion": {"Status"},
    "DescribeRegion": REGION,
    "ListRegions": _listed("Regions", REGION),
    f"Create{ABAC}": set(),
    f"Update{ABAC}": set(),
    f"Delete{ABAC}": set(),
    f"Describe{ABAC}": {
        "Status",
        "StatusReason",
        *_nested(ABAC, {"AccessControlAttributes"}),
        *{f"{ABAC}.AccessControlAttributes[].{member}" for member in ATTRIBUTE},
    },
    "CreatePermissionSet": _nested("PermissionSet", PERMISSION_SET),
    "DescribePermissionSet": _nested("PermissionSet", PERMISSION_SET),
    "ListPermissionSets": {"PermissionSets"},
    "ProvisionPermissionSet": _nested("PermissionSetProvisioningStatus", PROVISIONING),
    "DescribePermissionSetProvisioningStatus": _nested(
        "PermissionSetProvisioningStatus", PROVISIONING | {"FailureReason"}
    ),
    "ListPermissionSetProvisioningStatus": _listed("PermissionSetsProvisioningStatus", SUMMARY),
    "CreateAccountAssignment": _nested("AccountAssignmentCreationStatus", ASSIGNMENT),
    "DeleteAccountAssignment": _nested("AccountAssignmentDeletionStatus", ASSIGNMENT),
    "DescribeAccountAssignmentCreationStatus": _nested(
        "AccountAssignmentCreationStatus", ASSIGNMENT
    ),
    "DescribeAccountAssignmentDeletionStatus": _nested(
        "AccountAssignmentDeletionStatus", ASSIGNMENT | {"FailureReason"}
    ),
    "ListAccountAssignmentCreationStatus": _listed("AccountAssignmentsCreationStatus", SUMMARY),
    "ListAccountAssignmentDeletionStatus": _listed("AccountAssignmentsDeletionStatus", SUMMARY),
    "ListAccountAssignments": _listed(
        "AccountAssignments", {"AccountId", "PermissionSetArn", "PrincipalType", "PrincipalId"}
    ),
    "ListAccountAssignmentsForPrincipal": _listed(
        "AccountAssignments", {"AccountId", "PermissionSetArn", "PrincipalType", "PrincipalId"}
    ),
}


def _rollout(sim: Simulator, client: Any) -> dict[str, Any]:
    """Call every operation once; return what botocore parsed, by operation."""
    parsed: dict[str, Any] = {}

    def call(operation: str, **kwargs: Any) -> Any:
        answer = getattr(client, xform_name(operation))(**kwargs)
        answer.pop("ResponseMetadata")
        parsed[operation] = answer
        return answer

    arn = call("CreateInstance", Name="shapes")["InstanceArn"]
    sim.advance(60)
    call("DescribeInstance", InstanceArn=arn)
    call("ListInstances")
    call("UpdateInstance", InstanceArn=arn, Name="shapes2")
    call("UpdateInstance", InstanceArn=arn, PermissionSetsEnabled=True)
    sim.advance(30)
    call("DescribeInstance", InstanceArn=arn)  # the last one kept: PermissionSetsEnabled true
    call("AddRegion", InstanceArn=arn, RegionName="eu-west-1")
    call("DescribeRegion", InstanceArn=arn, RegionName="eu-west-1")
    call("ListRegions", InstanceArn=arn)
    sim.advance(300)
    call("RemoveRegion", InstanceArn=arn, RegionName="eu-west-1")

    configuration = {
        "AccessControlAttributes": [
            {"Key": "Team", "Value": {"Source": ["${path:enterprise.division}"]}}
        ]
    }
    abac = {"InstanceArn": arn, f"{ABAC}": configuration}
    sim.access_control_fail_reason = "The attribute source is unknown."
    call(f"Create{ABAC}", **abac)
    sim.advance(10)
    call(f"Describe{ABAC}", InstanceArn=arn)
    call(f"Update{ABAC}", **abac)
    call(f"Delete{ABAC}", InstanceArn=arn)

    ps = call("CreatePermissionSet", InstanceArn=arn, Name="Admin", Description="Admins")
    ps_arn = ps["PermissionSet"]["PermissionSetArn"]
    call("DescribePermissionSet", InstanceArn=arn, PermissionSetArn=ps_arn)
    call("ListPermissionSets", InstanceArn=arn)
    sim.fail_provisioning("The role cannot be created.")
    provisioning = call(
        "ProvisionPermissionSet",
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        TargetType="AWS_ACCOUNT",
        TargetId=ACCOUNT,
    )
    sim.advance(15)
    call(
        "DescribePermissionSetProvisioningStatus",
        InstanceArn=arn,
        ProvisionPermissionSetRequestId=provisioning["PermissionSetProvisioningStatus"][
            "RequestId"
        ],
    )
    call("ListPermissionSetProvisioningStatus", InstanceArn=arn)

    assignment = {
        "InstanceArn": arn,
        "TargetId": ACCOUNT,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    }
    created = call("CreateAccountAssignment", **assignment)
    sim.advance(10)
    call(
        "DescribeAccountAssignmentCreationStatus",
        InstanceArn=arn,
        AccountAssignmentCreationRequestId=created["AccountAssignmentCreationStatus"]["RequestId"],
    )
    call("ListAccountAssignmentCreationStatus", InstanceArn=arn)
    call("ListAccountAssignments", InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn)
    call(
        "ListAccountAssignmentsForPrincipal",
        InstanceArn=arn,
        PrincipalType="GROUP",
        PrincipalId=GROUP,
        Filter={"AccountId": ACCOUNT},
    )
    sim.fail_assignments("The account is suspended.")
    deleted = call("DeleteAccountAssignment", **assignment)
    sim.advance(10)
    call(
        "DescribeAccountAssignmentDeletionStatus",
        InstanceArn=arn,
        AccountAssignmentDeletionRequestId=deleted["AccountAssignmentDeletionStatus"]["RequestId"],
    )
    call("ListAccountAssignmentDeletionStatus", InstanceArn=arn)
    call("DeleteInstance", InstanceArn=arn)
    return parsed


@pytest.fixture
def answers(sim: Simulator, server: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw JSON and botocore's parse of every operation's answer, by operation."""
    raw: dict[str, Any] = {}

    def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        raw[operation_model.name] = json.loads(response_dict["body"])

    client = boto_client(server)
    client.meta.events.register("before-parse.sso-admin.*", keep)
    try:
        parsed = _rollout(sim, client)
    finally:
        client.close()
    return raw, parsed


def test_every_operation_is_called(answers: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The rollout calls every operation the endpoint serves, and each answers."""
    raw, parsed = answers

    assert sorted(OPERATIONS) == sorted(raw) == sorted(parsed) == sorted(EXPECTED)


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_answer_matches_the_model(
    answers: tuple[dict[str, Any], dict[str, Any]], operation: str
) -> None:
    """The raw answer has exactly its expected members, each of the model's type and pattern."""
    raw, parsed = answers

    assert [] == model_violations(operation, raw[operation])
    assert EXPECTED[operation] == member_paths(raw[operation])
    # botocore's parser keeps what the model has: every member survived the parse.
    assert EXPECTED[operation] == member_paths(parsed[operation])
