"""The request rate per account: the token bucket, and the limiter in virtual time.

The bucket's arithmetic is pure; the limiter runs on trio's MockClock, alone and under the
waiter.
"""

from __future__ import annotations

import collections
import itertools
import math
from typing import Any

import anyio
import pytest

import poller
from poller import RateLimiter, wait_for_instances
from poller._ratelimit import TokenBucket
from tests.fakes import ARN, ScriptedClient, client_error, described


def arns(count: int) -> list[str]:
    """*count* distinct, valid instance ARNs."""
    return [f"arn:aws:sso:::instance/ssoins-{n:016x}" for n in range(count)]


# -- the bucket, pure ------------------------------------------------------------------------


def test_bucket_starts_full_then_paces_at_the_rate() -> None:
    """A burst leaves at once; after it, one token every 1/rate seconds."""
    bucket = TokenBucket(rate=4, burst=3)

    assert [0.0, 0.0, 0.0] == [bucket.try_take(0.0) for _ in range(3)]
    assert 0.25 == bucket.try_take(0.0)
    assert 0.0 == bucket.try_take(0.25)
    assert 0.25 == pytest.approx(bucket.try_take(0.25))


def test_bucket_never_holds_more_than_the_burst() -> None:
    """A long quiet spell refills the bucket to *burst*, no further."""
    bucket = TokenBucket(rate=10, burst=2)
    bucket.try_take(0.0)
    bucket.try_take(0.0)

    taken = [bucket.try_take(1000.0) for _ in range(3)]

    assert [0.0, 0.0, 0.1] == pytest.approx(taken)


def test_throttling_halves_the_rate_and_empties_the_bucket() -> None:
    """One throttled answer: half the rate, and no token left to burst with."""
    bucket = TokenBucket(rate=10, burst=10)

    assert bucket.throttled(1.0, sent_at=0.9)

    assert 5.0 == bucket.rate
    assert 0.2 == pytest.approx(bucket.try_take(1.0))


def test_throttled_answers_to_earlier_requests_halve_once() -> None:
    """Twenty requests throttled together halve the rate once, not twenty times."""
    bucket = TokenBucket(rate=16, burst=16)

    halved = [bucket.throttled(1.0, sent_at=0.5) for _ in range(20)]

    assert [True] + [False] * 19 == halved
    assert 8.0 == bucket.rate
    assert bucket.throttled(2.0, sent_at=1.5)  # a request sent after the halving counts
    assert 4.8 == pytest.approx(bucket.rate)  # half of 8 recovered for 1 s by 1.6/s


def test_rate_never_halves_below_its_floor() -> None:
    """Endless throttling leaves the rate at min_rate."""
    bucket = TokenBucket(rate=10, burst=1, min_rate=1, recovery=0.001)

    for second in range(20):
        bucket.throttled(float(second))

    assert 1.0 == pytest.approx(bucket.rate, rel=1e-2)


def test_rate_recovers_linearly_up_to_its_ceiling() -> None:
    """After a halving the rate climbs by *recovery* per second, and stops at *rate*."""
    bucket = TokenBucket(rate=10, burst=10, recovery=1)
    bucket.throttled(0.0)

    bucket.try_take(2.0)
    assert 7.0 == pytest.approx(bucket.rate)
    bucket.try_take(100.0)
    assert 10.0 == bucket.rate


def test_tokens_accrue_with_the_recovering_rate() -> None:
    """While the rate climbs from 5 to 7 over 2 s, 12 tokens accrue (the trapezoid)."""
    bucket = TokenBucket(rate=10, burst=100, recovery=1)
    bucket.throttled(0.0)  # tokens 0, rate 5

    bucket.try_take(2.0)

    assert 11.0 == pytest.approx(bucket.tokens)


def test_default_recovery_restores_a_halved_rate_in_five_seconds() -> None:
    """The recovery rate defaults to a tenth of the rate: 5 s from half to whole."""
    bucket = TokenBucket(rate=10, burst=10)
    bucket.throttled(0.0)

    bucket.try_take(4.9)
    assert bucket.rate < 10
    bucket.try_take(5.0)
    assert 10.0 == bucket.rate


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"rate": 0}, ValueError),
        ({"rate": -1}, ValueError),
        ({"rate": math.inf}, ValueError),
        ({"rate": True}, TypeError),
        ({"rate": "10"}, TypeError),
        ({"burst": 0.5}, ValueError),
        ({"min_rate": 0}, ValueError),
        ({"recovery": -1}, ValueError),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, Any], error: type[Exception]) -> None:
    """Rates and sizes must be positive finite numbers; a burst holds at least one token."""
    with pytest.raises(error):
        TokenBucket(**settings)


# -- the limiter, in virtual time ------------------------------------------------------------


@pytest.mark.virtual_time
async def test_limiter_spaces_requests_at_the_rate() -> None:
    """Twenty acquirers at 10/s with a burst of 5: 5 at once, then one every 100 ms."""
    limiter = RateLimiter(rate=10, burst=5)
    times: list[float] = []
    start = anyio.current_time()

    async def one() -> None:
        await limiter.acquire()
        times.append(anyio.current_time() - start)

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(one)

    assert [0.0] * 5 == times[:5]
    gaps = [b - a for a, b in itertools.pairwise(times[4:])]
    assert [pytest.approx(0.1)] * 15 == gaps


@pytest.mark.virtual_time
async def test_a_cancelled_acquirer_leaves_the_queue() -> None:
    """An acquirer cancelled while queued takes no token and blocks nobody."""
    limiter = RateLimiter(rate=1, burst=1)
    await limiter.acquire()  # the bucket is now empty
    with anyio.move_on_after(0.5):
        await limiter.acquire()
    start = anyio.current_time()

    await limiter.acquire()

    assert 0.5 == pytest.approx(anyio.current_time() - start)


@pytest.mark.virtual_time
async def test_waiter_asks_the_limiter_before_each_request() -> None:
    """A wait with a limiter of 1 request/s polls once a second even with no delay."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")] * 4 + [described("ACTIVE")])
    limiter = RateLimiter(rate=1, burst=1)

    await poller.wait_for_instance(
        client, ARN, timeout=60, min_delay=0, max_delay=0.001, limiter=limiter
    )

    times = [at for _, at in client.calls]
    assert [pytest.approx(1.0, abs=0.01)] * 4 == [b - a for a, b in itertools.pairwise(times)]


@pytest.mark.virtual_time
async def test_throttled_waiter_halves_its_limiter() -> None:
    """A ThrottlingException answer is reported to the limiter, which halves its rate."""
    client = ScriptedClient([client_error("ThrottlingException"), described("ACTIVE")])
    limiter = RateLimiter(rate=8, burst=8, recovery=0.001)

    await poller.wait_for_instance(
        client, ARN, timeout=60, min_delay=0, max_delay=0.001, limiter=limiter
    )

    assert 4.0 == pytest.approx(limiter.rate, rel=1e-3)


@pytest.mark.virtual_time
async def test_a_thousand_waiters_on_one_account_keep_to_its_rate() -> None:
    """1,000 instances polled with no delay through one client never exceed 10 requests/s."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")] * 3000 + [described("ACTIVE")])
    pairs = [(client, arn) for arn in arns(1000)]

    await wait_for_instances(pairs, timeout=3600, min_delay=0, max_delay=0.001)

    times = [at for _, at in client.calls]
    per_second = collections.Counter(int(t - times[0]) for t in times)
    assert 3001 <= len(times)
    assert 20 >= per_second.pop(0)  # the burst of 10, and the first second's 10
    assert 10 >= max(per_second.values())
