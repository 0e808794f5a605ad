"""The loop in time: deadlines, pacing, transient errors, cancellation and watching.

Run on trio's MockClock (virtual time, exact and instant) with a scripted client, since these
tests are about the loop's arithmetic, not about HTTP; the end-to-end tests repeat the
important ones over real HTTP.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from contextlib import aclosing
from typing import Any

import anyio
import pytest
import sniffio
import trio
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from trio.testing import MockClock

import poller
from poller.events import Event, PollRetrying, WaitCancelled, WaitStarted, WaitTimedOut
from tests.fakes import ARN, OTHER_ARN, ScriptedClient, client_error, described


@pytest.mark.virtual_time
async def test_virtual_time_runs_on_a_fresh_mock_clock() -> None:
    """A test marked virtual_time runs on trio, on a MockClock of its own that starts at 0."""
    assert isinstance(trio.lowlevel.current_clock(), MockClock)
    assert 0 == anyio.current_time()


async def test_other_async_tests_run_on_asyncio() -> None:
    """An async test without the marker runs on asyncio, in real time."""
    assert "asyncio" == sniffio.current_async_library()


@pytest.mark.virtual_time
async def test_timeout_sends_no_request_that_outlives_the_deadline() -> None:
    """Polling a stuck instance ends at the deadline, every answer arriving before it."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")], latency=0.5)
    events: list[Event] = []
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=60, on_event=events.append)

    error = caught.value
    sent = [at - start for _, at in client.calls]
    assert all(at + 0.5 <= 60 for at in sent)
    assert sent[-1] >= 60 - 2 * 0.5  # the last poll leaves two round trips before the deadline
    assert error.elapsed <= 60
    assert len(sent) == error.attempts
    assert error.last is not None
    assert "CREATE_IN_PROGRESS" == error.last.status
    assert isinstance(error, TimeoutError)
    assert isinstance(events[-1], WaitTimedOut)
    for part in (ARN, "CREATE_IN_PROGRESS", "active", "Timed out"):
        assert part in str(error)


class _SlowFirst(ScriptedClient):
    """The first answer takes 5 s, every later one 0.5 s."""

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance."""
        self.latency = 0.5 if self.calls else 5.0
        return await super().describe_instance(**params)


@pytest.mark.virtual_time
async def test_one_slow_answer_long_ago_does_not_end_the_wait_early() -> None:
    """One slow answer at the start does not make the last poll leave ten seconds early.

    Near the deadline the margin is twice a high percentile of recent round trips.
    """
    client = _SlowFirst([described("CREATE_IN_PROGRESS")])
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError):
        await poller.wait_for_instance(client, ARN, timeout=60, min_delay=1, max_delay=2)

    sent = [at - start for _, at in client.calls]
    assert len(sent) > 16  # the slow answer has left the window of recent round trips
    assert sent[-1] >= 60 - 2 * 0.5 - 1e-9


async def _waited(client: Any, *, watch: bool, **settings: Any) -> None:
    """wait_for_instance (finish()'s one scope), or watch_instance (a scope per request)."""
    if watch:
        async for _ in poller.watch_instance(client, ARN, timeout=10, **settings):
            pass
    else:
        await poller.wait_for_instance(client, ARN, timeout=10, **settings)


@pytest.mark.virtual_time
async def test_a_looks_request_is_cut_at_the_deadline() -> None:
    """One look (the sensor's poke, ``poller check``) gives up at its timeout."""
    client = ScriptedClient([described("ACTIVE")], latency=100)
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError):
        await poller.look(client, "instance", ARN, timeout=10)

    assert 10 == anyio.current_time() - start


class _SlowListing(ScriptedClient):
    """DescribeInstance answers at once; ListInstances takes 100 s."""

    async def list_instances(self, **params: Any) -> dict[str, Any]:
        """ListInstances."""
        self.latency = 100
        return await super().list_instances(**params)


@pytest.mark.virtual_time
@pytest.mark.parametrize("watch", [False, True])
async def test_a_listing_is_cut_at_the_deadline(watch: bool) -> None:
    """A ListInstances slower than the rest of the wait ends it at the deadline.

    An AccessDenied is resolved by listing; the timeout names the denial.
    """
    client = _SlowListing(
        [client_error("AccessDeniedException", "User is not authorized")],
        listing=[{"Instances": []}],
    )
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await _waited(client, watch=watch)

    assert 10 == anyio.current_time() - start
    assert ["DescribeInstance", "ListInstances"] == [name for name, _ in client.calls]
    assert "AccessDeniedException" in str(caught.value)


