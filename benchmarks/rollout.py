"""A rollout's waits: thousands of account-assignment requests through one client, at its rate.

``poller.wait_for_requests`` waits on N CreateAccountAssignment requests of one instance
through one aiobotocore client, over real HTTP to the local endpoint (a child process). Every
request is created at the same moment and stays IN_PROGRESS for *lifecycle* seconds (the
simulator's default for an assignment, 10 s), then SUCCEEDED.

At the default rate (10 requests a second, burst 10) 5,000 requests need more than 500 s,
too long for a benchmark. So everything that is a time runs N times faster, **scaled
together**: the simulator's clock (``time_scale=N``: lifecycles and the service's throttle),
the client's token bucket (rate x N, its floor x N, its recovery x N², since recovery is
requests per second per second), and the waits' delays and timeout (÷ N). The burst (a
count) stays 10. A run at scale N is then the default-rate run with every duration divided
by N, so wall time x N is the time at the real rate, and ratios of times are unchanged; the
runs at two scales show it (what does not scale: the HTTP round trip and the CPU per poll,
which matter only when they approach 1/rate).

Reported, in times at the real default rate:

* the ideal: ``lifecycle + (requests - burst) / rate``, with the rate and burst of the
  client's bucket or of the service's, whichever is tighter. No poll can end a wait before
  its request has finished (``lifecycle``); after that, each request needs at least one
  answered poll, the first ``burst`` may leave at once and the rest one every ``1/rate`` s.
  No waiter can finish sooner; the wall time is compared with it;
* polls sent (every request the service saw, throttled ones included), and the share of the
  rate that answered polls used (``(polls - throttled - burst) / rate / wall``: 1.0 is a
  limiter that never idles);
* throttles: ThrottlingException answers counted by the service, and ``poll.retrying``
  events with that error code counted by an ``on_event`` hook (the hook costs some CPU too);
* CPU per poll: this process's CPU time (``time.process_time``; the endpoint runs in the
  other) over the call, divided by the polls;
* memory per waiting request: tracemalloc's traced memory once every request has been
  polled at least once (all 5,000 waiting at once, ``concurrency`` = requests), minus the
  traced memory just before the call, divided by the requests; measured in a run of its own,
  on requests that never finish, so that tracing does not slow the timed runs.

Two services: one that allows Identity Center's documented 20 requests per second per account
(a token bucket of 20/s holding 20: the burst is an assumption), so that the client's 10/s
should never be throttled; and one where another job takes 15 of the 20, leaving 5/s, below
the client's rate: the client's bucket halves on each throttle and climbs back (AIMD).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import poller
from benchmarks._common import bench_client, quiet, report
from benchmarks._endpoint import RemoteEndpoint
from poller._ratelimit import (
    DEFAULT_BURST,
    DEFAULT_MIN_RATE,
    DEFAULT_RATE,
    RateLimiter,
    TokenBucket,
)
from poller.events import AccountAssignmentStatusChanged, Event, PollRetrying

__all__ = ["Service", "run", "scaled_limiter"]

#: Identity Center's collective request rate per account (its quotas page).
SERVICE_RATE = 20.0
#: How long each assignment request stays IN_PROGRESS (the simulator's default).
LIFECYCLE = 10.0
#: The default timeout of a wait (30 min).
TIMEOUT = 1800.0
KIND = poller.resources["account-assignment-creation"]


@dataclass(frozen=True)
class Service:
    """What the service allows this client: requests per second, and a burst."""

    label: str
    rate: float
    burst: float


ALONE = Service("alone: the service allows 20/s", SERVICE_RATE, SERVICE_RATE)
SHARED = Service("shared: another job leaves 5/s", 5.0, 5.0)


def scaled_limiter(scale: float) -> RateLimiter:
    """The default client rate limit with time running *scale* times faster."""
    recovery = TokenBucket(DEFAULT_RATE, DEFAULT_BURST).recovery
    return RateLimiter(
        DEFAULT_RATE * scale,
        DEFAULT_BURST,
        min_rate=DEFAULT_MIN_RATE * scale,
        recovery=recovery * scale**2,
    )


def _scaled_delays(scale: float) -> dict[str, Any]:
    delays = KIND.delays
    return {
        "min_delay": delays.min_delay / scale,
        "max_delay": delays.max_delay / scale,
        "timeout": TIMEOUT / scale,
    }


class _Counts:
    """An ``on_event`` hook: throttled polls, other retries, the lowest rate seen."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.throttled = 0
        self.other_retries = 0
        self.lowest_rate = limiter.rate

    def __call__(self, event: Event) -> None:
        if isinstance(event, PollRetrying):
            if event.error_code == "ThrottlingException":
                self.throttled += 1
                self.lowest_rate = min(self.lowest_rate, self.limiter.rate)
            else:
                self.other_retries += 1


