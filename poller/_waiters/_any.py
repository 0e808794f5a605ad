"""Waiting on any kind of resource, by its description: wait, watch, look and wait_many.

Every public waiter (``wait_for_instance``, ``wait_for_requests`` ...) is one of these with its
kind filled in; the faces (the command, Airflow) use these directly, with the kind they read
from ``poller.resources``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any, Unpack

from poller._engine._many import DEFAULT_CONCURRENCY, check_concurrency, plan_many, run_many
from poller._engine._wait import Wait
from poller._identity import Identity
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE
from poller._resources._kind import ResourceKind
from poller._resources._registry import kind_of
from poller._result import WaitResult
from poller._settings import Settings, WaitSettings
from poller.exceptions import PollerError

__all__ = ["WaitOutcome", "look", "wait", "wait_many", "watch"]


@dataclasses.dataclass(frozen=True, slots=True)
class WaitOutcome:
    """How one wait of a fan-out ended; exactly one of ``result`` and ``error`` is set."""

    instance_arn: str
    region_name: str | None = None
    request_id: str | None = None
    result: WaitResult | None = None
    """The result, when the target was reached."""
    error: PollerError | None = None
    """Why it was not (timed out, failed, denied ...)."""

    @property
    def ok(self) -> bool:
        """Whether the target was reached."""
        return self.error is None

    @property
    def identity(self) -> Identity:
        """Which resource it is about."""
        return Identity(self.instance_arn, self.region_name, self.request_id)


def _identity(kind: ResourceKind, identity: Identity | str) -> Identity:
    """*identity*, or the instance ARN *identity* as one, for a kind that takes no more."""
    # Anything else is taken for an ARN, and refused by the kind's check as a malformed one.
    return identity if isinstance(identity, Identity) else kind.identity(identity)


def start(
    client: Any,
    resource: ResourceKind | str,
    identity: Identity | str,
    until: str | None,
    settings: Settings,
) -> Wait:
    """A checked wait: every argument refused before any request, as every waiter starts."""
    kind = kind_of(resource)
    target = kind.default_target if until is None else until
    wait = Wait.of(client, kind.table, _identity(kind, identity), target, **settings)
    wait.name = kind.name
    return wait


async def wait(
    client: Any,
    resource: ResourceKind | str,
    identity: Identity | str,
    *,
    until: str | None = None,
    **settings: Unpack[Settings],
) -> WaitResult:
    """Wait until one resource of any kind reaches *until*.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it (never closed here).
        resource: Its kind, or the kind's name in ``poller.resources`` (``region``).
        identity: Which one: an :class:`poller.Identity`, or an instance ARN for a kind
            that needs no more.
        until: One of the kind's targets; its first (``default_target``) when None.
        **settings: :class:`poller.Settings`: ``timeout`` or ``deadline``, ``min_delay``,
            ``max_delay`` (default: the kind's), ``on_event``, ``limiter``.

    Returns:
        The final description, the number of polls, the time taken and the states seen.

    Raises:
        InvalidArgumentError: A malformed identifier (before any request).
        ValueError: An unknown resource or target, a setting out of range (before any
            request).
        WaitTimeoutError: The deadline passed.
        ResourceFailedError: The resource reached a state its target cannot follow.
        ResourceNotFoundError, AccessDeniedError, ApiError: As the kind's table says.
    """
    return await start(client, resource, identity, until, settings).finish()


def watch(
    client: Any,
    resource: ResourceKind | str,
    identity: Identity | str,
    *,
    until: str | None = None,
    **settings: Unpack[Settings],
) -> AsyncGenerator[Any, None]:
    """Yield each distinct state of one resource until it reaches *until*.

    Takes the arguments of :func:`wait`, checked right away, and raises its errors. Use it
    with ``contextlib.aclosing`` if you may stop reading early.
    """
    return start(client, resource, identity, until, settings).run()


async def look(
    client: Any,
    resource: ResourceKind | str,
    identity: Identity | str,
    *,
    timeout: float | None = None,
) -> Any:
    """One Describe request, judged as a poll would be: the description, or the error.

    An absence is resolved by the kind's List operation as in a wait; an error a wait would
    retry (throttling, 5xx) is raised as :class:`poller.ApiError` with ``retryable`` set,
    since a look does not retry. Whether the description meets a target is
    :meth:`ResourceKind.meets`.

    Raises:
        InvalidArgumentError: A malformed identifier (before any request).
        WaitTimeoutError: No answer within *timeout* (default 30 min).
        PollerError: The error the kind's table gives the answer.
    """
    return await start(client, resource, identity, None, {"timeout": timeout}).look()


async def wait_many(
    resource: ResourceKind | str,
    targets: Iterable[tuple[Any, Identity | str]],
    *,
    until: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    on_outcome: Callable[[WaitOutcome], object] | None = None,
    **settings: Unpack[Settings],
) -> list[WaitOutcome]:
    """Wait on many resources of one kind, each through its client, under one deadline.

    Every wait ends by the same moment, *timeout* after the call (or at *deadline*).
    Requests through one client share a token bucket of *rate* per second that halves on
    throttling and recovers (unless *limiter* is given: then every request goes through it).

    Args:
        resource: The kind of every wait, or its name.
        targets: ``(client, identity)`` of each wait, in order; an identity is an
            :class:`poller.Identity`, or an instance ARN for a kind that needs no more.
        until: The target of every wait (the kind's default when None).
        concurrency: How many are waited on at once; the others queue, and their time in
            the queue counts against the deadline.
        fail_fast: On the first failure, cancel the other waits and raise that failure.
        rate: Requests per second per client, at most; None leaves them unpaced.
        burst: Requests per client that may leave at once.
        on_outcome: Called with each :class:`WaitOutcome` as its wait ends.
        **settings: :class:`poller.Settings`, for the whole call.

    Returns:
        One :class:`WaitOutcome` per target, in the order of *targets*.

    Raises:
        InvalidArgumentError: A malformed identifier (before any request).
        ValueError: A setting out of range, an unknown target, or a target listed twice.
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """
    kind = kind_of(resource)
    return await fan_out(
        kind,
        [(client, _identity(kind, identity)) for client, identity in targets],
        until=until,
        concurrency=concurrency,
        fail_fast=fail_fast,
        rate=rate,
        burst=burst,
        on_outcome=on_outcome,
        settings=settings,
        twice=lambda who: f"{kind.label(who)} is listed twice with the same client",
    )


async def fan_out(
    kind: ResourceKind,
    targets: list[tuple[Any, Identity]],
    *,
    until: str | None,
    concurrency: int,
    fail_fast: bool,
    rate: float | None,
    burst: float,
    on_outcome: Callable[[WaitOutcome], object] | None,
    settings: Settings,
    twice: Callable[[Identity], str],
) -> list[WaitOutcome]:
    """:func:`wait_many` with the message for a repeated identity (*twice*) of the caller's."""
    check_concurrency(concurrency)
    checked = WaitSettings.of(defaults=kind.delays, **settings)
    target = kind.target(until)  # checked even when there is nothing to wait on
    waits = plan_many(
        kind.table,
        targets,
        target,
        checked,
        rate=rate,
        burst=burst,
        twice=twice,
        concurrency=concurrency,
        name=kind.name,
    )

    def outcome(index: int, ending: tuple[WaitResult | None, PollerError | None]) -> WaitOutcome:
        who = waits[index].identity
        return WaitOutcome(who.instance_arn, who.region_name, who.request_id, *ending)

    hook = None if on_outcome is None else (lambda i, e: on_outcome(outcome(i, e)))
    endings = await run_many(waits, concurrency=concurrency, fail_fast=fail_fast, on_ending=hook)
    return [outcome(index, ending) for index, ending in enumerate(endings)]
