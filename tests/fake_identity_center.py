"""A stand-in sso-admin client for the rollouts' pacing, on anyio's clock (virtual under trio).

It models what the rollouts meet, and nothing else: account assignments and provisioning as
requests that are IN_PROGRESS for a while, the collective rate (a token bucket), the
outstanding-writes limit, conflicts, and paged listings. Every call is recorded with its time,
so that a test in virtual time can read the pace exactly. The end-to-end tests use the
simulator over HTTP instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

import anyio
from botocore.exceptions import ReadTimeoutError

from tests.fakes import ARN, client_error

PERMISSION_SET: Final = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0000000000000001"
OTHER_SET: Final = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0000000000000002"
GROUP: Final = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
USER: Final = "94482488-3041-7026-18f3-be45837cd0e4"
RATE_EXCEEDED: Final = "Rate exceeded"
TOO_MANY: Final = "There are too many requests processing. Please try again later."

Key = tuple[str, str, str, str]
"""An assignment: account, permission set, principal type, principal ID."""

_KINDS: Final = {
    "creation": ("AccountAssignmentCreationStatus", "AccountAssignmentsCreationStatus"),
    "deletion": ("AccountAssignmentDeletionStatus", "AccountAssignmentsDeletionStatus"),
    "provisioning": ("PermissionSetProvisioningStatus", "PermissionSetsProvisioningStatus"),
}


@dataclasses.dataclass
class FakeRequest:
    """One asynchronous request."""

    request_id: str
    kind: str
    key: Key | None
    permission_set_arn: str
    started: float
    ready_at: float
    fail_reason: str | None = None
    settled: bool = False

    def status(self, now: float) -> str:
        """IN_PROGRESS until its time is up, then FAILED or SUCCEEDED."""
        if now < self.ready_at:
            return "IN_PROGRESS"
        return "FAILED" if self.fail_reason else "SUCCEEDED"

    def status_object(self, now: float) -> dict[str, Any]:
        """What the start and Describe operations answer."""
        answer: dict[str, Any] = {
            "Status": self.status(now),
            "RequestId": self.request_id,
            "CreatedDate": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "PermissionSetArn": self.permission_set_arn,
        }
        if self.key is not None:
            answer |= {
                "TargetId": self.key[0],
                "TargetType": "AWS_ACCOUNT",
                "PrincipalType": self.key[2],
                "PrincipalId": self.key[3],
            }
        if self.status(now) == "FAILED":
            answer["FailureReason"] = self.fail_reason
        return answer


Fault = BaseException | str | None
"""What a scripted call does instead: raise this (None: nothing, answer as usual); or
``"lost"`` (do it, then drop the answer), ``"garbled"`` (do it, answer a status object without
RequestId), ``"bad-id"`` (do it, answer a RequestId that is no UUID)."""


class FakeIdentityCenter:
    """Account assignments and provisioning on one instance, with the service's limits.

    Args:
        seconds: How long each request is IN_PROGRESS, or a function of its number (0, 1 ...)
            and what it is about (an assignment, or a permission set's ARN).
        rate: Calls per second the token bucket allows (None: no limit).
        burst: The bucket's size.
        outstanding: Writes IN_PROGRESS the instance allows (None: no limit).
        latency: Seconds each call takes.
    """

    def __init__(
        self,
        *,
        seconds: float | Callable[[int, Key | str], float] = 30.0,
        rate: float | None = 20.0,
        burst: float = 20.0,
        outstanding: int | None = 15,
        latency: float = 0.05,
    ) -> None:
        self.seconds = seconds
        self.rate = rate
        self.burst = burst
        self.outstanding = outstanding
        self.latency = latency
        self.tokens = burst
        self.updated = 0.0
        self.assignments: set[Key] = set()
        self.requests: dict[str, FakeRequest] = {}
        self.order: dict[str, list[str]] = {kind: [] for kind in _KINDS}
        self.calls: list[tuple[str, float]] = []
        #: Writes accepted, by assignment (or permission set).
        self.accepted: list[tuple[str, Key | str, float]] = []
        self.faults: dict[str, list[Fault]] = {}
        self.fail_reasons: dict[Key | str, str] = {}
        self.throttled_rate = 0
        self.throttled_outstanding = 0
        self.conflicts = 0
        self.peak = 0
        self._numbers = itertools.count()
        self._ids = itertools.count(1)

    # -- scripting ---------------------------------------------------------------------------

    def start(
        self,
        kind: str,
        key: Key | None,
        permission_set_arn: str,
        *,
        seconds: float | None = None,
        fail_reason: str | None = None,
        now: float | None = None,
    ) -> str:
        """Start a request as if another client had (at *now*, by default now); return its ID."""
        if now is None:
            now = anyio.current_time()
        number = next(self._numbers)
        if seconds is None:
            about = permission_set_arn if key is None else key
            seconds = self.seconds(number, about) if callable(self.seconds) else self.seconds
        request_id = str(uuid.UUID(int=next(self._ids)))
        self.requests[request_id] = FakeRequest(
            request_id, kind, key, permission_set_arn, now, now + seconds, fail_reason
        )
        self.order[kind].append(request_id)
        self.peak = max(self.peak, self.in_progress(now))
        return request_id

    def fault(self, operation: str, *faults: Fault) -> None:
        """Make the next calls of *operation* raise these (``"lost"``: done, answer dropped)."""
        self.faults.setdefault(operation, []).extend(faults)

    # -- state -------------------------------------------------------------------------------

    def in_progress(self, now: float, kind: str | None = None) -> int:
        """Requests IN_PROGRESS (of *kind*, or of every kind) at *now*."""
        return sum(
            r.status(now) == "IN_PROGRESS"
            for r in self.requests.values()
            if kind is None or r.kind == kind
        )

    def _settle(self, now: float) -> None:
        for request in sorted(self.requests.values(), key=lambda r: r.ready_at):
            if request.settled or request.ready_at > now:
                continue
            request.settled = True
            if request.fail_reason or request.key is None:
                continue
            if request.kind == "creation":
                self.assignments.add(request.key)
            else:
                self.assignments.discard(request.key)

    def count(self, operation: str) -> int:
        """Calls of *operation* received."""
        return sum(1 for name, _ in self.calls if name == operation)

    def busiest_second(self) -> int:
        """The most calls received within any one second."""
        times = sorted(t for _, t in self.calls)
        most, start = 0, 0
        for end, time in enumerate(times):
            while time - times[start] >= 1.0 - 1e-9:
                start += 1
            most = max(most, end - start + 1)
        return most

    # -- the wire ----------------------------------------------------------------------------

    async def _call(self, operation: str, work: Callable[[float], dict[str, Any]]) -> Any:
        now = anyio.current_time()
        self.calls.append((operation, now))
        faults = self.faults.get(operation)
        fault = faults.pop(0) if faults else None
        await anyio.sleep(self.latency)
        if isinstance(fault, BaseException):
            raise fault
        self._settle(now)
        if self.rate is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens < 1:
                self.throttled_rate += 1
                raise client_error("ThrottlingException", RATE_EXCEEDED, operation=operation)
            self.tokens -= 1
        answer = work(now)
        if fault == "lost":
            raise ReadTimeoutError(endpoint_url="https://sso.us-east-1.amazonaws.com/")
        if fault in ("garbled", "bad-id"):
            (key,) = answer
            status = dict(answer[key])
            del status["RequestId"]
            if fault == "bad-id":
                status["RequestId"] = "NOT-A-UUID"
            return {key: status}
        return answer

    def _write(self, operation: str, now: float, conflict: bool) -> None:
        if self.outstanding is not None and self.in_progress(now) >= self.outstanding:
            self.throttled_outstanding += 1
            raise client_error("ThrottlingException", TOO_MANY, operation=operation)
        if conflict:
            self.conflicts += 1
            raise client_error(
                "ConflictException",
                "There is a conflicting operation in process.",
                operation=operation,
            )

    def _change(self, kind: str, params: Mapping[str, Any]) -> Any:
        operation = "CreateAccountAssignment" if kind == "creation" else "DeleteAccountAssignment"
        key: Key = (
            params["TargetId"],
            params["PermissionSetArn"],
            params["PrincipalType"],
            params["PrincipalId"],
        )

        def work(now: float) -> dict[str, Any]:
            changing = any(
                r.key == key and r.status(now) == "IN_PROGRESS" for r in self.requests.values()
            )
            provisioning = any(
                r.kind == "provisioning"
                and r.permission_set_arn == key[1]
                and r.status(now) == "IN_PROGRESS"
                for r in self.requests.values()
            )
            self._write(operation, now, changing or provisioning)
            if kind == "deletion" and key not in self.assignments:
                raise client_error(
                    "ResourceNotFoundException", "No such assignment.", operation=operation
                )
            request_id = self.start(
                kind, key, key[1], fail_reason=self.fail_reasons.get(key), now=now
            )
            self.accepted.append((operation, key, now))
            return {_KINDS[kind][0]: self.requests[request_id].status_object(now)}

        return self._call(operation, work)

    async def create_account_assignment(self, **params: Any) -> dict[str, Any]:
        """CreateAccountAssignment."""
        return await self._change("creation", params)  # type: ignore[no-any-return]

    async def delete_account_assignment(self, **params: Any) -> dict[str, Any]:
        """DeleteAccountAssignment."""
        return await self._change("deletion", params)  # type: ignore[no-any-return]

    async def provision_permission_set(self, **params: Any) -> dict[str, Any]:
        """ProvisionPermissionSet (ALL_PROVISIONED_ACCOUNTS)."""
        arn = params["PermissionSetArn"]

        def work(now: float) -> dict[str, Any]:
            running = any(
                r.kind == "provisioning"
                and r.permission_set_arn == arn
                and r.status(now) == "IN_PROGRESS"
                for r in self.requests.values()
            )
            self._write("ProvisionPermissionSet", now, running)
            request_id = self.start(
                "provisioning", None, arn, fail_reason=self.fail_reasons.get(arn), now=now
            )
            self.accepted.append(("ProvisionPermissionSet", arn, now))
            return {_KINDS["provisioning"][0]: self.requests[request_id].status_object(now)}

        return await self._call("ProvisionPermissionSet", work)  # type: ignore[no-any-return]

    def _describe(self, operation: str, kind: str, request_id: str) -> Any:
        def work(now: float) -> dict[str, Any]:
            request = self.requests.get(request_id)
            if request is None or request.kind != kind:
                raise client_error("ResourceNotFoundException", "No request.", operation=operation)
            return {_KINDS[kind][0]: request.status_object(now)}

        return self._call(operation, work)

    async def describe_account_assignment_creation_status(self, **params: Any) -> Any:
        """DescribeAccountAssignmentCreationStatus."""
        request_id = params["AccountAssignmentCreationRequestId"]
        return await self._describe(
            "DescribeAccountAssignmentCreationStatus", "creation", request_id
        )

    async def describe_account_assignment_deletion_status(self, **params: Any) -> Any:
        """DescribeAccountAssignmentDeletionStatus."""
        request_id = params["AccountAssignmentDeletionRequestId"]
        return await self._describe(
            "DescribeAccountAssignmentDeletionStatus", "deletion", request_id
        )

    async def describe_permission_set_provisioning_status(self, **params: Any) -> Any:
        """DescribePermissionSetProvisioningStatus."""
        request_id = params["ProvisionPermissionSetRequestId"]
        return await self._describe(
            "DescribePermissionSetProvisioningStatus", "provisioning", request_id
        )

    @staticmethod
    def _page(items: list[Any], params: Mapping[str, Any]) -> tuple[list[Any], str | None]:
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults") or 100)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else None)

    def _list_status(self, operation: str, kind: str, params: Mapping[str, Any]) -> Any:
        def work(now: float) -> dict[str, Any]:
            wanted = (params.get("Filter") or {}).get("Status")
            requests = [
                self.requests[rid]
                for rid in self.order[kind]
                if wanted is None or self.requests[rid].status(now) == wanted
            ]
            page, token = self._page(requests, params)
            answer: dict[str, Any] = {
                _KINDS[kind][1]: [
                    {"Status": r.status(now), "RequestId": r.request_id, "CreatedDate": r.started}
                    for r in page
                ]
            }
            if token is not None:
                answer["NextToken"] = token
            return answer

        return self._call(operation, work)

    async def list_account_assignment_creation_status(self, **params: Any) -> Any:
        """ListAccountAssignmentCreationStatus."""
        return await self._list_status("ListAccountAssignmentCreationStatus", "creation", params)

    async def list_account_assignment_deletion_status(self, **params: Any) -> Any:
        """ListAccountAssignmentDeletionStatus."""
        return await self._list_status("ListAccountAssignmentDeletionStatus", "deletion", params)

    async def list_permission_set_provisioning_status(self, **params: Any) -> Any:
        """ListPermissionSetProvisioningStatus."""
        return await self._list_status(
            "ListPermissionSetProvisioningStatus", "provisioning", params
        )

    async def list_account_assignments(self, **params: Any) -> Any:
        """ListAccountAssignments: the principals with the set in the account, paged."""

        def work(now: float) -> dict[str, Any]:
            found = sorted(
                key
                for key in self.assignments
                if key[0] == params["AccountId"] and key[1] == params["PermissionSetArn"]
            )
            return self._assignments_page(found, params)

        return await self._call("ListAccountAssignments", work)

    def _assignments_page(self, found: list[Any], params: dict[str, Any]) -> dict[str, Any]:
        """A List call's page of *found* assignment keys, with the API's key names."""
        page, token = self._page(found, params)
        keys = ("AccountId", "PermissionSetArn", "PrincipalType", "PrincipalId")
        listed = [dict(zip(keys, key, strict=True)) for key in page]
        answer: dict[str, Any] = {"AccountAssignments": listed}
        if token is not None:
            answer["NextToken"] = token
        return answer

    async def list_account_assignments_for_principal(self, **params: Any) -> Any:
        """ListAccountAssignmentsForPrincipal: the principal's assignments, paged."""

        def work(now: float) -> dict[str, Any]:
            found = sorted(
                key
                for key in self.assignments
                if (key[2], key[3]) == (params["PrincipalType"], params["PrincipalId"])
            )
            return self._assignments_page(found, params)

        return await self._call("ListAccountAssignmentsForPrincipal", work)


__all__ = ["ARN", "GROUP", "OTHER_SET", "PERMISSION_SET", "USER", "FakeIdentityCenter"]
