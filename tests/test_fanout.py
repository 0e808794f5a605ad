"""Many instances at once: order, one deadline, failures apart or fail-fast, concurrency.

In virtual time with scripted clients, then over real HTTP with clients from ``open_clients``.
"""

from __future__ import annotations

import collections
from typing import Any

import anyio
import pytest

import poller
from poller import open_clients, wait_for_instances
from poller._ratelimit import RateLimiter
from poller.events import Event, WaitCancelled, WaitStarted, WaitSucceeded, WaitTimedOut
from poller.testing import local_identity_center
from tests.fakes import ScriptedClient, described

FAST: dict[str, Any] = {"timeout": 600, "min_delay": 1, "max_delay": 1}


def arns(count: int) -> list[str]:
    """*count* distinct, valid instance ARNs."""
    return [f"arn:aws:sso:::instance/ssoins-{n:016x}" for n in range(count)]


def active_after(polls: int, arn: str) -> ScriptedClient:
    """A client whose instance *arn* is ACTIVE from poll number *polls*."""
    return ScriptedClient(
        [described("CREATE_IN_PROGRESS", arn=arn)] * (polls - 1) + [described("ACTIVE", arn=arn)]
    )


@pytest.mark.virtual_time
async def test_outcomes_come_back_in_input_order() -> None:
    """The slowest instance first in, first out, each outcome with its own result."""
    names = arns(3)
    pairs = [(active_after(polls, arn), arn) for polls, arn in zip((5, 1, 3), names, strict=True)]

    outcomes = await wait_for_instances(pairs, **FAST)

    assert names == [o.instance_arn for o in outcomes]
    assert [5, 1, 3] == [o.result.attempts for o in outcomes if o.result]
    assert all(o.ok and o.error is None for o in outcomes)


@pytest.mark.virtual_time
async def test_one_failure_does_not_cancel_the_others() -> None:
    """A failed instance is reported as such; the others still reach the target."""
    names = arns(3)
    failing = ScriptedClient([described("CREATE_FAILED", reason="limit", arn=names[1])])
    pairs = [(active_after(4, names[0]), names[0]), (failing, names[1])]
    pairs.append((active_after(6, names[2]), names[2]))

    outcomes = await wait_for_instances(pairs, **FAST)

    assert [True, False, True] == [o.ok for o in outcomes]
    assert isinstance(outcomes[1].error, poller.InstanceCreateFailedError)
    assert "limit" == outcomes[1].error.reason
    assert outcomes[1].result is None


@pytest.mark.virtual_time
async def test_fail_fast_cancels_the_rest_and_raises_the_first_failure() -> None:
    """With fail_fast, the first failure cancels the others (wait.cancelled) and is raised."""
    names = arns(3)
    stuck = [described("CREATE_IN_PROGRESS", arn=a) for a in names]
    failing = ScriptedClient([stuck[1]] * 2 + [described("CREATE_FAILED", arn=names[1])])
    pairs = [(ScriptedClient([stuck[0]]), names[0]), (failing, names[1])]
    pairs.append((ScriptedClient([stuck[2]]), names[2]))
    events: list[Event] = []
    start = anyio.current_time()

    with pytest.raises(poller.InstanceCreateFailedError) as caught:
        await wait_for_instances(pairs, fail_fast=True, on_event=events.append, **FAST)

    took = anyio.current_time() - start
    assert names[1] == caught.value.instance_arn
    assert took < 5
    cancelled = [e.instance_arn for e in events if isinstance(e, WaitCancelled)]
    assert sorted([names[0], names[2]]) == sorted(cancelled)


@pytest.mark.virtual_time
async def test_every_wait_ends_by_the_one_deadline() -> None:
    """Instances queued behind the concurrency bound share the deadline set at the call."""
    names = arns(4)
    pairs = [(ScriptedClient([described("CREATE_IN_PROGRESS", arn=a)]), a) for a in names]
    pairs[0] = (active_after(30, names[0]), names[0])  # holds its slot for 29 s
    events: list[Event] = []
    start = anyio.current_time()

    outcomes = await wait_for_instances(
        pairs, timeout=40, min_delay=1, max_delay=1, concurrency=1, on_event=events.append
    )

    took = anyio.current_time() - start
    assert took <= 40
    assert [True, False, False, False] == [o.ok for o in outcomes]
    assert all(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes[1:])
    timed_out = [e.instance_arn for e in events if isinstance(e, WaitTimedOut)]
    assert names[1:] == timed_out


@pytest.mark.virtual_time
async def test_concurrency_bounds_the_waits_in_progress() -> None:
    """With concurrency 2, no more than two waits are between started and ended at once."""
    names = arns(6)
    pairs = [(active_after(3, a), a) for a in names]
    running: collections.Counter[str] = collections.Counter()
    peak = 0

    def track(event: Event) -> None:
        nonlocal peak
        if isinstance(event, WaitStarted):
            running[event.instance_arn] += 1
        elif isinstance(event, WaitSucceeded):
            del running[event.instance_arn]
        peak = max(peak, len(running))

    outcomes = await wait_for_instances(pairs, concurrency=2, on_event=track, **FAST)

    assert 2 == peak
    assert all(o.ok for o in outcomes)


