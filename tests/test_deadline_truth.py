"""The deadline tells the truth: a wait gives up early only when no answer can arrive in time.

Every test runs in virtual time (trio's MockClock), with a client whose slow answers are
seconds long: no verdict depends on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from botocore.exceptions import ReadTimeoutError

import poller
from poller._engine._many import ending_time
from poller.simulator import Fault, Simulator, serve_in_thread
from tests.fakes import ARN, described

#: The read timeout of poller's clients (botocore raises ReadTimeoutError after it).
READ_TIMEOUT = 15.0


class SlowClient:
    """DescribeInstance whose answers take a scripted time; the last step repeats.

    A time of None hangs past the read timeout and raises ReadTimeoutError, as botocore does.
    """

    def __init__(self, *steps: tuple[float | None, dict[str, Any]]) -> None:
        self.steps = list(steps)
        self.calls: list[float] = []

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance."""
        self.calls.append(anyio.current_time())
        took, answer = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if took is None:
            await anyio.sleep(READ_TIMEOUT)
            raise ReadTimeoutError(endpoint_url="http://127.0.0.1:1/")
        await anyio.sleep(took)
        return answer


@pytest.mark.virtual_time
async def test_one_hung_answer_is_retried_when_the_budget_allows() -> None:
    """An answer that never came (a 15 s read timeout) is no round trip: 40 s leave room."""
    client = SlowClient((None, {}), (0.05, described("ACTIVE")))
    start = anyio.current_time()

    result = await poller.wait_for_instance(client, ARN, timeout=40)

    assert "ACTIVE" == result.instance.status
    assert 2 == result.attempts
    assert anyio.current_time() - start < 40 - 10  # retried well inside the budget


@pytest.mark.virtual_time
async def test_an_endpoint_that_never_answers_is_polled_to_the_deadline() -> None:
    """Every request times out: the wait goes on polling, and ends at its deadline."""
    client = SlowClient((None, {}))
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=120)

    assert 120 == pytest.approx(anyio.current_time() - start, abs=1e-6)
    assert client.calls[-1] - start > 120 - READ_TIMEOUT  # the last one was cut at the end
    assert "ReadTimeoutError" in str(caught.value)


@pytest.mark.virtual_time
async def test_the_margin_never_exceeds_a_quarter_of_the_budget() -> None:
    """Answers of 12 s keep at most 10 s of a 40 s budget in reserve, not 24 s."""
    client = SlowClient((12.0, described("CREATE_IN_PROGRESS")))
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError):
        await poller.wait_for_instance(client, ARN, timeout=40, min_delay=1, max_delay=1)

    # 0 → 12 answered; the next poll leaves by 40 - 10 = 30 at the latest, and is answered.
    assert len(client.calls) >= 3
    assert client.calls[1] - start <= 30


@pytest.mark.virtual_time
async def test_answered_round_trips_still_set_the_margin() -> None:
    """Answers that take 5 s: the wait stops once less than 10 s remain, before the deadline."""
    client = SlowClient((5.0, described("CREATE_IN_PROGRESS")))
    start = anyio.current_time()

    with pytest.raises(poller.WaitTimeoutError):
        await poller.wait_for_instance(client, ARN, timeout=100, min_delay=1, max_delay=1)

    last_answer = client.calls[-1] + 5.0
    assert last_answer <= start + 100  # no poll was sent that could not be answered in time
    assert anyio.current_time() - start < 100  # and it said so without waiting out the rest


# -- attempts: only requests that left -----------------------------------------------------------


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Simulator, str]]:
    """A local Identity Center over loopback, its endpoint URL, and keys for it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    sim = Simulator(time_scale=1000.0)
    with serve_in_thread(sim) as server:
        yield sim, server.endpoint_url


def _hold_before(client: Any, event: str) -> None:
    """Make every request of *client* stop at botocore's *event* until cancelled."""

    async def hold(**_: Any) -> None:
        await anyio.sleep_forever()

    client.meta.events.register(f"{event}.sso-admin", hold)


@pytest.mark.real_time
async def test_a_request_cut_before_it_left_is_no_attempt(
    endpoint: tuple[Simulator, str],
) -> None:
    """Cut while botocore still builds it: 0 attempts, and the endpoint saw nothing."""
    sim, url = endpoint
    arn = sim.create_instance("cut", create_seconds=1e9)

    async with poller.open_client(region="us-east-1", endpoint_url=url) as client:
        _hold_before(client, "request-created")
        with pytest.raises(poller.WaitTimeoutError) as caught:
            await poller.wait_for_instance(client, arn, timeout=0.2)

    assert 0 == caught.value.attempts
    assert 0 == sim.calls("DescribeInstance", arn)
    assert "0 polls" in str(caught.value)


@pytest.mark.real_time
async def test_a_request_cut_after_it_left_is_an_attempt(
    endpoint: tuple[Simulator, str],
) -> None:
    """Cut while the endpoint holds the answer: 1 attempt, as the endpoint saw."""
    sim, url = endpoint
    arn = sim.create_instance("held", create_seconds=1e9)
    sim.add_fault(Fault.slow(5.0, count=None))

    async with poller.open_client(region="us-east-1", endpoint_url=url) as client:
        with pytest.raises(poller.WaitTimeoutError) as caught:
            await poller.wait_for_instance(client, arn, timeout=0.5)

    assert 1 == caught.value.attempts


