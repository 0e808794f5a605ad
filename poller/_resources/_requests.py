"""Requests: permission-set provisioning and account assignments, one table for all three.

Each Describe operation answers a status object (``PermissionSetProvisioningStatus``,
``AccountAssignmentCreationStatus`` ...); its parse is the wait's description.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, Final

from poller._engine import _failures
from poller._engine._acceptors import (
    SUCCESS,
    WAIT,
    Acceptor,
    Observation,
    fail,
    row,
)
from poller._engine._failures import WaitState
from poller._engine._resource import BatchListing, Resource
from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._common import error_rows, one_status
from poller._resources._instance import INSTANCE
from poller._resources._kind import Command, ResourceKind
from poller._resources._request_description import REQUEST_ID, RequestDescription, RequestStatus
from poller._settings import Delays
from poller.events import (
    AccountAssignmentStatusChanged,
    AccountAssignmentUnknownStatus,
    PermissionSetProvisioningStatusChanged,
    PermissionSetProvisioningUnknownStatus,
)
from poller.exceptions import (
    AccountAssignmentFailedError,
    InvalidArgumentError,
    PermissionSetProvisioningFailedError,
    PollerError,
    ResourceFailedError,
    ResourceNotFoundError,
)

__all__ = [
    "ACCOUNT_ASSIGNMENT_CREATION",
    "ACCOUNT_ASSIGNMENT_CREATION_KIND",
    "ACCOUNT_ASSIGNMENT_DELETION",
    "ACCOUNT_ASSIGNMENT_DELETION_KIND",
    "PERMISSION_SET_PROVISIONING",
    "PERMISSION_SET_PROVISIONING_KIND",
    "REQUEST_ID",
    "RequestDescription",
    "RequestStatus",
]

TARGETS: Final = ("succeeded",)
_KNOWN_STATUSES: Final = frozenset(RequestStatus)


def _check(identity: Identity) -> None:
    INSTANCE.check(Identity(identity.instance_arn))
    request_id = identity.request_id
    if not isinstance(request_id, str) or not REQUEST_ID.fullmatch(request_id):
        raise InvalidArgumentError(
            f"{request_id!r} is not a request ID: expected the lowercase UUID in RequestId of "
            "the status object that ProvisionPermissionSet, CreateAccountAssignment or "
            "DeleteAccountAssignment answered (the service model's pattern).",
            instance_arn=str(identity.instance_arn),
            request_id=None if request_id is None else str(request_id),
        )


def _failed_builder(error: type[ResourceFailedError], what: str) -> _failures.Build:
    def build(observation: Observation, state: WaitState) -> PollerError:
        description = observation.description
        reason = description.failure_reason
        subject = description.permission_set_arn or "?"
        if description.target_id is not None:
            subject += f" for account {description.target_id}"
        elif description.account_id is not None:
            subject += f" to account {description.account_id}"
        return error(
            f"{what} {state.identity.request_id} (permission set {subject}) on instance "
            f"{state.identity.instance_arn} failed (Status FAILED): "
            f"{(reason or 'AWS gave no FailureReason').rstrip('.')}.",
            **state.context(reason),
        )

    return build


def _not_found(observation: Observation, state: WaitState) -> PollerError:
    return ResourceNotFoundError(
        f"No {state.label} ({observation.operation} answered ResourceNotFound): check the "
        "request ID and the instance; status is kept for a limited time after a request ends."
        f"{_failures.aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


def acceptors(error: type[ResourceFailedError], what: str) -> tuple[Acceptor, ...]:
    """The requests' state table, failing with *error* on FAILED."""
    return (
        row("Status SUCCEEDED", lambda o: o.status == RequestStatus.SUCCEEDED, TARGETS, SUCCESS),
        row("Status IN_PROGRESS", lambda o: o.status == RequestStatus.IN_PROGRESS, TARGETS, WAIT),
        row(
            "Status FAILED",
            lambda o: o.status == RequestStatus.FAILED,
            TARGETS,
            fail(error, _failed_builder(error, what)),
        ),
        row(
            "unknown Status",
            lambda o: o.description is not None and o.status not in _KNOWN_STATUSES,
            TARGETS,
            WAIT,
        ),
        row(
            "ResourceNotFound",
            lambda o: o.not_found,
            TARGETS,
            fail(ResourceNotFoundError, _not_found),
        ),
        *error_rows(TARGETS),
    )


def _reasons(description: RequestDescription) -> tuple[str, ...]:
    return () if description.failure_reason is None else (description.failure_reason,)


