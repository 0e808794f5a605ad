"""Account assignments on the wire: their changes, the changes' status, and the listings.

CreateAccountAssignment, DeleteAccountAssignment, their Describe and List status operations,
ListAccountAssignments and ListAccountAssignmentsForPrincipal.

A change of an assignment while another change of it is in progress is a ConflictException;
creating one beyond the simulator's ``assignment_quota`` is a ServiceQuotaExceededException.
With the service limits on, a change beyond the instance's outstanding writes is a
ThrottlingException, and a change of a permission set that is being provisioned to the
account a ConflictException.

What the service does with an assignment already in place, or one that is not there, is not
documented; the simulator does what clients of the service observe and rely on:

- CreateAccountAssignment of an assignment already in place is accepted: a request that runs
  its course and SUCCEEDS, and the assignment is still listed once. The AWS provider for
  Terraform checks ListAccountAssignments before it creates one because "the AWS SSO API
  doesn't prevent us from creating duplicates"; a duplicate is not refused, and the service
  holds one assignment per (account, permission set, principal).
- DeleteAccountAssignment of an assignment that is not there is ResourceNotFoundException, at
  once: the Terraform provider and AWS's own samples take that answer to mean "already gone".
"""

from __future__ import annotations

from typing import Any, Final

from poller.simulator._assignments import find, records, reserved
from poller.simulator._errors import ServiceError
from poller.simulator._model import validate
from poller.simulator._operations._paging import listing, paginate_where
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
    permission_set = sim.require_permission_set(arn, permission_set_arn, operation)
    instance = sim.require(arn, operation)
    # In what order the service makes its checks is not documented: the limit first, as
    # admission control comes before the work, then the state of what the request changes.
    sim.check_outstanding(instance)
    now = sim.now()
    assignment = find(instance, account_id, permission_set_arn, principal)
    if assignment is not None and assignment.is_changing(now):
        # Two changes of one assignment at once: the second is refused.
        raise sim.limits.conflict()
    if sim.aws_limits and permission_set.is_provisioning_to(account_id, now):
        # One update of a permission set's role in an account at a time: an assignment
        # provisions the set to its account, as ProvisionPermissionSet does.
        raise sim.limits.conflict()
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
    # An assignment already in place is created again without a duplicate: a request that
    # runs and SUCCEEDS, the assignment listed once (see the module's docstring).
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
    """ListAccountAssignments: the principals that have a permission set in an account now.

    Oldest assignment first, paged by ``MaxResults`` and ``NextToken``; an assignment being
    created is not listed yet, one being deleted still is.
    """
    validate("ListAccountAssignments", body)
    arn = body["InstanceArn"]
    sim.require_permission_set(arn, body["PermissionSetArn"], "ListAccountAssignments")
    instance = sim.require(arn, "ListAccountAssignments")
    now = sim.now()
    by_principal = instance.assignments.get((body["AccountId"], body["PermissionSetArn"]), {})
    page, token = paginate_where(list(by_principal.values()), body, lambda a: a.exists(now))
    return listing("AccountAssignments", [item.listing() for item in page], token)


def list_account_assignments_for_principal(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListAccountAssignmentsForPrincipal: a principal's assignments, in every account.

    ``Filter.AccountId`` keeps those of one account; oldest first, paged by ``MaxResults``
    and ``NextToken``.
    """
    validate("ListAccountAssignmentsForPrincipal", body)
    instance = sim.require(body["InstanceArn"], "ListAccountAssignmentsForPrincipal")
    account_id = (body.get("Filter") or {}).get("AccountId")
    now = sim.now()
    principal = (body["PrincipalType"], body["PrincipalId"])
    page, token = paginate_where(
        instance.principal_assignments.get(principal, []),
        body,
        lambda a: a.exists(now) and account_id in (None, a.account_id),
    )
    return listing("AccountAssignments", [item.listing() for item in page], token)
