"""Account assignments through boto3: their creation and deletion requests, and the listing."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import Simulator

from .conftest import ACCOUNT, GROUP, OTHER_ACCOUNT, UNKNOWN_REQUEST, code_of, error_of

STATUS_MEMBERS = {
    "Status",
    "RequestId",
    "TargetId",
    "TargetType",
    "PermissionSetArn",
    "PrincipalType",
    "PrincipalId",
    "CreatedDate",
}


def _inputs(arn: str, ps_arn: str, account: str = ACCOUNT) -> dict[str, str]:
    return {
        "InstanceArn": arn,
        "TargetId": account,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    }


def _create(boto: Any, arn: str, ps_arn: str, account: str = ACCOUNT) -> dict[str, Any]:
    answer = boto.create_account_assignment(**_inputs(arn, ps_arn, account))
    return answer["AccountAssignmentCreationStatus"]  # type: ignore[no-any-return]


def _delete(boto: Any, arn: str, ps_arn: str, account: str = ACCOUNT) -> dict[str, Any]:
    answer = boto.delete_account_assignment(**_inputs(arn, ps_arn, account))
    return answer["AccountAssignmentDeletionStatus"]  # type: ignore[no-any-return]


def _creation(boto: Any, arn: str, request_id: str) -> dict[str, Any]:
    answer = boto.describe_account_assignment_creation_status(
        InstanceArn=arn, AccountAssignmentCreationRequestId=request_id
    )
    return answer["AccountAssignmentCreationStatus"]  # type: ignore[no-any-return]


def _deletion(boto: Any, arn: str, request_id: str) -> dict[str, Any]:
    answer = boto.describe_account_assignment_deletion_status(
        InstanceArn=arn, AccountAssignmentDeletionRequestId=request_id
    )
    return answer["AccountAssignmentDeletionStatus"]  # type: ignore[no-any-return]


def _assigned(boto: Any, arn: str, ps_arn: str, account: str = ACCOUNT) -> list[str]:
    listed = boto.list_account_assignments(
        InstanceArn=arn, AccountId=account, PermissionSetArn=ps_arn
    )
    return [item["PrincipalId"] for item in listed["AccountAssignments"]]


def test_create_then_delete(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """Creation is IN_PROGRESS, then SUCCEEDED and listed; deletion likewise, then unlisted."""
    created = _create(boto, arn, ps_arn)
    before = _assigned(boto, arn, ps_arn)
    sim.advance(10)
    creation = _creation(boto, arn, created["RequestId"])
    listed = _assigned(boto, arn, ps_arn)
    deleted = _delete(boto, arn, ps_arn)
    still = _assigned(boto, arn, ps_arn)
    sim.advance(10)
    deletion = _deletion(boto, arn, deleted["RequestId"])

    assert STATUS_MEMBERS == set(created)
    assert {
        "Status": "IN_PROGRESS",
        "TargetId": ACCOUNT,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    } == {k: v for k, v in created.items() if k not in {"RequestId", "CreatedDate"}}
    assert ([], [GROUP], [GROUP], []) == (before, listed, still, _assigned(boto, arn, ps_arn))
    assert ("SUCCEEDED", "IN_PROGRESS", "SUCCEEDED") == (
        creation["Status"],
        deleted["Status"],
        deletion["Status"],
    )
    assert deleted["RequestId"] != created["RequestId"]


def test_failures_per_account_and_per_permission_set(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """fail_assignments fails the requests of one account, or of one permission set."""
    other_ps = sim.create_permission_set(arn, "ReadOnly")
    sim.fail_assignments("The account is suspended.", account_id=OTHER_ACCOUNT)
    sim.fail_assignments("The role trust policy is invalid.", permission_set_arn=other_ps)
    requests = [
        _create(boto, arn, ps_arn, ACCOUNT)["RequestId"],
        _create(boto, arn, ps_arn, OTHER_ACCOUNT)["RequestId"],
        _create(boto, arn, other_ps, ACCOUNT)["RequestId"],
    ]
    sim.advance(10)
    outcomes = [
        (status["Status"], status.get("FailureReason"))
        for status in (_creation(boto, arn, request) for request in requests)
    ]

    assert [
        ("SUCCEEDED", None),
        ("FAILED", "The account is suspended."),
        ("FAILED", "The role trust policy is invalid."),
    ] == outcomes
    assert [] == _assigned(boto, arn, ps_arn, OTHER_ACCOUNT)


def test_failed_deletion_keeps_the_assignment(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """A deletion that FAILS leaves the assignment in place."""
    _create(boto, arn, ps_arn)
    sim.advance(10)
    sim.fail_assignments("Deletion refused", count=1)
    request_id = _delete(boto, arn, ps_arn)["RequestId"]
    sim.advance(10)
    deletion = _deletion(boto, arn, request_id)

    assert ("FAILED", "Deletion refused", [GROUP]) == (
        deletion["Status"],
        deletion["FailureReason"],
        _assigned(boto, arn, ps_arn),
    )


def test_assignment_fail_reason_setting(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """assignment_fail_reason fails every assignment request received over the wire."""
    sim.assignment_fail_reason = "Simulated"
    request_id = _create(boto, arn, ps_arn)["RequestId"]
    sim.advance(10)

    assert "FAILED" == _creation(boto, arn, request_id)["Status"]


def test_colliding_changes_conflict(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """A change of an assignment while another change of it is in progress conflicts."""
    _create(boto, arn, ps_arn)
    codes = [
        code_of(boto.create_account_assignment, **_inputs(arn, ps_arn)),
        code_of(boto.delete_account_assignment, **_inputs(arn, ps_arn)),
    ]
    other_account = _create(boto, arn, ps_arn, OTHER_ACCOUNT)["Status"]
    sim.advance(10)
    deleting = _delete(boto, arn, ps_arn)["Status"]
    recreate = code_of(boto.create_account_assignment, **_inputs(arn, ps_arn))

    assert ["ConflictException"] * 2 == codes
    assert ("IN_PROGRESS", "IN_PROGRESS", "ConflictException") == (
        other_account,
        deleting,
        recreate,
    )


def test_deleting_what_is_not_there_is_not_found(boto: Any, arn: str, ps_arn: str) -> None:
    """DeleteAccountAssignment of an assignment that does not exist is ResourceNotFound."""
    assert "ResourceNotFoundException" == code_of(
        boto.delete_account_assignment, **_inputs(arn, ps_arn)
    )


def test_quota(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """Beyond assignment_quota, CreateAccountAssignment is ServiceQuotaExceededException."""
    sim.assignment_quota = 3
    sim.fail_assignments("Simulated", account_id="000000000003", count=1)
    for n in range(1, 4):
        _create(boto, arn, ps_arn, f"00000000000{n}")
    full = code_of(boto.create_account_assignment, **_inputs(arn, ps_arn, "000000000004"))
    sim.advance(10)  # the third one failed: it no longer counts
    again = _create(boto, arn, ps_arn, "000000000004")["Status"]
    sim.advance(10)
    existing = _create(boto, arn, ps_arn, "000000000001")["Status"]  # already there: no quota
    beyond = code_of(boto.create_account_assignment, **_inputs(arn, ps_arn, "000000000005"))

    assert ("ServiceQuotaExceededException", "IN_PROGRESS", "IN_PROGRESS") == (
        full,
        again,
        existing,
    )
    assert "ServiceQuotaExceededException" == beyond


def test_list_statuses(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """The List...Status operations list the requests of their kind, filtered by status."""
    first = _create(boto, arn, ps_arn)["RequestId"]
    sim.advance(10)
    second = _create(boto, arn, ps_arn, OTHER_ACCOUNT)["RequestId"]
    deletion = _delete(boto, arn, ps_arn)["RequestId"]
    creations = boto.list_account_assignment_creation_status(InstanceArn=arn)
    pending = boto.list_account_assignment_creation_status(
        InstanceArn=arn, Filter={"Status": "IN_PROGRESS"}
    )
    deletions = boto.list_account_assignment_deletion_status(InstanceArn=arn, MaxResults=1)

    assert [(first, "SUCCEEDED"), (second, "IN_PROGRESS")] == [
        (item["RequestId"], item["Status"])
        for item in creations["AccountAssignmentsCreationStatus"]
    ]
    assert [second] == [item["RequestId"] for item in pending["AccountAssignmentsCreationStatus"]]
    assert ([deletion], False) == (
        [item["RequestId"] for item in deletions["AccountAssignmentsDeletionStatus"]],
        "NextToken" in deletions,
    )


def test_status_lists_paginate(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """The paginator of botocore walks a long list of creation requests page by page."""
    requests = [
        sim.create_account_assignment(arn, ps_arn, f"{n:012d}", seconds=0) for n in range(250)
    ]
    pages = list(
        boto.get_paginator("list_account_assignment_creation_status").paginate(InstanceArn=arn)
    )

    assert 3 == len(pages)
    assert requests == [
        item["RequestId"] for page in pages for item in page["AccountAssignmentsCreationStatus"]
    ]


def test_a_creation_id_is_no_deletion_id(boto: Any, arn: str, ps_arn: str) -> None:
    """Asked about with the other kind's operation, or unknown, a request is not found."""
    request_id = _create(boto, arn, ps_arn)["RequestId"]
    codes = [
        code_of(
            boto.describe_account_assignment_deletion_status,
            InstanceArn=arn,
            AccountAssignmentDeletionRequestId=request_id,
        ),
        code_of(
            boto.describe_account_assignment_creation_status,
            InstanceArn=arn,
            AccountAssignmentCreationRequestId=UNKNOWN_REQUEST,
        ),
    ]

    assert ["ResourceNotFoundException"] * 2 == codes


