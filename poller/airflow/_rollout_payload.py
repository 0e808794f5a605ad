"""The one TriggerEvent of a rollout wait: how each of its waits ended, as plain JSON values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from poller._identity import Identity
from poller._outcome import Outcome
from poller._result import WaitResult
from poller.exceptions import PollerError, WaitTimeoutError

__all__ = [
    "RolloutPayload",
    "RolloutWaits",
    "WaitEnding",
    "could_not_wait",
    "from_endings",
    "past_deadline",
]


class WaitEnding(TypedDict):
    """How the wait on one Region, configuration or request ended.

    Attributes:
        region_name: The Region, for Region waits; else None.
        request_id: The request, for request waits; else None.
        outcome: ``reached`` (``removed`` for a Region removed), or the kind of failure.
        description: The final Describe answer on success (for requests, the status object
            inside it), the last one seen on failure; None when there was none, or the
            Region is gone. API key names, ISO 8601 dates.
        status: The last Status seen, or None.
        error: The :mod:`poller.exceptions` class name, or None.
        message: What went wrong, naming the resource, its state and AWS's reason; or None.
        reason: AWS's own reason (a StatusReason, FailureReason, an error message), or None.
        attempts: Describe calls made for it by this run of the trigger.
        elapsed: Seconds this run of the trigger spent on it.
    """

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


class RolloutPayload(TypedDict):
    """The payload of a rollout trigger's event; every key is always present.

    Attributes:
        outcome: ``reached`` (or ``removed``) when every wait got there; else the outcome of
            the first wait that failed without hope of a retry (``failed``, ``invalid``), or
            else of the first that did not get there.
        resource: What was waited on (``region``, ``account-assignment-creation`` ...).
        instance_arn: The instance.
        until: The target.
        endings: One per Region or request, in the order given (one for the configuration).
        message: Every wait that did not get there, in order, one per line; None on success.
        attempts: Describe calls made by this run of the trigger, for every wait.
        elapsed: Seconds since the wait began (the trigger's ``started_at``), across restarts.
    """

    outcome: str
    resource: str
    instance_arn: str
    until: str
    endings: list[WaitEnding]
    message: str | None
    attempts: int
    elapsed: float


@dataclasses.dataclass(frozen=True, slots=True)
class RolloutWaits:
    """What a rollout trigger waits on, for its payload.

    Attributes:
        resource: The trigger's ``resource`` (``region``, ``account-assignment-creation`` ...).
        instance_arn: The instance.
        until: The target.
        identities: One per Region or request, in order (one for the configuration).
        label: The resource in words, for messages.
    """

    resource: str
    instance_arn: str
    until: str
    identities: Sequence[Identity]
    label: Callable[[Identity], str]

    def payload(self, endings: list[WaitEnding]) -> RolloutPayload:
        """The event's payload, with the overall outcome and the failures' messages."""
        failed = [e for e in endings if e["error"] is not None]
        terminal = [e for e in failed if Outcome(e["outcome"]).terminal]
        if failed:
            outcome = (terminal or failed)[0]["outcome"]
        else:
            outcome = endings[0]["outcome"] if endings else str(Outcome.REACHED)
        return RolloutPayload(
            outcome=outcome,
            resource=self.resource,
            instance_arn=self.instance_arn,
            until=self.until,
            endings=endings,
            message="\n".join(str(e["message"]) for e in failed) or None,
            attempts=sum(e["attempts"] for e in endings),
            elapsed=max((e["elapsed"] for e in endings), default=0.0),
        )


def _without_answer(identity: Identity, outcome: Outcome, error: str, message: str) -> WaitEnding:
    """The ending of a wait that sent no request."""
    return WaitEnding(
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


def _from_result(identity: Identity, result: WaitResult) -> WaitEnding:
    description = result.description
    status = None if description is None else description.status
    return WaitEnding(
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


def _from_error(identity: Identity, error: PollerError) -> WaitEnding:
    return WaitEnding(
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


def from_endings(
    waits: RolloutWaits, endings: Sequence[tuple[WaitResult | None, PollerError | None]]
) -> RolloutPayload:
    """The payload of waits that ran: each one's result or error, in order."""
    listed = []
    for identity, (result, error) in zip(waits.identities, endings, strict=True):
        if result is not None:
            listed.append(_from_result(identity, result))
        else:
            assert error is not None
            listed.append(_from_error(identity, error))
    return waits.payload(listed)


def could_not_wait(waits: RolloutWaits, error: Exception) -> RolloutPayload:
    """The payload of waits that could not start (no region, no credentials, a bad setting)."""
    return waits.payload(
        [
            _without_answer(
                identity,
                Outcome.ERROR,
                type(error).__name__,
                f"{waits.label(identity)}: could not wait: {error}",
            )
            for identity in waits.identities
        ]
    )


def past_deadline(waits: RolloutWaits, deadline: str) -> RolloutPayload:
    """The payload of a trigger (re)started after its deadline: no request was sent."""
    return waits.payload(
        [
            _without_answer(
                identity,
                Outcome.TIMED_OUT,
                WaitTimeoutError.__name__,
                f"{waits.label(identity)}: the deadline ({deadline}) passed before the wait "
                f"could resume; no request was sent",
            )
            for identity in waits.identities
        ]
    )
