"""Wait, asynchronously, for an AWS IAM Identity Center instance to settle.

``await poller.wait_for_instance(client, arn)`` polls SSO Admin's DescribeInstance with
jittered backoff under a deadline until the instance is ACTIVE (or encrypted, or deleted),
raising a typed error from :mod:`poller.exceptions` when it cannot get there, and emitting an
event from :mod:`poller.events` on every transition.
"""

import importlib
from typing import TYPE_CHECKING, Any

from poller._durations import Seconds
from poller._instance import (
    EncryptionDetails,
    EncryptionStatus,
    InstanceDescription,
    InstanceStatus,
    RegionDetails,
)
from poller._ratelimit import RateLimiter, RequestLimiter
from poller._result import ObservedState, WaitResult
from poller._targets import Target
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

if TYPE_CHECKING:
    from poller._client import open_client
    from poller._fanout import InstanceOutcome, open_clients, wait_for_instances
    from poller._waiter import wait_for_instance, watch_instance

# These pull in aiobotocore, which takes a while to import: loaded on first use, so that
# `poller --help` and a command line refused for bad input answer at once.
_LAZY = {
    "InstanceOutcome": "poller._fanout",
    "open_client": "poller._client",
    "open_clients": "poller._fanout",
    "wait_for_instances": "poller._fanout",
    "wait_for_instance": "poller._waiter",
    "watch_instance": "poller._waiter",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'poller' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "InstanceOutcome",
    "InstanceStatus",
    "InvalidInstanceArnError",
    "ObservedState",
    "PollerError",
    "RateLimiter",
    "RegionDetails",
    "RequestLimiter",
    "Seconds",
    "Target",
    "WaitResult",
    "WaitTimeoutError",
    "open_client",
    "open_clients",
    "wait_for_instance",
    "wait_for_instances",
    "watch_instance",
]
