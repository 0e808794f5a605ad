"""Permission sets of an instance: enabled by UpdateInstance, seen in DescribeInstance.

``UpdateInstance(PermissionSetsEnabled=True)`` starts provisioning the service-linked roles that
permission sets need; DescribeInstance's ``PermissionSetsEnabled`` turns true once they are in
place, and stays true (permission sets cannot be disabled). The wait polls DescribeInstance as
the instance's does, and shares its failures (a failed creation, a deletion, a rejected ARN)
and its ListInstances answer to an AccessDenied.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any, Final

from poller._engine import _failures
from poller._engine._acceptors import (
    RESOLVE,
    SUCCESS,
    WAIT,
    Acceptor,
    Observation,
    fail,
    other_error_row,
    row,
    transient_row,
    unreachable_row,
)
from poller._engine._resource import Resource
from poller._outcome import Outcome
from poller._resources._common import one_status
from poller._resources._instance import CREATE_FAILED, DELETED, INSTANCE, INVALID_ARN
from poller._resources._instance_description import InstanceDescription, InstanceStatus
from poller._resources._kind import Command, ResourceKind
from poller._settings import Delays
from poller.events import status_events
from poller.exceptions import AccessDeniedError, InstanceFailedError

__all__ = [
    "PERMISSION_SETS_ENABLED",
    "PERMISSION_SETS_ENABLED_KIND",
    "PermissionSetsDescription",
    "PermissionSetsStatus",
]


class PermissionSetsStatus(enum.StrEnum):
    """Whether an instance's permission sets are enabled: the Status of this wait."""

    ENABLED = "ENABLED"
    """``PermissionSetsEnabled`` is true."""
    NOT_ENABLED = "NOT_ENABLED"
    """``PermissionSetsEnabled`` is false (being enabled), or absent (never asked)."""


_INSTANCE_STATUSES: Final = frozenset(InstanceStatus)


@dataclasses.dataclass(frozen=True, slots=True)
class PermissionSetsDescription:
    """A DescribeInstance answer, read for the instance's permission sets.

    ``status`` is ENABLED or NOT_ENABLED, by ``PermissionSetsEnabled``; the instance's own
    Status, and every other field, is in ``instance``. While the instance's Status is one this
    version does not know (from a newer API), ``status`` is that value, a plain string: the
    wait goes on, and warns of it once, as an instance wait does.
    """

    status: PermissionSetsStatus | str | None
    instance: InstanceDescription

    @classmethod
    def from_api(cls, answer: Mapping[str, Any]) -> PermissionSetsDescription:
        """Parse a DescribeInstance answer."""
        instance = InstanceDescription.from_api(answer)
        status: PermissionSetsStatus | str | None = instance.status
        if status in _INSTANCE_STATUSES:
            enabled = instance.permission_sets_enabled is True
            status = PermissionSetsStatus.ENABLED if enabled else PermissionSetsStatus.NOT_ENABLED
        return cls(status=status, instance=instance)

    @property
    def status_reason(self) -> str | None:
        """The instance's StatusReason: why its creation failed, when it did."""
        return self.instance.status_reason

    @property
    def raw(self) -> Mapping[str, Any]:
        """The answer itself, without botocore's ``ResponseMetadata``."""
        return self.instance.raw

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's own key names and ISO 8601 dates."""
        return self.instance.to_api_json()


TARGETS: Final = ("enabled",)


def _instance_status(observation: Observation) -> object:
    """The instance's own Status (the wait's Status says whether permission sets are enabled)."""
    description = observation.description
    return None if description is None else description.instance.status


def _enabled(observation: Observation) -> bool:
    return observation.description.instance.permission_sets_enabled is True