def _method(operation: str) -> str:
    """The aiobotocore client method that sends *operation*."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _request_resource(
    *,
    name: str,
    operation: str,
    parameter: str,
    answer_key: str,
    what: str,
    error: type[ResourceFailedError],
    changed: type[Any],
    unknown: type[Any],
    batch: tuple[str, str],
) -> Resource:
    def parse(answer: Mapping[str, Any]) -> RequestDescription | None:
        status = answer.get(answer_key)
        if not isinstance(status, Mapping) or "Status" not in status:
            return None
        return RequestDescription.from_api(status)

    return Resource(
        name=name,
        operation=operation,
        method=_method(operation),
        request=lambda i: {"InstanceArn": i.instance_arn, parameter: i.request_id},
        parse=parse,
        targets=TARGETS,
        acceptors=acceptors(error, what),
        listing=None,
        removal_status=None,
        delays=Delays(min_delay=1.0, max_delay=10.0),
        state_of=one_status,
        status_changed=changed,
        reasons=_reasons,
        unknown_status=unknown,
        known_statuses=frozenset(str(s) for s in _KNOWN_STATUSES),
        label=lambda i: f"{what.lower()} {i.request_id} on instance {i.instance_arn}",
        check=_check,
        answer_key=answer_key,
        batch=BatchListing(operation=batch[0], method=_method(batch[0]), items=batch[1]),
    )


PERMISSION_SET_PROVISIONING: Final = _request_resource(
    name="permission_set_provisioning",
    operation="DescribePermissionSetProvisioningStatus",
    parameter="ProvisionPermissionSetRequestId",
    answer_key="PermissionSetProvisioningStatus",
    what="Provisioning request",
    error=PermissionSetProvisioningFailedError,
    changed=PermissionSetProvisioningStatusChanged,
    unknown=PermissionSetProvisioningUnknownStatus,
    batch=("ListPermissionSetProvisioningStatus", "PermissionSetsProvisioningStatus"),
)
"""DescribePermissionSetProvisioningStatus: default delays 1 s / 10 s."""

ACCOUNT_ASSIGNMENT_CREATION: Final = _request_resource(
    name="account_assignment",
    operation="DescribeAccountAssignmentCreationStatus",
    parameter="AccountAssignmentCreationRequestId",
    answer_key="AccountAssignmentCreationStatus",
    what="Assignment creation request",
    error=AccountAssignmentFailedError,
    changed=AccountAssignmentStatusChanged,
    unknown=AccountAssignmentUnknownStatus,
    batch=("ListAccountAssignmentCreationStatus", "AccountAssignmentsCreationStatus"),
)
"""DescribeAccountAssignmentCreationStatus: default delays 1 s / 10 s."""

ACCOUNT_ASSIGNMENT_DELETION: Final = _request_resource(
    name="account_assignment",
    operation="DescribeAccountAssignmentDeletionStatus",
    parameter="AccountAssignmentDeletionRequestId",
    answer_key="AccountAssignmentDeletionStatus",
    what="Assignment deletion request",
    error=AccountAssignmentFailedError,
    changed=AccountAssignmentStatusChanged,
    unknown=AccountAssignmentUnknownStatus,
    batch=("ListAccountAssignmentDeletionStatus", "AccountAssignmentsDeletionStatus"),
)
"""DescribeAccountAssignmentDeletionStatus: default delays 1 s / 10 s."""


def _advice(aws_command: str, mix_up: str) -> dict[Outcome, str]:
    """What to do after a request's wait, started by *aws_command*; *mix_up* is its likely twin."""
    # The not-found message already says that AWS keeps a status only for a while.
    return {
        Outcome.FAILED: "Fix the cause in FailureReason, then start the request again.",
        Outcome.INVALID: (
            f"Give the RequestId that `aws sso-admin {aws_command}` printed, and the ARN of "
            "its instance (`aws sso-admin list-instances`)."
        ),
        Outcome.NOT_FOUND: (
            f"{mix_up}; else check that --region and --profile point at the instance's "
            "account and Region."
        ),
        Outcome.TIMED_OUT: "Wait longer with --timeout.",
    }


def _request_kind(
    name: str,
    table: Resource,
    *,
    started_by: str,
    noun: str,
    one: str,
    error: type[ResourceFailedError],
    command: Command,
    mix_up: str,
) -> ResourceKind:
    """A kind of request: what differs between them is their names."""
    kind = ResourceKind(
        name=name,
        noun=noun,
        nouns=f"{noun}s",
        shape="request",
        started_by=(started_by,),
        description_type=RequestDescription,
        failure=error,
        command=command,
        reached_one=f"{one} {{who}} succeeded.",
        reached_many=f"{{count}} {noun}s succeeded.",
        document_key="Request",
        table=table,
    )
    return dataclasses.replace(kind, advice=_advice(kind.aws_commands[0], mix_up))


_ASSIGNMENTS: Final = Command(
    name="wait-assignment",
    summary="Wait until account-assignment requests succeed.",
    help="The requests that CreateAccountAssignment and DeleteAccountAssignment started: every "
    "one at once, under one deadline, through one client and its rate.",
)

PERMISSION_SET_PROVISIONING_KIND: Final = _request_kind(
    "permission-set-provisioning",
    PERMISSION_SET_PROVISIONING,
    started_by="ProvisionPermissionSet",
    noun="provisioning request",
    one="Provisioning request",
    error=PermissionSetProvisioningFailedError,
    command=Command(
        name="wait-provisioning",
        summary="Wait until permission-set provisionings succeed.",
        help="The requests that ProvisionPermissionSet started: every one at once, under one "
        "deadline, through one client and its rate.",
    ),
    mix_up="An assignment's request ID is waited on with `poller wait-assignment`",
)
"""Permission-set provisioning requests, described for every face."""

ACCOUNT_ASSIGNMENT_CREATION_KIND: Final = _request_kind(
    "account-assignment-creation",
    ACCOUNT_ASSIGNMENT_CREATION,
    started_by="CreateAccountAssignment",
    noun="assignment request",
    one="Assignment creation request",
    error=AccountAssignmentFailedError,
    command=_ASSIGNMENTS,
    mix_up="A bare request ID of DeleteAccountAssignment needs --deletion",
)
"""Account-assignment creation requests, described for every face."""

ACCOUNT_ASSIGNMENT_DELETION_KIND: Final = _request_kind(
    "account-assignment-deletion",
    ACCOUNT_ASSIGNMENT_DELETION,
    started_by="DeleteAccountAssignment",
    noun="assignment request",
    one="Assignment deletion request",
    error=AccountAssignmentFailedError,
    command=dataclasses.replace(_ASSIGNMENTS, flag="--deletion"),
    mix_up="A bare request ID of CreateAccountAssignment is waited on without --deletion",
)
"""Account-assignment deletion requests, described for every face."""
