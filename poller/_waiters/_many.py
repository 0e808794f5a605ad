"""Many waits on one kind of resource at once, through the engine's one fan-out.

:func:`poller.wait_for_instances` and :func:`poller.wait_for_requests` are this for instances
and requests; the ``poller`` command uses it for every kind it waits on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from poller._engine._many import DEFAULT_CONCURRENCY, check_concurrency, plan_many, run_many
from poller._engine._resource import Identity, Resource
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RequestLimiter
from poller._result import WaitResult
from poller._settings import Moment, Seconds, WaitSettings
from poller.events import EventHook
from poller.exceptions import PollerError

__all__ = ["WaitOutcome", "wait_for_each"]


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


def _listed_twice(resource: Resource) -> Callable[[Identity], str]:
    return lambda identity: f"{resource.label(identity)} is listed twice with the same client"


async def wait_for_each(
    resource: Resource,
    targets: Iterable[tuple[Any, Identity]],
    *,
    until: str,
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
    twice: Callable[[Identity], str] | None = None,
) -> list[WaitOutcome]:
    """Wait on many resources of one kind, each through its client, under one deadline.

    The arguments are those of :func:`poller.wait_for_requests`, every one checked before
    the first request.

    Args:
        resource: What every wait is about (its table, operation and default delays).
        targets: ``(client, identity)`` of each wait, in order.
        until: The target of every wait.
        timeout: The limit of the whole call (default 30 min).
        deadline: Instead of *timeout*, an absolute end.
        min_delay: The shortest pause between two polls of one resource.
        max_delay: The longest pause between two polls of one resource.
        on_event: Called with every event of every wait, in order.
        concurrency: How many are waited on at once; the others queue.
        fail_fast: On the first failure, cancel the other waits and raise that failure.
        rate: Requests per second per client, at most; None leaves them unpaced.
        burst: Requests per client that may leave at once.
        limiter: One limiter for every request of this call, in place of one per client.
        on_outcome: Called with each :class:`WaitOutcome` as its wait ends.
        twice: The message for an identity listed twice with the same client.

    Returns:
        One :class:`WaitOutcome` per target, in the order of *targets*.

    Raises:
        InvalidArgumentError: A malformed identifier (before any request).
        ValueError: A setting out of range, an unknown target, or a target listed twice.
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """
    targets = list(targets)
    check_concurrency(concurrency)
    settings = WaitSettings.of(
        defaults=resource.delays,
        timeout=timeout,
        deadline=deadline,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        limiter=limiter,
    )
    resource.target(until)
    waits = plan_many(
        resource,
        targets,
        until,
        settings,
        rate=rate,
        burst=burst,
        twice=twice or _listed_twice(resource),
    )

    def outcome(index: int, ending: tuple[WaitResult | None, PollerError | None]) -> WaitOutcome:
        who = waits[index].identity
        return WaitOutcome(who.instance_arn, who.region_name, who.request_id, *ending)

    hook = None if on_outcome is None else (lambda i, e: on_outcome(outcome(i, e)))
    endings = await run_many(waits, concurrency=concurrency, fail_fast=fail_fast, on_ending=hook)
    return [outcome(index, ending) for index, ending in enumerate(endings)]
