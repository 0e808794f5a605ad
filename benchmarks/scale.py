"""Scale: many instances in one process, over many clients or one.

Two scenarios against the local endpoint (a child process, real time):

* ``accounts``: N instances, each through its own client (distinct credentials, all clients
  from one session, made by ``open_clients``), at the default rate limit per client.
* ``one-client``: N instances through a single client, rate limit disabled (``rate=None``):
  one account's 10 requests/s would otherwise make this a benchmark of the limiter.

Each instance turns ACTIVE *lifecycle* seconds after the start. Reported: wall time, polls,
CPU per poll (this process only: the endpoint runs in another), event-loop lag (how late a
ticker's 10 ms sleeps wake: median, 99th percentile, worst), how much the process's resident
memory grew from before the clients were opened to the end of the waits, the clients still
open (Linux; with what tracemalloc does not see: OpenSSL's, such as each SSL context's CA
certificates), and memory: per client, and per waiting instance once every
instance has been polled (tracemalloc, in a separate phase so that its cost does not touch the
timings).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import tracemalloc
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.session import AioSession

from benchmarks._common import bench_client, median, report
from benchmarks._endpoint import RemoteEndpoint
from poller import open_clients, wait_for_instances
from poller.events import Event, InstanceStatusChanged

__all__ = ["run"]

_TICK = 0.01


async def _open_clients(
    stack: AsyncExitStack, session: AioSession, endpoint_url: str, count: int
) -> list[Any]:
    """*count* clients as users make them, with ``open_clients``: an account's keys each."""
    credentials = [
        {"aws_access_key_id": f"AKIABENCH{n:011d}", "aws_secret_access_key": "benchmark"}
        for n in range(count)
    ]
    clients: list[Any] = await stack.enter_async_context(
        open_clients(credentials, region="us-east-1", endpoint_url=endpoint_url, session=session)
    )
    return clients


async def _warm(endpoint_url: str) -> AioSession:
    """A session that has loaded the service model (once per process, not per client)."""
    session = AioSession()
    async with bench_client(endpoint_url, session=session):
        pass
    return session


async def _ticker(lags: list[float]) -> None:
    while True:
        start = time.perf_counter()
        await asyncio.sleep(_TICK)
        lags.append(time.perf_counter() - start - _TICK)


