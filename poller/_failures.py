"""The error that ends a wait, with a message a person can act on.

Every message names the instance, the state it was last seen in, and AWS's own reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from poller._instance import InstanceDescription
from poller._targets import Observation, Target
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EncryptionUpdateFailedError,
    InstanceCreateFailedError,
    InstanceDeletedError,
    InvalidInstanceArnError,
    PollerError,
    WaitContext,
    WaitTimeoutError,
)

__all__ = ["WaitState", "ambiguous_denial", "failure", "gone", "listed_but_denied", "timed_out"]


@dataclasses.dataclass(frozen=True, slots=True)
class WaitState:
    """Where a wait stands when it ends: the context every error carries."""

    instance_arn: str
    until: Target
    last: InstanceDescription | None
    attempts: int
    elapsed: float

    def last_seen(self) -> str:
        """The last state, in words."""
        if self.last is None:
            return "no state seen yet"
        text = f"last seen {self.last.status}"
        if self.last.encryption_status is not None:
            text += f", EncryptionStatus {self.last.encryption_status}"
        return text

    def context(self, reason: str | None) -> WaitContext:
        """Keyword arguments for a :class:`PollerError`."""
        return WaitContext(
            instance_arn=self.instance_arn,
            last=self.last,
            attempts=self.attempts,
            elapsed=self.elapsed,
            reason=reason,
        )


def _aws_said(message: str, *, by: str = "AWS") -> str:
    return f" {by} said: {message}" if message else ""


def _create_failed(observation: Observation, state: WaitState) -> PollerError:
    reason = observation.description.status_reason if observation.description else None
    return InstanceCreateFailedError(
        f"Instance {state.instance_arn} failed to create (Status CREATE_FAILED): "
        f"{reason or 'AWS gave no StatusReason'}.",
        **state.context(reason),
    )


def _encryption_failed(observation: Observation, state: WaitState) -> PollerError:
    reason = observation.description.encryption_status_reason if observation.description else None
    return EncryptionUpdateFailedError(
        f"Encryption update of instance {state.instance_arn} failed (EncryptionStatus "
        f"UPDATE_FAILED): {reason or 'AWS gave no EncryptionStatusReason'}. Check that the KMS "
        "key exists, is enabled, and that its key policy allows Identity Center to use it.",
        **state.context(reason),
    )


def _deleted(observation: Observation, state: WaitState) -> PollerError:
    if observation.description is not None:
        return InstanceDeletedError(
            f"Instance {state.instance_arn} is being deleted (Status DELETE_IN_PROGRESS) while "
            f"waiting for it to become {state.until}.",
            **state.context(observation.description.status_reason),
        )
    return InstanceDeletedError(
        f"Instance {state.instance_arn} was deleted while waiting for it to become "
        f"{state.until}: after DELETE_IN_PROGRESS, DescribeInstance answers AccessDenied.",
        **state.context(observation.error_message or None),
    )


def _kms_denied(observation: Observation, state: WaitState) -> PollerError:
    return AccessDeniedError(
        f"Access to instance {state.instance_arn} is denied by the KMS key policy "
        f"({observation.error_reason}; {state.last_seen()}): the key policy of the instance's "
        "customer managed key must allow this principal and the Identity Center service to use "
        f"the key.{_aws_said(observation.error_message)}",
        kms=True,
        **state.context(observation.error_reason),
    )


def _invalid_arn(observation: Observation, state: WaitState) -> PollerError:
    return InvalidInstanceArnError(
        f"The service rejected instance ARN {state.instance_arn} (ValidationException)."
        f"{_aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


def _api_error(observation: Observation, state: WaitState) -> PollerError:
    # An error with no HTTP status never reached AWS: botocore raised it (no credentials ...).
    speaker = "AWS" if observation.http_status else "botocore"
    return ApiError(
        f"{observation.operation} on instance {state.instance_arn} failed with "
        f"{observation.error_code} ({state.last_seen()})."
        f"{_aws_said(observation.error_message, by=speaker)}",
        code=observation.error_code or "Unknown",
        request_id=observation.request_id,
        **state.context(observation.error_message or None),
    )


_BUILDERS: Final[dict[type[PollerError], Callable[[Observation, WaitState], PollerError]]] = {
    InstanceCreateFailedError: _create_failed,
    EncryptionUpdateFailedError: _encryption_failed,
    InstanceDeletedError: _deleted,
    AccessDeniedError: _kms_denied,
    InvalidInstanceArnError: _invalid_arn,
    ApiError: _api_error,
}


def failure(error: type[PollerError], observation: Observation, state: WaitState) -> PollerError:
    """The error for a FAIL cell of the state table (or a failed ListInstances: ApiError)."""
    return _BUILDERS[error](observation, state)


def gone(state: WaitState, denied: Observation) -> InstanceDeletedError:
    """DescribeInstance denied, and ListInstances does not list the instance."""
    return InstanceDeletedError(
        f"Instance {state.instance_arn} does not exist ({state.last_seen()}): DescribeInstance "
        "is denied and ListInstances does not list it, so it was deleted or never existed in "
        f"this account, while waiting for it to become {state.until}.",
        **state.context(denied.error_message or None),
    )


def listed_but_denied(state: WaitState, denied: Observation) -> AccessDeniedError:
    """DescribeInstance denied, though ListInstances lists the instance."""
    return AccessDeniedError(
        f"Access denied describing instance {state.instance_arn} ({state.last_seen()}), which "
        "ListInstances does list: the caller lacks the sso:DescribeInstance permission."
        f"{_aws_said(denied.error_message)}",
        **state.context(denied.error_message or None),
    )


def ambiguous_denial(state: WaitState, denied: Observation) -> AccessDeniedError:
    """DescribeInstance and ListInstances both denied: poller will not guess which it is."""
    return AccessDeniedError(
        f"Access denied describing instance {state.instance_arn} ({state.last_seen()}), and "
        "ListInstances is denied too, so poller cannot tell whether the instance was deleted or "
        "the caller lacks permission: grant sso:DescribeInstance and sso:ListInstances."
        f"{_aws_said(denied.error_message)}",
        **state.context(denied.error_message or None),
    )


def timed_out(state: WaitState, timeout: float) -> WaitTimeoutError:
    """The deadline passed."""
    return WaitTimeoutError(
        f"Timed out after {timeout:g} s waiting for instance {state.instance_arn} to become "
        f"{state.until} ({state.last_seen()}, {state.attempts} polls).",
        **state.context(state.last.status_reason if state.last else None),
    )
