"""A fan-out returns by its deadline, however many of its waits are running or queued.

``wait_for_requests`` waits on 100, 1,000 and 10,000 CreateAccountAssignment requests that
never finish (the local endpoint keeps them IN_PROGRESS for ever), through one client, with the
library's defaults (concurrency 1,000: the rest queue; 10 requests a second; delays 1-10 s),
under a timeout of 10 s. Each row is how far past its deadline the call returned
(negative: before it), the median of the runs, and the worst. Goal: flat, and at most 50 ms.

A second table does the same at ``concurrency=1`` with 600 requests: one wait runs to the
deadline while 599 stay queued.

The endpoint runs in a child process (``benchmarks._endpoint``) so that its CPU does not
compete with the client's.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any, Final

import poller
from benchmarks._common import bench_client, quiet, report
from benchmarks._endpoint import RemoteEndpoint

__all__ = ["overshoot", "run"]

#: The wait's budget, in seconds: long enough for the first polls to start, and for a quarter
#: of it to hold the ending of 10,000 waits.
TIMEOUT: Final = 10.0
#: ``--quick``'s, for its smaller sizes.
QUICK_TIMEOUT: Final = 2.0


async def overshoot(
    endpoint: RemoteEndpoint,
    count: int,
    *,
    concurrency: int | None = None,
    timeout: float = TIMEOUT,
) -> tuple[float, int]:
    """Seconds past the deadline at which a fan-out over *count* endless requests returned.

    Also returns how many of its waits ended timed out (all of them, when it works).
    """
    arn, request_ids = endpoint.assignments(float("inf"), count)
    extra: dict[str, Any] = {} if concurrency is None else {"concurrency": concurrency}
    wait_for_requests = poller.wait_for_requests  # imported before the clock starts
    async with bench_client(endpoint.endpoint_url) as client:
        started = time.perf_counter()
        outcomes = await wait_for_requests(
            client,
            arn,
            request_ids,
            kind="account-assignment-creation",
            timeout=timeout,
            **extra,
        )
        returned = time.perf_counter()
    timed_out = sum(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes)
    return returned - started - timeout, timed_out


def run(*, quick: bool = False) -> dict[str, float]:
    """Print the overshoot at each size, and return the worst of each, in seconds."""
    quiet()
    sizes = (10, 100) if quick else (100, 1_000, 10_000)
    repeats = 1 if quick else 3
    timeout = QUICK_TIMEOUT if quick else TIMEOUT
    figures: dict[str, float] = {}
    rows = []
    with RemoteEndpoint(time_scale=1.0) as endpoint:
        for count in sizes:
            runs = [
                asyncio.run(overshoot(endpoint, count, timeout=timeout)) for _ in range(repeats)
            ]
            late = [seconds for seconds, _ in runs]
            figures[f"{count}"] = max(late)
            rows.append(
                (
                    f"{count:,} requests",
                    f"median {statistics.median(late) * 1000:+.0f} ms, worst "
                    f"{max(late) * 1000:+.0f} ms; {min(n for _, n in runs):,} timed out",
                )
            )
        queued = 60 if quick else 600
        one = [
            asyncio.run(overshoot(endpoint, queued, concurrency=1, timeout=timeout))
            for _ in range(repeats)
        ]
        late = [seconds for seconds, _ in one]
        figures["queued"] = max(late)
        rows.append(
            (
                f"{queued:,} at concurrency 1",
                f"median {statistics.median(late) * 1000:+.0f} ms, worst "
                f"{max(late) * 1000:+.0f} ms",
            )
        )
    report(
        f"deadline: a fan-out of endless requests, timeout {timeout:g} s, past its deadline "
        f"by (median and worst of {repeats}; goal flat, <= +50 ms)",
        rows,
    )
    return figures