def _resident_bytes() -> float:
    """The process's resident memory, or NaN where /proc does not say (not Linux)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * float(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return float("nan")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def timed(
    endpoint: RemoteEndpoint,
    *,
    instances: int,
    clients: int,
    lifecycle: float,
    settings: dict[str, Any],
) -> dict[str, float]:
    """Wait on *instances* spread over *clients*; wall time, CPU, polls and loop lag."""
    async with AsyncExitStack() as stack:
        session = await _warm(endpoint.endpoint_url)
        resident = _resident_bytes()
        opened = time.perf_counter()
        pool = await _open_clients(stack, session, endpoint.endpoint_url, clients)
        open_seconds = time.perf_counter() - opened
        arns = endpoint.create(lifecycle, instances)
        pairs = [(pool[i % clients], arn) for i, arn in enumerate(arns)]
        lags: list[float] = []
        async with asyncio.TaskGroup() as group:
            ticker = group.create_task(_ticker(lags))
            wall, cpu = time.perf_counter(), time.process_time()
            outcomes = await wait_for_instances(pairs, concurrency=instances, **settings)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            ticker.cancel()
        resident = _resident_bytes() - resident  # every client has its connection pool now
    polls = sum(o.result.attempts for o in outcomes if o.result is not None)
    return {
        "ok": sum(o.ok for o in outcomes),
        "wall": wall,
        "polls": polls,
        "cpu_per_poll": cpu / polls,
        "open_per_client": open_seconds / clients,
        "lag_p50": median(lags),
        "lag_p99": _percentile(lags, 0.99),
        "lag_max": max(lags),
        "resident_growth": resident,
    }


async def memory(
    endpoint: RemoteEndpoint, *, instances: int, clients: int, settings: dict[str, Any]
) -> dict[str, float]:
    """Bytes per client, and per instance once all are waiting (each polled at least once).

    The session has loaded the service model before: a cost per process, not per client.
    """
    arns = endpoint.create(1e9, instances)  # never settle: every wait stays in its loop
    tracemalloc.start()
    try:
        async with AsyncExitStack() as stack:
            session = await _warm(endpoint.endpoint_url)
            before_clients = tracemalloc.get_traced_memory()[0]
            pool = await _open_clients(stack, session, endpoint.endpoint_url, clients)
            # A first request through each client sets up its connection pool: not per instance.
            for client in pool:
                await client.describe_instance(InstanceArn=arns[0])
            before_waits = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            seen: set[str] = set()
            all_seen = asyncio.Event()

            def on_event(event: Event) -> None:
                if isinstance(event, InstanceStatusChanged):
                    seen.add(event.instance_arn)
                    if len(seen) == instances:
                        all_seen.set()

            pairs = [(pool[i % clients], arn) for i, arn in enumerate(arns)]
            waits = asyncio.create_task(
                wait_for_instances(pairs, concurrency=instances, on_event=on_event, **settings)
            )
            await all_seen.wait()
            await asyncio.sleep(0.2)  # the last answers are judged; all are now sleeping
            waiting, peak = tracemalloc.get_traced_memory()
            waits.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waits
    finally:
        tracemalloc.stop()
    return {
        "per_client": (before_waits - before_clients) / clients,
        "per_instance": (waiting - before_waits) / instances,
        "peak_per_instance": (peak - before_waits) / instances,
    }


def _scenario(
    name: str, instances: int, clients: int, lifecycle: float, settings: dict[str, Any]
) -> dict[str, float]:
    with RemoteEndpoint() as endpoint:
        figures = asyncio.run(
            timed(
                endpoint,
                instances=instances,
                clients=clients,
                lifecycle=lifecycle,
                settings=settings,
            )
        )
        figures |= asyncio.run(
            memory(endpoint, instances=instances, clients=clients, settings=settings)
        )
    rate = settings.get("rate", "default (10/s per client)")
    report(
        f"scale: {name}, {instances:,} instances over {clients:,} client(s)",
        [
            ("settings", f"lifecycle {lifecycle:g} s, {_delays(settings)}, rate {rate}"),
            ("reached ACTIVE", f"{figures['ok']:,.0f} of {instances:,}"),
            ("wall time", f"{figures['wall']:.2f} s"),
            ("polls", f"{figures['polls']:,.0f} ({figures['polls'] / figures['wall']:,.0f}/s)"),
            ("CPU per poll", f"{figures['cpu_per_poll'] * 1e6:,.0f} µs"),
            ("client open time", f"{figures['open_per_client'] * 1e3:.2f} ms per client"),
            (
                "event-loop lag",
                f"median {figures['lag_p50'] * 1e3:.1f} ms, p99 {figures['lag_p99'] * 1e3:.1f}"
                f" ms, max {figures['lag_max'] * 1e3:.1f} ms",
            ),
            (
                "resident memory growth",
                f"{figures['resident_growth'] / 2**20:,.0f} MiB (RSS once the waits have ended,"
                " clients still open)",
            ),
            ("memory per client", f"{figures['per_client'] / 1024:,.1f} KiB"),
            (
                "memory per waiting instance",
                f"{figures['per_instance'] / 1024:,.2f} KiB "
                f"(peak {figures['peak_per_instance'] / 1024:,.2f} KiB)",
            ),
        ],
    )
    return figures


def _delays(settings: dict[str, Any]) -> str:
    return f"delays {settings['min_delay']:g}-{settings['max_delay']:g} s"


def run(
    *, quick: bool = False, accounts: int | None = None, one_client: int | None = None
) -> dict[str, dict[str, float]]:
    """Run both scenarios, print their figures and return them."""
    accounts = accounts or (20 if quick else 1000)
    one_client = one_client or (50 if quick else 10_000)
    lifecycle = 0.3 if quick else 20.0
    # The defaults (2 s / 30 s) scaled down 4x, so a 20 s lifecycle sees a realistic
    # schedule of about 7 polls: 80 s of creation at default delays, 4x faster.
    delays = (
        {"min_delay": 0.5, "max_delay": 7.5} if not quick else {"min_delay": 0.05, "max_delay": 0.5}
    )
    timeout = {"timeout": lifecycle * 10}
    return {
        "accounts": _scenario(
            "many accounts", accounts, accounts, lifecycle, {**delays, **timeout}
        ),
        "one_client": _scenario(
            "one account", one_client, 1, lifecycle, {**delays, **timeout, "rate": None}
        ),
    }


if __name__ == "__main__":
    import sys

    run(quick="--quick" in sys.argv)