# -- what a timeout says ---------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_a_timeout_on_the_margin_says_so_and_how_much_budget_it_used() -> None:
    """Answers of 5 s: it stops early, saying what remained and what an answer takes."""
    client = SlowClient((5.0, described("CREATE_IN_PROGRESS")))

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=100, min_delay=1, max_delay=1)

    error = caught.value
    assert ("margin", 100.0, None) == (error.stopped, error.budget, error.last_error)
    assert f"of its 100.0 s waiting for instance {ARN}" in str(error)
    assert "remained, less than an answer takes lately (10.0 s" in str(error)


@pytest.mark.virtual_time
async def test_a_timeout_of_an_endpoint_that_never_answered_says_so() -> None:
    """Every request timed out: ``unanswered``, with the last error's name."""
    client = SlowClient((None, {}))

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=60)

    error = caught.value
    assert ("unanswered", "ReadTimeoutError") == (error.stopped, error.last_error)
    assert "the endpoint answered none of its" in str(error)


@pytest.mark.virtual_time
async def test_a_timeout_with_an_answer_in_flight_says_the_deadline_came() -> None:
    """Answered before, then an answer slower than what remains: cut at the deadline."""
    client = SlowClient((0.1, described("CREATE_IN_PROGRESS")), (50.0, described("ACTIVE")))

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=30, min_delay=1, max_delay=1)

    error = caught.value
    assert ("deadline", 30.0) == (error.stopped, error.budget)
    assert str(error).endswith(": the deadline came.")


# -- a fan-out returns by its deadline ---------------------------------------------------------


class EndlessRequests:
    """DescribeAccountAssignmentCreationStatus: IN_PROGRESS for ever, each answer *latency*."""

    def __init__(self, latency: float = 0.01) -> None:
        self.latency = latency
        self.polled: list[str] = []

    async def describe_account_assignment_creation_status(self, **params: Any) -> dict[str, Any]:
        """The status of one request."""
        request_id = params["AccountAssignmentCreationRequestId"]
        self.polled.append(request_id)
        await anyio.sleep(self.latency)
        status = {"Status": "IN_PROGRESS", "RequestId": request_id}
        return {"AccountAssignmentCreationStatus": status}


def _request_ids(count: int) -> list[str]:
    return [f"00000000-0000-4000-8000-{index:012d}" for index in range(count)]


@pytest.mark.virtual_time
async def test_waits_still_queued_near_the_deadline_are_given_up_unstarted() -> None:
    """At concurrency 1, the 49 queued behind the first (answered never) never start."""
    client, ids, events = EndlessRequests(latency=1e6), _request_ids(50), []
    start = anyio.current_time()

    outcomes = await poller.wait_for_requests(
        client,
        ARN,
        ids,
        kind="account-assignment-creation",
        timeout=10,
        concurrency=1,
        on_event=events.append,
    )

    assert anyio.current_time() - start <= 10
    assert {ids[0]} == set(client.polled)
    assert all(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes)
    queued = [o.error for o in outcomes[1:]]
    assert all(e is not None and e.attempts == 0 for e in queued)
    assert all("it never started: the 1 waits ahead of it" in str(e) for e in queued)
    started = {e.request_id for e in events if e.name == "wait.started"}
    ended = [e.request_id for e in events if e.name == "wait.timed_out"]
    assert {ids[0]} == started
    assert sorted(ids) == sorted(ended)


@pytest.mark.virtual_time
async def test_a_fan_out_ends_its_waits_a_moment_before_its_deadline() -> None:
    """3,000 waits: running ones end a little before the deadline, queued ones earlier still."""
    client, ids = EndlessRequests(), _request_ids(3000)
    ends: list[float] = []
    start = anyio.current_time()

    await poller.wait_for_requests(
        client,
        ARN,
        ids,
        kind="account-assignment-creation",
        timeout=60,
        rate=None,
        on_outcome=lambda outcome: ends.append(anyio.current_time() - start),
    )

    running, queued = ending_time(3000, 1000, 60.0)
    assert (0.15, 0.3) == pytest.approx((running, queued))
    assert max(ends) <= 60 - running
    assert sorted(ends[:2000]) == pytest.approx([60 - running - queued] * 2000, abs=1e-6)


def test_ending_time_grows_with_the_waits_and_stays_within_a_quarter_of_the_budget() -> None:
    """Proportional to running and queued waits; scaled down to a quarter of the budget."""
    assert (0.0, 0.0) == ending_time(0, 1000, 60.0)
    assert pytest.approx((0.015, 0.0)) == ending_time(100, 1000, 60.0)
    assert pytest.approx((0.15, 1.35)) == ending_time(10_000, 1000, 60.0)
    running, queued = ending_time(10_000, 1000, 1.0)
    assert pytest.approx(0.25) == running + queued
