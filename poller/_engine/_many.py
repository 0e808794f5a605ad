"""Many waits at once: one deadline, bounded concurrency, outcomes in input order."""

from __future__ import annotations

import collections
import dataclasses
import random
from collections.abc import Callable, Sequence
from typing import Any, Final

import anyio

from poller._clock import loop_clock
from poller._engine._batch import Batch
from poller._engine._emit import wanted
from poller._engine._resource import Resource
from poller._engine._wait import Wait
from poller._identity import Identity
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RateLimiter, RequestLimiter, TokenBucket
from poller._result import WaitResult
from poller._settings import WaitSettings
from poller.events import WaitTimedOut
from poller.exceptions import PollerError
from poller.tracing import NO_TRACES, Traces, tracers

__all__ = [
    "DEFAULT_CONCURRENCY",
    "check_concurrency",
    "first_poll_spread",
    "in_flight",
    "per_client",
    "plan_many",
    "run_many",
]

#: Waits run at once. A waiting resource is a sleeping task of a few kilobytes (see
#: BENCHMARKS.md), so the bound is generous: it guards memory, not the service, whose
#: protection is the rate limit per account.
DEFAULT_CONCURRENCY: Final = 1000

#: First polls a process sends per second at most when many waits start at once: about what
#: one core can send (a poll costs about a millisecond of CPU, BENCHMARKS.md).
FIRST_POLLS_PER_SECOND: Final = 1000.0

#: Requests on the wire at once per client when its configuration does not say: botocore's
#: default connection pool.
DEFAULT_IN_FLIGHT: Final = 10

#: What ending one running wait costs when the deadline comes, in seconds: it is woken and
#: closes its books (30-80 us measured, on a loaded 2-core machine at the top). A fan-out's
#: running waits end that much before its deadline per wait, so that it returns by then ...
_ENDING_RUNNING: Final = 150e-6
#: ... and the waits still queued for a slot are given up that much earlier again per wait
#: (their outcome costs 10-80 us), a hundred at a time between the running waits' polls. It
#: costs nothing to start that early: a wait still queued so near the end would have had
#: no time to get an answer.
_ENDING_QUEUED: Final = 150e-6
#: Waits given up at once, between two passes of the event loop ...
_GIVEN_UP_AT_ONCE: Final = 100
#: ... and started at once.
_STARTED_AT_ONCE: Final = 50

Ending = tuple[WaitResult | None, PollerError | None]
"""How one wait ended: its result, or its error."""


