"""State tables as data: what one observation means for one target.

A resource's table is an ordered tuple of :class:`Acceptor` rows; :func:`decide` returns the
first row that matches and its cell for the target. Rows that every resource shares (throttling
and other transient errors, AWS errors no retry fixes) are built here.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from poller._retryable import (
    CONNECT_ERROR_CODES,
    RETRIED_HTTP_STATUSES,
    SERVER_ERROR_CODES,
    THROTTLING_CODES,
)
from poller.exceptions import ApiError, EndpointUnreachableError, PollerError

if TYPE_CHECKING:
    from poller._engine._failures import Build

__all__ = [
    "RESOLVE",
    "RETRY",
    "SUCCESS",
    "WAIT",
    "Acceptor",
    "Decision",
    "Observation",
    "Verdict",
    "decide",
    "fail",
]


class Verdict(enum.Enum):
    """What the engine does with an observation."""

    SUCCESS = "success"
    WAIT = "wait"
    RETRY = "retry"
    FAIL = "fail"
    RESOLVE = "resolve"
    """An ambiguous absence: ask the resource's List operation whether it still exists."""


#: An answer that came back but could not be read: botocore's parser failed, or it had no
#: Status (poller's own name).
_GARBLED_CODES: Final = frozenset({"ResponseParserError", "MalformedResponse"})


@dataclasses.dataclass(frozen=True, slots=True)
class Observation:
    """One answer to a request, reduced to what the acceptors read.

    Either ``description`` (the Describe operation answered, parsed) or ``error_code`` is set.
    ``transport_error`` marks failures below HTTP (a refused or dropped connection, a read
    timeout, an answer that would not parse); ``removal_seen`` whether this wait has already
    seen the resource being deleted or removed.
    """

    description: Any = None
    operation: str = ""
    error_code: str | None = None
    error_reason: str | None = None
    error_message: str = ""
    http_status: int | None = None
    aws_request_id: str | None = None
    transport_error: bool = False
    removal_seen: bool = False
    unreachable: bool = False
    """Connecting has failed for a while, and the endpoint has never answered this wait."""
    sent: bool = True
    """False when botocore refused the request before it left (no credentials, no Region)."""
    listed: bool = False
    """Read off a List…Status page, not described: the request is still IN_PROGRESS."""

    @property
    def status(self) -> str | None:
        """The observed Status, if the Describe operation answered."""
        return None if self.description is None else self.description.status

    @property
    def answered(self) -> bool:
        """Whether an answer came back: a description, an HTTP error, or a garbled body.

        Not a read timeout, a dropped or refused connection, nor a request never sent.
        """
        return (
            self.description is not None
            or self.http_status is not None
            or self.error_code in _GARBLED_CODES
        )

    @property
    def throttled(self) -> bool:
        """Whether the service asked us to slow down."""
        return self.error_code in THROTTLING_CODES

    @property
    def access_denied(self) -> bool:
        """Whether the answer was AccessDeniedException (of any Reason)."""
        return self.error_code == "AccessDeniedException"

    @property
    def not_found(self) -> bool:
        """Whether the answer was ResourceNotFoundException."""
        return self.error_code == "ResourceNotFoundException"

    @property
    def connect_failed(self) -> bool:
        """Whether no connection could be made (so no HTTP answer came)."""
        return self.error_code in CONNECT_ERROR_CODES

    @property
    def transient(self) -> bool:
        """Whether a later request may well be answered: throttling, 5xx, a dropped line."""
        return (
            self.transport_error
            or self.throttled
            or self.error_code in SERVER_ERROR_CODES
            or self.http_status in RETRIED_HTTP_STATUSES
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """One cell of a state table.

    On FAIL, ``build`` makes the error (of class ``error``). ``only_if`` narrows a SUCCESS: when
    it does not hold the engine waits instead; ``condition`` says the same in words.
    """

    verdict: Verdict
    error: type[PollerError] | None = None
    build: Build | None = dataclasses.field(default=None, compare=False)
    only_if: Callable[[Observation], bool] | None = dataclasses.field(default=None, compare=False)
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


def fail(error: type[PollerError], build: Build) -> Decision:
    """A FAIL cell: the wait ends on *error*, made by *build*."""
    return Decision(Verdict.FAIL, error, build)


def success_if(test: Callable[[Observation], bool], condition: str) -> Decision:
    """A SUCCESS cell that holds only when *test* does (else the wait goes on)."""
    return Decision(Verdict.SUCCESS, only_if=test, condition=condition)


@dataclasses.dataclass(frozen=True, slots=True)
class Acceptor:
    """One row of a state table: a kind of observation and what it means per target.

    ``gone`` marks rows whose observation means the resource no longer exists (it is then
    recorded in the history with status None).
    """

    observation: str
    """The row's first column, word for word as in README.md's state tables."""
    matches: Callable[[Observation], bool]
    cells: Mapping[str, Decision]
    """The decision per target value."""
    gone: bool = False

    def decision(self, target: str) -> Decision:
        """This row's cell for *target*."""
        return self.cells[target]


def row(
    observation: str,
    matches: Callable[[Observation], bool],
    targets: tuple[str, ...],
    every: Decision | None = None,
    *,
    gone: bool = False,
    **cells: Decision,
) -> Acceptor:
    """A row with *every* target's cell, or one cell per target (by target name, ``-`` as ``_``).

    Raises:
        ValueError: A target has no cell, or a cell names no target (a table's own mistake).
    """
    by_target = {t: cells.get(t.replace("-", "_"), every) for t in targets}
    missing = [t for t, cell in by_target.items() if cell is None]
    extra = set(cells) - {t.replace("-", "_") for t in targets}
    if missing or extra:
        raise ValueError(f"row {observation!r}: no cell for {missing}, unknown {sorted(extra)}")
    return Acceptor(observation, matches, {t: c for t, c in by_target.items() if c}, gone)


def unreachable_row(targets: tuple[str, ...], build: Build) -> Acceptor:
    """An endpoint that never answered and keeps refusing: no deadline will change that."""
    return row(
        "connecting failed 3 times and 10 s in a row, never answered",
        lambda o: o.unreachable,
        targets,
        fail(EndpointUnreachableError, build),
    )


def transient_row(targets: tuple[str, ...]) -> Acceptor:
    """Throttling, 5xx and failures below HTTP: retried, for every resource and target."""
    return row(
        "Throttling (any Reason), InternalServer, HTTP 5xx, connection/read errors, "
        "a garbled answer",
        lambda o: o.transient,
        targets,
        RETRY,
    )


def other_error_row(targets: tuple[str, ...], build: Build) -> Acceptor:
    """The last row of every table: an error no retry fixes."""
    return row(
        "any other error code (expired or bad credentials …)",
        lambda o: o.error_code is not None,
        targets,
        fail(ApiError, build),
    )


def decide(
    table: tuple[Acceptor, ...], observation: Observation, target: str
) -> tuple[Acceptor, Decision]:
    """The first row of *table* that matches *observation*, and its decision for *target*."""
    for acceptor in table:
        if acceptor.matches(observation):
            return acceptor, acceptor.decision(target).resolve(observation)
    # Every answer is a description or an error, and the last row catches every error.
    raise AssertionError(f"no acceptor matches {observation!r}")  # pragma: no cover
