"""Wait, asynchronously, for an AWS IAM Identity Center instance to settle.

``await poller.wait_for_instance(client, arn)`` polls SSO Admin's DescribeInstance with
jittered backoff under a deadline until the instance is ACTIVE (or encrypted, or deleted),
raising a typed error from :mod:`poller.exceptions` when it cannot get there, and emitting an
event from :mod:`poller.events` on every transition.
"""

from poller._client import open_client
from poller._instance import (
    EncryptionDetails,
    EncryptionStatus,
    InstanceDescription,
    InstanceStatus,
    RegionDetails,
)
from poller._result import ObservedState, WaitResult
from poller._targets import Target
from poller._waiter import Seconds, wait_for_instance, watch_instance
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EncryptionUpdateFailedError,
    InstanceCreateFailedError,
    InstanceDeletedError,
    InstanceFailedError,
    InvalidInstanceArnError,
    PollerError,
    WaitTimeoutError,
)

__all__ = [
    "AccessDeniedError",
    "ApiError",
    "EncryptionDetails",
    "EncryptionStatus",
    "EncryptionUpdateFailedError",
    "InstanceCreateFailedError",
    "InstanceDeletedError",
    "InstanceDescription",
    "InstanceFailedError",
    "InstanceStatus",
    "InvalidInstanceArnError",
    "ObservedState",
    "PollerError",
    "RegionDetails",
    "Seconds",
    "Target",
    "WaitResult",
    "WaitTimeoutError",
    "open_client",
    "wait_for_instance",
    "watch_instance",
]