def check_concurrency(concurrency: int) -> int:
    """*concurrency*, if it is a positive integer.

    Raises:
        ValueError: It is not.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, not {concurrency!r}")
    return concurrency


def first_poll_spread(count: int, min_delay: float) -> float:
    """Seconds over which the first polls of *count* waits are spread, at random.

    Waits started together would otherwise send their first polls in the same instant and
    stall the event loop; spread at the pace one process can send them, and never later than
    the first ``min_delay``, a handful start at once and thousands within a few seconds.
    """
    return min(min_delay, max(count - 1, 0) / FIRST_POLLS_PER_SECOND)


def in_flight(client: Any) -> int:
    """Requests *client* can have on the wire at once: the size of its connection pool.

    A fan-out sends no more than that at a time, so that polls beyond it wait in the engine
    as sleeping tasks of a few objects, not inside the HTTP library as signed requests that
    hold kilobytes each and keep the garbage collector busy (BENCHMARKS.md, section b).
    """
    size = getattr(
        getattr(getattr(client, "meta", None), "config", None), "max_pool_connections", None
    )
    return size if isinstance(size, int) and size > 0 else DEFAULT_IN_FLIGHT


def per_client(
    clients: Sequence[Any],
    settings: WaitSettings,
    *,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
) -> dict[int, WaitSettings]:
    """Settings for each distinct client (by identity), each with a limiter of its own.

    With a limiter in *settings* already, or *rate* None, every client shares *settings*.
    """
    if settings.limiter is not None or rate is None:
        return {id(client): settings for client in clients}
    TokenBucket(rate, burst)  # checks the rate, even when there are no clients
    limited: dict[int, WaitSettings] = {}
    for client in clients:
        if id(client) not in limited:
            limiter: RequestLimiter = RateLimiter(rate, burst)
            limited[id(client)] = dataclasses.replace(settings, limiter=limiter)
    return limited


def ending_time(count: int, concurrency: int, budget: float) -> tuple[float, float]:
    """Seconds that ending *count* waits, run *concurrency* at a time, takes at the deadline.

    Returns:
        How long before the fan-out's deadline its running waits end, and how long before
        that its queued ones are given up: so that it returns by its deadline however many
        are still running or queued then. Together never more than a quarter of its budget.
    """
    running = min(count, concurrency) * _ENDING_RUNNING
    queued = (count - min(count, concurrency)) * _ENDING_QUEUED
    share = min(1.0, budget / 4 / (running + queued)) if running + queued > 0 else 1.0
    return running * share, queued * share


def plan_many(
    resource: Resource,
    targets: Sequence[tuple[Any, Identity]],
    until: str,
    settings: WaitSettings,
    *,
    rate: float | None,
    burst: float,
    twice: Callable[[Identity], str],
    concurrency: int = DEFAULT_CONCURRENCY,
    name: str = "",
) -> list[Wait]:
    """The waits of a fan-out, every argument checked before the first request.

    One end for every wait, on the loop's clock (those queued for a slot start later), a
    moment before the fan-out's own deadline (:func:`ending_time`), a limiter per distinct
    client, no more requests on the wire per client than its connection pool holds
    (:func:`in_flight`), and first polls spread (:func:`first_poll_spread`).

    Args:
        resource: What every wait is about.
        targets: ``(client, identity)`` of each wait, in order.
        until: The target of every wait.
        settings: The checked settings; their budget starts now.
        rate: Requests per second per client; None leaves them unpaced.
        burst: Requests per client that may leave at once.
        twice: The message for an identity listed twice with the same client.
        concurrency: How many will run at once.
        name: The resource's name in ``poller.resources``, for tracers.

    Raises:
        ValueError: A target listed twice, or a bad rate.
        InvalidArgumentError: A malformed identifier.
    """
    now = anyio.current_time()
    budget = settings.budget()
    running, queued = ending_time(len(targets), concurrency, max(budget, 0.0))
    end = now + budget - running
    by_client = per_client([client for client, _ in targets], settings, rate=rate, burst=burst)
    seen: set[tuple[int, Identity]] = set()
    for client, identity in targets:
        if (id(client), identity) in seen:
            raise ValueError(twice(identity))
        seen.add((id(client), identity))
    slots = {id(client): anyio.Semaphore(in_flight(client)) for client, _ in targets}
    batches = _batches(resource, targets, by_client, slots)
    spread = first_poll_spread(len(targets), settings.min_delay)
    return [
        Wait(
            client,
            resource,
            identity,
            until,
            by_client[id(client)],
            deadline=end,
            phase=random.uniform(0, spread),
            slots=slots[id(client)],
            since=now,
            queued_until=end - queued,
            batch=batches.get((id(client), identity.instance_arn)),
            name=name,
            member=True,
        )
        for client, identity in targets
    ]


def _batches(
    resource: Resource,
    targets: Sequence[tuple[Any, Identity]],
    settings: dict[int, WaitSettings],
    slots: dict[int, anyio.Semaphore],
) -> dict[tuple[int, str], Batch]:
    """A :class:`Batch` for each client and instance with several requests of the fan-out."""
    listing = resource.batch
    if listing is None:
        return {}
    count = collections.Counter((id(client), i.instance_arn) for client, i in targets)
    batches: dict[tuple[int, str], Batch] = {}
    for client, identity in targets:
        key = (id(client), identity.instance_arn)
        if count[key] > 1 and key not in batches:
            batches[key] = Batch(
                client,
                listing,
                identity.instance_arn,
                limiter=settings[id(client)].limiter,
                slots=slots[id(client)],
                clock=loop_clock(),
            )
    return batches


async def _slot(capacity: anyio.CapacityLimiter, wait: Wait) -> bool:
    """Take a slot for *wait*; False if the time to give up queued waits came first."""
    try:
        capacity.acquire_on_behalf_of_nowait(wait)
    except anyio.WouldBlock:
        with anyio.CancelScope(deadline=wait.queued_until):
            await capacity.acquire_on_behalf_of(wait)
            return True
        return False
    return True


async def run_many(
    waits: Sequence[Wait],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    on_ending: Callable[[int, Ending], object] | None = None,
) -> list[Ending]:
    """Run *waits* at most *concurrency* at a time; return how each ended, in order.

    Every wait's settings must already carry the shared deadline. A wait still queued for a
    slot when the call is cancelled (or *fail_fast* fires) never starts.

    Args:
        waits: The waits, each checked when it was made.
        concurrency: How many run at once.
        fail_fast: On the first failure, cancel the others and raise that failure.
        on_ending: Called with each wait's index and ending, as it ends.

    Raises:
        PollerError: With *fail_fast*, the first failure, after the others are cancelled.
    """
    endings: list[Ending | None] = [None] * len(waits)
    failures: list[PollerError] = []
    capacity = anyio.CapacityLimiter(concurrency)
    traces = NO_TRACES
    if waits and tracers():
        traces = Traces.of_many(waits[0].name, waits[0].until, len(waits))
    if traces:
        on_ending = _told(traces, on_ending)
    try:
        with traces.activate():
            await _run(
                waits,
                capacity=capacity,
                concurrency=concurrency,
                fail_fast=fail_fast,
                on_ending=on_ending,
                endings=endings,
                failures=failures,
            )
    finally:
        traces.close()
    if fail_fast and failures:
        raise failures[0]
    return [ending for ending in endings if ending is not None]


def _told(
    traces: Traces, on_ending: Callable[[int, Ending], object] | None
) -> Callable[[int, Ending], object]:
    """*on_ending*, telling the fan-out's traces each wait's outcome first."""

    def told(index: int, ending: Ending) -> None:
        result, error = ending
        traces.outcome(str(result.outcome if result is not None else error.outcome))  # type: ignore[union-attr]
        if on_ending is not None:
            on_ending(index, ending)

    return told


async def _run(
    waits: Sequence[Wait],
    *,
    capacity: anyio.CapacityLimiter,
    concurrency: int,
    fail_fast: bool,
    on_ending: Callable[[int, Ending], object] | None,
    endings: list[Ending | None],
    failures: list[PollerError],
) -> None:
    """Start the waits in order as slots free up; fill *endings* and *failures* as they end."""
    async with anyio.create_task_group() as group:

        async def run_one(index: int, wait: Wait) -> None:
            try:
                ending: Ending = (await wait.finish(), None)
            except PollerError as error:
                ending = (None, error)
                failures.append(error)
                if fail_fast:
                    group.cancel_scope.cancel()
            finally:
                capacity.release_on_behalf_of(wait)
            endings[index] = ending
            if on_ending is not None:
                on_ending(index, ending)

        for index, wait in enumerate(waits):
            # Slots are taken here, in input order; each wait gives its own back.
            if not await _slot(capacity, wait):
                # The deadline is near with this wait, and those after it, still queued:
                # give them up, a few at a time, while the running ones poll on.
                clock = loop_clock()
                now, listening = clock(), wanted(WaitTimedOut.level, wait.settings.on_event)
                for late, queued in enumerate(waits[index:], start=index):
                    error = queued.never_started(ahead=concurrency, now=now, listening=listening)
                    ending = (None, error)
                    failures.append(ending[1])
                    endings[late] = ending
                    if on_ending is not None:
                        on_ending(late, ending)
                    if (late - index) % _GIVEN_UP_AT_ONCE == _GIVEN_UP_AT_ONCE - 1:
                        await anyio.lowlevel.checkpoint()
                        now = clock()
                break
            group.start_soon(run_one, index, wait, name=f"poller wait {wait.identity}")
            if index % _STARTED_AT_ONCE == _STARTED_AT_ONCE - 1:
                # Let those started begin before starting more: a thousand waits begun in one
                # pass would hold the event loop for their whole start-up.
                await anyio.lowlevel.checkpoint()
