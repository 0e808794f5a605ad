"""The one TriggerEvent a wait ends with, whatever it waited on: plain JSON values.

One shape for every trigger and every kind: the overall outcome, how many waits ended on each
outcome, every failure, and one ending per Region, request or instance in the order given. The
keys a single wait's reader needs (``status``, ``error``, ``reason``, ``description``, and
``instance`` as earlier instance events had it) are also at the top, from the ending that
decided the outcome.

An event stays small however many waits it holds: when poller's operators deferred a wait on
several resources, the trigger stores their descriptions in the task's XCom (``result_key``)
and the event carries no ``endings``, only the counts and the failures. The Triggerer logs
each event whole, and Airflow keeps it in the task instance's row until the task resumes.
:func:`read_event` reads the events earlier versions fired too, so that a task deferred
before an upgrade resumes after it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, TypedDict, cast

from poller import Identity, WaitResult
from poller import Outcome as PollerOutcome
from poller.airflow._connection import ConnectionNotFoundError
from poller.exceptions import PollerError, WaitTimeoutError

__all__ = [
    "FAILURES_IN_EVENT",
    "SUCCESSES",
    "Outcome",
    "WaitEnding",
    "WaitPayload",
    "Waits",
    "ending_of",
    "failed_count",
    "read_event",
    "slimmed",
    "summed",
]

#: How many failures an event without endings names: a deadline that ends a thousand waits
#: would otherwise make a thousand long messages of it.
FAILURES_IN_EVENT: Final = 20

Outcome = Literal[
    "reached",
    "deleted",
    "removed",
    "failed",
    "invalid",
    "timed-out",
    "denied",
    "not-found",
    "error",
]
"""How a wait ended, in the words of :class:`poller.Outcome` (which the error classes decide):
``reached`` is success, and so are ``deleted`` and ``removed`` when the target was a removal;
the rest name the failure's kind."""


class WaitEnding(TypedDict):
    """How the wait on one instance, Region, configuration or request ended.

    Attributes:
        instance_arn: The instance (or the instance that owns the Region or request).
        region_name: The Region, for Region waits; else None.
        request_id: The request, for request waits; else None.
        outcome: An :data:`Outcome`.
        description: The final Describe answer on success (for requests, the status object
            inside it), the last one seen on failure; None when there was none, or the
            resource is gone. API key names, ISO 8601 dates.
        status: The last Status seen, or None.
        error: The :mod:`poller.exceptions` class name (or another exception's), or None.
        message: What went wrong, naming the resource, its state and AWS's reason; or None.
        reason: AWS's own reason (a StatusReason, FailureReason, an error message), or None.
        attempts: Describe calls made for it by this run of the trigger.
        elapsed: Seconds this run of the trigger spent on it.
    """

    instance_arn: str
    region_name: str | None
    request_id: str | None
    outcome: str
    description: dict[str, Any] | None
    status: str | None
    error: str | None
    message: str | None
    reason: str | None
    attempts: int
    elapsed: float


class WaitPayload(TypedDict):
    """The payload of a trigger's one event; every key is always present.

    Attributes:
        outcome: ``reached`` (``deleted``, ``removed``) when every wait got there; else the
            outcome of the first wait that failed without hope of a retry (``failed``,
            ``invalid``), or else of the first that did not get there.
        resource: The kind waited on, its name in ``poller.resources`` (``instance``,
            ``region``, ``account-assignment-creation`` ...).
        instance_arn: The instance.
        until: The target.
        counts: How many waits ended on each :data:`Outcome` (``{"reached": 498, "failed":
            2}``), in the order the outcomes first appear.
        failures: Every :class:`WaitEnding` that did not get there, in order, without its
            ``description``; in an event without ``endings``, the first
            :data:`FAILURES_IN_EVENT` (``counts`` says how many there are, and the trigger's
            log names each).
        endings: One :class:`WaitEnding` per Region or request, in the order given (one for
            an instance or its configuration); None when the descriptions are in XCom.
        result_key: The XCom key (of the deferred task instance) holding every description,
            in order, when the event carries no ``endings``; else None.
        message: Every wait that did not get there, in order, one per line; None on success.
        attempts: Describe calls made by this run of the trigger, for every wait.
        elapsed: Seconds since the wait began (the trigger's ``started_at``), across restarts.
        description: The deciding ending's (the first that failed for good, else the first
            that failed, else the first): its ``description``.
        status: The deciding ending's ``status``.
        error: The deciding ending's ``error``.
        reason: The deciding ending's ``reason``.
        instance: For the ``instance`` resource, ``description`` again (the key earlier
            versions' instance events had); None for the others.
    """

    outcome: str
    resource: str
    instance_arn: str
    until: str
    counts: dict[str, int]
    failures: list[WaitEnding]
    endings: list[WaitEnding] | None
    result_key: str | None
    message: str | None
    attempts: int
    elapsed: float
    description: dict[str, Any] | None
    status: str | None
    error: str | None
    reason: str | None
    instance: dict[str, Any] | None


