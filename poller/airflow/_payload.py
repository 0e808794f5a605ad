"""The one TriggerEvent a wait ends with, as plain JSON values."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from poller._result import WaitResult
from poller.exceptions import PollerError, WaitTimeoutError

__all__ = ["Outcome", "WaitPayload", "from_error", "from_other", "from_result", "timed_out"]

Outcome = Literal["reached", "failed", "invalid", "timed-out", "denied", "not-found", "error"]
"""How a wait ended: ``reached`` is the only success; the rest name the failure's kind, in the
words of :class:`poller.Outcome` (which the error classes decide)."""


class WaitPayload(TypedDict):
    """The payload of the trigger's event; every key is always present.

    Attributes:
        outcome: ``reached`` on success, else the kind of failure.
        instance_arn: The instance waited on.
        until: The target (``active``, ``encryption-enabled``, ``deleted``).
        instance: The final DescribeInstance answer (API key names, ISO 8601 dates) on
            success, the last one seen on failure; None when there was none (or it is gone).
        status: The last Status seen, or None.
        error: The :mod:`poller.exceptions` class name (or another exception's), or None.
        message: What went wrong, naming the instance, its state and AWS's reason; or None.
        reason: AWS's own reason (a StatusReason, an error message), or None.
        attempts: DescribeInstance calls made by this run of the trigger (after a triggerer
            restart, only those since).
        elapsed: Seconds since the wait began (the trigger's ``started_at``, which the
            operator sets), across restarts; without ``started_at``, this run's.
    """

    outcome: Outcome
    instance_arn: str
    until: str
    instance: dict[str, Any] | None
    status: str | None
    error: str | None
    message: str | None
    reason: str | None
    attempts: int
    elapsed: float


def from_result(result: WaitResult) -> WaitPayload:
    """The payload of a wait that reached its target."""
    instance = result.instance
    return WaitPayload(
        outcome="reached",
        instance_arn=result.instance_arn,
        until=str(result.until),
        instance=None if instance is None else instance.to_api_json(),
        status=None if instance is None or instance.status is None else str(instance.status),
        error=None,
        message=None,
        reason=None,
        attempts=result.attempts,
        elapsed=result.elapsed,
    )


def from_error(error: PollerError, until: str) -> WaitPayload:
    """The payload of a wait that ended on one of poller's errors."""
    return WaitPayload(
        outcome=error.outcome.value,  # type: ignore[typeddict-item]
        instance_arn=error.instance_arn,
        until=until,
        instance=None if error.last is None else error.last.to_api_json(),
        status=error.status,
        error=type(error).__name__,
        message=str(error),
        reason=error.reason,
        attempts=error.attempts,
        elapsed=error.elapsed,
    )


def from_other(error: Exception, instance_arn: str, until: str) -> WaitPayload:
    """The payload of a wait that could not start (no region, no credentials, a bad setting)."""
    return WaitPayload(
        outcome="error",
        instance_arn=instance_arn,
        until=until,
        instance=None,
        status=None,
        error=type(error).__name__,
        message=f"{instance_arn}: could not wait: {error}",
        reason=None,
        attempts=0,
        elapsed=0.0,
    )


def timed_out(instance_arn: str, until: str, deadline_iso: str) -> WaitPayload:
    """The payload of a trigger (re)started after its deadline: no request was sent."""
    return WaitPayload(
        outcome="timed-out",
        instance_arn=instance_arn,
        until=until,
        instance=None,
        status=None,
        error=WaitTimeoutError.__name__,
        message=(
            f"{instance_arn}: the deadline ({deadline_iso}) passed before the wait could "
            f"resume; no request was sent"
        ),
        reason=None,
        attempts=0,
        elapsed=0.0,
    )
