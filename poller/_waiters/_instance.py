"""Waiting on instances: one, watched, or many at once."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any, Unpack

from poller._engine._many import DEFAULT_CONCURRENCY
from poller._identity import Identity
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE
from poller._resources._instance import INSTANCE_KIND, Target
from poller._resources._instance_description import InstanceDescription
from poller._result import WaitResult
from poller._settings import Settings
from poller._waiters._any import WaitOutcome, fan_out, start
from poller.exceptions import PollerError

__all__ = ["InstanceOutcome", "wait_for_instance", "wait_for_instances", "watch_instance"]


async def wait_for_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    **settings: Unpack[Settings],
) -> WaitResult:
    """Wait until an Identity Center instance reaches *until*.

    Polls DescribeInstance with jittered exponential backoff under an absolute deadline and
    decides each answer by the state table (see the README). Transient errors (throttling,
    5xx, dropped connections) are retried inside the deadline.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it (poller never closes it).
        instance_arn: The instance to wait on.
        until: ``Target.ACTIVE``, ``ENCRYPTION_ENABLED``, ``REPLICATED`` or ``DELETED`` (or
            their string values).
        **settings: :class:`poller.Settings`: ``timeout`` (default 30 min) or ``deadline``,
            ``min_delay`` and ``max_delay`` (default: ``poller.resources["instance"].delays``),
            ``on_event``, ``limiter``.

    Returns:
        The final description, the number of polls, the time taken and the states seen.

    Raises:
        InvalidInstanceArnError: *instance_arn* is malformed (before any request).
        ValueError: A setting is out of range (before any request).
        WaitTimeoutError: The deadline passed (at once, without a request, if it already had).
        InstanceFailedError: The instance reached a state the target cannot follow.
        ResourceNotFoundError: No such instance, and this wait never saw it.
        AccessDeniedError: The caller may not describe the instance.
        ApiError: Any other error AWS will not change its mind about.
    """
    return await start(client, INSTANCE_KIND, instance_arn, until, settings).finish()


def watch_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    **settings: Unpack[Settings],
) -> AsyncGenerator[InstanceDescription, None]:
    """Yield each distinct state of an instance until it reaches *until*.

    Takes the same arguments as :func:`wait_for_instance`, checked right away. The iterator
    yields the first description and each change of (Status, EncryptionStatus), ends after
    the target is reached, and raises the same errors as :func:`wait_for_instance` on failure.
    Use it with ``contextlib.aclosing`` if you may stop reading early.
    """
    return start(client, INSTANCE_KIND, instance_arn, until, settings).run()


@dataclasses.dataclass(frozen=True, slots=True)
class InstanceOutcome:
    """How the wait on one instance of :func:`wait_for_instances` ended.

    Exactly one of ``result`` and ``error`` is set.
    """

    instance_arn: str
    result: WaitResult | None = None
    """The result, when the instance reached the target."""
    error: PollerError | None = None
    """Why it did not (timed out, failed, denied ...)."""

    @property
    def ok(self) -> bool:
        """Whether the instance reached the target."""
        return self.error is None


async def wait_for_instances(
    pairs: Iterable[tuple[Any, str]],
    *,
    until: Target | str = Target.ACTIVE,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    on_outcome: Callable[[InstanceOutcome], object] | None = None,
    **settings: Unpack[Settings],
) -> list[InstanceOutcome]:
    """Wait on many instances concurrently, each through its own client, under one deadline.

    Every wait ends by the same moment, *timeout* after the call (or at *deadline*). Requests
    through one client (one account's credentials) share a token bucket of *rate* requests per
    second that halves on throttling and recovers gradually, so that many waiters on one
    account never cause a throttling storm. Each wait emits its own events, all carrying its
    ``instance_arn``.

    Args:
        pairs: ``(client, instance_arn)`` pairs: aiobotocore ``sso-admin`` clients that the
            caller owns, and the instances to wait on. A client may appear in many pairs.
        until: The target of every wait (see :func:`poller.wait_for_instance`).
        concurrency: How many instances are waited on at once; the others queue, and their
            time in the queue counts against the shared deadline.
        fail_fast: On the first failure, cancel the other waits and raise that failure. Waits
            already running emit ``wait.cancelled``; those still queued for a slot never start.
        rate: Requests per second per client, at most; None leaves requests unpaced.
        burst: Requests per client that may leave at once.
        on_outcome: Called with each :class:`InstanceOutcome` as its wait ends.
        **settings: :class:`poller.Settings` for the whole call: ``timeout`` (every wait ends
            by then) or ``deadline``; ``min_delay`` and ``max_delay`` between two polls of one
            instance; ``on_event``, called with every event of every wait; ``limiter``, one
            limiter for every request of this call in place of one per client (for clients
            that share an account, or shared with other calls).

    Returns:
        One :class:`InstanceOutcome` per pair, in the order of *pairs*.

    Raises:
        InvalidInstanceArnError: An ARN is malformed (before any request).
        ValueError: A setting is out of range, or a (client, ARN) pair repeats (before any
            request).
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """

    def instance_outcome(outcome: WaitOutcome) -> InstanceOutcome:
        return InstanceOutcome(outcome.instance_arn, outcome.result, outcome.error)

    outcomes = await fan_out(
        INSTANCE_KIND,
        [(client, Identity(arn)) for client, arn in pairs],
        until=until,
        concurrency=concurrency,
        fail_fast=fail_fast,
        rate=rate,
        burst=burst,
        on_outcome=None if on_outcome is None else (lambda o: on_outcome(instance_outcome(o))),
        settings=settings,
        twice=lambda identity: f"{identity.instance_arn!r} is listed twice with the same client",
    )
    return [instance_outcome(outcome) for outcome in outcomes]
