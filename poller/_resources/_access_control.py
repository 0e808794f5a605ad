"""Attribute-based access control: DescribeInstanceAccessControlAttributeConfiguration's table."""

from __future__ import annotations

import dataclasses
import enum
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
from poller._engine._resource import Resource
from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._common import error_rows, one_status
from poller._resources._instance import INSTANCE
from poller._resources._kind import Command, ResourceKind
from poller._resources._values import enum_or_str, jsonable, str_or_none
from poller._settings import Delays
from poller.events import (
    AccessControlAttributesStatusChanged,
    AccessControlAttributesUnknownStatus,
)
from poller.exceptions import (
    AccessControlAttributesFailedError,
    PollerError,
    ResourceNotFoundError,
)

__all__ = [
    "ACCESS_CONTROL_ATTRIBUTES",
    "ACCESS_CONTROL_ATTRIBUTES_KIND",
    "AccessControlAttribute",
    "AccessControlAttributesDescription",
    "AccessControlAttributesStatus",
]


class AccessControlAttributesStatus(enum.StrEnum):
    """The configuration's Status."""

    ENABLED = "ENABLED"
    CREATION_IN_PROGRESS = "CREATION_IN_PROGRESS"
    CREATION_FAILED = "CREATION_FAILED"


@dataclasses.dataclass(frozen=True, slots=True)
class AccessControlAttribute:
    """One attribute: its key, and the identity-source attributes its value comes from."""

    key: str
    sources: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AccessControlAttributesDescription:
    """The answer of DescribeInstanceAccessControlAttributeConfiguration, in snake case."""

    status: AccessControlAttributesStatus | str | None
    """Unknown values (from a newer API) stay plain strings."""
    status_reason: str | None
    access_control_attributes: tuple[AccessControlAttribute, ...]
    """``InstanceAccessControlAttributeConfiguration.AccessControlAttributes``."""
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_api(cls, answer: Mapping[str, Any]) -> AccessControlAttributesDescription:
        """Parse the answer."""
        configuration = answer.get("InstanceAccessControlAttributeConfiguration") or {}
        attributes = tuple(
            AccessControlAttribute(
                key=str(item.get("Key")),
                sources=tuple(str(s) for s in (item.get("Value") or {}).get("Source") or ()),
            )
            for item in configuration.get("AccessControlAttributes") or ()
        )
        return cls(
            status=enum_or_str(AccessControlAttributesStatus, answer.get("Status")),
            status_reason=str_or_none(answer.get("StatusReason")),
            access_control_attributes=attributes,
            raw=answer,
        )

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's own key names, ready for ``json.dumps``."""
        result: dict[str, Any] = jsonable(self.raw)
        return result


TARGETS: Final = ("enabled",)


def _failed(observation: Observation, state: WaitState) -> PollerError:
    reason = observation.description.status_reason
    return AccessControlAttributesFailedError(
        f"Attribute-based access control of instance {state.identity.instance_arn} failed to "
        f"enable (Status CREATION_FAILED): "
        f"{(reason or 'AWS gave no StatusReason').rstrip('.')}.",
        **state.context(reason),
    )


def _not_found(observation: Observation, state: WaitState) -> PollerError:
    return ResourceNotFoundError(
        f"Instance {state.identity.instance_arn} has no attribute-based access control "
        "configuration: none was created (CreateInstanceAccessControlAttributeConfiguration)."
        f"{_failures.aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


_KNOWN_STATUSES: Final = frozenset(AccessControlAttributesStatus)

ACCEPTORS: Final[tuple[Acceptor, ...]] = (
    row(
        "Status ENABLED",
        lambda o: o.status == AccessControlAttributesStatus.ENABLED,
        TARGETS,
        SUCCESS,
    ),
    row(
        "Status CREATION_IN_PROGRESS",
        lambda o: o.status == AccessControlAttributesStatus.CREATION_IN_PROGRESS,
        TARGETS,
        WAIT,
    ),
    row(
        "Status CREATION_FAILED",
        lambda o: o.status == AccessControlAttributesStatus.CREATION_FAILED,
        TARGETS,
        fail(AccessControlAttributesFailedError, _failed),
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


def _parse(answer: Mapping[str, Any]) -> AccessControlAttributesDescription | None:
    return AccessControlAttributesDescription.from_api(answer) if "Status" in answer else None


def _reasons(description: AccessControlAttributesDescription) -> tuple[str, ...]:
    return () if description.status_reason is None else (description.status_reason,)


ACCESS_CONTROL_ATTRIBUTES: Final = Resource(
    name="access_control_attributes",
    operation="DescribeInstanceAccessControlAttributeConfiguration",
    method="describe_instance_access_control_attribute_configuration",
    request=lambda identity: {"InstanceArn": identity.instance_arn},
    parse=_parse,
    targets=TARGETS,
    acceptors=ACCEPTORS,
    listing=None,
    removal_status=None,
    delays=Delays(min_delay=2.0, max_delay=15.0),
    state_of=one_status,
    status_changed=AccessControlAttributesStatusChanged,
    reasons=_reasons,
    unknown_status=AccessControlAttributesUnknownStatus,
    known_statuses=frozenset(str(s) for s in _KNOWN_STATUSES),
    label=lambda i: f"the attribute-based access control of instance {i.instance_arn}",
    check=lambda identity: INSTANCE.check(Identity(identity.instance_arn)),
)
"""The access-control attribute configuration's resource: default delays 2 s / 15 s."""

ACCESS_CONTROL_ATTRIBUTES_KIND: Final = ResourceKind(
    name="access-control-attributes",
    noun="access-control configuration",
    nouns="access-control configurations",
    shape="instance",
    started_by=("CreateInstanceAccessControlAttributeConfiguration",),
    description_type=AccessControlAttributesDescription,
    failure=AccessControlAttributesFailedError,
    command=Command(
        name="wait-abac",
        summary="Wait until attribute-based access control is enabled.",
        help="After CreateInstanceAccessControlAttributeConfiguration: every instance at once, "
        "under one deadline.",
    ),
    reached_one="ABAC of {who} is enabled.",
    reached_many="ABAC of {count} instances is enabled.",
    document_key="Configuration",
    advice={
        Outcome.FAILED: "Fix the cause in StatusReason, then create the configuration again.",
        Outcome.NOT_FOUND: (
            "Create one first: `aws sso-admin "
            "create-instance-access-control-attribute-configuration`."
        ),
        Outcome.TIMED_OUT: "Wait longer with --timeout.",
    },
    table=ACCESS_CONTROL_ATTRIBUTES,
)
"""An instance's attribute-based access control, described for every face."""
