"""What a rollout reads to tell what is in place: the List status operations and the listings.

Filters, ``MaxResults`` and ``NextToken`` paging, and what the service does with an
assignment created twice or deleted when absent.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import Simulator

from .conftest import ACCOUNT, GROUP, OTHER_ACCOUNT, code_of, error_of

#: Each List status operation: the kind of request it lists, and the key of its list.
STATUS_LISTS = {
    "list_account_assignment_creation_status": "AccountAssignmentsCreationStatus",
    "list_account_assignment_deletion_status": "AccountAssignmentsDeletionStatus",
    "list_permission_set_provisioning_status": "PermissionSetsProvisioningStatus",
}
USER = "94482488-3041-7026-18f3-be45837cd0e4"


def _start(sim: Simulator, arn: str, ps_arn: str, method: str, n: int, **how: Any) -> str:
    """Start a scripted request of the kind *method* lists, for account number *n*."""
    account = f"{n:012d}"
    if method == "list_permission_set_provisioning_status":
        return sim.provision_permission_set(arn, ps_arn, account_id=account, **how)
    if method == "list_account_assignment_deletion_status":
        sim.create_account_assignment(arn, ps_arn, account, seconds=0)
        return sim.delete_account_assignment(arn, ps_arn, account, **how)
    return sim.create_account_assignment(arn, ps_arn, account, **how)


def _inputs(arn: str, ps_arn: str, account: str = ACCOUNT) -> dict[str, str]:
    return {
        "InstanceArn": arn,
        "TargetId": account,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    }


@pytest.mark.parametrize("method", sorted(STATUS_LISTS))
def test_status_filter(sim: Simulator, boto: Any, arn: str, ps_arn: str, method: str) -> None:
    """Filter.Status keeps the requests IN_PROGRESS, FAILED or SUCCEEDED now, oldest first."""
    succeeded = _start(sim, arn, ps_arn, method, 1, seconds=1)
    failed = _start(sim, arn, ps_arn, method, 2, seconds=1, fail_reason="No")
    running = _start(sim, arn, ps_arn, method, 3, never_finish=True)
    sim.advance(1)
    listed = {
        status: [
            (item["RequestId"], item["Status"])
            for item in getattr(boto, method)(InstanceArn=arn, Filter={"Status": status})[
                STATUS_LISTS[method]
            ]
        ]
        for status in ("IN_PROGRESS", "FAILED", "SUCCEEDED")
    }
    everything = getattr(boto, method)(InstanceArn=arn)[STATUS_LISTS[method]]

    assert {
        "IN_PROGRESS": [(running, "IN_PROGRESS")],
        "FAILED": [(failed, "FAILED")],
        "SUCCEEDED": [(succeeded, "SUCCEEDED")],
    } == listed
    assert [succeeded, failed, running] == [item["RequestId"] for item in everything]
    assert {"Status", "RequestId", "CreatedDate"} == set(everything[0])


@pytest.mark.parametrize("method", sorted(STATUS_LISTS))
def test_status_paging(sim: Simulator, boto: Any, arn: str, ps_arn: str, method: str) -> None:
    """MaxResults pages through 250 requests; botocore's paginator walks them, 100 a page."""
    requests = [_start(sim, arn, ps_arn, method, n, seconds=0) for n in range(250)]
    first = getattr(boto, method)(InstanceArn=arn, MaxResults=7)
    second = getattr(boto, method)(InstanceArn=arn, MaxResults=7, NextToken=first["NextToken"])
    pages = list(boto.get_paginator(method).paginate(InstanceArn=arn))

    assert requests[:7] == [item["RequestId"] for item in first[STATUS_LISTS[method]]]
    assert requests[7:14] == [item["RequestId"] for item in second[STATUS_LISTS[method]]]
    assert [100, 100, 50] == [len(page[STATUS_LISTS[method]]) for page in pages]
    assert requests == [item["RequestId"] for page in pages for item in page[STATUS_LISTS[method]]]
    assert "NextToken" not in pages[-1]


def test_max_results_is_capped_at_100(boto: Any, arn: str) -> None:
    """MaxResults above 100 is a ValidationException, as the model says (botocore sends it)."""
    codes = [
        code_of(getattr(boto, method), InstanceArn=arn, MaxResults=101)
        for method in sorted(STATUS_LISTS)
    ]

    assert ["ValidationException"] * 3 == codes


