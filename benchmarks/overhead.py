"""Per-poll overhead: poller's loop against bare, hand-written and aiobotocore loops.

A bare ``describe_instance`` loop, a hand-written wait and aiobotocore's waiter: all of them
poll the same local endpoint (a child process) through the same client with no delay between
polls, so what differs is the CPU each loop spends around the request. Runs are
interleaved, rotating which loop goes first, and the medians of the per-poll times compared.

Then poller's own Python alone: poller's loop against the bare loop on an in-memory client (no
HTTP), best of several runs each.

Both measure poller's loop a second time under ``poller.otel.instrument()``, with the
OpenTelemetry SDK's tracer and meter providers recording into memory (a span per wait, the
metrics): what instrumenting costs a poll.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from aiobotocore.waiter import create_waiter_with_client
from botocore.exceptions import WaiterError
from botocore.utils import parse_timestamp
from botocore.waiter import WaiterModel
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import poller
import poller.otel
from benchmarks._common import bench_client, median, report
from benchmarks._endpoint import RemoteEndpoint

__all__ = ["WAITER_MODEL", "Figures", "run"]

#: A DescribeInstance waiter as botocore would ship one: poller's state table for ACTIVE, in
#: the waiter model's terms (the acceptors that can be written as JMESPath matches).
WAITER_MODEL: dict[str, Any] = {
    "version": 2,
    "waiters": {
        "InstanceActive": {
            "operation": "DescribeInstance",
            "delay": 0,
            "maxAttempts": 1000,
            "acceptors": [
                {"state": "failure", "matcher": "path", "argument": "Status",
                 "expected": "CREATE_FAILED"},
                {"state": "failure", "matcher": "path",
                 "argument": "EncryptionConfigurationDetails.EncryptionStatus",
                 "expected": "UPDATE_FAILED"},
                {"state": "failure", "matcher": "path", "argument": "Status",
                 "expected": "DELETE_IN_PROGRESS"},
                {"state": "success", "matcher": "path", "argument": "Status",
                 "expected": "ACTIVE"},
                {"state": "retry", "matcher": "error", "expected": "ThrottlingException"},
                {"state": "retry", "matcher": "error", "expected": "InternalServerException"},
            ],
        }
    },
}  # fmt: skip
#: No pause between polls: max_delay must be positive, and a nanosecond is as good as none.
MIN_DELAY, MAX_DELAY = 0.0, 1e-9
#: The hand-written wait's shortest room before the deadline, and longest pause it skips.
_SHORTEST_PAUSE, _UNTIMED_PAUSE = 1e-3, 1e-6


async def _bare(client: Any, arn: str, polls: int) -> int:
    for _ in range(polls):
        await client.describe_instance(InstanceArn=arn)
    return polls


async def _bare_sleeping(client: Any, arn: str, polls: int) -> int:
    # The bare loop plus the one thing any polling loop adds: a (tiny) sleep between polls.
    for _ in range(polls):
        await client.describe_instance(InstanceArn=arn)
        await anyio.sleep(MAX_DELAY / 2)
    return polls


async def _bare_checkpoint(client: Any, arn: str, polls: int) -> int:
    # The bare loop yielding to the event loop between polls: one pass of the loop (a sleep on
    # a timer takes two). poller makes a pause too short to time no pause at all.
    for _ in range(polls):
        await client.describe_instance(InstanceArn=arn)
        await asyncio.sleep(0)
    return polls


async def _minimal(client: Any, arn: str, timeout: float = 600.0) -> int:
    """A careful hand-written wait: the yardstick for poller's own loop.

    The same request, the answer compared with the last, ACTIVE or a failure status decides,
    a jittered pause that keeps twice the slowest recent round trip before the deadline; no
    events, no books.
    """
    clock = asyncio.get_running_loop().time
    deadline = clock() + timeout
    last: dict[str, Any] | None = None
    round_trips: list[float] = []
    attempts = 0
    while True:
        sent = clock()
        answer = await client.describe_instance(InstanceArn=arn)
        attempts += 1
        now = clock()
        round_trips.append(now - sent)
        del round_trips[:-16]
        answer.pop("ResponseMetadata", None)
        if answer != last:
            last = answer
            if answer["Status"] == "ACTIVE":
                return attempts
            if answer["Status"] in ("CREATE_FAILED", "DELETE_IN_PROGRESS"):
                raise RuntimeError(answer["Status"])
        remaining = deadline - now - 2 * max(round_trips)
        if remaining < _SHORTEST_PAUSE:
            raise TimeoutError(arn)
        delay = min(random.uniform(MIN_DELAY, MAX_DELAY), remaining)
        if delay > _UNTIMED_PAUSE:
            await asyncio.sleep(delay)


async def _waiter(client: Any, arn: str, polls: int) -> int:
    waiter = create_waiter_with_client("InstanceActive", WaiterModel(WAITER_MODEL), client)
    try:
        await waiter.wait(InstanceArn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": polls})
    except WaiterError as error:  # the instance never settles: exactly *polls* attempts
        if "Max attempts exceeded" not in str(error):
            raise
    return polls


@functools.cache
def _providers() -> tuple[TracerProvider, MeterProvider]:
    """The SDK's tracer and meter providers, keeping every span and metric in memory.

    Made once, as an application makes them at start-up: made anew for each run, their
    garbage made the full collections it set off land in the instrumented runs.
    """
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    return tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()])


def instrument_into_memory() -> None:
    """Instrument poller into the OpenTelemetry SDK, every span and metric kept in memory."""
    poller.otel.instrument(*_providers())


class Figures(dict[str, float]):
    """Median seconds per poll of each loop (wall clock), with what else was measured.

    Attributes:
        cpu: Median CPU seconds per poll of each loop (this thread only: not the endpoint's).
        paired: Median over the rounds of each loop's time divided by the bare loop's in the
            same round: a drift of the machine's load between rounds cancels out.
    """

    cpu: dict[str, float]
    paired: dict[str, float]


async def measure(rounds: int, polls: int) -> Figures:
    """Median seconds per poll of each loop, over *rounds* interleaved rounds."""
    with RemoteEndpoint() as endpoint:
        (stuck,) = endpoint.create(1e9)
        async with bench_client(endpoint.endpoint_url) as client:
            await _bare(client, stuck, 50)  # warm up: connection, model, caches
            per_call = await _timed(lambda: _bare(client, stuck, polls)) / polls

            fresh: list[str] = []

            def prepare(name: str) -> None:
                # Before the clock starts (the bare loops create nothing): an instance that
                # settles after about *polls* polls, for the next wait of poller or minimal;
                # poller instrumented for its otel run only.
                if name in ("poller", "poller+otel", "minimal"):
                    fresh[:] = endpoint.create(per_call * polls)
                if name == "poller+otel":
                    instrument_into_memory()

            async def poller_loop() -> int:
                result = await poller.wait_for_instance(
                    client, fresh.pop(), min_delay=MIN_DELAY, max_delay=MAX_DELAY
                )
                return result.attempts

            loops: dict[str, Callable[[], Awaitable[int]]] = {
                "bare": lambda: _bare(client, stuck, polls),
                "bare+sleep": lambda: _bare_sleeping(client, stuck, polls),
                "bare+checkpoint": lambda: _bare_checkpoint(client, stuck, polls),
                "poller": poller_loop,
                "poller+otel": poller_loop,
                "minimal": lambda: _minimal(client, fresh.pop()),
                "waiter": lambda: _waiter(client, stuck, polls),
            }
            samples: dict[str, list[float]] = {name: [] for name in loops}
            cpu: dict[str, list[float]] = {name: [] for name in loops}
            names = list(loops)
            for index in range(rounds):
                order = names[index % len(names) :] + names[: index % len(names)]
                for name in order:
                    count = 0

                    async def one(name: str = name) -> None:
                        nonlocal count
                        count = await loops[name]()

                    prepare(name)
                    start_cpu = time.thread_time()
                    elapsed = await _timed(one)
                    cpu[name].append((time.thread_time() - start_cpu) / count)
                    samples[name].append(elapsed / count)
                    poller.otel.uninstrument()
    figures = Figures({name: median(values) for name, values in samples.items()})
    figures.cpu = {name: median(values) for name, values in cpu.items()}
    figures.paired = {
        name: median([mine / bare for mine, bare in zip(values, samples["bare"], strict=True)])
        for name, values in samples.items()
    }
    return figures


class _InMemory:
    """An sso-admin client without HTTP: a fresh answer per call, as botocore parses it.

    CREATE_IN_PROGRESS until call number *settle*, then ACTIVE.
    """

    def __init__(self, settle: int) -> None:
        self.settle = settle
        self.calls = 0

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance."""
        self.calls += 1
        return {
            "InstanceArn": params["InstanceArn"],
            "IdentityStoreId": "d-1234567890",
            "OwnerAccountId": "123456789012",
            "Name": "benchmark",
            "CreatedDate": parse_timestamp(1_764_000_000),  # with a tzlocal, as botocore's
            "Status": "ACTIVE" if self.calls >= self.settle else "CREATE_IN_PROGRESS",
            "ResponseMetadata": {"RequestId": "0" * 36, "HTTPStatusCode": 200},
        }


_IN_MEMORY_ARN = "arn:aws:sso:::instance/ssoins-1234567890abcdef"


def own_cost(polls: int, runs: int, *, otel: bool = False) -> float:
    """Seconds per poll of poller's own Python: its loop minus the bare loop.

    At these delays poller makes no pause, except a ``sleep(0)`` every eighth poll (the
    in-memory client never yields to the event loop); that share is poller's cost here.

    Both poll an in-memory client (so no HTTP and no endpoint); the best of *runs* runs each.
    With *otel*, poller's loop runs under ``poller.otel.instrument()`` into the SDK.
    """

    async def bare() -> float:
        client = _InMemory(polls + 1)
        start = time.perf_counter()
        for _ in range(polls):
            await client.describe_instance(InstanceArn=_IN_MEMORY_ARN)
        return (time.perf_counter() - start) / polls

    async def poller_loop() -> float:
        client = _InMemory(polls)
        start = time.perf_counter()
        result = await poller.wait_for_instance(
            client, _IN_MEMORY_ARN, min_delay=MIN_DELAY, max_delay=MAX_DELAY
        )
        return (time.perf_counter() - start) / result.attempts

    best_bare = min(asyncio.run(bare()) for _ in range(runs))
    if otel:
        instrument_into_memory()
    try:
        best_poller = min(asyncio.run(poller_loop()) for _ in range(runs))
    finally:
        poller.otel.uninstrument()
    return best_poller - best_bare


async def _timed(body: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await body()
    return time.perf_counter() - start


def run(*, quick: bool = False) -> Figures:
    """Run the benchmark, print its figures and return them."""
    rounds, polls = (3, 50) if quick else (21, 400)
    medians = asyncio.run(measure(rounds, polls))
    bare, paired, cpu = medians["bare"], medians.paired, medians.cpu
    sizes = (200, 1) if quick else (20_000, 7)
    own, own_otel = own_cost(*sizes), own_cost(*sizes, otel=True)
    otel = medians["poller+otel"]
    report(
        f"per-poll overhead ({rounds} interleaved rounds of ~{polls} polls, asyncio + aiohttp)",
        [
            ("bare describe_instance", f"{bare * 1e6:8.0f} µs/poll"),
            ("bare + anyio.sleep(~0)", f"{medians['bare+sleep'] * 1e6:8.0f} µs/poll"),
            ("bare + asyncio.sleep(0)", f"{medians['bare+checkpoint'] * 1e6:8.0f} µs/poll"),
            ("poller wait_for_instance", f"{medians['poller'] * 1e6:8.0f} µs/poll"),
            ("poller under poller.otel (SDK)", f"{otel * 1e6:8.0f} µs/poll"),
            ("hand-written minimal wait", f"{medians['minimal'] * 1e6:8.0f} µs/poll"),
            ("aiobotocore waiter", f"{medians['waiter'] * 1e6:8.0f} µs/poll"),
            ("poller / bare", f"{medians['poller'] / bare:8.3f}"),
            ("poller+otel / bare", f"{otel / bare:8.3f}"),
            ("poller+otel / poller", f"{otel / medians['poller']:8.3f}"),
            ("poller / (bare + sleep)", f"{medians['poller'] / medians['bare+sleep']:8.3f}"),
            (
                "poller / (bare + sleep(0))",
                f"{medians['poller'] / medians['bare+checkpoint']:8.3f}",
            ),
            ("minimal / bare", f"{medians['minimal'] / bare:8.3f}"),
            ("poller / minimal", f"{medians['poller'] / medians['minimal']:8.3f}"),
            ("waiter / bare", f"{medians['waiter'] / bare:8.3f}"),
            ("poller / waiter", f"{medians['poller'] / medians['waiter']:8.3f}"),
            (
                "paired per round, / bare",
                f"poller {paired['poller']:.3f}, poller+otel {paired['poller+otel']:.3f}, "
                f"minimal {paired['minimal']:.3f}, "
                f"bare + sleep {paired['bare+sleep']:.3f}, "
                f"bare + sleep(0) {paired['bare+checkpoint']:.3f}, waiter {paired['waiter']:.3f}",
            ),
            (
                "CPU µs/poll (this thread)",
                ", ".join(f"{name} {value * 1e6:.0f}" for name, value in cpu.items()),
            ),
            ("poller's own, in memory", f"{own * 1e6:8.1f} µs/poll (over bare)"),
            ("poller+otel's own, in memory", f"{own_otel * 1e6:8.1f} µs/poll (over bare)"),
        ],
    )
    return medians


if __name__ == "__main__":
    run()
