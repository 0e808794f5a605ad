"""Waiting on requests: permission-set provisioning and account assignments, one or many."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any

from poller._engine._many import DEFAULT_CONCURRENCY
from poller._engine._resource import Identity, Resource
from poller._engine._wait import Wait
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RequestLimiter
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION,
    ACCOUNT_ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    RequestDescription,
)
from poller._result import WaitResult
from poller._settings import Moment, Seconds
from poller._waiters._many import WaitOutcome, wait_for_each
from poller.events import EventHook

__all__ = [
    "RequestKind",
    "WaitOutcome",
    "wait_for_account_assignment_creation",
    "wait_for_account_assignment_deletion",
    "wait_for_permission_set_provisioning",
    "wait_for_requests",
    "watch_account_assignment_creation",
    "watch_account_assignment_deletion",
    "watch_permission_set_provisioning",
]


class RequestKind(enum.StrEnum):
    """Which operation started the requests that :func:`wait_for_requests` waits on."""

    PERMISSION_SET_PROVISIONING = "permission-set-provisioning"
    """ProvisionPermissionSet."""
    ACCOUNT_ASSIGNMENT_CREATION = "account-assignment-creation"
    """CreateAccountAssignment."""
    ACCOUNT_ASSIGNMENT_DELETION = "account-assignment-deletion"
    """DeleteAccountAssignment."""


_RESOURCES: dict[str, Resource] = {
    RequestKind.PERMISSION_SET_PROVISIONING: PERMISSION_SET_PROVISIONING,
    RequestKind.ACCOUNT_ASSIGNMENT_CREATION: ACCOUNT_ASSIGNMENT_CREATION,
    RequestKind.ACCOUNT_ASSIGNMENT_DELETION: ACCOUNT_ASSIGNMENT_DELETION,
}


def _resource(kind: RequestKind | str) -> Resource:
    try:
        return _RESOURCES[str(kind)]
    except KeyError:
        choices = ", ".join(_RESOURCES)
        raise ValueError(f"unknown request kind {kind!r}: expected one of {choices}") from None


def _wait(
    client: Any, resource: Resource, instance_arn: str, request_id: str, settings: dict[str, Any]
) -> Wait:
    identity = Identity(instance_arn, request_id=request_id)
    return Wait.of(client, resource, identity, "succeeded", **settings)


async def wait_for_permission_set_provisioning(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until a ProvisionPermissionSet request has succeeded.

    Polls DescribePermissionSetProvisioningStatus (default delays 1 s / 10 s); the result's
    ``.description`` is the status object (:class:`poller.RequestDescription`).

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        request_id: ``RequestId`` of the status object ProvisionPermissionSet answered.
        timeout: The whole wait's limit (default 30 min).
        deadline: Instead of *timeout*, an absolute end.
        min_delay: The shortest pause between polls (default 1 s).
        max_delay: The longest pause between polls (default 10 s).
        on_event: Called with each :mod:`poller.events` event, in order.
        limiter: Paces this wait's requests, shared with other waits on the same account.

    Raises:
        InvalidArgumentError: A malformed ARN or request ID (before any request).
        PermissionSetProvisioningFailedError: FAILED; ``.reason`` is the FailureReason.
        ResourceNotFoundError: No such request.
        AccessDeniedError, WaitTimeoutError, ApiError: As for every wait.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    resource = PERMISSION_SET_PROVISIONING
    return await _wait(client, resource, instance_arn, request_id, settings).finish()


def watch_permission_set_provisioning(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of a provisioning request until it has succeeded."""
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return _wait(client, PERMISSION_SET_PROVISIONING, instance_arn, request_id, settings).run()


async def wait_for_account_assignment_creation(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until a CreateAccountAssignment request has succeeded.

    Polls DescribeAccountAssignmentCreationStatus; arguments and errors as for
    :func:`wait_for_permission_set_provisioning`, failing with AccountAssignmentFailedError.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    resource = ACCOUNT_ASSIGNMENT_CREATION
    return await _wait(client, resource, instance_arn, request_id, settings).finish()


def watch_account_assignment_creation(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of an assignment creation request until it has succeeded."""
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return _wait(client, ACCOUNT_ASSIGNMENT_CREATION, instance_arn, request_id, settings).run()


async def wait_for_account_assignment_deletion(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until a DeleteAccountAssignment request has succeeded.

    Polls DescribeAccountAssignmentDeletionStatus; arguments and errors as for
    :func:`wait_for_permission_set_provisioning`, failing with AccountAssignmentFailedError.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    resource = ACCOUNT_ASSIGNMENT_DELETION
    return await _wait(client, resource, instance_arn, request_id, settings).finish()


def watch_account_assignment_deletion(
    client: Any,
    instance_arn: str,
    request_id: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of an assignment deletion request until it has succeeded."""
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return _wait(client, ACCOUNT_ASSIGNMENT_DELETION, instance_arn, request_id, settings).run()


async def wait_for_requests(
    client: Any,
    instance_arn: str,
    request_ids: Iterable[str],
    *,
    kind: RequestKind | str,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    limiter: RequestLimiter | None = None,
    on_outcome: Callable[[WaitOutcome], object] | None = None,
) -> list[WaitOutcome]:
    """Wait on many requests of one kind on one instance, under one deadline.

    A rollout's normal case: hundreds of CreateAccountAssignment requests through the
    management account's one client. Every request's polls share that client's token bucket
    (*rate* per second, halved on throttling); each wait emits its own events, carrying its
    ``request_id``.

    Args:
        client: The aiobotocore ``sso-admin`` client of every request; the caller owns it.
        instance_arn: The instance.
        request_ids: The ``RequestId`` of each request (lowercase UUIDs, each once).
        kind: Which operation started them (:class:`poller.RequestKind`).
        timeout: The limit of the whole call (default 30 min).
        deadline: Instead of *timeout*, an absolute end.
        min_delay: The shortest pause between two polls of one request (default 1 s).
        max_delay: The longest pause between two polls of one request (default 10 s).
        on_event: Called with every event of every wait, in order.
        concurrency: How many requests are waited on at once; the others queue.
        fail_fast: On the first failure, cancel the other waits and raise that failure.
        rate: Requests per second through *client*, at most; None leaves them unpaced.
        burst: Requests that may leave at once.
        limiter: A limiter of this call's requests in place of the client's own bucket.
        on_outcome: Called with each :class:`WaitOutcome` as its wait ends.

    Returns:
        One :class:`WaitOutcome` per request ID, in the order of *request_ids*.

    Raises:
        InvalidArgumentError: A malformed ARN or request ID (before any request).
        ValueError: An unknown kind, a setting out of range, or a request ID listed twice.
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """
    request_ids = list(request_ids)
    resource = _resource(kind)
    # Checked even when there is nothing to wait on: a bad ARN is bad with any request IDs.
    resource.check(Identity(instance_arn, request_id="00000000-0000-0000-0000-000000000000"))
    return await wait_for_each(
        resource,
        [(client, Identity(instance_arn, request_id=rid)) for rid in request_ids],
        until="succeeded",
        timeout=timeout,
        deadline=deadline,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        concurrency=concurrency,
        fail_fast=fail_fast,
        rate=rate,
        burst=burst,
        limiter=limiter,
        on_outcome=on_outcome,
        twice=lambda identity: f"request ID {identity.request_id!r} is listed twice",
    )
