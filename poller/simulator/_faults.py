"""Scripted misbehaviour: what a fault does, how often, and to which requests."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass

from poller.simulator._errors import ServiceError


class FaultKind(enum.Enum):
    """What the endpoint does instead of (or before) answering normally."""

    ERROR = "error"
    """Answer with an AWS error (JSON body, ``x-amzn-ErrorType``)."""
    HTTP_ERROR = "http-error"
    """Answer with a bare HTTP status and a non-JSON body, as a load balancer would."""
    SLOW = "slow"
    """Wait, then answer normally."""
    DROP_CONNECTION = "drop-connection"
    """Close the connection without answering."""
    MALFORMED_BODY = "malformed-body"
    """Answer 200 with a body that is not JSON."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One kind of misbehaviour, applied *count* times (``None``: until cleared).

    Build faults with the class methods; pass them to ``Simulator.add_fault``.
    ``seconds`` of a slow fault are real seconds: slowness exists to trip client timeouts,
    which run on the real clock.
    """

    kind: FaultKind
    count: int | None = 1
    code: str = ""
    message: str = ""
    reason: str | None = None
    status: int = 400
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise ValueError(f"a fault's count must be at least 1 or None, not {self.count!r}")
        if self.seconds < 0:
            raise ValueError(f"a delay cannot be negative ({self.seconds!r})")

    @classmethod
    def error(
        cls,
        code: str,
        *,
        message: str | None = None,
        reason: str | None = None,
        status: int | None = None,
        count: int | None = 1,
    ) -> Fault:
        """Answer with the AWS error *code* (e.g. ``"ExpiredTokenException"``, status 400)."""
        error = ServiceError(code, message or f"Simulated {code}", reason=reason, status=status)
        return cls(
            FaultKind.ERROR,
            count=count,
            code=code,
            message=error.message,
            reason=reason,
            status=error.status,
        )

    @classmethod
    def throttling(cls, count: int | None = 1, *, kms: bool = False) -> Fault:
        """ThrottlingException; with *kms*, Reason ``KMS_ThrottlingException``."""
        return cls.error(
            "ThrottlingException",
            message="Rate exceeded",
            reason="KMS_ThrottlingException" if kms else None,
            count=count,
        )

    @classmethod
    def internal_error(cls, count: int | None = 1) -> Fault:
        """InternalServerException, HTTP 500."""
        return cls.error(
            "InternalServerException",
            message="The request processing has failed because of an unknown error.",
            count=count,
        )

    @classmethod
    def access_denied(cls, count: int | None = 1, *, kms: bool = False) -> Fault:
        """AccessDeniedException: a missing permission, or with *kms* a KMS key policy."""
        if kms:
            return cls.error(
                "AccessDeniedException",
                message="Identity Center cannot use the KMS key: access to it was denied.",
                reason="KMS_AccessDeniedException",
                count=count,
            )
        return cls.error(
            "AccessDeniedException",
            message="User is not authorized to perform this action (simulated).",
            count=count,
        )

    @classmethod
    def validation(cls, count: int | None = 1, *, message: str | None = None) -> Fault:
        """ValidationException."""
        return cls.error(
            "ValidationException", message=message or "Simulated validation error", count=count
        )

    @classmethod
    def http_error(cls, status: int = 503, count: int | None = 1) -> Fault:
        """A bare HTTP error (502, 503, 504 …) with an HTML body, not an AWS error."""
        return cls(FaultKind.HTTP_ERROR, count=count, status=status)

    @classmethod
    def slow(cls, seconds: float, count: int | None = 1) -> Fault:
        """Answer normally after *seconds* real seconds."""
        return cls(FaultKind.SLOW, count=count, seconds=seconds, status=200)

    @classmethod
    def drop_connection(cls, count: int | None = 1) -> Fault:
        """Close the connection without an answer."""
        return cls(FaultKind.DROP_CONNECTION, count=count, status=0)

    @classmethod
    def malformed_body(cls, count: int | None = 1) -> Fault:
        """Answer HTTP 200 with a body that is not valid JSON."""
        return cls(FaultKind.MALFORMED_BODY, count=count, status=200)

    def to_service_error(self) -> ServiceError:
        """Return the error answer of an ``ERROR`` fault."""
        return ServiceError(self.code, self.message, reason=self.reason, status=self.status)


@dataclass(slots=True)
class _Armed:
    fault: Fault
    operation: str | None
    instance_arn: str | None
    region_name: str | None
    request_id: str | None
    remaining: int | None

    def matches(
        self,
        operation: str,
        instance_arn: str | None,
        region_name: str | None,
        request_id: str | None,
    ) -> bool:
        return (
            (self.operation is None or self.operation == operation)
            and (self.instance_arn is None or self.instance_arn == instance_arn)
            and (self.region_name is None or self.region_name == region_name)
            and (self.request_id is None or self.request_id == request_id)
        )


class FaultPlan:
    """The armed faults, matched in the order they were added; safe to use from any thread.

    A fault applies to the requests that match every filter it was armed with: the
    operation, and the ``InstanceArn``, ``RegionName`` and request ID (of a Describe or List
    operation on a provisioning or assignment request) of the input.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []

    def add(
        self,
        fault: Fault,
        *,
        operation: str | None = None,
        instance_arn: str | None = None,
        region_name: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Arm *fault* for requests matching every filter given (``None``: any)."""
        with self._lock:
            self._armed.append(
                _Armed(fault, operation, instance_arn, region_name, request_id, fault.count)
            )

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._armed.clear()

    def __len__(self) -> int:
        return len(self._armed)

    def take(
        self,
        operation: str,
        instance_arn: str | None = None,
        *,
        region_name: str | None = None,
        request_id: str | None = None,
    ) -> Fault | None:
        """Return the first fault matching this request, using up one of its count."""
        if not self._armed:  # the common case, without taking the lock
            return None
        with self._lock:
            for index, armed in enumerate(self._armed):
                if not armed.matches(operation, instance_arn, region_name, request_id):
                    continue
                if armed.remaining is not None:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        del self._armed[index]
                return armed.fault
        return None