async def timed(
    endpoint: RemoteEndpoint, *, requests: int, scale: float, service: Service
) -> dict[str, float]:
    """Wait on *requests* assignment creations through one client; the figures of the run."""
    endpoint.throttle(service.rate, service.burst)
    async with bench_client(endpoint.endpoint_url) as client:
        await client.list_instances()  # the model loaded, a connection open: not per request
        thrown_before = endpoint.throttles()
        described_before = endpoint.throttled(KIND.operation)
        arn, request_ids = endpoint.assignments(LIFECYCLE, requests)
        limiter = scaled_limiter(scale)
        counts = _Counts(limiter)
        wall, cpu = time.perf_counter(), time.process_time()
        outcomes = await poller.wait_for_requests(
            client,
            arn,
            request_ids,
            kind=KIND,
            limiter=limiter,
            on_event=counts,
            **_scaled_delays(scale),
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    polls = sum(
        o.result.attempts if o.result is not None else o.error.attempts if o.error else 0
        for o in outcomes
    )
    throttled = endpoint.throttles() - thrown_before
    # A throttled List page of the batch status is no wait's poll: no poll.retrying for it.
    described = endpoint.throttled(KIND.operation) - described_before
    # The tighter of the client's bucket and the service's sets the pace.
    rate, burst = min((DEFAULT_RATE, DEFAULT_BURST), (service.rate, service.burst))
    ideal = LIFECYCLE + (requests - burst) / rate
    real_wall = wall * scale
    return {
        "scale": scale,
        "ok": sum(o.ok for o in outcomes),
        "wall": wall,
        "real_wall": real_wall,
        "ideal": ideal,
        "ratio": real_wall / ideal,
        "polls": polls,
        "use": (polls - throttled - burst) / rate / real_wall,
        "service_throttles": throttled,
        "describe_throttles": described,
        "throttled_events": counts.throttled,
        "other_retries": counts.other_retries,
        "lowest_rate": counts.lowest_rate / scale,
        "cpu_per_poll": cpu / polls,
        "cpu_share": cpu / wall,
    }


async def memory(endpoint: RemoteEndpoint, *, requests: int, scale: float) -> dict[str, float]:
    """Traced bytes per waiting request, once every request has been polled at least once."""
    endpoint.throttle(ALONE.rate, ALONE.burst)
    async with bench_client(endpoint.endpoint_url) as client:
        await client.list_instances()
        arn, request_ids = endpoint.assignments(float("inf"), requests)
        seen: set[str | None] = set()
        all_seen = asyncio.Event()

        def on_event(event: Event) -> None:
            if isinstance(event, AccountAssignmentStatusChanged):
                seen.add(event.request_id)
                if len(seen) == requests:
                    all_seen.set()

        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            waits = asyncio.create_task(
                poller.wait_for_requests(
                    client,
                    arn,
                    request_ids,
                    kind=KIND,
                    limiter=scaled_limiter(scale),
                    on_event=on_event,
                    concurrency=requests,
                    **_scaled_delays(scale),
                )
            )
            await all_seen.wait()
            await asyncio.sleep(0.1)  # the last answers judged: every wait sleeps or queues
            waiting, peak = tracemalloc.get_traced_memory()
            waits.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waits
        finally:
            tracemalloc.stop()
    return {
        "per_request": (waiting - before) / requests,
        "peak_per_request": (peak - before) / requests,
    }


def _one(requests: int, scale: float, service: Service) -> dict[str, float]:
    with RemoteEndpoint(time_scale=scale) as endpoint:
        return asyncio.run(timed(endpoint, requests=requests, scale=scale, service=service))


def _rows(figures: dict[str, float], requests: int) -> list[tuple[str, str]]:
    return [
        ("completed", f"{figures['ok']:,.0f} of {requests:,}"),
        (
            "wall time",
            f"{figures['wall']:.1f} s at x{figures['scale']:g} = {figures['real_wall']:,.0f} s "
            f"at the real rate; ideal {figures['ideal']:,.0f} s; ratio {figures['ratio']:.3f}",
        ),
        (
            "polls",
            f"{figures['polls']:,.0f} ({figures['polls'] / requests:.3f} per request); "
            f"share of the rate used {figures['use']:.3f}",
        ),
        (
            "throttles",
            f"{figures['service_throttles']:,.0f} ThrottlingException answers, "
            f"{figures['throttled_events']:,.0f} poll.retrying events for the "
            f"{figures['describe_throttles']:,.0f} of them that were Describes "
            f"(other retries {figures['other_retries']:,.0f}); "
            f"client rate at its lowest {figures['lowest_rate']:.2f}/s",
        ),
        (
            "CPU per poll",
            f"{figures['cpu_per_poll'] * 1e6:,.0f} µs ({figures['cpu_share']:.0%} of a core)",
        ),
    ]


def run(
    *, quick: bool = False, requests: int | None = None, scale: float | None = None
) -> dict[str, Any]:
    """The timed runs (repeated, and at a second scale), the shared service, then memory."""
    quiet()
    requests = requests or (40 if quick else 5000)
    scale = scale or (200.0 if quick else 20.0)
    repeats = 1 if quick else 3
    alone = [_one(requests, scale, ALONE) for _ in range(repeats)]
    faster = _one(requests, scale * 2.5, ALONE)
    shared = _one(requests, scale, SHARED)
    with RemoteEndpoint(time_scale=scale) as endpoint:
        mem = asyncio.run(memory(endpoint, requests=requests, scale=scale))
    middle = sorted(alone, key=lambda f: f["ratio"])[len(alone) // 2]
    settings = (
        f"{requests:,} CreateAccountAssignment requests, each IN_PROGRESS {LIFECYCLE:g} s; "
        f"one client; default rate {DEFAULT_RATE:g}/s, burst {DEFAULT_BURST:g}; delays "
        f"{KIND.delays.min_delay:g}-"
        f"{KIND.delays.max_delay:g} s; timeout {TIMEOUT:g} s; "
        "all times scaled (see the module docstring)"
    )
    report(
        f"rollout: {ALONE.label}, x{scale:g}, median of {repeats} by ratio",
        [("settings", settings), *_rows(middle, requests)],
    )
    runs = [
        (
            f"x{f['scale']:g} run {i + 1}",
            f"ratio {f['ratio']:.3f}, {f['polls']:,.0f} polls, "
            f"{f['service_throttles']:,.0f} throttled, CPU {f['cpu_per_poll'] * 1e6:,.0f} µs/poll "
            f"({f['cpu_share']:.0%} of a core)",
        )
        for i, f in enumerate([*alone, faster])
    ]
    median_ratio = statistics.median(f["ratio"] for f in alone)
    report(
        f"rollout: {ALONE.label}, every run",
        [*runs, (f"median ratio at x{scale:g}", f"{median_ratio:.3f}")],
    )
    report(f"rollout: {SHARED.label}, x{scale:g}", _rows(shared, requests))
    report(
        f"rollout: memory, {requests:,} requests waiting at once (tracemalloc)",
        [
            (
                "per waiting request",
                f"{mem['per_request'] / 1024:,.2f} KiB "
                f"(peak {mem['peak_per_request'] / 1024:,.2f} KiB)",
            )
        ],
    )
    return {"alone": alone, "faster": faster, "shared": shared, "memory": mem}


if __name__ == "__main__":
    import sys

    run(quick="--quick" in sys.argv)
