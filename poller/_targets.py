"""The state table of DESIGN.md as data: what each observation means for each target."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Final

from poller._instance import EncryptionStatus, InstanceDescription, InstanceStatus
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EncryptionUpdateFailedError,
    InstanceCreateFailedError,
    InstanceDeletedError,
    InvalidInstanceArnError,
    PollerError,
)

__all__ = ["ACCEPTORS", "Acceptor", "Decision", "Observation", "Target", "Verdict", "decide"]


class Target(enum.StrEnum):
    """What a wait waits for."""

    ACTIVE = "active"
    """Status ACTIVE: the instance is ready to use."""
    ENCRYPTION_ENABLED = "encryption-enabled"
    """Status ACTIVE and EncryptionStatus ENABLED: a key change has taken effect."""
    DELETED = "deleted"
    """The instance is gone."""


class Verdict(enum.Enum):
    """What the waiter does with an observation."""

    SUCCESS = "success"
    WAIT = "wait"
    RETRY = "retry"
    FAIL = "fail"
    RESOLVE = "resolve"
    """Ambiguous AccessDenied: ask ListInstances whether the instance still exists."""


THROTTLING_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
SERVER_ERROR_CODES: Final = frozenset(
    {
        "InternalServerException",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class Observation:
    """One answer to a poll, reduced to what the acceptors read.

    Either ``description`` (DescribeInstance answered) or ``error_code`` is set.
    ``transport_error`` marks failures below HTTP (a refused or dropped connection, a read
    timeout, an answer that would not parse); ``deletion_seen`` whether this wait has already
    seen the instance in DELETE_IN_PROGRESS.
    """

    description: InstanceDescription | None = None
    operation: str = "DescribeInstance"
    error_code: str | None = None
    error_reason: str | None = None
    error_message: str = ""
    http_status: int | None = None
    request_id: str | None = None
    transport_error: bool = False
    deletion_seen: bool = False

    @property
    def status(self) -> str | None:
        """The observed Status, if DescribeInstance answered."""
        return None if self.description is None else self.description.status

    @property
    def encryption_status(self) -> str | None:
        """The observed EncryptionStatus, if any."""
        return None if self.description is None else self.description.encryption_status

    @property
    def throttled(self) -> bool:
        """Whether the service asked us to slow down."""
        return self.error_code in THROTTLING_CODES

    @property
    def access_denied(self) -> bool:
        """Whether the answer was AccessDeniedException (of any Reason)."""
        return self.error_code == "AccessDeniedException"


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """One cell of the state table.

    ``error`` is raised on FAIL. ``only_if`` narrows a SUCCESS: when it does not hold, the
    waiter waits instead; ``condition`` says the same in words.
    """

    verdict: Verdict
    error: type[PollerError] | None = None
    only_if: Callable[[Observation], bool] | None = None
    condition: str = ""

    def resolve(self, observation: Observation) -> Decision:
        """This cell for one observation, with ``only_if`` applied."""
        if self.only_if is not None and not self.only_if(observation):
            return WAIT
        return self


SUCCESS: Final = Decision(Verdict.SUCCESS)
WAIT: Final = Decision(Verdict.WAIT)
RETRY: Final = Decision(Verdict.RETRY)
RESOLVE: Final = Decision(Verdict.RESOLVE)


def _fail(error: type[PollerError]) -> Decision:
    return Decision(Verdict.FAIL, error)


@dataclasses.dataclass(frozen=True, slots=True)
class Acceptor:
    """One row of the state table: a kind of observation and what it means per target."""

    observation: str
    """The row's first column, in DESIGN.md's words."""
    matches: Callable[[Observation], bool]
    active: Decision
    encryption_enabled: Decision
    deleted: Decision

    def decision(self, target: Target) -> Decision:
        """This row's cell for *target*."""
        if target is Target.ACTIVE:
            return self.active
        if target is Target.ENCRYPTION_ENABLED:
            return self.encryption_enabled
        return self.deleted


def _same(decision: Decision) -> tuple[Decision, Decision, Decision]:
    return decision, decision, decision


def _is_encryption_enabled(observation: Observation) -> bool:
    return observation.encryption_status == EncryptionStatus.ENABLED


_KNOWN_STATUSES: Final = frozenset(InstanceStatus)

ACCEPTORS: Final[tuple[Acceptor, ...]] = (
    Acceptor(
        "Status CREATE_FAILED",
        lambda o: o.status == InstanceStatus.CREATE_FAILED,
        _fail(InstanceCreateFailedError),
        _fail(InstanceCreateFailedError),
        WAIT,
    ),
    Acceptor(
        "EncryptionStatus UPDATE_FAILED",
        lambda o: o.encryption_status == EncryptionStatus.UPDATE_FAILED,
        _fail(EncryptionUpdateFailedError),
        _fail(EncryptionUpdateFailedError),
        WAIT,
    ),
    Acceptor(
        "Status DELETE_IN_PROGRESS",
        lambda o: o.status == InstanceStatus.DELETE_IN_PROGRESS,
        _fail(InstanceDeletedError),
        _fail(InstanceDeletedError),
        WAIT,
    ),
    Acceptor(
        "Status ACTIVE",
        lambda o: o.status == InstanceStatus.ACTIVE,
        SUCCESS,
        Decision(
            Verdict.SUCCESS, only_if=_is_encryption_enabled, condition="EncryptionStatus ENABLED"
        ),
        WAIT,
    ),
    Acceptor(
        "Status CREATE_IN_PROGRESS",
        lambda o: o.status == InstanceStatus.CREATE_IN_PROGRESS,
        *_same(WAIT),
    ),
    Acceptor(
        "an unknown Status value",
        lambda o: o.description is not None and o.status not in _KNOWN_STATUSES,
        *_same(WAIT),
    ),
    Acceptor(
        "AccessDenied, Reason KMS_*",
        lambda o: o.access_denied and (o.error_reason or "").startswith("KMS_"),
        *_same(_fail(AccessDeniedError)),
    ),
    Acceptor(
        "AccessDenied after DELETE_IN_PROGRESS was seen in this wait",
        lambda o: o.access_denied and o.deletion_seen,
        _fail(InstanceDeletedError),
        _fail(InstanceDeletedError),
        SUCCESS,
    ),
    Acceptor(
        "AccessDenied otherwise",
        lambda o: o.access_denied,
        *_same(RESOLVE),
    ),
    Acceptor(
        "Throttling (any Reason), InternalServer, HTTP 5xx, connection/read errors",
        lambda o: (
            o.transport_error
            or o.throttled
            or o.error_code in SERVER_ERROR_CODES
            or (o.http_status or 0) >= 500  # noqa: PLR2004 - the 5xx class
        ),
        *_same(RETRY),
    ),
    Acceptor(
        "ValidationException",
        lambda o: o.error_code == "ValidationException",
        *_same(_fail(InvalidInstanceArnError)),
    ),
    Acceptor(
        "any other error code (expired or bad credentials …)",
        lambda o: o.error_code is not None,
        *_same(_fail(ApiError)),
    ),
)


def decide(observation: Observation, target: Target) -> tuple[Acceptor, Decision]:
    """The first acceptor that matches *observation*, and its decision for *target*."""
    for acceptor in ACCEPTORS:
        if acceptor.matches(observation):
            return acceptor, acceptor.decision(target).resolve(observation)
    # Every answer is a description or an error, and the last two rows catch both.
    raise AssertionError(f"no acceptor matches {observation!r}")  # pragma: no cover
