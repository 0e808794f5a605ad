"""What happens during a wait, as typed events.

Each event is a frozen dataclass with a stable dotted ``name``. poller hands every event to the
``on_event`` hook of the wait, and logs it through ``structlog.get_logger("poller")`` with the
name as the event and its fields as keys. poller never configures structlog: while the
application has not configured it, events go to the standard-library logger ``poller``
instead, so that an unconfigured structlog does not print into a script's stdout. No event
carries credentials, signatures or request headers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import ClassVar, Literal

__all__ = [
    "AccessControlAttributesStatusChanged",
    "AccessControlAttributesUnknownStatus",
    "AccountAssignmentStatusChanged",
    "AccountAssignmentUnknownStatus",
    "Event",
    "EventHook",
    "InstanceStatusChanged",
    "PermissionSetProvisioningStatusChanged",
    "PermissionSetProvisioningUnknownStatus",
    "PollCompleted",
    "PollRetrying",
    "PollScheduled",
    "RegionStatusChanged",
    "RegionUnknownStatus",
    "StatusChanged",
    "UnknownStatus",
    "UnknownStatusSeen",
    "WaitCancelled",
    "WaitFailed",
    "WaitStarted",
    "WaitSucceeded",
    "WaitTimedOut",
    "status_events",
]

Level = Literal["debug", "info", "warning", "error"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of all events: which resource, waited on for which target.

    ``region_name`` and ``request_id`` identify a Region or a request within the instance;
    they are left out of :meth:`fields` for resources that have none.
    """

    name: ClassVar[str]
    level: ClassVar[Level]
    optional: ClassVar[tuple[str, ...]] = ("region_name", "request_id")
    """The keys :meth:`fields` leaves out when they are None."""

    instance_arn: str
    until: str
    region_name: str | None = None
    request_id: str | None = None

    def fields(self) -> dict[str, object]:
        """The event's keys and values, as they are logged."""
        fields = {name: getattr(self, name) for name in _field_names(type(self))}
        for key in self.optional:
            if fields[key] is None:
                del fields[key]
        return fields


_FIELD_NAMES: dict[type[Event], tuple[str, ...]] = {}


