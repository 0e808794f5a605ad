"""Asynchronous requests, and the rules that make them fail.

Permission-set provisioning and account-assignment creation and deletion. Each is IN_PROGRESS
until its time is up (fixed, or drawn from a log-normal: see :mod:`._lifecycles`), then
SUCCEEDED, or FAILED with a FailureReason; failures are decided when the request starts, by
rules a test arms. The requests IN_PROGRESS on an instance are its outstanding asynchronous
writes, which the service limits count (:mod:`._limits`).
"""

from __future__ import annotations

import enum
import math
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from poller.simulator._base import SimulatorBase
from poller.simulator._errors import ServiceError
from poller.simulator._lifecycles import Lifecycle
from poller.simulator._model import check

if TYPE_CHECKING:
    from poller.simulator._instances import Instance

IN_PROGRESS: Final = "IN_PROGRESS"
SUCCEEDED: Final = "SUCCEEDED"
FAILED: Final = "FAILED"
AWS_ACCOUNT: Final = "AWS_ACCOUNT"


class RequestKind(enum.Enum):
    """What a request does; each kind has its own Describe and List operations."""

    PROVISIONING = "PermissionSetProvisioning"
    ASSIGNMENT_CREATION = "AccountAssignmentCreation"
    ASSIGNMENT_DELETION = "AccountAssignmentDeletion"


@dataclass(slots=True)
class Request:
    """One request.

    ``created_at`` is wall-clock seconds since the clock started (for ``CreatedDate``);
    ``ready_at`` is simulated seconds (``math.inf``: never), *seconds* after it started.
    """

    request_id: str
    kind: RequestKind
    instance_arn: str
    permission_set_arn: str
    created_at: float
    ready_at: float
    seconds: float = 0.0
    fail_reason: str | None = None
    target_id: str | None = None
    principal_type: str | None = None
    principal_id: str | None = None
    forced_status: str | None = None
    forced_reason: str | None = None

    def status(self, now: float) -> str:
        """Return ``Status`` at *now*."""
        if self.forced_status is not None:
            return self.forced_status
        if now < self.ready_at:
            return IN_PROGRESS
        return FAILED if self.fail_reason is not None else SUCCEEDED

    def failure_reason(self, now: float) -> str | None:
        """Return ``FailureReason`` at *now*: why it failed, or a forced reason."""
        if self.forced_status is not None:
            return self.forced_reason
        return self.fail_reason if self.status(now) == FAILED else None

    def summary(self, now: float, epoch: float) -> dict[str, Any]:
        """Return the ``Status``, ``RequestId`` and ``CreatedDate`` that List operations show."""
        return {
            "Status": self.status(now),
            "RequestId": self.request_id,
            "CreatedDate": round(epoch + self.created_at, 3),
        }

    def status_object(self, now: float, epoch: float) -> dict[str, Any]:
        """Return the status structure that the start and the Describe operations answer."""
        output = self.summary(now, epoch)
        if self.kind is RequestKind.PROVISIONING:
            if self.target_id is not None:
                output["AccountId"] = self.target_id
        else:
            output["TargetId"] = self.target_id
            output["TargetType"] = AWS_ACCOUNT
            output["PrincipalType"] = self.principal_type
            output["PrincipalId"] = self.principal_id
        output["PermissionSetArn"] = self.permission_set_arn
        reason = self.failure_reason(now)
        if reason is not None:
            output["FailureReason"] = reason
        return output


@dataclass(slots=True)
class _Rule:
    reason: str
    account_id: str | None
    permission_set_arn: str | None
    remaining: int | None


class FailureRules:
    """Rules that make new requests fail, matched in the order they were armed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []

    def add(
        self,
        reason: str,
        *,
        account_id: str | None = None,
        permission_set_arn: str | None = None,
        count: int | None = None,
    ) -> None:
        """Fail the next *count* (``None``: every) request matching the filters."""
        if count is not None and count < 1:
            raise ValueError(f"count must be at least 1 or None, not {count!r}")
        with self._lock:
            self._rules.append(_Rule(reason, account_id, permission_set_arn, count))

    def clear(self) -> None:
        """Disarm every rule."""
        with self._lock:
            self._rules.clear()

    def take(self, account_id: str | None, permission_set_arn: str) -> str | None:
        """Return the failure reason for a new request, using up one of its rule's count."""
        if not self._rules:
            return None
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.account_id is not None and rule.account_id != account_id:
                    continue
                if (
                    rule.permission_set_arn is not None
                    and rule.permission_set_arn != permission_set_arn
                ):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        del self._rules[index]
                return rule.reason
        return None


