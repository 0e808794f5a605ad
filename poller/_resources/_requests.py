"""Requests: permission-set provisioning and account assignments, one table for all three.

Each Describe operation answers a status object (``PermissionSetProvisioningStatus``,
``AccountAssignmentCreationStatus`` ...); its parse is the wait's description.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
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
from poller._engine._resource import Identity, Resource
from poller._resources._common import error_rows, one_status, status_changed
from poller._resources._instance import INSTANCE
from poller._resources._values import date_or_none, enum_or_str, jsonable, str_or_none
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
    "ACCOUNT_ASSIGNMENT_DELETION",
    "PERMISSION_SET_PROVISIONING",
    "REQUEST_ID",
    "RequestDescription",
    "RequestStatus",
]

#: The service model's pattern for a request ID: a lowercase UUID.
REQUEST_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class RequestStatus(enum.StrEnum):
    """A request's Status."""

    IN_PROGRESS = "IN_PROGRESS"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"


@dataclasses.dataclass(frozen=True, slots=True)
class RequestDescription:
    """A request's status object, in snake case; fields the operation lacks are None.

    Permission-set provisioning has ``account_id``; account assignments have ``target_id``,
    ``target_type``, ``principal_type`` and ``principal_id``.
    """

    request_id: str | None
    status: RequestStatus | str | None
    """Unknown values (from a newer API) stay plain strings."""
    failure_reason: str | None
    permission_set_arn: str | None
    created_date: dt.datetime | None
    account_id: str | None
    target_id: str | None
    target_type: str | None
    principal_type: str | None
    principal_id: str | None
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_api(cls, status: Mapping[str, Any]) -> RequestDescription:
        """Parse a status object (the value inside the Describe answer)."""
        return cls(
            request_id=str_or_none(status.get("RequestId")),
            status=enum_or_str(RequestStatus, status.get("Status")),
            failure_reason=str_or_none(status.get("FailureReason")),
            permission_set_arn=str_or_none(status.get("PermissionSetArn")),
            created_date=date_or_none(status.get("CreatedDate")),
            account_id=str_or_none(status.get("AccountId")),
            target_id=str_or_none(status.get("TargetId")),
            target_type=str_or_none(status.get("TargetType")),
            principal_type=str_or_none(status.get("PrincipalType")),
            principal_id=str_or_none(status.get("PrincipalId")),
            raw=status,
        )

    def to_api_json(self) -> dict[str, Any]:
        """The status object with the API's own key names and ISO 8601 dates."""
        result: dict[str, Any] = jsonable(self.raw)
        return result


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
) -> Resource:
    def parse(answer: Mapping[str, Any]) -> RequestDescription | None:
        status = answer.get(answer_key)
        if not isinstance(status, Mapping) or "Status" not in status:
            return None
        return RequestDescription.from_api(status)

    method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
    return Resource(
        name=name,
        operation=operation,
        method=method,
        request=lambda i: {"InstanceArn": i.instance_arn, parameter: i.request_id},
        parse=parse,
        targets=TARGETS,
        acceptors=acceptors(error, what),
        listing=None,
        removal_status=None,
        delays=Delays(min_delay=1.0, max_delay=10.0),
        state_of=one_status,
        status_changed=status_changed(changed, _reasons),
        unknown_status=unknown,
        known_statuses=frozenset(str(s) for s in _KNOWN_STATUSES),
        label=lambda i: f"{what.lower()} {i.request_id} on instance {i.instance_arn}",
        check=_check,
        answer_key=answer_key,
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
)
"""DescribeAccountAssignmentDeletionStatus: default delays 1 s / 10 s."""
