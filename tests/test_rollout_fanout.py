"""wait_for_requests: thousands of request IDs on one instance, in virtual time.

A scripted client answers DescribeAccountAssignmentCreationStatus for each request ID; the
trio MockClock of the ``virtual_time`` marker makes hundreds of simulated seconds instant, so
no verdict depends on the machine's speed.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import pytest

import poller
from poller.events import Event, WaitStarted
from tests.fakes import ARN

COUNT = 2000
RATE = 20.0


class RequestsClient:
    """Answers each request's status: IN_PROGRESS until its poll number *polls*, then done."""

    def __init__(self, ids: list[str]) -> None:
        self.polls = {rid: 1 + n % 3 for n, rid in enumerate(ids)}
        self.failing = {ids[n] for n in range(7, len(ids), 100)}
        self.seen: dict[str, int] = dict.fromkeys(ids, 0)
        self.times: list[float] = []

    async def describe_account_assignment_creation_status(self, **params: Any) -> dict[str, Any]:
        """DescribeAccountAssignmentCreationStatus."""
        assert ARN == params["InstanceArn"]
        request_id = params["AccountAssignmentCreationRequestId"]
        self.times.append(anyio.current_time())
        self.seen[request_id] += 1
        status = "IN_PROGRESS"
        if self.seen[request_id] >= self.polls[request_id]:
            status = "FAILED" if request_id in self.failing else "SUCCEEDED"
        answer: dict[str, Any] = {"Status": status, "RequestId": request_id}
        if status == "FAILED":
            answer["FailureReason"] = "Account is suspended."
        return {"AccountAssignmentCreationStatus": answer}


def request_ids(count: int) -> list[str]:
    """*count* distinct lowercase UUIDs, in no particular order."""
    return [str(uuid.UUID(int=(n * 2654435761) % 2**128 | 1 << 100)) for n in range(count)]


@pytest.mark.virtual_time
async def test_thousands_keep_input_order_and_the_rate() -> None:
    """Every outcome in input order; no second of requests exceeds the client's rate."""
    ids = request_ids(COUNT)
    client = RequestsClient(ids)
    started: list[str] = []

    def hook(event: Event) -> None:
        if isinstance(event, WaitStarted):
            assert event.request_id is not None
            started.append(event.request_id)

    outcomes = await poller.wait_for_requests(
        client,
        ARN,
        ids,
        kind=poller.RequestKind.ACCOUNT_ASSIGNMENT_CREATION,
        timeout=3600,
        rate=RATE,
        burst=RATE,
        on_event=hook,
    )

    assert ids == [o.request_id for o in outcomes]
    assert all(o.instance_arn == ARN for o in outcomes)
    assert [rid not in client.failing for rid in ids] == [o.ok for o in outcomes]
    failed = [o.error for o in outcomes if o.error is not None]
    assert all(isinstance(e, poller.AccountAssignmentFailedError) for e in failed)
    assert all(e.reason == "Account is suspended." for e in failed)
    assert [client.polls[rid] for rid in ids if rid not in client.failing] == [
        o.result.attempts for o in outcomes if o.result is not None
    ]
    assert sorted(ids) == sorted(started)
    times = client.times
    assert sum(client.polls.values()) == len(times)
    window = 0
    for end, at in enumerate(times):
        while times[window] <= at - 1.0:
            window += 1
        assert end - window + 1 <= RATE + RATE + 1, f"{end - window + 1} requests in 1 s"


@pytest.mark.virtual_time
async def test_one_deadline_and_concurrency() -> None:
    """Requests that never finish all time out by the one deadline; concurrency bounds them."""
    ids = request_ids(50)
    client = RequestsClient(ids)
    client.polls = dict.fromkeys(ids, 10**9)
    start = anyio.current_time()

    outcomes = await poller.wait_for_requests(
        client, ARN, ids, kind="account-assignment-creation", timeout=60, concurrency=10
    )

    assert anyio.current_time() - start <= 60
    assert all(isinstance(o.error, poller.WaitTimeoutError) for o in outcomes)
    assert ids == [o.request_id for o in outcomes]


@pytest.mark.virtual_time
async def test_bad_calls_are_refused_before_any_request() -> None:
    """A bad request ID, a repeated one, or an unknown kind: refused with nothing sent."""
    ids = request_ids(3)
    client = RequestsClient(ids)

    with pytest.raises(poller.InvalidArgumentError):
        await poller.wait_for_requests(
            client, ARN, [*ids, "nope"], kind="account-assignment-creation"
        )
    with pytest.raises(ValueError, match="twice"):
        await poller.wait_for_requests(
            client, ARN, [*ids, ids[0]], kind="account-assignment-creation"
        )
    with pytest.raises(ValueError, match="unknown request kind"):
        await poller.wait_for_requests(client, ARN, ids, kind="assignments")

    assert [] == client.times