class RequestScripts(SimulatorBase):
    """The :class:`~poller.simulator.Simulator` methods that script requests."""

    def find_request(self, request_id: str) -> Request:
        """Return the request *request_id*, of any kind and instance.

        Raises:
            ServiceError: ValidationException for an ID that is not a lowercase UUID,
                ResourceNotFoundException for one never answered.
        """
        check("UUId", "requestId", request_id)
        found = self._async_requests.get(request_id)
        if found is None:
            raise ServiceError("ResourceNotFoundException", f"Request {request_id} not found.")
        return found

    def set_request_status(
        self, request_id: str, status: str | None, *, reason: str | None = None
    ) -> None:
        """Force the raw ``Status`` (any string) and ``FailureReason`` of a request.

        ``None`` lifts it, and the request follows its own clock again.
        """
        request = self.find_request(request_id)
        with self._lock:
            request.forced_status = status
            request.forced_reason = reason
            instance = self._instances.get(request.instance_arn)
            if instance is not None:
                instance.writes.forced(request)
                self.limits.observe(instance.arn, instance.writes.count(self.clock.now()))

    def fail_assignments(
        self,
        reason: str,
        *,
        account_id: str | None = None,
        permission_set_arn: str | None = None,
        count: int | None = None,
    ) -> None:
        """Make assignment requests received over the wire end ``FAILED`` with *reason*.

        Creations and deletions alike; the rules armed first are matched first.

        Args:
            reason: The ``FailureReason``.
            account_id: Only those for this account (``TargetId``).
            permission_set_arn: Only those of this permission set.
            count: Only the next *count* matching requests (``None``: every one).
        """
        self._assignment_failures.add(
            reason, account_id=account_id, permission_set_arn=permission_set_arn, count=count
        )

    def fail_provisioning(
        self,
        reason: str,
        *,
        account_id: str | None = None,
        permission_set_arn: str | None = None,
        count: int | None = None,
    ) -> None:
        """Make ProvisionPermissionSet requests received over the wire end ``FAILED``.

        Args:
            reason: The ``FailureReason``.
            account_id: Only those that target this account (``TargetId``).
            permission_set_arn: Only those of this permission set.
            count: Only the next *count* matching requests (``None``: every one).
        """
        self._provisioning_failures.add(
            reason, account_id=account_id, permission_set_arn=permission_set_arn, count=count
        )

    def failure_for(
        self, kind: RequestKind, account_id: str | None, permission_set_arn: str
    ) -> str | None:
        """Return the ``FailureReason`` a request received over the wire is to end with.

        The first armed rule that matches decides (using up one of its count); without one,
        the simulator's ``provisioning_fail_reason`` or ``assignment_fail_reason``.
        """
        if kind is RequestKind.PROVISIONING:
            rules, default = self._provisioning_failures, self.provisioning_fail_reason
        else:
            rules, default = self._assignment_failures, self.assignment_fail_reason
        reason = rules.take(account_id, permission_set_arn)
        return default if reason is None else reason

    def clear_failures(self) -> None:
        """Disarm every rule armed by :meth:`fail_assignments` and :meth:`fail_provisioning`."""
        self._assignment_failures.clear()
        self._provisioning_failures.clear()

    def request_seconds(self, kind: RequestKind) -> float:
        """Return how long the next request of *kind* is to take, in simulated seconds.

        ``provisioning_seconds`` or ``assignment_seconds`` (creations and deletions alike)
        when its sigma is 0; otherwise a draw from the log-normal of that median and sigma,
        from the kind's own stream (seeded by ``lifecycle_seed``).
        """
        if kind is RequestKind.PROVISIONING:
            lifecycle = Lifecycle(self.provisioning_seconds, self.provisioning_sigma)
        else:
            lifecycle = Lifecycle(self.assignment_seconds, self.assignment_sigma)
        with self._lock:
            return self._durations.draw(kind.value, lifecycle)

    def outstanding_writes(self, arn: str) -> int:
        """Return how many requests of instance *arn* are ``IN_PROGRESS`` now (0 if it is gone).

        Provisioning and assignment requests alike, scripted or received over the wire: the
        outstanding asynchronous writes that ``aws_outstanding`` limits.
        """
        with self._lock:
            instance = self.get(arn)
            return 0 if instance is None else instance.writes.count(self.clock.now())

    def check_outstanding(self, instance: Instance) -> None:
        """Refuse an asynchronous write over the wire beyond the outstanding limit.

        Raises:
            ServiceError: ThrottlingException, when the limits are on and *instance* has as
                many requests IN_PROGRESS as ``aws_outstanding``.
        """
        if self.limits.enabled:
            with self._lock:
                in_progress = instance.writes.count(self.clock.now())
            self.limits.check_outstanding(in_progress)

    def _start_request(
        self,
        kind: RequestKind,
        instance: Instance,
        permission_set_arn: str,
        *,
        seconds: float | None,
        fail_reason: str | None,
        never_finish: bool,
        target_id: str | None = None,
        principal: tuple[str, str] | None = None,
    ) -> Request:
        """Record a new request of *kind*, indexed by its ID and listed on its instance.

        It lasts *seconds*, or (``None``) a duration drawn by :meth:`request_seconds`.
        """
        if seconds is not None and seconds < 0:
            raise ValueError(f"a duration cannot be negative ({seconds!r} s)")
        with self._lock:
            if never_finish:
                seconds = math.inf
            elif seconds is None:
                seconds = self.request_seconds(kind)
            now = self.clock.now()
            request_id = self._new_request_id()
            request = Request(
                request_id,
                kind,
                instance.arn,
                permission_set_arn,
                created_at=self.clock.wall_elapsed(),
                ready_at=now + seconds,
                seconds=seconds,
                fail_reason=fail_reason,
                target_id=target_id,
                principal_type=None if principal is None else principal[0],
                principal_id=None if principal is None else principal[1],
            )
            self._async_requests[request_id] = request
            instance.requests.setdefault(kind, []).append(request)
            instance.writes.add(request)
            self.limits.observe(instance.arn, instance.writes.count(now))
            return request

    def _new_request_id(self) -> str:
        # Lowercase, as the service's: the model's pattern for request IDs has no capitals.
        while True:
            request_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
            if request_id not in self._async_requests:
                return request_id
