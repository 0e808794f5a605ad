"""Everything that can end a wait other than success.

The tree::

    PollerError
    ├── WaitTimeoutError(PollerError, TimeoutError)   deadline passed; .last is the last description
    ├── ResourceFailedError                          a terminal state the target can never leave
    │   ├── InstanceFailedError
    │   │   ├── InstanceCreateFailedError            Status CREATE_FAILED; .reason = StatusReason
    │   │   ├── EncryptionUpdateFailedError          UPDATE_FAILED; .reason = EncryptionStatusReason
    │   │   └── InstanceDeletedError                 being deleted or gone, while waiting for it
    │   ├── RegionRemovedError                       REMOVING or gone, while waiting for it
    │   ├── AccessControlAttributesFailedError       CREATION_FAILED
    │   ├── PermissionSetProvisioningFailedError     FAILED; .reason = FailureReason
    │   └── AccountAssignmentFailedError             FAILED; .reason = FailureReason
    ├── ResourceNotFoundError                        no such instance (never seen), Region, ...
    ├── AccessDeniedError                            a permission problem; .kms: a KMS key policy
    ├── ApiError                                     any other non-retryable AWS error; .code
    │   └── EndpointUnreachableError                 never answered: refused, DNS, TLS, no Region
    └── InvalidArgumentError(PollerError, ValueError)   a malformed identifier, before any request
        └── InvalidInstanceArnError

Every error carries the context of the wait that raised it: the resource's identity
(``instance_arn``, and ``region_name`` or ``request_id`` where the resource has one), ``last``
(the last description seen, or None), ``attempts``, ``elapsed`` (seconds) and ``reason`` (AWS's
own words, where it gave any). Its class decides its :class:`~poller.Outcome`, and so the
``poller`` command's exit code. Bad settings (a timeout of zero, ``min_delay`` above
``max_delay``, an unknown target) raise a plain :class:`ValueError` before any request.
"""

from __future__ import annotations

import typing
from typing import Any, ClassVar, Required, TypedDict, Unpack

from poller import _outcome

if typing.TYPE_CHECKING:
    from poller._result import Description

__all__ = [
    "AccessControlAttributesFailedError",
    "AccessDeniedError",
    "AccountAssignmentFailedError",
    "ApiError",
    "EncryptionUpdateFailedError",
    "EndpointUnreachableError",
    "InstanceCreateFailedError",
    "InstanceDeletedError",
    "InstanceFailedError",
    "InvalidArgumentError",
    "InvalidInstanceArnError",
    "PermissionSetProvisioningFailedError",
    "PollerError",
    "RegionRemovedError",
    "ResourceFailedError",
    "ResourceNotFoundError",
    "WaitTimeoutError",
]


class _WaitContext(TypedDict, total=False):
    """The context every :class:`PollerError` carries, as keyword arguments."""

    instance_arn: Required[str]
    region_name: str | None
    request_id: str | None
    last: Any
    attempts: int
    elapsed: float
    reason: str | None