@pytest.mark.virtual_time
async def test_last_poll_is_judged() -> None:
    """A state reached just before the deadline is seen by the last poll: success."""

    def answer() -> dict[str, Any]:
        late = anyio.current_time() >= 59
        return described("ACTIVE" if late else "CREATE_IN_PROGRESS")

    client = ScriptedClient([answer], latency=0.5)

    result = await poller.wait_for_instance(client, ARN, timeout=60, max_delay=30)

    assert "ACTIVE" == result.instance.status
    assert result.elapsed <= 60


@pytest.mark.virtual_time
@pytest.mark.parametrize("watch", [False, True])
async def test_in_flight_request_is_cut_at_the_deadline(watch: bool) -> None:
    """A request slower than the whole timeout is cancelled at the deadline.

    Under finish() one scope guards the wait; a watcher's request has a scope of its own.
    """
    client = ScriptedClient([described("ACTIVE")], latency=100)
    events: list[Event] = []
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await _waited(client, watch=watch, on_event=events.append)

    took = anyio.current_time() - start
    error = caught.value
    assert 10 == took
    assert (error.attempts, error.last) == (1, None)
    assert isinstance(events[-1], WaitTimedOut)


@pytest.mark.virtual_time
async def test_throttling_doubles_the_next_delay() -> None:
    """With a fixed 2 s schedule, a throttled poll is followed by a 4 s pause."""
    client = ScriptedClient(
        [described("CREATE_IN_PROGRESS"), client_error("ThrottlingException"), described("ACTIVE")]
    )
    events: list[Event] = []

    await poller.wait_for_instance(client, ARN, min_delay=2, max_delay=2, on_event=events.append)

    times = [at for _, at in client.calls]
    assert [2, 4] == [b - a for a, b in itertools.pairwise(times)]
    retrying = [e for e in events if isinstance(e, PollRetrying)]
    assert [4] == [e.delay for e in retrying]


class _Unyielding:
    """A client whose answers never suspend: CREATE_IN_PROGRESS until call *settle*, then ACTIVE.

    With *settle* None it never settles.
    """

    def __init__(self, settle: int | None) -> None:
        self.settle = settle
        self.calls = 0

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance, answered at once."""
        self.calls += 1
        settled = self.settle is not None and self.calls >= self.settle
        return described("ACTIVE" if settled else "CREATE_IN_PROGRESS")


def _recording_sleep(slept: list[float]) -> Any:
    def loop_sleep() -> Any:
        async def sleep(delay: float) -> None:
            slept.append(delay)
            await asyncio.sleep(delay)

        return sleep

    return loop_sleep


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_pause_too_short_to_time_is_no_pause_but_every_eighth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under a microsecond the loop goes straight on, but every eighth pause is a sleep(0).

    The request just answered went through the event loop already.
    """
    slept: list[float] = []
    monkeypatch.setattr("poller._engine._wait.loop_sleep", _recording_sleep(slept))

    result = await poller.wait_for_instance(_Unyielding(20), ARN, min_delay=0, max_delay=1e-9)

    assert 20 == result.attempts
    assert [0, 0] == slept  # after the 8th and the 16th of 19 pauses


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_pause_that_can_be_timed_is_slept(monkeypatch: pytest.MonkeyPatch) -> None:
    """From a microsecond up, every pause is a sleep of the drawn delay."""
    slept: list[float] = []
    monkeypatch.setattr("poller._engine._wait.loop_sleep", _recording_sleep(slept))
    client = ScriptedClient([described("CREATE_IN_PROGRESS")] * 5 + [described("ACTIVE")])

    result = await poller.wait_for_instance(client, ARN, min_delay=1e-5, max_delay=1e-3)

    assert 6 == result.attempts
    assert 5 == len(slept)
    assert all(1e-5 <= delay <= 1e-3 for delay in slept)


async def test_a_client_that_never_yields_still_lets_others_run() -> None:
    """Zero delays on a client that never suspends: other tasks run every eighth poll."""
    client = _Unyielding(200)
    seen_at: list[int] = []

    async def other() -> None:
        for _ in range(3):
            seen_at.append(client.calls)
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as group:
        group.start_soon(other)
        await poller.wait_for_instance(client, ARN, min_delay=0, max_delay=1e-9)

    assert 3 == len(seen_at)
    gaps = [b - a for a, b in itertools.pairwise([0, *seen_at])]
    assert all(0 < gap <= 8 for gap in gaps), seen_at


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.real_time
async def test_a_client_that_never_yields_can_be_cancelled() -> None:
    """A zero-delay wait on a client that never suspends can be cancelled (no timeout)."""
    client = _Unyielding(None)
    events: list[Event] = []

    with anyio.move_on_after(0.05) as scope:
        await poller.wait_for_instance(
            client, ARN, timeout=5, min_delay=0, max_delay=1e-9, on_event=events.append
        )

    assert scope.cancelled_caught
    assert client.calls > 1
    assert isinstance(events[-1], WaitCancelled)
    assert not any(isinstance(event, WaitTimedOut) for event in events)


