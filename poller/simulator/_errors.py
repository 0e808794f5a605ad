"""Errors the simulated service answers with, as the real one names them."""

from __future__ import annotations

from typing import Final

#: The namespace of the errors in the SSO Admin model (its Smithy service is SWBExternalService).
SERVICE_NAMESPACE: Final = "com.amazonaws.swbexternalservice"
#: The namespace of errors raised by the AWS request framework before an operation runs.
FRAMEWORK_NAMESPACE: Final = "com.amazon.coral.service"

#: Error codes the sso-admin service model declares.
MODELED_CODES: Final = frozenset(
    {
        "AccessDeniedException",
        "ConflictException",
        "InternalServerException",
        "ResourceNotFoundException",
        "ServiceQuotaExceededException",
        "ThrottlingException",
        "ValidationException",
    }
)


class ServiceError(Exception):
    """An error answer: HTTP status, code, message and the optional modeled ``Reason``.

    Args:
        code: The error code, e.g. ``"AccessDeniedException"``.
        message: The human-readable message.
        reason: The modeled ``Reason`` member, e.g. ``"KMS_AccessDeniedException"``.
        status: The HTTP status; 400 unless the error is a server fault.
    """

    def __init__(
        self, code: str, message: str, *, reason: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.status = status if status is not None else default_status(code)

    @property
    def namespace(self) -> str:
        """The ``__type`` namespace: the service's for modeled codes, else the framework's."""
        return SERVICE_NAMESPACE if self.code in MODELED_CODES else FRAMEWORK_NAMESPACE


def default_status(code: str) -> int:
    """Return the HTTP status the service uses for *code*."""
    if code in {"InternalServerException", "InternalFailure", "ServiceUnavailableException"}:
        return 500
    if code in {"MissingAuthenticationTokenException", "InvalidClientTokenId"}:
        return 403
    return 400


def validation_error(member: str, value: object, constraint: str) -> ServiceError:
    """Build the ValidationException the service gives for one failed input constraint."""
    shown = "null" if value is None else f"'{value}'"
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy "
        f"constraint: {constraint}",
    )


def conflict(message: str) -> ServiceError:
    """Build a ConflictException."""
    return ServiceError("ConflictException", message)


def access_denied(operation: str, resource: str, *, reason: str | None = None) -> ServiceError:
    """Build the AccessDeniedException the service gives for a resource it will not show."""
    return ServiceError(
        "AccessDeniedException",
        f"User is not authorized to perform: sso:{operation} on resource: {resource}",
        reason=reason,
    )
