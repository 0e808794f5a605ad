"""Permission sets on the wire, and provisioning them.

CreatePermissionSet, DescribePermissionSet, ListPermissionSets, ProvisionPermissionSet,
DescribePermissionSetProvisioningStatus and ListPermissionSetProvisioningStatus.
"""

from __future__ import annotations

from typing import Any, Final

from poller.simulator._errors import ServiceError, conflict
from poller.simulator._model import validate
from poller.simulator._operations._paging import paginate
from poller.simulator._operations._requests import describe_request, list_requests
from poller.simulator._permission_sets import DEFAULT_SESSION_DURATION
from poller.simulator._requests import AWS_ACCOUNT, RequestKind
from poller.simulator._simulator import Simulator

_PROVISIONING: Final = RequestKind.PROVISIONING


def create_permission_set(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """CreatePermissionSet: a new permission set; its name is unique in the instance."""
    validate("CreatePermissionSet", body)
    arn, name = body["InstanceArn"], body["Name"]
    instance = sim.require(arn, "CreatePermissionSet")
    if any(existing.name == name for existing in list(instance.permission_sets.values())):
        raise conflict(f"A permission set named {name} already exists in the instance.")
    permission_set_arn = sim.create_permission_set(
        arn,
        name,
        description=body.get("Description"),
        session_duration=body.get("SessionDuration", DEFAULT_SESSION_DURATION),
        relay_state=body.get("RelayState"),
        tags=body.get("Tags"),
    )
    permission_set = sim.require_permission_set(arn, permission_set_arn)
    return {"PermissionSet": permission_set.describe(sim.clock.epoch_origin)}


def describe_permission_set(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribePermissionSet: ResourceNotFoundException for one the instance does not have."""
    validate("DescribePermissionSet", body)
    permission_set = sim.require_permission_set(body["InstanceArn"], body["PermissionSetArn"])
    return {"PermissionSet": permission_set.describe(sim.clock.epoch_origin)}


def list_permission_sets(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListPermissionSets: the ARNs, oldest first."""
    validate("ListPermissionSets", body)
    instance = sim.require(body["InstanceArn"], "ListPermissionSets")
    arns, token = paginate(list(instance.permission_sets), body)
    return {"PermissionSets": arns, **({} if token is None else {"NextToken": token})}


def provision_permission_set(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ProvisionPermissionSet: a request, ``IN_PROGRESS``; one at a time per permission set.

    A second one while the first is IN_PROGRESS is a ConflictException; with the service
    limits on, one beyond the instance's outstanding writes is a ThrottlingException.
    """
    validate("ProvisionPermissionSet", body)
    arn, permission_set_arn = body["InstanceArn"], body["PermissionSetArn"]
    target_id = body.get("TargetId")
    if (body["TargetType"] == AWS_ACCOUNT) != (target_id is not None):
        raise ServiceError(
            "ValidationException",
            "TargetId must be given for TargetType AWS_ACCOUNT, and only for it.",
        )
    permission_set = sim.require_permission_set(arn, permission_set_arn, "ProvisionPermissionSet")
    # The outstanding limit AWS documents for the assignment calls, applied to the third
    # asynchronous write of a rollout as well.
    sim.check_outstanding(sim.require(arn, "ProvisionPermissionSet"))
    if permission_set.is_provisioning(sim.now()):
        # One update of a permission set at a time, whatever the accounts.
        raise sim.limits.conflict()
    request_id = sim.provision_permission_set(
        arn,
        permission_set_arn,
        account_id=target_id,
        fail_reason=sim.failure_for(_PROVISIONING, target_id, permission_set_arn),
    )
    request = sim.find_request(request_id)
    return {
        "PermissionSetProvisioningStatus": request.status_object(sim.now(), sim.clock.epoch_origin)
    }


def describe_provisioning_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribePermissionSetProvisioningStatus: ``IN_PROGRESS``, ``SUCCEEDED`` or ``FAILED``."""
    return describe_request(
        sim,
        body,
        "DescribePermissionSetProvisioningStatus",
        _PROVISIONING,
        "ProvisionPermissionSetRequestId",
    )


def list_provisioning_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListPermissionSetProvisioningStatus: the instance's provisioning requests."""
    return list_requests(
        sim,
        body,
        "ListPermissionSetProvisioningStatus",
        _PROVISIONING,
        "PermissionSetsProvisioningStatus",
    )