@pytest.mark.virtual_time
async def test_transient_errors_count_against_the_deadline_only() -> None:
    """Endless throttling times out at the deadline; no attempt cap ends it sooner."""
    client = ScriptedClient([client_error("ThrottlingException", reason="KMS_ThrottlingException")])

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=600, min_delay=1, max_delay=1)

    error = caught.value
    assert error.attempts > 100
    assert error.last is None


@pytest.mark.virtual_time
@pytest.mark.parametrize(
    "failure",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
        {"message": "<html>Bad Gateway</html>"},  # what botocore makes of a body that isn't JSON
    ],
    ids=["connect", "read-timeout", "closed", "garbled"],
)
async def test_transport_errors_are_retried(failure: Any) -> None:
    """Connection and read errors, and garbled answers, are retried with poll.retrying."""
    client = ScriptedClient([failure, described("ACTIVE")])
    events: list[Event] = []

    result = await poller.wait_for_instance(client, ARN, on_event=events.append)

    retrying = [e for e in events if isinstance(e, PollRetrying)]
    expected = "MalformedResponse" if isinstance(failure, dict) else type(failure).__name__
    assert [expected] == [e.error_code for e in retrying]
    assert 2 == result.attempts
    assert ["ACTIVE"] == [s.status for s in result.history]


@pytest.mark.virtual_time
@pytest.mark.parametrize("latency", [0.0, 50.0], ids=["sleeping", "in-flight"])
async def test_cancellation_is_prompt_and_reraised(latency: float) -> None:
    """Cancelled while sleeping or mid-request: ends at once, emits wait.cancelled, re-raises."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")], latency=latency)
    events: list[Event] = []
    reraised: list[bool] = []
    start = anyio.current_time()

    with anyio.CancelScope() as scope:

        async def cancel_soon() -> None:
            await anyio.sleep(5)
            scope.cancel()

        async with anyio.create_task_group() as group:
            group.start_soon(cancel_soon)
            try:
                await poller.wait_for_instance(
                    client, ARN, min_delay=30, max_delay=30, on_event=events.append
                )
            except anyio.get_cancelled_exc_class():
                reraised.append(True)
                raise

    took = anyio.current_time() - start
    assert 5 == took
    assert [True] == reraised
    assert isinstance(events[0], WaitStarted)
    assert isinstance(events[-1], WaitCancelled)
    assert 1 == sum(isinstance(e, WaitCancelled) for e in events)


@pytest.mark.real_time
async def test_cancellation_on_asyncio() -> None:
    """On asyncio too, a cancelled wait emits wait.cancelled and polls no more."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])
    events: list[Event] = []

    with anyio.move_on_after(0.05) as scope:
        await poller.wait_for_instance(
            client, ARN, min_delay=30, max_delay=30, on_event=events.append
        )

    assert scope.cancelled_caught
    assert isinstance(events[-1], WaitCancelled)
    assert 1 == len(client.calls)


@pytest.mark.virtual_time
async def test_watch_yields_each_distinct_state() -> None:
    """watch_instance yields the first state and each change, and ends after the target."""
    client = ScriptedClient(
        [
            described("CREATE_IN_PROGRESS"),
            described("CREATE_IN_PROGRESS"),
            described("ACTIVE", "UPDATING"),
            described("ACTIVE", "UPDATING"),
            described("ACTIVE", "ENABLED"),
        ]
    )
    seen: list[tuple[str | None, str | None]] = []

    async for state in poller.watch_instance(client, ARN, until="encryption-enabled"):
        seen.append((state.status, state.encryption_status))

    assert [
        ("CREATE_IN_PROGRESS", None),
        ("ACTIVE", "UPDATING"),
        ("ACTIVE", "ENABLED"),
    ] == seen
    assert 5 == len(client.calls)


