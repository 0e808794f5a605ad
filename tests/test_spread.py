"""Many waits started together spread their first polls; a few start at once."""

from __future__ import annotations

import collections
import types
from typing import Any

import anyio
import pytest

import poller
from poller._engine._many import first_poll_spread, in_flight
from tests.fakes import ScriptedClient, described


def test_spread_grows_with_the_count_up_to_min_delay() -> None:
    """One wait starts at once; a few within milliseconds; thousands over min_delay at most."""
    assert 0.0 == first_poll_spread(1, 5.0)
    assert 0.002 == pytest.approx(first_poll_spread(3, 5.0))
    assert 5.0 == first_poll_spread(10_000, 5.0)
    assert 0.0 == first_poll_spread(10_000, 0.0)


@pytest.mark.virtual_time
async def test_thousands_of_first_polls_are_spread() -> None:
    """2,000 waits do not all poll in the same instant, and all poll within min_delay."""
    arns = [f"arn:aws:sso:::instance/ssoins-{i:016x}" for i in range(2000)]
    client = ScriptedClient([described("ACTIVE")])
    start = anyio.current_time()

    outcomes = await poller.wait_for_instances(
        [(client, arn) for arn in arns], min_delay=1, max_delay=2, rate=None, concurrency=2000
    )

    first = [at - start for _, at in client.calls]
    per_100ms = collections.Counter(int(t * 10) for t in first)
    assert all(o.ok for o in outcomes)
    assert max(first) <= 1.0
    assert max(per_100ms.values()) < 500  # about 200 each tenth of a second, not 2,000 at once


class PooledClient(ScriptedClient):
    """A scripted client with a connection pool of *pool*, that counts requests in flight."""

    def __init__(self, pool: int, latency: float) -> None:
        super().__init__([described("CREATE_IN_PROGRESS")], latency=latency)
        self.meta = types.SimpleNamespace(config=types.SimpleNamespace(max_pool_connections=pool))
        self.in_flight = 0
        self.most_in_flight = 0

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance, counted while it is in flight."""
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await super().describe_instance(**params)
        finally:
            self.in_flight -= 1


def test_requests_in_flight_are_the_client_pool() -> None:
    """A client's connection pool bounds its requests in flight; botocore's 10 by default."""
    assert 3 == in_flight(PooledClient(3, 0.0))
    assert 10 == in_flight(ScriptedClient([described("ACTIVE")]))
    assert 10 == in_flight(types.SimpleNamespace(meta=None))


@pytest.mark.virtual_time
async def test_a_fan_out_sends_no_more_at_once_than_the_pool_holds() -> None:
    """200 waits on a client of 4 connections keep 4 requests in flight, the rest queue."""
    client = PooledClient(4, latency=0.5)
    other = PooledClient(3, latency=0.5)
    arns = [f"arn:aws:sso:::instance/ssoins-{i:016x}" for i in range(200)]
    pairs = [(client, arn) for arn in arns] + [(other, arn) for arn in arns[:30]]

    outcomes = await poller.wait_for_instances(
        pairs, timeout=20, min_delay=0.1, max_delay=0.2, rate=None, concurrency=500
    )

    assert all(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes)
    assert 4 == client.most_in_flight  # reached, and never passed
    assert 3 == other.most_in_flight  # each client its own pool
    # Queued polls still go out as fast as the pool answers: 8 a second for 20 s.
    assert client.count("DescribeInstance") >= 0.9 * 20 * 4 / 0.5
