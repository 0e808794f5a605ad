"""What will not heal is not retried to the deadline; what may heal still is.

An endpoint that never answers, or a server that is not AWS, ends the wait; a gateway's 5xx or
a few refused connections are retried.
"""

from __future__ import annotations

import anyio
import pytest
from botocore.exceptions import EndpointConnectionError

import poller
from poller.events import Event, PollRetrying, WaitFailed
from poller.simulator import Fault
from poller.testing import local_identity_center
from tests.fakes import ARN, ScriptedClient, client_error, described

REFUSED = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")


@pytest.mark.virtual_time
async def test_an_endpoint_that_never_answers_ends_soon() -> None:
    """Refused 3 times over 10 s, never answered: EndpointUnreachableError, not the deadline."""
    client = ScriptedClient([REFUSED])
    events: list[Event] = []
    start = anyio.current_time()

    with pytest.raises(poller.EndpointUnreachableError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=1800, on_event=events.append)

    error = caught.value
    took = anyio.current_time() - start
    assert 10 <= took < 60
    assert error.attempts >= 3
    assert "EndpointConnectionError" == error.code
    assert isinstance(error, poller.ApiError)
    assert poller.ExitCode.ERROR == error.exit_code
    assert "127.0.0.1:1" in str(error)
    assert ["EndpointUnreachableError"] == [e.error for e in events if isinstance(e, WaitFailed)]


@pytest.mark.virtual_time
async def test_garbled_answers_between_refusals_say_nothing_of_the_endpoint() -> None:
    """An answer without a Status does not count as the endpoint answering: unreachable."""
    garbled = {"message": "<html>not the service</html>"}
    client = ScriptedClient([REFUSED, garbled, REFUSED, garbled, REFUSED])

    with pytest.raises(poller.EndpointUnreachableError):
        await poller.wait_for_instance(client, ARN, timeout=1800)


@pytest.mark.virtual_time
async def test_an_endpoint_that_answered_once_is_retried_to_the_deadline() -> None:
    """Once the endpoint has answered, refusals are an outage: retried to the deadline.

    The timeout's message names the last error.
    """
    client = ScriptedClient([described("CREATE_IN_PROGRESS"), REFUSED])

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=120)

    assert caught.value.attempts > 5
    assert "last error EndpointConnectionError" in str(caught.value)
    assert "CREATE_IN_PROGRESS" in str(caught.value)


@pytest.mark.virtual_time
async def test_a_few_refusals_then_an_answer() -> None:
    """Two refused connections and then an answer: retried, and the wait succeeds."""
    client = ScriptedClient([REFUSED, REFUSED, described("ACTIVE")])
    events: list[Event] = []

    result = await poller.wait_for_instance(client, ARN, on_event=events.append)

    assert 3 == result.attempts
    assert ["EndpointConnectionError"] * 2 == [
        e.error_code for e in events if isinstance(e, PollRetrying)
    ]


@pytest.mark.virtual_time
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_gateway_errors_are_retried_whatever_their_body(status: int) -> None:
    """500, 502, 503 and 504 with an HTML body (a proxy's) are retried."""
    failure = client_error(str(status), "<html><body>Bad gateway</body></html>", status=status)
    client = ScriptedClient([failure, described("ACTIVE")])

    result = await poller.wait_for_instance(client, ARN)

    assert 2 == result.attempts


@pytest.mark.parametrize("status", [501, 404, 405])
async def test_an_answer_that_is_not_aws_fails_at_once(status: int) -> None:
    """A 501 or an HTML 4xx is no AWS error: ApiError at the first answer, no HTML quoted."""
    async with local_identity_center(time_scale=1000.0) as center:
        arn = center.simulator.create_instance("x", create_seconds=0)
        center.simulator.add_fault(Fault.http_error(status, count=None))
        async with center.client() as client:
            with pytest.raises(poller.ApiError) as caught:
                await poller.wait_for_instance(client, arn, min_delay=0, max_delay=0.01)

    error = caught.value
    assert (str(status), 1) == (error.code, error.attempts)
    assert "<" not in str(error)
    assert "AWS said" not in str(error)
    assert "not AWS" in str(error)