@pytest.mark.virtual_time
async def test_cancellation_from_outside_cancels_every_wait() -> None:
    """Cancelling the caller cancels all waits, each emitting wait.cancelled, and re-raises."""
    names = arns(3)
    pairs = [(ScriptedClient([described("CREATE_IN_PROGRESS", arn=a)]), a) for a in names]
    events: list[Event] = []

    with anyio.move_on_after(10) as scope:
        await wait_for_instances(pairs, on_event=events.append, **FAST)

    assert scope.cancelled_caught
    assert names == sorted(e.instance_arn for e in events if isinstance(e, WaitCancelled))


@pytest.mark.virtual_time
async def test_each_client_gets_its_own_rate_and_a_shared_limiter_is_shared() -> None:
    """At 1 request/s per client, two clients poll twice as fast as one shared limiter."""
    names = arns(2)

    async def run(limiter: RateLimiter | None) -> int:
        clients = [ScriptedClient([described("CREATE_IN_PROGRESS", arn=a)]) for a in names]
        with anyio.move_on_after(10.5):
            await wait_for_instances(
                zip(clients, names, strict=True),
                min_delay=0,
                max_delay=0.001,
                rate=1,
                burst=1,
                limiter=limiter,
            )
        return sum(len(c.calls) for c in clients)

    assert 22 == await run(None)
    assert 11 == await run(RateLimiter(rate=1, burst=1))


@pytest.mark.virtual_time
@pytest.mark.parametrize(
    ("pairs", "settings", "error"),
    [
        ([(object(), "arn:aws:sso:::instance/bad")], {}, poller.InvalidInstanceArnError),
        ([], {"concurrency": 0}, ValueError),
        ([], {"concurrency": 2.5}, ValueError),
        ([], {"rate": 0}, ValueError),
        ([], {"burst": 0}, ValueError),
        ([], {"timeout": "soon"}, TypeError),
        ([(object(), arns(1)[0])], {"min_delay": 5, "max_delay": 1}, ValueError),
        ([(object(), arns(1)[0])], {"until": "someday"}, ValueError),
    ],
)
async def test_bad_arguments_raise_before_any_request(
    pairs: list[tuple[Any, str]], settings: dict[str, Any], error: type[Exception]
) -> None:
    """Any malformed ARN or setting is refused before the first request."""
    client = ScriptedClient([described("ACTIVE")])
    good = [(client, arn) for arn in arns(3)]

    with pytest.raises(error):
        await wait_for_instances([*good, *pairs], **settings)

    assert [] == client.calls


@pytest.mark.virtual_time
async def test_a_pair_listed_twice_is_refused() -> None:
    """The same client and ARN twice is a mistake, refused before any request."""
    client = ScriptedClient([described("ACTIVE")])
    arn = arns(1)[0]

    with pytest.raises(ValueError, match="twice"):
        await wait_for_instances([(client, arn), (client, arn)])

    assert [] == client.calls


@pytest.mark.virtual_time
async def test_no_pairs_no_outcomes() -> None:
    """An empty input returns an empty list."""
    assert [] == await wait_for_instances([])


async def test_open_clients_end_to_end() -> None:
    """Clients for several accounts from one session wait on real HTTP, then close."""
    credentials: list[dict[str, str]] = [
        {"AccessKeyId": f"AKIAACCOUNT{n:09d}", "SecretAccessKey": "s", "SessionToken": "t"}
        for n in range(3)
    ]
    credentials.append({"aws_access_key_id": "AKIAPLAIN", "aws_secret_access_key": "s"})
    async with local_identity_center(time_scale=1000.0) as center:
        names = [center.simulator.create_instance(f"i{n}", create_seconds=30) for n in range(4)]
        async with open_clients(
            credentials, region=center.region, endpoint_url=center.endpoint_url
        ) as clients:
            outcomes = await wait_for_instances(
                zip(clients, names, strict=True), timeout=20, min_delay=0.01, max_delay=0.05
            )
        keys = {c._request_signer._credentials.access_key for c in clients}

    assert all(o.ok for o in outcomes)
    assert names == [o.result.instance.instance_arn for o in outcomes if o.result]
    assert 4 == len(keys)


async def test_open_clients_refuses_incomplete_credentials() -> None:
    """Credentials without a secret are refused before any client is made."""
    with pytest.raises(ValueError, match="SecretAccessKey"):
        async with open_clients([{"AccessKeyId": "AKIA"}]):
            pass


async def test_bad_settings_are_refused_even_with_nothing_to_wait_on() -> None:
    """Settings are checked on every call, also one with no pairs."""
    with pytest.raises(ValueError, match="must not be above max_delay"):
        await poller.wait_for_instances([], min_delay=10, max_delay=1)
    with pytest.raises(ValueError, match="unknown target"):
        await poller.wait_for_instances([], until="bogus")
