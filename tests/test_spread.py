"""Many waits started together spread their first polls; a few start at once."""

from __future__ import annotations

import collections

import anyio
import pytest

import poller
from poller._engine._many import first_poll_spread
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
