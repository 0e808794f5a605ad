"""Waiting on requests: permission-set provisioning and account assignments, one or many."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any, Unpack

from poller._engine._many import DEFAULT_CONCURRENCY
from poller._identity import Identity
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE
from poller._resources._kind import ResourceKind
from poller._resources._registry import kind_of, resources
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION_KIND,
    ACCOUNT_ASSIGNMENT_DELETION_KIND,
    PERMISSION_SET_PROVISIONING_KIND,
    RequestDescription,
)
from poller._result import WaitResult
from poller._settings import Settings
from poller._waiters._any import WaitOutcome, fan_out, start

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
    """Names of the kinds of request in ``poller.resources``, for :func:`wait_for_requests`.

    A convenience: ``kind`` takes any request kind of ``poller.resources`` by its name, or the
    :class:`poller.ResourceKind` itself.
    """

    PERMISSION_SET_PROVISIONING = "permission-set-provisioning"
    """ProvisionPermissionSet."""
    ACCOUNT_ASSIGNMENT_CREATION = "account-assignment-creation"
    """CreateAccountAssignment."""
    ACCOUNT_ASSIGNMENT_DELETION = "account-assignment-deletion"
    """DeleteAccountAssignment."""


def _request_kind(kind: ResourceKind | str) -> ResourceKind:
    """*kind* as a kind of request in ``poller.resources``; ValueError naming the known ones."""
    try:
        resolved = kind_of(kind)
    except ValueError:
        resolved = None
    if resolved is None or resolved.shape != "request":
        known = ", ".join(k.name for k in resources.values() if k.shape == "request")
        raise ValueError(f"unknown request kind {kind!r}: expected one of {known}")
    return resolved


async def wait_for_permission_set_provisioning(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> WaitResult:
    """Wait until a ProvisionPermissionSet request has succeeded.

    Polls DescribePermissionSetProvisioningStatus; the result's ``.description`` is the
    status object (:class:`poller.RequestDescription`).

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        request_id: ``RequestId`` of the status object ProvisionPermissionSet answered.
        **settings: :class:`poller.Settings` (delays default to
            ``poller.resources["permission-set-provisioning"].delays``).

    Raises:
        InvalidArgumentError: A malformed ARN or request ID (before any request).
        PermissionSetProvisioningFailedError: FAILED; ``.reason`` is the FailureReason.
        ResourceNotFoundError: No such request.
        AccessDeniedError, WaitTimeoutError, ApiError: As for every wait.
    """
    identity = Identity(instance_arn, request_id=request_id)
    kind = PERMISSION_SET_PROVISIONING_KIND
    return await start(client, kind, identity, None, settings).finish()


def watch_permission_set_provisioning(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of a provisioning request until it has succeeded."""
    identity = Identity(instance_arn, request_id=request_id)
    return start(client, PERMISSION_SET_PROVISIONING_KIND, identity, None, settings).run()


async def wait_for_account_assignment_creation(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> WaitResult:
    """Wait until a CreateAccountAssignment request has succeeded.

    Polls DescribeAccountAssignmentCreationStatus; arguments and errors as for
    :func:`wait_for_permission_set_provisioning`, failing with AccountAssignmentFailedError.
    """
    identity = Identity(instance_arn, request_id=request_id)
    kind = ACCOUNT_ASSIGNMENT_CREATION_KIND
    return await start(client, kind, identity, None, settings).finish()


def watch_account_assignment_creation(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of an assignment creation request until it has succeeded."""
    identity = Identity(instance_arn, request_id=request_id)
    return start(client, ACCOUNT_ASSIGNMENT_CREATION_KIND, identity, None, settings).run()


async def wait_for_account_assignment_deletion(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> WaitResult:
    """Wait until a DeleteAccountAssignment request has succeeded.

    Polls DescribeAccountAssignmentDeletionStatus; arguments and errors as for
    :func:`wait_for_permission_set_provisioning`, failing with AccountAssignmentFailedError.
    """
    identity = Identity(instance_arn, request_id=request_id)
    kind = ACCOUNT_ASSIGNMENT_DELETION_KIND
    return await start(client, kind, identity, None, settings).finish()


def watch_account_assignment_deletion(
    client: Any, instance_arn: str, request_id: str, **settings: Unpack[Settings]
) -> AsyncGenerator[RequestDescription, None]:
    """Yield each distinct state of an assignment deletion request until it has succeeded."""
    identity = Identity(instance_arn, request_id=request_id)
    return start(client, ACCOUNT_ASSIGNMENT_DELETION_KIND, identity, None, settings).run()


async def wait_for_requests(
    client: Any,
    instance_arn: str,
    request_ids: Iterable[str],
    *,
    kind: ResourceKind | str,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    on_outcome: Callable[[WaitOutcome], object] | None = None,
    **settings: Unpack[Settings],
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
        kind: Which operation started them: a :class:`poller.RequestKind`, the name of a
            kind of request in ``poller.resources``, or the kind itself.
        concurrency: How many requests are waited on at once; the others queue.
        fail_fast: On the first failure, cancel the other waits and raise that failure.
        rate: Requests per second through *client*, at most; None leaves them unpaced.
        burst: Requests that may leave at once.
        on_outcome: Called with each :class:`WaitOutcome` as its wait ends.
        **settings: :class:`poller.Settings` for the whole call (``limiter``: one limiter of
            this call's requests in place of the client's own bucket).

    Returns:
        One :class:`WaitOutcome` per request ID, in the order of *request_ids*.

    Raises:
        InvalidArgumentError: A malformed ARN or request ID (before any request).
        ValueError: An unknown kind, a setting out of range, or a request ID listed twice.
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """
    request_ids = list(request_ids)
    resolved = _request_kind(kind)
    # Checked even when there is nothing to wait on: a bad ARN is bad with any request IDs.
    resolved.check(Identity(instance_arn, request_id="00000000-0000-0000-0000-000000000000"))
    return await fan_out(
        resolved,
        [(client, Identity(instance_arn, request_id=rid)) for rid in request_ids],
        until=None,
        concurrency=concurrency,
        fail_fast=fail_fast,
        rate=rate,
        burst=burst,
        on_outcome=on_outcome,
        settings=settings,
        twice=lambda identity: f"request ID {identity.request_id!r} is listed twice",
    )
