"""Waiting on instances: one, watched, or many at once."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any

from poller._engine._acceptors import Observation, Verdict, decide
from poller._engine._failures import WaitState
from poller._engine._many import DEFAULT_CONCURRENCY
from poller._engine._resource import Identity
from poller._engine._wait import Wait
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RequestLimiter
from poller._resources._instance import INSTANCE, Target
from poller._resources._instance_description import InstanceDescription
from poller._result import WaitResult
from poller._settings import Moment, Seconds
from poller._waiters._many import WaitOutcome, wait_for_each
from poller.events import EventHook
from poller.exceptions import PollerError

__all__ = [
    "InstanceOutcome",
    "look_at_instance",
    "meets_target",
    "wait_for_instance",
    "wait_for_instances",
    "watch_instance",
]


async def wait_for_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
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
        timeout: The whole wait's limit, in seconds or as a timedelta (default 30 min).
        deadline: Instead of *timeout*, an absolute end: an aware datetime or epoch seconds
            (to resume a wait after a restart).
        min_delay: The shortest pause between polls (default 5 s).
        max_delay: The longest pause between polls (default 20 s; throttling may stretch it).
        on_event: Called with each :mod:`poller.events` event, in order.
        limiter: Paces this wait's requests, shared with other waits on the same account
            (a :class:`poller.RateLimiter`); None sends each poll when it is due.

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
    return await Wait.of(
        client,
        INSTANCE,
        Identity(instance_arn),
        until,
        timeout=timeout,
        deadline=deadline,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        limiter=limiter,
    ).finish()


def watch_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[InstanceDescription, None]:
    """Yield each distinct state of an instance until it reaches *until*.

    Takes the same arguments as :func:`wait_for_instance`, checked right away. The iterator
    yields the first description and each change of (Status, EncryptionStatus), ends after
    the target is reached, and raises the same errors as :func:`wait_for_instance` on failure.
    Use it with ``contextlib.aclosing`` if you may stop reading early.
    """
    return Wait.of(
        client,
        INSTANCE,
        Identity(instance_arn),
        until,
        timeout=timeout,
        deadline=deadline,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        limiter=limiter,
    ).run()


async def look_at_instance(
    client: Any, instance_arn: str, *, timeout: Seconds | None = None
) -> InstanceDescription:
    """One DescribeInstance, judged as a poll would be: the description, or the error.

    An AccessDenied is resolved with ListInstances as in a wait; an error a wait would retry
    (throttling, 5xx) is raised as :class:`~poller.ApiError`, since a look does not retry.

    Raises:
        InvalidInstanceArnError: *instance_arn* is malformed (before any request).
        WaitTimeoutError: No answer within *timeout* (default 30 min).
        PollerError: The error the state table gives the answer.
    """
    wait = Wait.of(client, INSTANCE, Identity(instance_arn), Target.ACTIVE, timeout=timeout)
    description: InstanceDescription = await wait.look()
    return description


def meets_target(
    description: InstanceDescription,
    until: Target | str = Target.ACTIVE,
    *,
    attempts: int = 1,
    elapsed: float = 0.0,
) -> bool:
    """Whether *description* meets *until* now, by the instance's state table.

    For a look (:func:`look_at_instance`) that must also say whether the target is reached:
    True where a wait would succeed, False where it would go on waiting.

    Args:
        description: One DescribeInstance answer, parsed.
        until: The target.
        attempts: Requests that the look sent, for the error's context.
        elapsed: Seconds that the look took, for the error's context.

    Raises:
        PollerError: The error the table gives the description for *until*, where the target
            can never follow (CREATE_FAILED, UPDATE_FAILED, DELETE_IN_PROGRESS).
        ValueError: An unknown target.
    """
    target = INSTANCE.target(until)
    observation = Observation(description=description, operation=INSTANCE.operation)
    _, decision = decide(INSTANCE.acceptors, observation, target)
    if decision.verdict is Verdict.FAIL:
        assert decision.build is not None
        identity = Identity(description.instance_arn)
        state = WaitState(INSTANCE, identity, target, description, attempts, elapsed)
        raise decision.build(observation, state)
    return decision.verdict is Verdict.SUCCESS


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
    on_outcome: Callable[[InstanceOutcome], object] | None = None,
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
        timeout: The limit of the whole call: every wait ends by then (default 30 min).
        deadline: Instead of *timeout*, an absolute end (aware datetime or epoch seconds).
        min_delay: The shortest pause between two polls of one instance.
        max_delay: The longest pause between two polls of one instance.
        on_event: Called with every event of every wait, in order.
        concurrency: How many instances are waited on at once; the others queue, and their
            time in the queue counts against the shared deadline.
        fail_fast: On the first failure, cancel the other waits and raise that failure. Waits
            already running emit ``wait.cancelled``; those still queued for a slot never start.
        rate: Requests per second per client, at most; None leaves requests unpaced.
        burst: Requests per client that may leave at once.
        limiter: One limiter for every request of this call, in place of one per client (for
            clients that share an account, or a limiter shared with other calls). Anything
            with ``async acquire()`` and ``throttled(sent_at)``, such as a
            :class:`poller.RateLimiter`.
        on_outcome: Called with each :class:`InstanceOutcome` as its wait ends.

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

    outcomes = await wait_for_each(
        INSTANCE,
        [(client, Identity(arn)) for client, arn in pairs],
        until=until,
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
        on_outcome=None if on_outcome is None else (lambda o: on_outcome(instance_outcome(o))),
        twice=lambda identity: f"{identity.instance_arn!r} is listed twice with the same client",
    )
    return [instance_outcome(outcome) for outcome in outcomes]
