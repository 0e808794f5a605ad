"""Every resource as the detection benchmark waits on it: one table, one virtual-time runner.

A row names a resource (its kind in ``poller.resources``: the Describe operation and the
default delays), the lifecycles to try, the fixed intervals to compare with, its Describe
answer before and after the status change, and which one it waits on. The runner waits with
the public ``poller.wait``, in virtual time (trio's ``MockClock``), on a scripted client
that answers "in progress" until the change and "done" from then on; the round trip is zero.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import anyio
from trio.testing import MockClock

import poller

__all__ = ["SUBJECTS", "Figures", "Subject", "measure", "settle_times"]

ARN: Final = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
REGION_NAME: Final = "eu-west-1"
REQUEST_ID: Final = "b5f1c3a2-7d4e-4f60-9a1b-2c3d4e5f6a7b"
#: Far beyond any lifecycle tried: no wait here ends on its deadline.
TIMEOUT: Final = 7200.0
_CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Subject:
    """One resource, as waited on here.

    Attributes:
        name: How the tables call it.
        resource: poller's description of it: the Describe operation and default delays.
        lifecycles: Typical times until the status changes, in seconds (``T0``; each run
            draws its own time uniformly between ``T0 / 2`` and ``3 T0 / 2``).
        fixed: Fixed polling intervals to compare the defaults with, in seconds.
        answer: The Describe answer, before (False) or after (True) the change.
        identity: Which one is waited on.
    """

    name: str
    resource: poller.ResourceKind
    lifecycles: tuple[float, ...]
    fixed: tuple[float, ...]
    answer: Callable[[bool], dict[str, Any]]
    identity: poller.Identity

    def wait(self, client: Any, min_delay: float, max_delay: float) -> Awaitable[poller.WaitResult]:
        """The public wait on :attr:`identity` through *client*, with these delays."""
        return poller.wait(
            client,
            self.resource,
            self.identity,
            min_delay=min_delay,
            max_delay=max_delay,
            timeout=TIMEOUT,
        )


def _instance(done: bool) -> dict[str, Any]:
    return {
        "InstanceArn": ARN,
        "IdentityStoreId": "d-1234567890",
        "OwnerAccountId": "123456789012",
        "CreatedDate": _CREATED,
        "Status": "ACTIVE" if done else "CREATE_IN_PROGRESS",
    }


def _region(done: bool) -> dict[str, Any]:
    return {
        "RegionName": REGION_NAME,
        "Status": "ACTIVE" if done else "ADDING",
        "AddedDate": _CREATED,
        "IsPrimaryRegion": False,
    }


def _access_control(done: bool) -> dict[str, Any]:
    attribute = {"Key": "Department", "Value": {"Source": ["${path:enterprise.department}"]}}
    return {
        "Status": "ENABLED" if done else "CREATION_IN_PROGRESS",
        "InstanceAccessControlAttributeConfiguration": {"AccessControlAttributes": [attribute]},
    }


def _assignment(done: bool) -> dict[str, Any]:
    return {
        "AccountAssignmentCreationStatus": {
            "Status": "SUCCEEDED" if done else "IN_PROGRESS",
            "RequestId": REQUEST_ID,
            "TargetId": "111122223333",
            "TargetType": "AWS_ACCOUNT",
            "CreatedDate": _CREATED,
        }
    }


SUBJECTS: Final = (
    Subject(
        "instance (CreateInstance)",
        poller.resources["instance"],
        (30.0, 90.0, 180.0),
        (5.0, 10.0, 20.0),
        _instance,
        poller.Identity(ARN),
    ),
    Subject(
        "Region (AddRegion)",
        poller.resources["region"],
        (60.0, 300.0, 900.0),
        (10.0, 30.0, 60.0),
        _region,
        poller.Identity(ARN, region_name=REGION_NAME),
    ),
    Subject(
        "ABAC (CreateInstanceAccessControlAttributeConfiguration)",
        poller.resources["access-control-attributes"],
        (5.0, 10.0, 30.0),
        (2.0, 5.0, 15.0),
        _access_control,
        poller.Identity(ARN),
    ),
    Subject(
        "request (CreateAccountAssignment; provisioning has the same delays)",
        poller.resources["account-assignment-creation"],
        (2.0, 10.0, 60.0),
        (1.0, 3.0, 10.0),
        _assignment,
        poller.Identity(ARN, request_id=REQUEST_ID),
    ),
)


def _method(operation: str) -> str:
    """The client method that sends *operation* (``DescribeRegion``: ``describe_region``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


class _Scripted:
    """A client of one Describe method: "in progress" until *changes_at*, then done."""

    def __init__(self, subject: Subject, changes_at: float) -> None:
        self._subject = subject
        self._changes_at = changes_at

    def __getattr__(self, name: str) -> Any:
        if name != _method(self._subject.resource.operation):
            raise AttributeError(name)
        return self._describe

    async def _describe(self, **_: Any) -> dict[str, Any]:
        return self._subject.answer(anyio.current_time() >= self._changes_at)


@dataclass(frozen=True)
class Figures:
    """What waiting on a set of lifecycles cost and how late it noticed (seconds)."""

    calls: float
    """Mean Describe calls per wait."""
    latency: float
    """Mean time from the status change to the waiter's return."""
    p90: float
    """90th percentile of that time (nearest rank)."""


def settle_times(typical: float, count: int, seed: int = 2026) -> list[float]:
    """*count* times until the change, uniform between half and one and a half *typical*."""
    rng = random.Random(seed)
    return [rng.uniform(typical / 2, typical * 3 / 2) for _ in range(count)]


def measure(
    subject: Subject, min_delay: float, max_delay: float, durations: Sequence[float], seed: int = 7
) -> Figures:
    """Wait once per duration (all at once, in one virtual-time run) with the real waiter."""
    outcomes: list[tuple[int, float]] = []

    async def one(duration: float) -> None:
        changes_at = anyio.current_time() + duration
        result = await subject.wait(_Scripted(subject, changes_at), min_delay, max_delay)
        outcomes.append((result.attempts, anyio.current_time() - changes_at))

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for duration in durations:
                group.start_soon(one, duration)

    state = random.getstate()
    random.seed(seed)  # the waiter's jitter draws from the random module
    try:
        anyio.run(main, backend="trio", backend_options={"clock": MockClock(autojump_threshold=0)})
    finally:
        random.setstate(state)
    latencies = sorted(latency for _, latency in outcomes)
    return Figures(
        calls=statistics.fmean(calls for calls, _ in outcomes),
        latency=statistics.fmean(latencies),
        p90=latencies[min(len(latencies) - 1, int(0.9 * len(latencies)))],
    )
