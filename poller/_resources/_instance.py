"""The instance: DescribeInstance's state table for each target, as data.

The first resource expressed for the engine; the README's state table is checked against
:data:`INSTANCE`'s acceptors.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

from poller._arn import is_valid_instance_arn
from poller._engine import _failures
from poller._engine._acceptors import (
    RESOLVE,
    SUCCESS,
    WAIT,
    Acceptor,
    Decision,
    Observation,
    fail,
    other_error_row,
    row,
    success_if,
    transient_row,
    unreachable_row,
)
from poller._engine._failures import WaitState, aws_said
from poller._engine._resource import Listing, Resource
from poller._identity import Identity
from poller._resources._instance_description import (
    EncryptionStatus,
    InstanceDescription,
    InstanceStatus,
)
from poller._resources._kind import Command, ResourceKind
from poller._resources._listing import list_instance_arns
from poller._result import ObservedState
from poller._settings import Delays
from poller.events import InstanceStatusChanged, UnknownStatusSeen
from poller.exceptions import (
    AccessDeniedError,
    EncryptionUpdateFailedError,
    InstanceCreateFailedError,
    InstanceDeletedError,
    InstanceFailedError,
    InvalidInstanceArnError,
    PollerError,
    ResourceNotFoundError,
)

__all__ = ["CREATE_FAILED", "DELETED", "INSTANCE", "INSTANCE_KIND", "INVALID_ARN", "Target"]


class Target(enum.StrEnum):
    """What an instance wait waits for."""

    ACTIVE = "active"
    """Status ACTIVE: the instance is ready to use."""
    ENCRYPTION_ENABLED = "encryption-enabled"
    """Status ACTIVE and EncryptionStatus ENABLED: a key change has taken effect."""
    REPLICATED = "replicated"
    """Status ACTIVE, and every Region in ``Regions`` ACTIVE."""
    DELETED = "deleted"
    """The instance is gone."""


_TARGETS: Final = tuple(t.value for t in Target)


# -- the messages of the instance's own failures ----------------------------------------------


def _create_failed(observation: Observation, state: WaitState) -> PollerError:
    reason = observation.description.status_reason
    return InstanceCreateFailedError(
        f"Instance {state.identity.instance_arn} failed to create (Status CREATE_FAILED): "
        f"{(reason or 'AWS gave no StatusReason').rstrip('.')}.",
        **state.context(reason),
    )


def _encryption_failed(observation: Observation, state: WaitState) -> PollerError:
    reason = observation.description.encryption_status_reason
    return EncryptionUpdateFailedError(
        f"Encryption update of instance {state.identity.instance_arn} failed (EncryptionStatus "
        f"UPDATE_FAILED): {(reason or 'AWS gave no EncryptionStatusReason').rstrip('.')}. "
        "Check that the KMS key exists, is enabled, and that its key policy allows Identity "
        "Center to use it.",
        **state.context(reason),
    )


def _deleted(observation: Observation, state: WaitState) -> PollerError:
    arn = state.identity.instance_arn
    if observation.description is not None:
        return InstanceDeletedError(
            f"Instance {arn} is being deleted (Status DELETE_IN_PROGRESS) while waiting for it "
            f"to become {state.until}.",
            **state.context(observation.description.status_reason),
        )
    return InstanceDeletedError(
        f"Instance {arn} was deleted while waiting for it to become {state.until}: after "
        "DELETE_IN_PROGRESS, DescribeInstance answers AccessDenied.",
        **state.context(observation.error_message or None),
    )


def _gone(denied: Observation, state: WaitState) -> PollerError:
    return InstanceDeletedError(
        f"Instance {state.identity.instance_arn} no longer exists ({state.last_seen()}): "
        "DescribeInstance is denied and ListInstances does not list it, so it was deleted "
        f"while waiting for it to become {state.until}.",
        **state.context(denied.error_message or None),
    )


def _not_found(denied: Observation, state: WaitState) -> PollerError:
    return ResourceNotFoundError(
        f"Instance {state.identity.instance_arn} does not exist: DescribeInstance is denied "
        "and ListInstances does not list it. Check the ARN (`aws sso-admin list-instances`), "
        "the account and the Region; or it was deleted before this wait began.",
        **state.context(denied.error_message or None),
    )


def _invalid_arn(observation: Observation, state: WaitState) -> PollerError:
    return InvalidInstanceArnError(
        f"The service rejected instance ARN {state.identity.instance_arn} (ValidationException)."
        f"{aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


# -- the state table --------------------------------------------------------------------------


def _regions_active(observation: Observation) -> bool:
    return all(r.status == "ACTIVE" for r in observation.description.regions)


def _encryption_enabled(observation: Observation) -> bool:
    return bool(observation.description.encryption_status == EncryptionStatus.ENABLED)


def _encryption_status(observation: Observation) -> object:
    return None if observation.description is None else observation.description.encryption_status


_KNOWN_STATUSES: Final = frozenset(InstanceStatus)

# The cells of the instance's own failures, shared by every table that polls DescribeInstance.
CREATE_FAILED: Final = fail(InstanceCreateFailedError, _create_failed)
"""Status CREATE_FAILED: :class:`InstanceCreateFailedError`, with the StatusReason."""
DELETED: Final = fail(InstanceDeletedError, _deleted)
"""DELETE_IN_PROGRESS, or denied after it: :class:`InstanceDeletedError`."""
INVALID_ARN: Final = fail(InvalidInstanceArnError, _invalid_arn)
"""ValidationException: :class:`InvalidInstanceArnError`, with AWS's message."""