ACCEPTORS: Final[tuple[Acceptor, ...]] = (
    row(
        "Status CREATE_FAILED",
        lambda o: _instance_status(o) == InstanceStatus.CREATE_FAILED,
        TARGETS,
        CREATE_FAILED,
    ),
    row(
        "Status DELETE_IN_PROGRESS",
        lambda o: _instance_status(o) == InstanceStatus.DELETE_IN_PROGRESS,
        TARGETS,
        DELETED,
    ),
    row(
        "Status ACTIVE, PermissionSetsEnabled true",
        lambda o: _instance_status(o) == InstanceStatus.ACTIVE and _enabled(o),
        TARGETS,
        SUCCESS,
    ),
    row(
        "Status ACTIVE, PermissionSetsEnabled false or absent",
        lambda o: _instance_status(o) == InstanceStatus.ACTIVE,
        TARGETS,
        WAIT,
    ),
    row(
        "Status CREATE_IN_PROGRESS",
        lambda o: _instance_status(o) == InstanceStatus.CREATE_IN_PROGRESS,
        TARGETS,
        WAIT,
    ),
    row(
        "an unknown Status value",
        lambda o: o.description is not None and _instance_status(o) not in _INSTANCE_STATUSES,
        TARGETS,
        WAIT,
    ),
    row(
        "AccessDenied, Reason KMS_*",
        lambda o: o.access_denied and (o.error_reason or "").startswith("KMS_"),
        TARGETS,
        fail(AccessDeniedError, _failures.access_denied),
    ),
    row("AccessDenied otherwise", lambda o: o.access_denied, TARGETS, RESOLVE),
    unreachable_row(TARGETS, _failures.unreachable),
    transient_row(TARGETS),
    row(
        "ValidationException",
        lambda o: o.error_code == "ValidationException",
        TARGETS,
        INVALID_ARN,
    ),
    other_error_row(TARGETS, _failures.api_error),
)


def _parse(answer: Mapping[str, Any]) -> PermissionSetsDescription | None:
    return PermissionSetsDescription.from_api(answer) if "Status" in answer else None


def _reasons(description: PermissionSetsDescription) -> tuple[str, ...]:
    return () if description.status_reason is None else (description.status_reason,)


_CHANGED, _UNKNOWN = status_events("permission_sets_enabled", "PermissionSetsEnabled")

PERMISSION_SETS_ENABLED: Final = Resource(
    name="permission_sets_enabled",
    operation=INSTANCE.operation,
    method=INSTANCE.method,
    request=INSTANCE.request,
    parse=_parse,
    targets=TARGETS,
    acceptors=ACCEPTORS,
    listing=INSTANCE.listing,
    removal_status=None,
    # DescribeInstance, as the instance's wait: the same quota, and role provisioning takes
    # seconds to minutes, as a creation does; no reason to poll it harder, or slower.
    delays=Delays(min_delay=5.0, max_delay=20.0),
    state_of=one_status,
    status_changed=_CHANGED,
    reasons=_reasons,
    unknown_status=_UNKNOWN,
    known_statuses=frozenset(str(s) for s in PermissionSetsStatus),
    label=lambda identity: f"the permission sets of instance {identity.instance_arn}",
    check=INSTANCE.check,
)
"""DescribeInstance's resource for permission sets: default delays 5 s / 20 s."""

PERMISSION_SETS_ENABLED_KIND: Final = ResourceKind(
    name="permission-sets-enabled",
    noun="permission-set enablement",
    nouns="permission-set enablements",
    shape="instance",
    started_by=("UpdateInstance",),
    description_type=PermissionSetsDescription,
    failure=InstanceFailedError,
    command=Command(
        name="wait-permission-sets",
        summary="Wait until permission sets are enabled on each instance.",
        help="After UpdateInstance with --permission-sets-enabled, which provisions the "
        "service-linked roles they need: every instance at once, under one deadline.",
    ),
    reached_one="Permission sets of {who} are enabled.",
    reached_many="Permission sets of {count} instances are enabled.",
    document_key="Instance",
    advice={
        Outcome.FAILED: (
            "The instance did not get created (StatusReason says why): create another, then "
            "enable permission sets on it."
        ),
        Outcome.TIMED_OUT: (
            "Wait longer with --timeout; if they were never asked for, enable them first: "
            "`aws sso-admin update-instance --instance-arn ARN --permission-sets-enabled`."
        ),
    },
    table=PERMISSION_SETS_ENABLED,
)
"""Permission sets of an instance, enabled: described for every face."""
