"""Everything that can end a wait other than success.

The tree::

    PollerError
    ├── WaitTimeoutError(PollerError, TimeoutError)   deadline passed; .last is the last description
    ├── InstanceFailedError                          a terminal state the target can never leave
    │   ├── InstanceCreateFailedError                Status CREATE_FAILED; .reason = StatusReason
    │   ├── EncryptionUpdateFailedError              UPDATE_FAILED; .reason = EncryptionStatusReason
    │   └── InstanceDeletedError                     being deleted or gone, while waiting for it
    ├── AccessDeniedError                            a permission problem; .kms: a KMS key policy
    ├── ApiError                                     any other non-retryable AWS error; .code
    └── InvalidInstanceArnError(PollerError, ValueError)   bad ARN, found before any request

Every error carries the context of the wait that raised it: ``instance_arn``, ``last`` (the last
:class:`~poller.InstanceDescription` seen, or None), ``attempts``, ``elapsed`` (seconds) and
``reason`` (AWS's own words, where it gave any). Bad settings (a timeout of zero, ``min_delay``
above ``max_delay``, an unknown target) raise a plain :class:`ValueError` before any request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Required, TypedDict, Unpack

if TYPE_CHECKING:
    from poller._instance import InstanceDescription

__all__ = [
    "AccessDeniedError",
    "ApiError",
    "EncryptionUpdateFailedError",
    "InstanceCreateFailedError",
    "InstanceDeletedError",
    "InstanceFailedError",
    "InvalidInstanceArnError",
    "PollerError",
    "WaitTimeoutError",
]


class WaitContext(TypedDict, total=False):
    """The context every :class:`PollerError` carries, as keyword arguments."""

    instance_arn: Required[str]
    last: InstanceDescription | None
    attempts: int
    elapsed: float
    reason: str | None


class PollerError(Exception):
    """Base of every error poller raises about a wait.

    Attributes:
        instance_arn: The instance waited on.
        last: The last description seen, or None if none was.
        attempts: How many DescribeInstance calls were made.
        elapsed: Seconds from the start of the wait to this error.
        reason: AWS's own explanation (a StatusReason, an error message), if any.
    """

    def __init__(
        self,
        message: str,
        *,
        instance_arn: str,
        last: InstanceDescription | None = None,
        attempts: int = 0,
        elapsed: float = 0.0,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.instance_arn = instance_arn
        self.last = last
        self.attempts = attempts
        self.elapsed = elapsed
        self.reason = reason

    def __str__(self) -> str:
        return self.message

    @property
    def status(self) -> str | None:
        """The last Status seen, as a string, or None."""
        return None if self.last is None or self.last.status is None else str(self.last.status)


class WaitTimeoutError(PollerError, TimeoutError):
    """The deadline passed before the instance reached the target."""


class InstanceFailedError(PollerError):
    """The instance is in a state that the target can never be reached from."""


class InstanceCreateFailedError(InstanceFailedError):
    """The instance's creation failed (Status CREATE_FAILED); ``reason`` is its StatusReason."""


class EncryptionUpdateFailedError(InstanceFailedError):
    """An encryption update failed (UPDATE_FAILED); ``reason`` is its EncryptionStatusReason."""


class InstanceDeletedError(InstanceFailedError):
    """The instance is being deleted, or is gone, while the wait needed it alive."""


class AccessDeniedError(PollerError):
    """The caller may not describe the instance.

    Attributes:
        kms: True when the denial comes from the KMS key policy of a customer managed key
            (the service's Reason ``KMS_AccessDeniedException``), not from IAM.
    """

    def __init__(self, message: str, *, kms: bool = False, **context: Unpack[WaitContext]) -> None:
        super().__init__(message, **context)
        self.kms = kms


class ApiError(PollerError):
    """AWS answered with an error that no retry can fix (bad credentials, an unknown code...).

    Attributes:
        code: The error code AWS gave, such as ``ExpiredTokenException``.
        request_id: AWS's request id, for a support case.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        request_id: str | None = None,
        **context: Unpack[WaitContext],
    ) -> None:
        super().__init__(message, **context)
        self.code = code
        self.request_id = request_id


class InvalidInstanceArnError(PollerError, ValueError):
    """The ARN is not an instance ARN: refused before any request, or by the service."""