#: The outcomes of a wait that got there.
SUCCESSES: Final = frozenset(
    str(outcome)
    for outcome in (PollerOutcome.REACHED, PollerOutcome.DELETED, PollerOutcome.REMOVED)
)


def ending_of(
    identity: Identity, result: WaitResult | None = None, error: PollerError | None = None
) -> WaitEnding:
    """The ending of one wait, from its result or its error (exactly one of them)."""
    if result is not None:
        description = result.description
        status = None if description is None else description.status
        return WaitEnding(
            instance_arn=identity.instance_arn,
            region_name=identity.region_name,
            request_id=identity.request_id,
            outcome=str(result.outcome),
            description=None if description is None else description.to_api_json(),
            status=None if status is None else str(status),
            error=None,
            message=None,
            reason=None,
            attempts=result.attempts,
            elapsed=result.elapsed,
        )
    assert error is not None
    return WaitEnding(
        instance_arn=identity.instance_arn,
        region_name=identity.region_name,
        request_id=identity.request_id,
        outcome=str(error.outcome),
        description=None if error.last is None else error.last.to_api_json(),
        status=error.status,
        error=type(error).__name__,
        message=str(error),
        reason=error.reason,
        attempts=error.attempts,
        elapsed=error.elapsed,
    )


def _without_answer(
    identity: Identity, outcome: PollerOutcome, error: str, message: str
) -> WaitEnding:
    """The ending of a wait that sent no request."""
    return WaitEnding(
        instance_arn=identity.instance_arn,
        region_name=identity.region_name,
        request_id=identity.request_id,
        outcome=str(outcome),
        description=None,
        status=None,
        error=error,
        message=message,
        reason=None,
        attempts=0,
        elapsed=0.0,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Waits:
    """What one trigger waits on, for its payload.

    Attributes:
        resource: The kind's name.
        instance_arn: The instance.
        until: The target.
        identities: One per wait, in order.
        label: One resource in words, for messages (the kind's ``label``).
    """

    resource: str
    instance_arn: str
    until: str
    identities: Sequence[Identity]
    label: Callable[[Identity], str]

    def payload(self, endings: list[WaitEnding]) -> WaitPayload:
        """The event's payload: the endings, the overall outcome and the deciding ending's."""
        return summed(self.resource, self.instance_arn, self.until, endings)

    def could_not_wait(self, error: Exception) -> WaitPayload:
        """Every wait ended on *error* before any answer (no region, no credentials ...)."""
        if isinstance(error, PollerError):
            return self.payload([ending_of(who, error=error) for who in self.identities])
        # A connection that does not exist will not exist on the next try either.
        outcome = (
            PollerOutcome.INVALID
            if isinstance(error, ConnectionNotFoundError)
            else PollerOutcome.ERROR
        )
        return self.payload(
            [
                _without_answer(
                    who,
                    outcome,
                    type(error).__name__,
                    f"{self.label(who)}: could not wait: {error}",
                )
                for who in self.identities
            ]
        )

    def past_deadline(self, deadline: str) -> WaitPayload:
        """A trigger (re)started after its deadline: every wait timed out, nothing was sent."""
        return self.payload(
            [
                _without_answer(
                    who,
                    PollerOutcome.TIMED_OUT,
                    WaitTimeoutError.__name__,
                    f"{self.label(who)}: the deadline ({deadline}) passed before the wait "
                    "could resume; no request was sent",
                )
                for who in self.identities
            ]
        )


def summed(resource: str, instance_arn: str, until: str, endings: list[WaitEnding]) -> WaitPayload:
    """The payload of *endings*: the overall outcome, and the deciding ending's at the top."""
    failed = [e for e in endings if e["error"] is not None]
    terminal = [e for e in failed if PollerOutcome(e["outcome"]).terminal]
    deciding = next(iter(terminal or failed or endings), None)
    counts: dict[str, int] = {}
    for ending in endings:
        counts[ending["outcome"]] = counts.get(ending["outcome"], 0) + 1
    return WaitPayload(
        outcome=str(PollerOutcome.REACHED) if deciding is None else deciding["outcome"],
        resource=resource,
        instance_arn=instance_arn,
        until=until,
        counts=counts,
        failures=[WaitEnding(**{**e, "description": None}) for e in failed],
        endings=endings,
        result_key=None,
        message="\n".join(str(e["message"]) for e in failed) or None,
        attempts=sum(e["attempts"] for e in endings),
        elapsed=max((e["elapsed"] for e in endings), default=0.0),
        description=None if deciding is None else deciding["description"],
        status=None if deciding is None else deciding["status"],
        error=None if deciding is None else deciding["error"],
        reason=None if deciding is None else deciding["reason"],
        instance=(
            deciding["description"] if deciding is not None and resource == "instance" else None
        ),
    )


def slimmed(payload: WaitPayload, result_key: str | None) -> WaitPayload:
    """*payload* without its endings; their descriptions are in XCom under *result_key*.

    None: nowhere (the task fails, and returns none). Only the first
    :data:`FAILURES_IN_EVENT` failures are kept, and the message says how many more there are.
    """
    failures = payload["failures"][:FAILURES_IN_EVENT]
    message = payload["message"]
    if len(failures) < len(payload["failures"]):
        more = len(payload["failures"]) - len(failures)
        message = "\n".join(
            [*(str(f["message"]) for f in failures), f"... and {more} more, in the trigger's log"]
        )
    return WaitPayload(
        **{
            **payload,
            "endings": None,
            "result_key": result_key,
            "failures": failures,
            "message": message,
        }
    )


def failed_count(payload: WaitPayload) -> int:
    """How many waits did not get there (``failures`` may name only the first of them)."""
    return sum(count for outcome, count in payload["counts"].items() if outcome not in SUCCESSES)


def read_event(event: Mapping[str, Any]) -> WaitPayload:
    """An event's payload as :class:`WaitPayload`, whichever version of poller fired it.

    Earlier versions fired two shapes: the rollout trigger's (``endings`` without each one's
    ``instance_arn``, nothing of a deciding ending at the top) and the instance trigger's (no
    ``endings``: one wait's keys at the top, ``instance`` for its description). A task
    deferred before an upgrade resumes on one of them after it.
    """
    if event.get("endings", ()) is None:  # this version's, the descriptions in XCom
        return cast("WaitPayload", dict(event))
    if "endings" not in event:  # the instance trigger's, before there was one payload
        ending = WaitEnding(
            instance_arn=event["instance_arn"],
            region_name=None,
            request_id=None,
            outcome=event["outcome"],
            description=event.get("instance"),
            status=event.get("status"),
            error=event.get("error"),
            message=event.get("message"),
            reason=event.get("reason"),
            attempts=event.get("attempts", 0),
            elapsed=event.get("elapsed", 0.0),
        )
        resource = "instance"
        endings = [ending]
    else:
        resource = event.get("resource", "instance")
        endings = [
            cast("WaitEnding", {"instance_arn": event["instance_arn"], **ending})
            for ending in event["endings"]
        ]
    payload = summed(resource, event["instance_arn"], event["until"], endings)
    # The whole wait's, measured by the trigger across restarts: not re-derived from endings.
    payload["elapsed"] = event.get("elapsed", payload["elapsed"])
    return payload