def _field_names(cls: type[Event]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


EventHook = Callable[[Event], object]
"""The type of ``on_event``: called synchronously with each event, in order."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitStarted(Event):
    """A wait begins, before the first poll."""

    name: ClassVar[str] = "wait.started"
    level: ClassVar[Level] = "info"

    timeout: float
    min_delay: float
    max_delay: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PollCompleted(Event):
    """The Describe operation answered (``encryption_status``: instances only).

    ``encryption_status`` is left out of :meth:`fields` for the resources that have none.
    """

    name: ClassVar[str] = "poll.completed"
    level: ClassVar[Level] = "debug"
    optional: ClassVar[tuple[str, ...]] = ("region_name", "request_id", "encryption_status")

    attempt: int
    elapsed: float
    status: str | None
    encryption_status: str | None
    latency: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PollScheduled(Event):
    """The wait pauses: the next poll leaves after ``delay`` seconds."""

    name: ClassVar[str] = "poll.scheduled"
    level: ClassVar[Level] = "debug"

    attempt: int
    """The poll just made."""
    delay: float
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StatusChanged(Event):
    """The first observation, and each change of Status (None: the resource is gone).

    The base of every ``<resource>.status_changed`` event; each resource's own class names it.
    """

    previous_status: str | None
    status: str | None
    reasons: tuple[str, ...]
    """AWS's reasons for the new status (StatusReason, FailureReason), if it gave any."""
    attempt: int
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnknownStatus(Event):
    """A Status value this version of poller does not know: it waits on (once per value).

    The base of every ``<resource>.unknown_status`` event; each resource's own class names it.
    """

    status: str
    attempt: int
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class InstanceStatusChanged(StatusChanged):
    """The first observation, and each change of (Status, EncryptionStatus).

    A status of None after a deletion means the instance is gone. ``reasons`` holds AWS's
    reasons for the new state, as every resource's change event does; ``status_reason`` and
    ``encryption_status_reason`` name them one by one.
    """

    name: ClassVar[str] = "instance.status_changed"
    level: ClassVar[Level] = "info"

    previous_encryption_status: str | None
    encryption_status: str | None
    status_reason: str | None
    encryption_status_reason: str | None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PollRetrying(Event):
    """A transient error (throttling, a 5xx, a dropped connection): the wait goes on."""

    name: ClassVar[str] = "poll.retrying"
    level: ClassVar[Level] = "warning"

    error_code: str
    error_message: str
    attempt: int
    delay: float
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _WaitEnded(Event):
    """How a wait ended: the last Status seen (None once gone), polls made, time taken."""

    status: str | None
    attempts: int
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitSucceeded(_WaitEnded):
    """The instance reached the target."""

    name: ClassVar[str] = "wait.succeeded"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitFailed(Event):
    """The wait ended on an error: ``error`` is its class name, ``reason`` AWS's words."""

    name: ClassVar[str] = "wait.failed"
    level: ClassVar[Level] = "error"

    error: str
    reason: str | None
    status: str | None
    attempts: int
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitTimedOut(_WaitEnded):
    """The deadline passed before the target was reached."""

    name: ClassVar[str] = "wait.timed_out"
    level: ClassVar[Level] = "error"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitCancelled(_WaitEnded):
    """The wait was cancelled from outside, or a watcher stopped reading."""

    name: ClassVar[str] = "wait.cancelled"
    level: ClassVar[Level] = "warning"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UnknownStatusSeen(UnknownStatus):
    """A Status value this version of poller does not know (from a newer API): it waits on.

    Emitted once per value and wait.
    """

    name: ClassVar[str] = "instance.unknown_status"
    level: ClassVar[Level] = "warning"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RegionStatusChanged(StatusChanged):
    """A Region's first observation, and each change of its Status (None once removed)."""

    name: ClassVar[str] = "region.status_changed"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RegionUnknownStatus(UnknownStatus):
    """A Region Status this version of poller does not know."""

    name: ClassVar[str] = "region.unknown_status"
    level: ClassVar[Level] = "warning"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AccessControlAttributesStatusChanged(StatusChanged):
    """The access-control attribute configuration's first observation, and each change."""

    name: ClassVar[str] = "access_control_attributes.status_changed"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AccessControlAttributesUnknownStatus(UnknownStatus):
    """An access-control configuration Status this version of poller does not know."""

    name: ClassVar[str] = "access_control_attributes.unknown_status"
    level: ClassVar[Level] = "warning"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PermissionSetProvisioningStatusChanged(StatusChanged):
    """A provisioning request's first observation, and each change of its Status."""

    name: ClassVar[str] = "permission_set_provisioning.status_changed"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PermissionSetProvisioningUnknownStatus(UnknownStatus):
    """A provisioning request Status this version of poller does not know."""

    name: ClassVar[str] = "permission_set_provisioning.unknown_status"
    level: ClassVar[Level] = "warning"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AccountAssignmentStatusChanged(StatusChanged):
    """An assignment request's first observation, and each change of its Status."""

    name: ClassVar[str] = "account_assignment.status_changed"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class AccountAssignmentUnknownStatus(UnknownStatus):
    """An assignment request Status this version of poller does not know."""

    name: ClassVar[str] = "account_assignment.unknown_status"
    level: ClassVar[Level] = "warning"


def status_events(prefix: str, title: str) -> tuple[type[StatusChanged], type[UnknownStatus]]:
    """The two events of a newly added resource: its status change and its unknown status.

    Named ``<prefix>.status_changed`` and ``<prefix>.unknown_status``, as classes
    ``<title>StatusChanged`` and ``<title>UnknownStatus``.

    A resource added to poller gets its events here rather than from two more classes written
    out above; the resource's description (``poller.resources[name]``) holds them.
    """
    changed = type(
        f"{title}StatusChanged",
        (StatusChanged,),
        {
            "__module__": __name__,
            "__doc__": f"The first observation of {prefix}, and each change of its Status.",
            "name": f"{prefix}.status_changed",
            "level": "info",
        },
    )
    unknown = type(
        f"{title}UnknownStatus",
        (UnknownStatus,),
        {
            "__module__": __name__,
            "__doc__": f"A Status of {prefix} this version of poller does not know.",
            "name": f"{prefix}.unknown_status",
            "level": "warning",
        },
    )
    frozen = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    return frozen(changed), frozen(unknown)
