"""The errors that end a wait, with messages a person can act on.

Every message names the resource, the state it was last seen in, and AWS's own reason. The
builders here serve every resource; a resource adds its own for its terminal states.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EndpointUnreachableError,
    PollerError,
    ResourceNotFoundError,
    WaitTimeoutError,
    _WaitContext,
)

if TYPE_CHECKING:
    from poller._engine._acceptors import Observation
    from poller._engine._resource import Resource
    from poller._identity import Identity

__all__ = ["Build", "WaitState", "access_denied", "api_error", "aws_said", "timed_out"]


@dataclasses.dataclass(frozen=True, slots=True)
class WaitState:
    """Where a wait stands when it ends: the context every error carries."""

    resource: Resource
    identity: Identity
    until: str
    last: Any
    attempts: int
    elapsed: float

    @property
    def label(self) -> str:
        """The resource in words: ``instance arn:…``."""
        return self.resource.label(self.identity)

    def last_seen(self) -> str:
        """The last state, in words."""
        if self.last is None:
            return "no state seen yet"
        status, second = self.resource.state_of(self.last)
        text = f"last seen {status}"
        if second is not None:
            text += f", EncryptionStatus {second}"
        return text

    def polls(self) -> str:
        """How many requests were sent, in words: ``1 poll``, ``3 polls``."""
        return f"{self.attempts} poll" + ("" if self.attempts == 1 else "s")

    def context(self, reason: str | None) -> _WaitContext:
        """Keyword arguments for a :class:`PollerError`."""
        return _WaitContext(
            instance_arn=self.identity.instance_arn,
            region_name=self.identity.region_name,
            request_id=self.identity.request_id,
            last=self.last,
            attempts=self.attempts,
            elapsed=self.elapsed,
            reason=reason,
        )


Build = Callable[["Observation", WaitState], PollerError]
"""Makes the error of a FAIL cell from the observation that decided it."""


def aws_said(message: str, *, by: str = "AWS") -> str:
    """`` AWS said: …``, or nothing when there is no message."""
    return f" {by} said: {message.rstrip('.')}." if message else ""


def api_error(observation: Observation, state: WaitState) -> PollerError:
    """An error no retry fixes: expired credentials, an unknown code, a server that is not AWS."""
    code = observation.error_code or "Unknown"
    if code.isdigit():
        # No AWS error shape: botocore names the answer by its HTTP status. Another server
        # answered (a web server, a proxy's page): the endpoint URL or the network is wrong.
        text = (
            f"{observation.operation} on {state.label} got HTTP {code} from a server that is "
            f"not AWS ({state.last_seen()}): check the endpoint URL and the Region."
            f"{aws_said(observation.error_message, by='The server')}"
        )
    else:
        # An error with no HTTP status never reached AWS: botocore raised it (no credentials).
        speaker = "AWS" if observation.http_status else "botocore"
        text = (
            f"{observation.operation} on {state.label} failed with {code} "
            f"({state.last_seen()}).{aws_said(observation.error_message, by=speaker)}"
        )
    return ApiError(
        text,
        code=code,
        aws_request_id=observation.aws_request_id,
        retryable=observation.transient,
        **state.context(observation.error_message or None),
    )


def unreachable(observation: Observation, state: WaitState) -> PollerError:
    """The endpoint never answered, and connecting keeps failing."""
    return EndpointUnreachableError(
        f"Cannot reach the endpoint to wait for {state.label}: {observation.operation} never "
        f"got an answer in {state.polls()} over {state.elapsed:.1f} s "
        f"({observation.error_code}: {observation.error_message.rstrip('.')}). Check the "
        "network, the Region and the endpoint URL.",
        code=observation.error_code or "Unknown",
        retryable=True,
        **state.context(observation.error_message or None),
    )


def access_denied(observation: Observation, state: WaitState) -> PollerError:
    """AccessDenied, of IAM or of a KMS key policy."""
    if (observation.error_reason or "").startswith("KMS_"):
        return AccessDeniedError(
            f"Access to {state.label} is denied by the KMS key policy "
            f"({observation.error_reason}; {state.last_seen()}): the key policy of the "
            "instance's customer managed key must allow this principal and the Identity Center "
            f"service to use the key.{aws_said(observation.error_message)}",
            kms=True,
            **state.context(observation.error_reason),
        )
    return AccessDeniedError(
        f"Access denied: {observation.operation} on {state.label} ({state.last_seen()}). "
        "Check the caller's permissions."
        f"{aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


def not_found(observation: Observation, state: WaitState) -> PollerError:
    """ResourceNotFound for something that never was, or is no more."""
    return ResourceNotFoundError(
        f"{state.label[0].upper()}{state.label[1:]} does not exist ({observation.operation} "
        f"answered {observation.error_code}).{aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


def listed_but_denied(denied: Observation, state: WaitState) -> PollerError:
    """Describe denied, though the List operation lists the resource."""
    listing = state.resource.listing
    assert listing is not None
    return AccessDeniedError(
        f"Access denied describing {state.label} ({state.last_seen()}), which "
        f"{listing.operation} does list: the caller lacks the sso:{denied.operation} "
        f"permission.{aws_said(denied.error_message)}",
        **state.context(denied.error_message or None),
    )


def ambiguous_denial(denied: Observation, state: WaitState) -> PollerError:
    """The List operation is denied after Describe was: poller will not guess which it is.

    Describe was denied (an instance), or answered that the resource is not found (a Region):
    either way the listing would have told, and the caller may not list.
    """
    listing = state.resource.listing
    assert listing is not None
    if not denied.access_denied:
        return AccessDeniedError(
            f"{denied.operation} answered {denied.error_code} for {state.label} "
            f"({state.last_seen()}), and {listing.operation} is denied, so poller cannot tell "
            f"whether it exists: grant sso:{listing.operation}.{aws_said(denied.error_message)}",
            **state.context(denied.error_message or None),
        )
    return AccessDeniedError(
        f"Access denied describing {state.label} ({state.last_seen()}), and "
        f"{listing.operation} is denied too, so poller cannot tell whether it was deleted or "
        f"the caller lacks permission: grant sso:{denied.operation} and "
        f"sso:{listing.operation}.{aws_said(denied.error_message)}",
        **state.context(denied.error_message or None),
    )


Stopped = Literal["deadline", "margin", "unanswered"]
"""Why a wait timed out: see :class:`poller.WaitTimeoutError`."""


def timed_out(
    state: WaitState,
    last_error: Observation | None,
    *,
    budget: float,
    stopped: Stopped,
    left: float = 0.0,
    needed: float = 0.0,
    queued_behind: int | None = None,
) -> WaitTimeoutError:
    """The wait ends on its deadline: how much of its budget it used, why, the last error.

    Args:
        state: Where the wait stands.
        last_error: The last failed request's observation, if the last request failed.
        budget: The seconds the wait had in all.
        stopped: ``deadline``, ``margin`` (with *left*, the seconds that remained, and
            *needed*, what an answer takes) or ``unanswered``.
        left: Seconds left before the deadline, when it stopped on the margin.
        needed: The margin: the time an answer was expected to take.
        queued_behind: For a wait that never started: how many waits held every slot.
    """
    error = ""
    code = None
    if last_error is not None and last_error.error_code is not None:
        code = last_error.error_code
        error = f"; last error {code}"
        if last_error.error_message:
            error += f": {last_error.error_message.rstrip('.')}"
    reason = None
    if state.last is not None:
        reason = getattr(state.last, "status_reason", None)
    if queued_behind is not None:
        why = (
            f"it never started: the {queued_behind} waits ahead of it held every slot until the "
            "deadline (a larger concurrency runs more at once)"
        )
    elif stopped == "unanswered":
        why = f"the endpoint answered none of its {state.polls()}"
    elif stopped == "margin":
        why = (
            f"{seconds(left)} remained, less than an answer takes lately ({seconds(needed)} "
            "with room to spare)"
        )
    else:
        why = "the deadline came"
    return WaitTimeoutError(
        f"Timed out after {seconds(state.elapsed)} of its {seconds(budget)} waiting for "
        f"{state.label} {_to_reach(state.until)} ({state.last_seen()}, {state.polls()}{error})"
        f": {why}.",
        budget=budget,
        stopped=stopped,
        last_error=code,
        **state.context(reason),
    )


def seconds(value: float) -> str:
    """A duration for a person, to a tenth as every figure the command prints: ``15.1 s``."""
    return f"{value:.1f} s"


def _to_reach(until: str) -> str:
    """``to become active``; a request's target, which is not a state, reads ``to succeed``."""
    return "to succeed" if until == "succeeded" else f"to become {until}"
