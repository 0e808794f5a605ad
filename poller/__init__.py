"""Wait, asynchronously, on AWS IAM Identity Center.

``await poller.wait_for_instance(client, arn)`` polls SSO Admin's DescribeInstance with
jittered backoff under a deadline until the instance is ACTIVE (or encrypted, replicated or
deleted), raising a typed error from :mod:`poller.exceptions` when it cannot get there, and
emitting an event from :mod:`poller.events` on every transition. Every kind of resource poller
waits on is described once, in :data:`resources`; :func:`wait`, :func:`watch`, :func:`look`
and :func:`wait_many` wait on any of them. :func:`apply_account_assignments` and
:func:`provision_permission_sets` roll many changes out inside the service's limits;
:func:`look_account_assignments` looks once at whether a plan of assignments is in place.

Each public name is written once below: the light ones imported here, the ones that pull in
aiobotocore (slow to import) in the ``TYPE_CHECKING`` block, from which they are imported on
first use, so that ``poller --help`` and refused input answer at once.
"""

import typing as _typing

from poller._endpoint import check_endpoint_url as check_endpoint_url
from poller._exports import export as _export
from poller._identity import Identity as Identity
from poller._outcome import ExitCode as ExitCode
from poller._outcome import Outcome as Outcome
from poller._ratelimit import RateLimiter as RateLimiter
from poller._ratelimit import RequestLimiter as RequestLimiter
from poller._resources._access_control import AccessControlAttribute as AccessControlAttribute
from poller._resources._access_control import (
    AccessControlAttributesDescription as AccessControlAttributesDescription,
)
from poller._resources._access_control import (
    AccessControlAttributesStatus as AccessControlAttributesStatus,
)
from poller._resources._instance import Target as Target
from poller._resources._instance_description import EncryptionDetails as EncryptionDetails
from poller._resources._instance_description import EncryptionStatus as EncryptionStatus
from poller._resources._instance_description import InstanceDescription as InstanceDescription
from poller._resources._instance_description import InstanceStatus as InstanceStatus
from poller._resources._instance_description import RegionDetails as RegionDetails
from poller._resources._kind import Command as Command
from poller._resources._kind import ResourceKind as ResourceKind
from poller._resources._listing import list_instance_arns as list_instance_arns
from poller._resources._region import RegionDescription as RegionDescription
from poller._resources._region import RegionStatus as RegionStatus
from poller._resources._region import RegionTarget as RegionTarget
from poller._resources._registry import resources as resources
from poller._resources._requests import RequestDescription as RequestDescription
from poller._resources._requests import RequestStatus as RequestStatus
from poller._result import Description as Description
from poller._result import ObservedState as ObservedState
from poller._result import WaitResult as WaitResult
from poller._rollout._outcomes import AssignmentOutcome as AssignmentOutcome
from poller._rollout._outcomes import ProvisionOutcome as ProvisionOutcome
from poller._rollout._plan import Assignment as Assignment
from poller._rollout._plan import check_assignments as check_assignments
from poller._settings import Delays as Delays
from poller._settings import Moment as Moment
from poller._settings import Seconds as Seconds
from poller._settings import Settings as Settings
from poller._settings import WaitSettings as WaitSettings
from poller.exceptions import (
    AccessControlAttributesFailedError as AccessControlAttributesFailedError,
)
from poller.exceptions import AccessDeniedError as AccessDeniedError
from poller.exceptions import AccountAssignmentFailedError as AccountAssignmentFailedError
from poller.exceptions import ApiError as ApiError
from poller.exceptions import EncryptionUpdateFailedError as EncryptionUpdateFailedError
from poller.exceptions import EndpointUnreachableError as EndpointUnreachableError
from poller.exceptions import InstanceCreateFailedError as InstanceCreateFailedError
from poller.exceptions import InstanceDeletedError as InstanceDeletedError
from poller.exceptions import InstanceFailedError as InstanceFailedError
from poller.exceptions import InvalidArgumentError as InvalidArgumentError
from poller.exceptions import InvalidInstanceArnError as InvalidInstanceArnError
from poller.exceptions import (
    PermissionSetProvisioningFailedError as PermissionSetProvisioningFailedError,
)
from poller.exceptions import PollerError as PollerError
from poller.exceptions import RegionRemovedError as RegionRemovedError
from poller.exceptions import ResourceFailedError as ResourceFailedError
from poller.exceptions import ResourceNotFoundError as ResourceNotFoundError
from poller.exceptions import WaitTimeoutError as WaitTimeoutError

if _typing.TYPE_CHECKING:
    from poller._client import client_config as client_config
    from poller._client import open_client as open_client
    from poller._client import open_clients as open_clients
    from poller._rollout._assignments import apply_account_assignments as apply_account_assignments
    from poller._rollout._look import look_account_assignments as look_account_assignments
    from poller._rollout._provisioning import provision_permission_sets as provision_permission_sets
    from poller._waiters._any import WaitOutcome as WaitOutcome
    from poller._waiters._any import look as look
    from poller._waiters._any import wait as wait
    from poller._waiters._any import wait_many as wait_many
    from poller._waiters._any import watch as watch
    from poller._waiters._instance import InstanceOutcome as InstanceOutcome
    from poller._waiters._instance import wait_for_instance as wait_for_instance
    from poller._waiters._instance import wait_for_instances as wait_for_instances
    from poller._waiters._instance import watch_instance as watch_instance
    from poller._waiters._region import (
        wait_for_access_control_attributes as wait_for_access_control_attributes,
    )
    from poller._waiters._region import wait_for_region as wait_for_region
    from poller._waiters._region import (
        watch_access_control_attributes as watch_access_control_attributes,
    )
    from poller._waiters._region import watch_region as watch_region
    from poller._waiters._requests import RequestKind as RequestKind
    from poller._waiters._requests import (
        wait_for_account_assignment_creation as wait_for_account_assignment_creation,
    )
    from poller._waiters._requests import (
        wait_for_account_assignment_deletion as wait_for_account_assignment_deletion,
    )
    from poller._waiters._requests import (
        wait_for_permission_set_provisioning as wait_for_permission_set_provisioning,
    )
    from poller._waiters._requests import wait_for_requests as wait_for_requests
    from poller._waiters._requests import (
        watch_account_assignment_creation as watch_account_assignment_creation,
    )
    from poller._waiters._requests import (
        watch_account_assignment_deletion as watch_account_assignment_deletion,
    )
    from poller._waiters._requests import (
        watch_permission_set_provisioning as watch_permission_set_provisioning,
    )

__getattr__, __dir__, __all__ = _export(globals())