ACCEPTORS: Final[tuple[Acceptor, ...]] = (
    row(
        "Status CREATE_FAILED",
        lambda o: o.status == InstanceStatus.CREATE_FAILED,
        _TARGETS,
        CREATE_FAILED,
        deleted=WAIT,
    ),
    row(
        "EncryptionStatus UPDATE_FAILED",
        lambda o: _encryption_status(o) == EncryptionStatus.UPDATE_FAILED,
        _TARGETS,
        fail(EncryptionUpdateFailedError, _encryption_failed),
        deleted=WAIT,
    ),
    row(
        "Status DELETE_IN_PROGRESS",
        lambda o: o.status == InstanceStatus.DELETE_IN_PROGRESS,
        _TARGETS,
        DELETED,
        deleted=WAIT,
    ),
    row(
        "Status ACTIVE",
        lambda o: o.status == InstanceStatus.ACTIVE,
        _TARGETS,
        active=SUCCESS,
        encryption_enabled=success_if(_encryption_enabled, "EncryptionStatus ENABLED"),
        replicated=success_if(_regions_active, "every Regions entry is ACTIVE"),
        deleted=WAIT,
    ),
    row(
        "Status CREATE_IN_PROGRESS",
        lambda o: o.status == InstanceStatus.CREATE_IN_PROGRESS,
        _TARGETS,
        WAIT,
    ),
    row(
        "an unknown Status value",
        lambda o: o.description is not None and o.status not in _KNOWN_STATUSES,
        _TARGETS,
        WAIT,
    ),
    row(
        "AccessDenied, Reason KMS_*",
        lambda o: o.access_denied and (o.error_reason or "").startswith("KMS_"),
        _TARGETS,
        fail(AccessDeniedError, _failures.access_denied),
    ),
    row(
        "AccessDenied after DELETE_IN_PROGRESS was seen in this wait",
        lambda o: o.access_denied and o.removal_seen,
        _TARGETS,
        DELETED,
        deleted=SUCCESS,
        gone=True,
    ),
    row("AccessDenied otherwise", lambda o: o.access_denied, _TARGETS, RESOLVE),
    unreachable_row(_TARGETS, _failures.unreachable),
    transient_row(_TARGETS),
    row(
        "ValidationException",
        lambda o: o.error_code == "ValidationException",
        _TARGETS,
        INVALID_ARN,
    ),
    other_error_row(_TARGETS, _failures.api_error),
)


