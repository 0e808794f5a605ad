"""The operations the endpoint serves: input checks as the service makes them, then the state.

Each operation takes the simulator and the decoded JSON input and returns the JSON output, or
raises :class:`~poller.simulator.ServiceError`. One module per resource; :data:`OPERATIONS` is
the one table the endpoint routes by.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from poller.simulator._operations import (
    _access_control,
    _assignments,
    _instances,
    _permission_sets,
    _regions,
)
from poller.simulator._simulator import Simulator

Operation = Callable[[Simulator, dict[str, Any]], dict[str, Any]]

#: The operations served, by the name after ``SWBExternalService.`` in ``X-Amz-Target``.
OPERATIONS: Final[dict[str, Operation]] = {
    "AddRegion": _regions.add_region,
    "CreateAccountAssignment": _assignments.create_account_assignment,
    "CreateInstance": _instances.create_instance,
    "CreateInstanceAccessControlAttributeConfiguration": _access_control.create_configuration,
    "CreatePermissionSet": _permission_sets.create_permission_set,
    "DeleteAccountAssignment": _assignments.delete_account_assignment,
    "DeleteInstance": _instances.delete_instance,
    "DeleteInstanceAccessControlAttributeConfiguration": _access_control.delete_configuration,
    "DescribeAccountAssignmentCreationStatus": _assignments.describe_creation_status,
    "DescribeAccountAssignmentDeletionStatus": _assignments.describe_deletion_status,
    "DescribeInstance": _instances.describe_instance,
    "DescribeInstanceAccessControlAttributeConfiguration": (_access_control.describe_configuration),
    "DescribePermissionSet": _permission_sets.describe_permission_set,
    "DescribePermissionSetProvisioningStatus": _permission_sets.describe_provisioning_status,
    "DescribeRegion": _regions.describe_region,
    "ListAccountAssignmentCreationStatus": _assignments.list_creation_status,
    "ListAccountAssignmentDeletionStatus": _assignments.list_deletion_status,
    "ListAccountAssignments": _assignments.list_account_assignments,
    "ListAccountAssignmentsForPrincipal": _assignments.list_account_assignments_for_principal,
    "ListInstances": _instances.list_instances,
    "ListPermissionSetProvisioningStatus": _permission_sets.list_provisioning_status,
    "ListPermissionSets": _permission_sets.list_permission_sets,
    "ListRegions": _regions.list_regions,
    "ProvisionPermissionSet": _permission_sets.provision_permission_set,
    "RemoveRegion": _regions.remove_region,
    "UpdateInstance": _instances.update_instance,
    "UpdateInstanceAccessControlAttributeConfiguration": _access_control.update_configuration,
}
