"""A rollout at the service's limits: 1,200 account-assignment operations, three ways.

600 assignments are created, then the same 600 deleted, against the local endpoint enforcing
IAM Identity Center's documented limits (20 requests a second over every call, 15 asynchronous
writes in progress per instance, ThrottlingException beyond either), each request lasting a
time drawn from a seeded log-normal:

* **median 10 s, sigma 0.6** (simulated): CreateAccountAssignment takes seconds when the
  account already has the permission set's role and tens of seconds when it must be
  provisioned first; AWS's own identity-center-extensions sample, 1,200 operations in 61
  minutes, polls every 60-120 s, which says its requests mostly end within the first
  minute. Sigma 0.6 puts 5 % of them past 27 s and 1 % past 40 s: a tail, not a cliff.
* a second, quicker workload, **median 4 s**: the role already in every account. The fixed
  schedule is left out there (its 60 s first look decides it whatever the lifecycle).

A driver's speed-up over another is bounded by their distances from the limit: at 1.0 of it
poller would be 1.94 times as fast as a Terraform-style driver at 1.94 of it; the quicker the
requests, the more the 10 s first look of that driver costs it.

Every duration is scaled: the endpoint's clock runs faster than real time, its 20/s limit with
it, and each driver's pauses and limits are divided by the same factor; figures are given in
simulated seconds. At x20 a loopback round trip of a few milliseconds stands for the 50-100 ms
of a real one; the fixed schedule, which a round trip cannot change, runs at x100 to keep the
benchmark short.

The drivers, each on a fresh endpoint with the same seed (the same lifecycles):

* **poller**: ``apply_account_assignments`` then ``apply_account_assignments(delete=True)``,
  with a ``RateLimiter`` at the service's rate;
* **Terraform-style**: what terraform-provider-aws does per ``aws_ssoadmin_account_assignment``
  (parallelism 10): write, retry Throttling and Conflict with the SDK's jittered exponential
  backoff, then DescribeAccountAssignment…Status after 10 s and every 5 s after that;
* **fixed schedule**: 10 lanes, each writing one assignment, looking after 60 s, then every
  120 s (the identity-center-extensions sample's waiters).

Reported from each run: wall time; for poller, wall ÷ the physical limit (the larger of: the
calls a rollout cannot do without, one write and one status read per operation, at 20 a
second; and the sum of the requests' lifecycles spread over 15 slots); calls per operation by
kind; throttles; the peak of writes in progress (the endpoint's counter); and whether every
assignment ended as planned, each written once.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio

import poller
from benchmarks._common import bench_client, quiet, report
from benchmarks._endpoint import RemoteEndpoint

__all__ = ["run"]

COUNT: Final = 600
MEDIAN: Final = 10.0
QUICK_MEDIAN: Final = 4.0
SIGMA: Final = 0.6
SEED: Final = 2026
#: Simulated seconds per real second, per driver (the fixed schedule's waits dwarf any round
#: trip: it runs faster).
SCALE: Final = 20.0
FAST_SCALE: Final = 100.0
RATE: Final = 20.0
OUTSTANDING: Final = 15
PRINCIPAL: Final = "12345678-1234-1234-1234-123456789012"
#: The calls a rollout cannot do without, per operation: the write, and one status read.
REQUIRED_CALLS: Final = 2
_RETRIED: Final = ("ThrottlingException", "ConflictException")

Driver = Callable[[Any, str, list[poller.Assignment], bool, float], Awaitable[None]]


@asynccontextmanager
async def _counted(endpoint_url: str) -> AsyncIterator[tuple[Any, collections.Counter[str]]]:
    """A client, and a count of the requests it sends by operation."""
    calls: collections.Counter[str] = collections.Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    async with bench_client(endpoint_url) as client:
        client.meta.events.register("before-send.sso-admin", count)
        yield client, calls


async def _poller(
    client: Any, arn: str, plan: list[poller.Assignment], delete: bool, scale: float
) -> None:
    limiter = poller.RateLimiter(rate=RATE * scale)
    outcomes = await poller.apply_account_assignments(
        client,
        arn,
        plan,
        delete=delete,
        limiter=limiter,
        min_delay=1.0 / scale,
        max_delay=10.0 / scale,
        timeout=7200.0 / scale,
    )
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} assignments failed: {failed[0].error}")


async def _retried(call: Callable[[], Awaitable[Any]], scale: float) -> Any:
    """*call*, retried on Throttling and Conflict with full-jitter exponential backoff."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    attempt = 0
    while True:
        try:
            return await call()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in _RETRIED:
                raise
            attempt += 1
            await anyio.sleep(random.uniform(0, min(20.0, 0.1 * 2**attempt)) / scale)


def _writer(
    client: Any, arn: str, delete: bool
) -> tuple[Callable[[poller.Assignment], Awaitable[Any]], Callable[[str], Awaitable[Any]]]:
    """The write of one assignment and the status read of its request, by the API's names."""
    key = "AccountAssignmentDeletionStatus" if delete else "AccountAssignmentCreationStatus"
    write = client.delete_account_assignment if delete else client.create_account_assignment
    read = (
        client.describe_account_assignment_deletion_status
        if delete
        else client.describe_account_assignment_creation_status
    )
    parameter = (
        "AccountAssignmentDeletionRequestId" if delete else "AccountAssignmentCreationRequestId"
    )

    async def written(item: poller.Assignment) -> Any:
        answer = await write(InstanceArn=arn, **item.to_api())
        return answer[key]["RequestId"]

    async def status(request_id: str) -> Any:
        answer = await read(InstanceArn=arn, **{parameter: request_id})
        return answer[key]["Status"]

    return written, status


