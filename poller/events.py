"""What happens during a wait, as typed events.

Each event is a frozen dataclass with a stable dotted ``name``. poller hands every event to the
``on_event`` hook of the wait, and logs it through ``structlog.get_logger("poller")`` with the
name as the event and its fields as keys. poller never configures structlog: while the
application has not configured it, events go to the standard-library logger ``poller``
instead, so that an unconfigured structlog does not print into a script's stdout. No event
carries credentials, signatures or request headers.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable, Iterator
from typing import ClassVar, Final, Literal

from poller._retryable import THROTTLING_CODES as _THROTTLING_CODES

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
    "RolloutBlocked",
    "RolloutEvent",
    "RolloutFinished",
    "RolloutRequestAdopted",
    "RolloutRequestStarted",
    "RolloutRetrying",
    "RolloutStarted",
    "RolloutUnchanged",
    "StatusChanged",
    "UnknownStatus",
    "UnknownStatusSeen",
    "WaitCancelled",
    "WaitFailed",
    "WaitStarted",
    "WaitSucceeded",
    "WaitTimedOut",
    "logged_level",
    "quieted",
    "status_events",
]

Level = Literal["debug", "info", "warning", "error"]

_RANKS: Final[dict[str, int]] = {"debug": 0, "info": 1, "warning": 2, "error": 3}
#: Below which level the events of the waits in this context are logged at debug (None: none).
_QUIETED: contextvars.ContextVar[Level | None] = contextvars.ContextVar(
    "poller_quieted", default=None
)


@contextlib.contextmanager
def quieted(below: Level = "warning") -> Iterator[None]:
    """Log the events below *below* of the waits run inside at debug level.

    For a program that waits on hundreds of resources at once and logs a summary of its own
    (poller's Airflow trigger does): without it, every wait logs ``wait.started``, its status
    changes and ``wait.succeeded`` at info. Only the log line's level changes: each event
    keeps its ``level``, and ``on_event`` hooks and tracers see every event as before. The
    waits started inside keep it (anyio's tasks inherit the context they are started in).

    Args:
        below: The first level logged as it is; "warning" keeps warnings and errors.

    Raises:
        ValueError: *below* is not a level.
    """
    if below not in _RANKS:
        raise ValueError(f"below must be one of {', '.join(_RANKS)}, not {below!r}")
    token = _QUIETED.set(below)
    try:
        yield
    finally:
        _QUIETED.reset(token)


def logged_level(level: Level) -> Level:
    """The level an event of *level* is logged at here: debug inside :func:`quieted`."""
    below = _QUIETED.get()
    if below is not None and _RANKS[level] < _RANKS[below]:
        return "debug"
    return level


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
    """A transient error (throttling, a 5xx, a dropped connection): the wait goes on.

    ``error_reason`` is the service's modeled Reason, where it gave one: a throttle with
    Reason ``KMS_ThrottlingException`` is the customer's KMS key, not Identity Center.
    """

    name: ClassVar[str] = "poll.retrying"
    level: ClassVar[Level] = "warning"

    error_code: str
    error_reason: str | None = None
    error_message: str
    attempt: int
    delay: float
    elapsed: float

    @property
    def throttled(self) -> bool:
        """Whether the error is a throttle (ThrottlingException and the like), not a fault."""
        return self.error_code in _THROTTLING_CODES


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


# -- rollouts: apply_account_assignments, provision_permission_sets --------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutStarted(Event):
    """A rollout begins, its input checked, before its first request.

    ``until`` is the target of its requests (``succeeded``); ``operation`` the write it sends
    (CreateAccountAssignment, DeleteAccountAssignment or ProvisionPermissionSet).
    """

    name: ClassVar[str] = "rollout.started"
    level: ClassVar[Level] = "info"

    operation: str
    items: int
    max_outstanding: int
    timeout: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutEvent(Event):
    """Base of the events about one item of a rollout: an assignment, or a permission set.

    ``index`` is its position in the rollout's input. ``account_id``, ``principal_type`` and
    ``principal_id`` are an assignment's, left out of :meth:`fields` for a permission set;
    ``request_id``, where there is one, is the request the event is about. A call about no
    one item (the listing of the requests in progress) leaves out ``index`` too.
    """

    optional: ClassVar[tuple[str, ...]] = (
        "region_name",
        "request_id",
        "index",
        "permission_set_arn",
        "account_id",
        "principal_type",
        "principal_id",
    )

    operation: str
    index: int | None = None
    permission_set_arn: str | None = None
    account_id: str | None = None
    principal_type: str | None = None
    principal_id: str | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutUnchanged(RolloutEvent):
    """An assignment is as planned already (in place, or absent for a deletion): no write."""

    name: ClassVar[str] = "rollout.unchanged"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutRequestAdopted(RolloutEvent):
    """A request of the plan is IN_PROGRESS already (an earlier run's): waited on, not sent.

    It holds one of the rollout's outstanding slots while it runs.
    """

    name: ClassVar[str] = "rollout.adopted"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutRequestStarted(RolloutEvent):
    """A write was accepted: its request (``request_id``) is IN_PROGRESS, and waited on.

    ``attempts`` counts the writes sent for this item, the throttled ones included.
    """

    name: ClassVar[str] = "rollout.request_started"
    level: ClassVar[Level] = "info"

    attempts: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutRetrying(RolloutEvent):
    """A call of the rollout is sent again after ``delay`` seconds.

    A write answered ThrottlingException (the rate, or too many requests outstanding) or
    ConflictException, or a List or Describe call of the rollout answered throttling or a
    transient error. ``operation`` is the call's; ``attempt`` counts its sends so far.
    """

    name: ClassVar[str] = "rollout.retrying"
    level: ClassVar[Level] = "warning"

    error_code: str
    error_message: str
    attempt: int
    delay: float

    @property
    def throttled(self) -> bool:
        """Whether the error is a throttle (ThrottlingException and the like), not a fault."""
        return self.error_code in _THROTTLING_CODES


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutBlocked(RolloutEvent):
    """A provisioning met another of its permission set (ConflictException).

    The rollout waits for that one (``request_id``) to end, then provisions again, so that
    the permission set's latest version is what is provisioned.
    """

    name: ClassVar[str] = "rollout.blocked"
    level: ClassVar[Level] = "info"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RolloutFinished(Event):
    """A rollout ends: how its items ended, and what it cost.

    ``reached`` counts the items whose request succeeded (adopted ones included),
    ``unchanged`` those already as planned, ``failed`` every other; ``calls`` the requests
    the rollout sent per operation, ``throttled`` how many of them were throttled,
    ``conflicts`` its writes answered ConflictException, ``peak_outstanding`` the most of its
    requests IN_PROGRESS at once.
    """

    name: ClassVar[str] = "rollout.finished"
    level: ClassVar[Level] = "info"

    operation: str
    items: int
    reached: int
    unchanged: int
    adopted: int
    failed: int
    calls: dict[str, int]
    throttled: int
    conflicts: int
    peak_outstanding: int
    elapsed: float


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