@pytest.mark.virtual_time
async def test_watch_raises_failures() -> None:
    """watch_instance raises the same errors as wait_for_instance."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS"), described("CREATE_FAILED")])

    seen: list[str | None] = []

    async def read_all() -> None:
        async for state in poller.watch_instance(client, ARN):
            seen.append(state.status)

    with pytest.raises(poller.InstanceCreateFailedError):
        await read_all()

    assert ["CREATE_IN_PROGRESS", "CREATE_FAILED"] == seen


@pytest.mark.virtual_time
async def test_watch_stopped_early_is_cancelled() -> None:
    """A watcher that stops reading ends the wait with wait.cancelled and no more polls."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])
    events: list[Event] = []

    watch = poller.watch_instance(client, ARN, on_event=events.append)
    async with aclosing(watch) as states:
        async for _ in states:
            break

    assert isinstance(events[-1], WaitCancelled)
    assert 1 == len(client.calls)


def test_watch_checks_arguments_at_call() -> None:
    """watch_instance refuses bad arguments when called, before it is iterated."""
    with pytest.raises(poller.InvalidInstanceArnError):
        poller.watch_instance(ScriptedClient([]), "arn:aws:sso:::instance/nope")


@pytest.mark.virtual_time
async def test_last_poll_is_judged_with_instant_answers() -> None:
    """Even with no measured round trip, the last poll leaves before the deadline."""

    def answer() -> dict[str, Any]:
        return described("ACTIVE" if anyio.current_time() >= 59.5 else "CREATE_IN_PROGRESS")

    client = ScriptedClient([answer])

    result = await poller.wait_for_instance(client, ARN, timeout=60, min_delay=10, max_delay=10)

    assert "ACTIVE" == result.instance.status


@pytest.mark.virtual_time
async def test_botocore_errors_are_api_errors() -> None:
    """No credentials (botocore's own error, no HTTP answer) ends the wait with ApiError."""
    client = ScriptedClient([NoCredentialsError()])
    events: list[Event] = []

    with pytest.raises(poller.ApiError) as caught:
        await poller.wait_for_instance(client, ARN, on_event=events.append)

    assert "NoCredentialsError" == caught.value.code
    assert 0 == caught.value.attempts  # botocore refused it before it left: never sent
    assert "botocore said: Unable to locate credentials" in str(caught.value)
    assert ["wait.started", "wait.failed"] == [e.name for e in events if e.name.startswith("wait")]


@pytest.mark.virtual_time
async def test_watcher_stopping_at_the_target_sees_success() -> None:
    """A watcher that breaks on ACTIVE has seen a finished wait: wait.succeeded, not cancelled."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS"), described("ACTIVE")])
    events: list[Event] = []

    async with aclosing(poller.watch_instance(client, ARN, on_event=events.append)) as states:
        async for state in states:
            if state.status == "ACTIVE":
                break

    assert ["wait.started", "wait.succeeded"] == [
        e.name for e in events if e.name.startswith("wait.")
    ]


@pytest.mark.virtual_time
async def test_watcher_stopping_at_a_failure_sees_it_logged() -> None:
    """A watcher that breaks on CREATE_FAILED leaves wait.failed behind, not wait.cancelled."""
    client = ScriptedClient([described("CREATE_FAILED", reason="Quota")])
    events: list[Event] = []

    async with aclosing(poller.watch_instance(client, ARN, on_event=events.append)) as states:
        async for _ in states:
            break

    assert ["wait.started", "wait.failed"] == [e.name for e in events if e.name.startswith("wait.")]


@pytest.mark.virtual_time
async def test_a_failing_hook_cannot_swallow_cancellation() -> None:
    """A hook that raises on wait.cancelled does not replace the cancellation."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])

    def hook(event: Event) -> None:
        if event.name == "wait.cancelled":
            raise RuntimeError("hook bug")

    with anyio.move_on_after(5) as scope:
        await poller.wait_for_instance(client, ARN, min_delay=30, max_delay=30, on_event=hook)

    assert scope.cancelled_caught


@pytest.mark.virtual_time
async def test_waits_sharing_a_limiter_are_paced_together() -> None:
    """Two waits on one RateLimiter(1/s) never send two polls within a second."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")] * 5 + [described("ACTIVE")])
    limiter = poller.RateLimiter(rate=1, burst=1)

    async with anyio.create_task_group() as group:
        for arn in (ARN, OTHER_ARN):
            group.start_soon(
                functools.partial(
                    poller.wait_for_instance,
                    client,
                    arn,
                    min_delay=0,
                    max_delay=0.001,
                    limiter=limiter,
                )
            )

    times = [at for _, at in client.calls]
    assert all(b - a >= 1 for a, b in itertools.pairwise(times))