@pytest.mark.parametrize(
    "bad",
    [
        ("TargetId", "12345678901x", "targetId"),
        ("PrincipalId", "not-a-principal", "principalId"),
        ("PrincipalType", "ROBOT", "principalType"),
        ("PermissionSetArn", "arn:aws:sso:::permissionSet/nope", "permissionSetArn"),
    ],
)
def test_bad_input_is_a_validation_error(
    boto: Any, arn: str, ps_arn: str, bad: tuple[str, str, str]
) -> None:
    """Account IDs, principals and ARNs are checked against the model's patterns and enums."""
    member, value, label = bad
    inputs = {**_inputs(arn, ps_arn), member: value}
    response = error_of(boto.create_account_assignment, **inputs)

    assert "ValidationException" == response["Error"]["Code"]
    assert f"at '{label}' failed to satisfy constraint" in response["Error"]["Message"]


def test_list_account_assignments_validates_account(boto: Any, arn: str, ps_arn: str) -> None:
    """ListAccountAssignments needs a 12-digit AccountId."""
    response = error_of(
        boto.list_account_assignments,
        InstanceArn=arn,
        AccountId="1234567890ab",
        PermissionSetArn=ps_arn,
    )

    assert "Value '1234567890ab' at 'accountId'" in response["Error"]["Message"]


def test_scripted_assignments(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """Scripted creations and deletions skip the conflict checks and can fail on demand."""
    created = sim.create_account_assignment(arn, ps_arn, ACCOUNT, seconds=0)
    stuck = sim.delete_account_assignment(arn, ps_arn, ACCOUNT, never_finish=True)
    failed = sim.create_account_assignment(
        arn, ps_arn, OTHER_ACCOUNT, principal_type="GROUP", principal_id=GROUP, fail_reason="No"
    )
    sim.advance(1e9)

    assert ("SUCCEEDED", "IN_PROGRESS", "FAILED") == (
        _creation(boto, arn, created)["Status"],
        _deletion(boto, arn, stuck)["Status"],
        _creation(boto, arn, failed)["Status"],
    )
    assert 1 == len(_assigned(boto, arn, ps_arn))  # still there while the deletion runs
