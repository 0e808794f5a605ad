"""Wait, asynchronously, on AWS IAM Identity Center.

``await poller.wait_for_instance(client, arn)`` polls SSO Admin's DescribeInstance with
jittered backoff under a deadline until the instance is ACTIVE (or encrypted, replicated or
deleted), raising a typed error from :mod:`poller.exceptions` when it cannot get there, and
emitting an event from :mod:`poller.events` on every transition.
"""

import importlib as _importlib
import typing as _typing

from poller._outcome import ExitCode, Outcome
from poller._ratelimit import RateLimiter, RequestLimiter
from poller._resources._access_control import (
    AccessControlAttribute,
    AccessControlAttributesDescription,
    AccessControlAttributesStatus,
)
from poller._resources._instance import Target
from poller._resources._instance_description import (
    EncryptionDetails,
    EncryptionStatus,
    InstanceDescription,
    InstanceStatus,
    RegionDetails,
)
from poller._resources._region import RegionDescription, RegionStatus, RegionTarget
from poller._resources._requests import RequestDescription, RequestStatus
from poller._result import ObservedState, WaitResult
from poller._settings import Moment, Seconds
from poller.exceptions import (
    AccessControlAttributesFailedError,
    AccessDeniedError,
    AccountAssignmentFailedError,
    ApiError,
    EncryptionUpdateFailedError,
    EndpointUnreachableError,
    InstanceCreateFailedError,
    InstanceDeletedError,
    InstanceFailedError,
    InvalidArgumentError,
    InvalidInstanceArnError,
    PermissionSetProvisioningFailedError,
    PollerError,
    RegionRemovedError,
    ResourceFailedError,
    ResourceNotFoundError,
    WaitTimeoutError,
)

if _typing.TYPE_CHECKING:
    from poller._client import open_client, open_clients
    from poller._waiters._instance import (
        InstanceOutcome,
        wait_for_instance,
        wait_for_instances,
        watch_instance,
    )
    from poller._waiters._region import (
        wait_for_access_control_attributes,
        wait_for_region,
        watch_access_control_attributes,
        watch_region,
    )
    from poller._waiters._requests import (
        RequestKind,
        WaitOutcome,
        wait_for_account_assignment_creation,
        wait_for_account_assignment_deletion,
        wait_for_permission_set_provisioning,
        wait_for_requests,
        watch_account_assignment_creation,
        watch_account_assignment_deletion,
        watch_permission_set_provisioning,
    )

# These pull in aiobotocore, which takes a while to import: loaded on first use, so that
# `poller --help` and a command line refused for bad input answer at once.
_LAZY = {
    "InstanceOutcome": "poller._waiters._instance",
    "RequestKind": "poller._waiters._requests",
    "WaitOutcome": "poller._waiters._requests",
    "open_client": "poller._client",
    "open_clients": "poller._client",
    "wait_for_access_control_attributes": "poller._waiters._region",
    "wait_for_account_assignment_creation": "poller._waiters._requests",
    "wait_for_account_assignment_deletion": "poller._waiters._requests",
    "wait_for_instance": "poller._waiters._instance",
    "wait_for_instances": "poller._waiters._instance",
    "wait_for_permission_set_provisioning": "poller._waiters._requests",
    "wait_for_region": "poller._waiters._region",
    "wait_for_requests": "poller._waiters._requests",
    "watch_access_control_attributes": "poller._waiters._region",
    "watch_account_assignment_creation": "poller._waiters._requests",
    "watch_account_assignment_deletion": "poller._waiters._requests",
    "watch_instance": "poller._waiters._instance",
    "watch_permission_set_provisioning": "poller._waiters._requests",
    "watch_region": "poller._waiters._region",
}


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'poller' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "AccessControlAttribute",
    "AccessControlAttributesDescription",
    "AccessControlAttributesFailedError",
    "AccessControlAttributesStatus",
    "AccessDeniedError",
    "AccountAssignmentFailedError",
    "ApiError",
    "EncryptionDetails",
    "EncryptionStatus",
    "EncryptionUpdateFailedError",
    "EndpointUnreachableError",
    "ExitCode",
    "InstanceCreateFailedError",
    "InstanceDeletedError",
    "InstanceDescription",
    "InstanceFailedError",
    "InstanceOutcome",
    "InstanceStatus",
    "InvalidArgumentError",
    "InvalidInstanceArnError",
    "Moment",
    "ObservedState",
    "Outcome",
    "PermissionSetProvisioningFailedError",
    "PollerError",
    "RateLimiter",
    "RegionDescription",
    "RegionDetails",
    "RegionRemovedError",
    "RegionStatus",
    "RegionTarget",
    "RequestDescription",
    "RequestKind",
    "RequestLimiter",
    "RequestStatus",
    "ResourceFailedError",
    "ResourceNotFoundError",
    "Seconds",
    "Target",
    "WaitOutcome",
    "WaitResult",
    "WaitTimeoutError",
    "open_client",
    "open_clients",
    "wait_for_access_control_attributes",
    "wait_for_account_assignment_creation",
    "wait_for_account_assignment_deletion",
    "wait_for_instance",
    "wait_for_instances",
    "wait_for_permission_set_provisioning",
    "wait_for_region",
    "wait_for_requests",
    "watch_access_control_attributes",
    "watch_account_assignment_creation",
    "watch_account_assignment_deletion",
    "watch_instance",
    "watch_permission_set_provisioning",
    "watch_region",
]