def _lanes(first: float, then: float, lanes: int) -> Driver:
    """A driver of *lanes* lanes: write, look after *first*, then every *then* seconds."""

    async def drive(
        client: Any, arn: str, plan: list[poller.Assignment], delete: bool, scale: float
    ) -> None:
        written, status = _writer(client, arn, delete)
        slots = anyio.Semaphore(lanes)

        async def one(item: poller.Assignment) -> None:
            async with slots:
                request_id = await _retried(lambda: written(item), scale)
                await anyio.sleep(first / scale)
                # The hand-written loop this benchmark compares poller with.
                while await _retried(lambda: status(request_id), scale) == "IN_PROGRESS":  # noqa: ASYNC110
                    await anyio.sleep(then / scale)

        async with anyio.create_task_group() as group:
            for item in plan:
                group.start_soon(one, item)

    return drive


DRIVERS: Final[dict[str, tuple[Driver, float]]] = {
    "poller": (_poller, SCALE),
    "Terraform-style (10 s, then 5 s; parallelism 10)": (_lanes(10.0, 5.0, 10), SCALE),
    "fixed schedule (60 s, then 120 s; 10 lanes)": (_lanes(60.0, 120.0, 10), FAST_SCALE),
}


async def _run(driver: Driver, count: int, scale: float, median: float) -> dict[str, Any]:
    with RemoteEndpoint(time_scale=scale) as endpoint:
        arn, permission_set = endpoint.limited(
            rate=RATE, burst=RATE, outstanding=OUTSTANDING, median=median, sigma=SIGMA, seed=SEED
        )
        plan = [
            poller.Assignment(f"{100_000_000_000 + n}", permission_set, "USER", PRINCIPAL)
            for n in range(count)
        ]
        async with _counted(endpoint.endpoint_url) as (client, calls):
            await client.list_instances()  # the model loaded, a connection open
            calls.clear()
            started = time.perf_counter()
            await driver(client, arn, plan, False, scale)
            created = endpoint.report(arn)
            await driver(client, arn, plan, True, scale)
            wall = (time.perf_counter() - started) * scale
        state = endpoint.report(arn)
    return {"wall": wall, "calls": dict(calls), "created": created, "state": state}


def _rows(name: str, figures: dict[str, Any], operations: int) -> list[tuple[str, str]]:
    state, created = figures["state"], figures["created"]
    calls: dict[str, int] = figures["calls"]
    total = sum(calls.values())
    throttles = state["throttled_rate"] + state["throttled_outstanding"]
    limit = max(REQUIRED_CALLS * operations / RATE, state["lifecycle_seconds"] / OUTSTANDING)
    per_op = ", ".join(
        f"{operation} {count / operations:.2f}" for operation, count in sorted(calls.items())
    )
    exact = created["in_place"] == operations // 2 and state["in_place"] == 0
    writes = state["writes_per_assignment"]
    once = "each written once" if writes in ([1], []) else f"writes per assignment {writes}"
    return [
        (
            f"{name}: wall",
            f"{figures['wall']:,.0f} s (wall / limit {figures['wall'] / limit:.2f}; limit "
            f"{limit:,.0f} s: max({REQUIRED_CALLS * operations / RATE:,.0f} s of calls, "
            f"{state['lifecycle_seconds'] / OUTSTANDING:,.0f} s of lifecycles / 15))",
        ),
        (f"{name}: calls per operation", f"{total / operations:.2f} ({per_op})"),
        (
            f"{name}: throttles",
            f"{throttles:,} ({throttles / max(total, 1):.2%} of calls: {state['throttled_rate']} "
            f"by the rate, {state['throttled_outstanding']} by the 15 in progress); conflicts "
            f"{state['conflicts']}",
        ),
        (
            f"{name}: peak in progress, end state",
            f"{state['peak_outstanding']}; {created['in_place']} of {operations // 2} in place "
            f"after the creates, {state['in_place']} after the deletes; {once}"
            f"{'' if exact else '; NOT AS PLANNED'}",
        ),
    ]


def run(
    *, quick: bool = False, count: int | None = None, scale: float | None = None
) -> dict[str, Any]:
    """Run every driver on each workload; print the figures and return them by workload."""
    quiet()
    count = count or (60 if quick else COUNT)
    workloads = {MEDIAN: DRIVERS} if quick else {MEDIAN: DRIVERS, QUICK_MEDIAN: DRIVERS}
    everything: dict[str, Any] = {}
    for median, every in workloads.items():
        drivers = dict(list(every.items())[:2]) if quick or median != MEDIAN else every
        scales = {name: scale or (200.0 if quick else at) for name, (_, at) in drivers.items()}
        results = {
            name: anyio.run(_run, driver, count, scales[name], median)
            for name, (driver, _) in drivers.items()
        }
        everything[f"median {median:g} s"] = results
        _print(results, count, median, scales)
    return everything


def _print(results: dict[str, Any], count: int, median: float, scales: dict[str, float]) -> None:
    operations = 2 * count
    runs_at = ", ".join(f"{name.split(' (')[0]} x{at:g}" for name, at in scales.items())
    rows = [
        (
            "workload",
            f"{count} creates then {count} deletes; lifecycles log-normal, median "
            f"{median:g} s, sigma {SIGMA:g}, seed {SEED}; limits {RATE:g}/s and "
            f"{OUTSTANDING} in progress; times simulated (run at {runs_at})",
        )
    ]
    for name, figures in results.items():
        rows.extend(_rows(name, figures, operations))
    poller_wall = results["poller"]["wall"]
    for name, figures in results.items():
        if name != "poller":
            rows.append((f"poller vs {name}", f"{figures['wall'] / poller_wall:.1f}x faster"))
    report(
        f"assign, median {median:g} s: a rollout at the service's limits "
        "(python -m benchmarks --only assign)",
        rows,
    )