def _when_listed(until: str) -> Decision:
    return fail(AccessDeniedError, _failures.listed_but_denied)


def _when_absent(until: str, seen: bool) -> Decision:
    if until == Target.DELETED:
        return SUCCESS
    if seen:
        return fail(InstanceDeletedError, _gone)
    return fail(ResourceNotFoundError, _not_found)


# -- the resource -----------------------------------------------------------------------------


def _check(identity: Identity) -> None:
    if not is_valid_instance_arn(identity.instance_arn):
        raise InvalidInstanceArnError(
            f"{identity.instance_arn!r} is not an Identity Center instance ARN: expected "
            "arn:aws:sso:::instance/ssoins-<16 characters> (the service model's pattern).",
            instance_arn=str(identity.instance_arn),
        )


def _parse(response: Mapping[str, Any]) -> InstanceDescription | None:
    return InstanceDescription.from_api(response) if "Status" in response else None


def _state_of(description: InstanceDescription) -> tuple[str | None, str | None]:
    return description.status, description.encryption_status


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _reasons(description: InstanceDescription) -> tuple[str, ...]:
    reasons = (description.status_reason, description.encryption_status_reason)
    return tuple(reason for reason in reasons if reason)


def _encryption_fields(
    previous: ObservedState | None, state: ObservedState, description: InstanceDescription | None
) -> dict[str, Any]:
    """The instance's change event carries its encryption status before and after."""
    return {
        "previous_encryption_status": None
        if previous is None
        else _text(previous.encryption_status),
        "encryption_status": _text(state.encryption_status),
        "status_reason": None if description is None else description.status_reason,
        "encryption_status_reason": None
        if description is None
        else description.encryption_status_reason,
    }


INSTANCE: Final = Resource(
    name="instance",
    operation="DescribeInstance",
    method="describe_instance",
    request=lambda identity: {"InstanceArn": identity.instance_arn},
    parse=_parse,
    targets=_TARGETS,
    acceptors=ACCEPTORS,
    listing=Listing(
        operation="ListInstances",
        listed=lambda client, identity, pace: list_instance_arns(client, before_page=pace),
        key=lambda identity: identity.instance_arn,
        when_listed=_when_listed,
        when_absent=_when_absent,
    ),
    removal_status=InstanceStatus.DELETE_IN_PROGRESS,
    delays=Delays(min_delay=5.0, max_delay=20.0),
    state_of=_state_of,
    status_changed=InstanceStatusChanged,
    reasons=_reasons,
    change_fields=_encryption_fields,
    unknown_status=UnknownStatusSeen,
    known_statuses=frozenset(str(s) for s in _KNOWN_STATUSES),
    label=lambda identity: f"instance {identity.instance_arn}",
    check=_check,
    target_type=Target,
    removals=frozenset({Target.DELETED.value}),
)
"""DescribeInstance's resource: default delays 5 s / 20 s."""

INSTANCE_KIND: Final = ResourceKind(
    name="instance",
    noun="instance",
    nouns="instances",
    shape="instance",
    started_by=("CreateInstance", "UpdateInstance", "DeleteInstance"),
    description_type=InstanceDescription,
    failure=InstanceFailedError,
    command=Command(
        name="wait",
        summary="Wait until each instance ARN reaches a state (all at once, under one deadline).",
        help="After CreateInstance (--until active), UpdateInstance with a KMS key "
        "(--until encryption-enabled), AddRegion (--until replicated) or DeleteInstance "
        "(--until deleted).",
    ),
    reached_one="{who} is {until}.",
    reached_many="{count} instances are {until}.",
    document_key="Instance",
    table=INSTANCE,
)
"""The instance, described for every face."""