def test_filtered_paging_skips_nothing_that_ends_between_pages(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """Paging IN_PROGRESS requests while the first ones end never skips a running one."""
    durations = [1.0] * 5 + [100.0] * 10
    requests = [
        sim.create_account_assignment(arn, ps_arn, f"{n:012d}", seconds=seconds)
        for n, seconds in enumerate(durations)
    ]
    pending = {"InstanceArn": arn, "Filter": {"Status": "IN_PROGRESS"}, "MaxResults": 6}
    first = boto.list_account_assignment_creation_status(**pending)
    sim.advance(1)  # the first five end: a page by position among the IN_PROGRESS would skip
    rest = boto.list_account_assignment_creation_status(**pending, NextToken=first["NextToken"])
    seen = [
        item["RequestId"]
        for page in (first, rest)
        for item in page["AccountAssignmentsCreationStatus"]
    ]

    assert requests[:6] + requests[6:12] == seen
    assert "NextToken" in rest


def test_a_bad_token_is_refused(boto: Any, arn: str) -> None:
    """A NextToken this endpoint never gave is a ValidationException."""
    assert "ValidationException" == code_of(
        boto.list_account_assignment_deletion_status, InstanceArn=arn, NextToken="bm9wZQ=="
    )


def test_list_account_assignments_pages(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """ListAccountAssignments lists the principals in place, oldest first, page by page."""
    groups = [f"906723b8-1234-5678-9abc-{n:012x}" for n in range(130)]
    for group in groups:
        sim.create_account_assignment(
            arn, ps_arn, ACCOUNT, principal_type="GROUP", principal_id=group, seconds=0
        )
    sim.create_account_assignment(arn, ps_arn, ACCOUNT, principal_id=USER, seconds=5)
    pages = list(
        boto.get_paginator("list_account_assignments").paginate(
            InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn
        )
    )

    assert [100, 30] == [len(page["AccountAssignments"]) for page in pages]
    assert groups == [item["PrincipalId"] for page in pages for item in page["AccountAssignments"]]
    assert {
        "AccountId": ACCOUNT,
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": groups[0],
    } == pages[0]["AccountAssignments"][0]


def test_list_account_assignments_for_principal(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """A principal's assignments in every account, filtered by account, paged, in place only."""
    other_ps = sim.create_permission_set(arn, "ReadOnly")
    group = {"principal_type": "GROUP", "principal_id": GROUP}
    for account in (ACCOUNT, OTHER_ACCOUNT):
        for permission_set in (ps_arn, other_ps):
            sim.create_account_assignment(arn, permission_set, account, seconds=0, **group)
    sim.create_account_assignment(arn, ps_arn, "777788889999", seconds=5, **group)  # not yet
    sim.create_account_assignment(arn, ps_arn, ACCOUNT, principal_id=USER, seconds=0)
    principal = {"InstanceArn": arn, "PrincipalType": "GROUP", "PrincipalId": GROUP}
    every = boto.list_account_assignments_for_principal(**principal)["AccountAssignments"]
    one_account = boto.list_account_assignments_for_principal(
        **principal, Filter={"AccountId": OTHER_ACCOUNT}
    )["AccountAssignments"]
    first = boto.list_account_assignments_for_principal(**principal, MaxResults=3)
    rest = boto.list_account_assignments_for_principal(
        **principal, MaxResults=3, NextToken=first["NextToken"]
    )

    assert [
        (ACCOUNT, ps_arn),
        (ACCOUNT, other_ps),
        (OTHER_ACCOUNT, ps_arn),
        (OTHER_ACCOUNT, other_ps),
    ] == [(item["AccountId"], item["PermissionSetArn"]) for item in every]
    assert [(OTHER_ACCOUNT, ps_arn), (OTHER_ACCOUNT, other_ps)] == [
        (item["AccountId"], item["PermissionSetArn"]) for item in one_account
    ]
    assert every == first["AccountAssignments"] + rest["AccountAssignments"]
    assert "NextToken" not in rest
    assert {GROUP} == {item["PrincipalId"] for item in every}


def test_creating_an_assignment_already_in_place(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """Created again, an assignment in place is a request that SUCCEEDS; it is listed once."""
    boto.create_account_assignment(**_inputs(arn, ps_arn))
    sim.advance(10)
    again = boto.create_account_assignment(**_inputs(arn, ps_arn))[
        "AccountAssignmentCreationStatus"
    ]
    during = boto.list_account_assignments(
        InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn
    )["AccountAssignments"]
    sim.advance(10)
    done = boto.describe_account_assignment_creation_status(
        InstanceArn=arn, AccountAssignmentCreationRequestId=again["RequestId"]
    )["AccountAssignmentCreationStatus"]
    after = boto.list_account_assignments(
        InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn
    )["AccountAssignments"]

    assert ("IN_PROGRESS", "SUCCEEDED") == (again["Status"], done["Status"])
    assert ([GROUP], [GROUP]) == (
        [item["PrincipalId"] for item in during],
        [item["PrincipalId"] for item in after],
    )


def test_deleting_an_absent_assignment_is_not_found(
    sim: Simulator, boto: Any, arn: str, ps_arn: str
) -> None:
    """Deleted when absent, or once more after its deletion, an assignment is not found."""
    never = error_of(boto.delete_account_assignment, **_inputs(arn, ps_arn))
    boto.create_account_assignment(**_inputs(arn, ps_arn))
    sim.advance(10)
    boto.delete_account_assignment(**_inputs(arn, ps_arn))
    sim.advance(10)
    twice = error_of(boto.delete_account_assignment, **_inputs(arn, ps_arn))

    assert ("ResourceNotFoundException", 400) == (
        never["Error"]["Code"],
        never["ResponseMetadata"]["HTTPStatusCode"],
    )
    assert "ResourceNotFoundException" == twice["Error"]["Code"]
    assert 0 == sim.calls("DescribeAccountAssignmentDeletionStatus")
