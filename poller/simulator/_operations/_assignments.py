"""Account assignments on the wire: their changes, the changes' status, and the listing.

CreateAccountAssignment, DeleteAccountAssignment, their Describe and List status operations,
and ListAccountAssignments. A change of an assignment while another change of it is in
progress is a ConflictException; creating one beyond the simulator's ``assignment_quota`` is a
ServiceQuotaExceededException.
"""

from __future__ import annotations

from typing import Any, Final

from poller.simulator._assignments import find, records, reserved
from poller.simulator._errors import ServiceError, conflict
from poller.simulator._model import validate
from poller.simulator._operations._paging import listing, paginate
from poller.simulator._operations._requests import describe_request, list_requests
from poller.simulator._requests import RequestKind
from poller.simulator._simulator import Simulator

_CREATION: Final = RequestKind.ASSIGNMENT_CREATION
_DELETION: Final = RequestKind.ASSIGNMENT_DELETION


def _change(sim: Simulator, body: dict[str, Any], kind: RequestKind) -> dict[str, Any]:
    operation = "CreateAccountAssignment" if kind is _CREATION else "DeleteAccountAssignment"
    validate(operation, body)
    arn, permission_set_arn = body["InstanceArn"], body["PermissionSetArn"]
    account_id, principal = body["TargetId"], (body["PrincipalType"], body["PrincipalId"])
    sim.require_permission_set(arn, permission_set_arn, operation)
    instance = sim.require(arn, operation)
    now = sim.now()
    assignment = find(instance, account_id, permission_set_arn, principal)
    if assignment is not None and assignment.is_changing(now):
        raise conflict(
            f"The assignment of {permission_set_arn} to {principal[0]} {principal[1]} in "
            f"account {account_id} is already being changed; retry once that request is over."
        )
    if kind is _DELETION and (assignment is None or not assignment.exists(now)):
        raise ServiceError(
            "ResourceNotFoundException",
            f"No assignment of {permission_set_arn} to {principal[0]} {principal[1]} in "
            f"account {account_id}.",
        )
    quota = sim.assignment_quota
    if (
        kind is _CREATION
        and quota is not None
        and not (assignment is not None and assignment.exists(now))
        and records(instance) >= quota  # cheap, and an upper bound of the exact count
        and reserved(instance, now) >= quota
    ):
        raise ServiceError(
            "ServiceQuotaExceededException",
            f"The instance already has {quota} account assignments, its quota.",
        )
    start = sim.create_account_assignment if kind is _CREATION else sim.delete_account_assignment
    request_id = start(
        arn,
        permission_set_arn,
        account_id,
        principal_type=principal[0],
        principal_id=principal[1],
        fail_reason=sim.failure_for(kind, account_id, permission_set_arn),
    )
    status = sim.find_request(request_id).status_object(sim.now(), sim.clock.epoch_origin)
    return {f"{kind.value}Status": status}


def create_account_assignment(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """CreateAccountAssignment: a request, ``IN_PROGRESS``."""
    return _change(sim, body, _CREATION)


def delete_account_assignment(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DeleteAccountAssignment: a request, ``IN_PROGRESS``; the assignment must exist."""
    return _change(sim, body, _DELETION)


def describe_creation_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeAccountAssignmentCreationStatus."""
    return describe_request(
        sim,
        body,
        "DescribeAccountAssignmentCreationStatus",
        _CREATION,
        "AccountAssignmentCreationRequestId",
    )


def describe_deletion_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeAccountAssignmentDeletionStatus."""
    return describe_request(
        sim,
        body,
        "DescribeAccountAssignmentDeletionStatus",
        _DELETION,
        "AccountAssignmentDeletionRequestId",
    )


def list_creation_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListAccountAssignmentCreationStatus."""
    return list_requests(
        sim,
        body,
        "ListAccountAssignmentCreationStatus",
        _CREATION,
        "AccountAssignmentsCreationStatus",
    )


def list_deletion_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListAccountAssignmentDeletionStatus."""
    return list_requests(
        sim,
        body,
        "ListAccountAssignmentDeletionStatus",
        _DELETION,
        "AccountAssignmentsDeletionStatus",
    )


def list_account_assignments(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListAccountAssignments: the principals that have a permission set in an account now."""
    validate("ListAccountAssignments", body)
    arn = body["InstanceArn"]
    sim.require_permission_set(arn, body["PermissionSetArn"], "ListAccountAssignments")
    instance = sim.require(arn, "ListAccountAssignments")
    now = sim.now()
    by_principal = instance.assignments.get((body["AccountId"], body["PermissionSetArn"]), {})
    present = [item for item in list(by_principal.values()) if item.exists(now)]
    page, token = paginate(present, body)
    return listing("AccountAssignments", [item.listing() for item in page], token)