class PollerError(Exception):
    """Base of every error poller raises about a wait.

    Attributes:
        instance_arn: The instance waited on (or that owns the resource waited on).
        region_name: The Region waited on, for Region waits; else None.
        request_id: The request waited on (provisioning, assignments); else None.
        last: The last description seen, or None if none was.
        attempts: How many Describe requests were sent.
        elapsed: Seconds from the start of the wait to this error.
        reason: AWS's own explanation (a StatusReason, an error message), if any.
    """

    outcome: ClassVar[_outcome.Outcome] = _outcome.Outcome.ERROR
    """How a wait that ends on this error ended."""

    def __init__(
        self,
        message: str,
        *,
        instance_arn: str,
        region_name: str | None = None,
        request_id: str | None = None,
        last: Description | None = None,
        attempts: int = 0,
        elapsed: float = 0.0,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.instance_arn = instance_arn
        self.region_name = region_name
        self.request_id = request_id
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

    @property
    def exit_code(self) -> _outcome.ExitCode:
        """The ``poller`` command's exit code for this error."""
        return self.outcome.exit_code


class WaitTimeoutError(PollerError, TimeoutError):
    """The deadline passed before the resource reached the target.

    Attributes:
        budget: The seconds the wait had in all (from its start to its deadline), if known.
        stopped: Why it stopped: ``deadline`` (the deadline came, a request perhaps still
            unanswered), ``margin`` (it gave up a little before the deadline, because less
            time remained than an answer takes), or ``unanswered`` (the endpoint answered
            none of its requests: waiting longer is unlikely to help).
        last_error: The code of the last error seen (``ReadTimeoutError``,
            ``ThrottlingException`` ...), or None if the last request was answered.
    """

    outcome = _outcome.Outcome.TIMED_OUT

    def __init__(
        self,
        message: str,
        *,
        budget: float | None = None,
        stopped: typing.Literal["deadline", "margin", "unanswered"] = "deadline",
        last_error: str | None = None,
        **context: Unpack[_WaitContext],
    ) -> None:
        super().__init__(message, **context)
        self.budget = budget
        self.stopped = stopped
        self.last_error = last_error


class ResourceFailedError(PollerError):
    """The resource is in a state that the target can never be reached from."""

    outcome = _outcome.Outcome.FAILED


class InstanceFailedError(ResourceFailedError):
    """The instance is in a state that the target can never be reached from."""


class InstanceCreateFailedError(InstanceFailedError):
    """The instance's creation failed (Status CREATE_FAILED); ``reason`` is its StatusReason."""


class EncryptionUpdateFailedError(InstanceFailedError):
    """An encryption update failed (UPDATE_FAILED); ``reason`` is its EncryptionStatusReason."""


class InstanceDeletedError(InstanceFailedError):
    """The instance is being deleted, or is gone, while the wait needed it alive."""


class RegionRemovedError(ResourceFailedError):
    """The Region is being removed, or is gone, while the wait needed it active."""


class AccessControlAttributesFailedError(ResourceFailedError):
    """Attribute-based access control failed to enable (CREATION_FAILED); ``reason`` says why."""


class PermissionSetProvisioningFailedError(ResourceFailedError):
    """Provisioning a permission set failed (FAILED); ``reason`` is its FailureReason."""


class AccountAssignmentFailedError(ResourceFailedError):
    """Creating or deleting an account assignment failed (FAILED); ``reason`` is why."""


class ResourceNotFoundError(PollerError):
    """No such resource: an instance never seen in this wait, a Region, a request ID ..."""

    outcome = _outcome.Outcome.NOT_FOUND


class AccessDeniedError(PollerError):
    """The caller may not describe the resource.

    Attributes:
        kms: True when the denial comes from the KMS key policy of a customer managed key
            (the service's Reason ``KMS_AccessDeniedException``), not from IAM.
    """

    outcome = _outcome.Outcome.DENIED

    def __init__(self, message: str, *, kms: bool = False, **context: Unpack[_WaitContext]) -> None:
        super().__init__(message, **context)
        self.kms = kms


class ApiError(PollerError):
    """AWS answered with an error that no retry can fix (bad credentials, an unknown code...).

    Attributes:
        code: The error code AWS gave, such as ``ExpiredTokenException``, or the name of
            botocore's error when no answer came.
        aws_request_id: AWS's ID of the failed call, for a support case.
        retryable: Whether a later request may well be answered: throttling, a 5xx, a
            dropped or refused connection. A wait retries these until its deadline, so one
            ends on them only by looking once (``poller.look``) or when the endpoint has never
            answered (:class:`EndpointUnreachableError`); a face that looks again later (a
            sensor's next poke) reads this instead of judging the code itself.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        aws_request_id: str | None = None,
        retryable: bool = False,
        **context: Unpack[_WaitContext],
    ) -> None:
        super().__init__(message, **context)
        self.code = code
        self.aws_request_id = aws_request_id
        self.retryable = retryable


class EndpointUnreachableError(ApiError):
    """The endpoint never answered: connection refused, DNS, TLS, a Region with no endpoint."""


class InvalidArgumentError(PollerError, ValueError):
    """A malformed identifier: refused before any request, or by the service.

    Attributes:
        problems: For input of many items (a rollout's assignments), each bad one as its
            index in the input and what is wrong with it, in input order; empty otherwise.
    """

    outcome = _outcome.Outcome.INVALID

    def __init__(
        self,
        message: str,
        *,
        problems: typing.Sequence[tuple[int, str]] = (),
        **context: Unpack[_WaitContext],
    ) -> None:
        super().__init__(message, **context)
        self.problems = tuple(problems)


class InvalidInstanceArnError(InvalidArgumentError):
    """The ARN is not an instance ARN: refused before any request, or by the service."""
