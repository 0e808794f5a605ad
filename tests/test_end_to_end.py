"""Every row of the state table, end to end, over real HTTP, on every supported stack.

A real aiobotocore client from ``poller.open_client`` (SigV4, botocore's parsing and its own
retries) against the local endpoint of ``poller.simulator``, served from a thread. Each test
runs on three legs: asyncio with aiobotocore's aiohttp session, asyncio with its httpx session,
and trio with its httpx session: the leg decides ``anyio_backend``, the event loop that anyio's
pytest plugin runs the test on.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import pytest
import sniffio
from structlog.testing import capture_logs

import poller
from poller import Target
from poller._client import HttpBackend
from poller.events import (
    Event,
    InstanceStatusChanged,
    PollRetrying,
    UnknownStatusSeen,
    WaitCancelled,
)
from poller.simulator import Fault, Simulator, serve_in_thread
from tests.fakes import KMS_KEY

T = TypeVar("T")

#: Polls every 10 to 50 ms; the simulator runs 1000 simulated seconds per real second.
FAST: dict[str, Any] = {"timeout": 20, "min_delay": 0.01, "max_delay": 0.05}
ACCESS_KEY = "AKIAPOLLERTESTKEY042"
SECRET_KEY = "pollerTestSecretKeyThatMustNeverBeLogged0"
NEVER_EXISTED = "arn:aws:sso:::instance/ssoins-0000000000000000"
#: Simulated seconds longer than any test, even at time scale 1000 (11 real days).
NEVER = 1e9
LEGS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]


@dataclasses.dataclass(frozen=True)
class Leg:
    """An event loop and an HTTP backend, with the local endpoint to talk to."""

    backend: str
    http: HttpBackend
    endpoint_url: str

    async def run(self, use: Callable[[Any], Awaitable[T]]) -> T:
        """Open a client the way users do, on this leg, and run *use* with it."""
        assert self.backend == sniffio.current_async_library(), "anyio_backend follows the leg"
        async with poller.open_client(
            region="us-east-1", endpoint_url=self.endpoint_url, http=self.http
        ) as client:
            return await use(client)

    async def wait(self, arn: str, **settings: Any) -> poller.WaitResult:
        """wait_for_instance on this leg, with FAST settings unless overridden."""
        return await self.run(
            lambda client: poller.wait_for_instance(client, arn, **(FAST | settings))
        )


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Credentials from the environment, as the AWS chain finds them; no config files."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sim() -> Simulator:
    """A local Identity Center running a simulated minute in 60 ms."""
    return Simulator(time_scale=1000.0)


@pytest.fixture(params=LEGS, ids=["asyncio-aiohttp", "asyncio-httpx", "trio-httpx"])
def leg(request: pytest.FixtureRequest, sim: Simulator, aws_environment: None) -> Iterator[Leg]:
    """Each stack in turn, talking to *sim* over loopback."""
    backend, http = request.param
    with serve_in_thread(sim) as server:
        yield Leg(backend, http, server.endpoint_url)


@pytest.fixture
def anyio_backend(leg: Leg) -> str:
    """The leg's event loop runs the test (in real time: the server is real)."""
    return leg.backend


def then_advance(sim: Simulator, **state: str) -> Callable[[Event], None]:
    """An on_event hook: once a status change shows *state*, the lifecycle finishes at once.

    Lifecycles in these tests last far longer than any test, so that the state in between is
    seen however slow the machine; the hook ends it once the wait has seen it.
    """

    def hook(event: Event) -> None:
        if isinstance(event, InstanceStatusChanged) and all(
            getattr(event, key) == value for key, value in state.items()
        ):
            sim.advance(2 * NEVER)

    return hook


@pytest.mark.real_time
async def test_create_in_progress_then_active(sim: Simulator, leg: Leg) -> None:
    """CREATE_IN_PROGRESS waits; ACTIVE succeeds with the service's description."""
    arn = sim.create_instance("e2e", create_seconds=NEVER)

    async def scenario(client: Any) -> tuple[str, poller.WaitResult]:
        hook = then_advance(sim, status="CREATE_IN_PROGRESS")
        return arn, await poller.wait_for_instance(client, arn, on_event=hook, **FAST)

    arn, result = await leg.run(scenario)

    assert ["CREATE_IN_PROGRESS", "ACTIVE"] == [s.status for s in result.history]
    assert arn == result.instance.instance_arn
    assert result.instance.identity_store_id.startswith("d-")
    assert "e2e" == result.instance.name
    assert result.attempts == sim.calls("DescribeInstance", arn)


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
async def test_create_failed(sim: Simulator, leg: Leg, target: Target) -> None:
    """CREATE_FAILED raises InstanceCreateFailedError with the service's StatusReason."""
    arn = sim.create_instance("e2e", fail_reason="Organization limit reached")

    with pytest.raises(poller.InstanceCreateFailedError) as caught:
        await leg.wait(arn, until=target)

    assert "Organization limit reached" == caught.value.reason


@pytest.mark.real_time
async def test_encryption_enabled(sim: Simulator, leg: Leg) -> None:
    """ACTIVE with EncryptionStatus UPDATING waits; ENABLED succeeds."""
    arn = sim.create_instance("e2e", create_seconds=0)

    sim.update_encryption(
        arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY, update_seconds=NEVER
    )
    hook = then_advance(sim, encryption_status="UPDATING")

    result = await leg.wait(arn, until="encryption-enabled", on_event=hook)

    assert [("ACTIVE", "UPDATING"), ("ACTIVE", "ENABLED")] == [
        (s.status, s.encryption_status) for s in result.history
    ]
    assert KMS_KEY == result.instance.encryption.kms_key_arn


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
async def test_encryption_update_failed(sim: Simulator, leg: Leg, target: Target) -> None:
    """UPDATE_FAILED raises EncryptionUpdateFailedError with the EncryptionStatusReason."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.update_encryption(
        arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY, fail_reason="Key is disabled"
    )
    sim.advance(60)

    with pytest.raises(poller.EncryptionUpdateFailedError) as caught:
        await leg.wait(arn, until=target)

    assert "Key is disabled" == caught.value.reason


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
@pytest.mark.real_time
async def test_delete_in_progress_fails_living_targets(
    sim: Simulator, leg: Leg, target: Target
) -> None:
    """DELETE_IN_PROGRESS raises InstanceDeletedError when waiting for a living instance."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.delete_instance(arn, delete_seconds=NEVER)  # still DELETE_IN_PROGRESS when polled

    with pytest.raises(poller.InstanceDeletedError, match="DELETE_IN_PROGRESS"):
        await leg.wait(arn, until=target)


@pytest.mark.real_time
async def test_deleted_after_delete_in_progress(sim: Simulator, leg: Leg) -> None:
    """DELETE_IN_PROGRESS waits; the AccessDenied that follows is the deletion: success."""
    arn = sim.create_instance("e2e", create_seconds=0)

    sim.delete_instance(arn, delete_seconds=NEVER)
    hook = then_advance(sim, status="DELETE_IN_PROGRESS")

    result = await leg.wait(arn, until="deleted", on_event=hook)

    assert result.instance is None
    assert ["DELETE_IN_PROGRESS", None] == [s.status for s in result.history]
    assert 0 == sim.calls("ListInstances")


async def test_never_existed_is_deleted(sim: Simulator, leg: Leg) -> None:
    """Denied and not listed: gone, which is success for DELETED ..."""
    sim.create_instance("another")

    result = await leg.wait(NEVER_EXISTED, until="deleted")

    assert (1, 1) == (result.attempts, sim.calls("ListInstances"))


async def test_never_existed_is_an_error_for_active(sim: Simulator, leg: Leg) -> None:
    """... and ResourceNotFoundError when waiting for it to be ACTIVE (a typo, say)."""
    with pytest.raises(poller.ResourceNotFoundError, match="ListInstances does not list it"):
        await leg.wait(NEVER_EXISTED)


async def test_permission_denied_but_listed(sim: Simulator, leg: Leg) -> None:
    """A missing DescribeInstance permission on a listed instance is never a deletion."""
    arn = sim.create_instance("e2e")
    sim.add_fault(Fault.access_denied(count=None), operation="DescribeInstance", instance_arn=arn)

    with pytest.raises(poller.AccessDeniedError) as caught:
        await leg.wait(arn, until="deleted")

    assert caught.value.kms is False
    assert "sso:DescribeInstance" in str(caught.value)


async def test_permission_denied_everywhere(sim: Simulator, leg: Leg) -> None:
    """Denied DescribeInstance and ListInstances: AccessDeniedError saying it cannot tell."""
    arn = sim.create_instance("e2e")
    sim.add_fault(Fault.access_denied(count=None))

    with pytest.raises(poller.AccessDeniedError, match="cannot tell"):
        await leg.wait(arn, until="deleted")


@pytest.mark.parametrize("target", list(Target))
async def test_kms_access_denied(sim: Simulator, leg: Leg, target: Target) -> None:
    """AccessDenied with Reason KMS_AccessDeniedException is a key policy problem."""
    arn = sim.create_instance("e2e")
    sim.add_fault(Fault.access_denied(count=None, kms=True), instance_arn=arn)

    with pytest.raises(poller.AccessDeniedError) as caught:
        await leg.wait(arn, until=target)

    assert (True, "KMS_AccessDeniedException") == (caught.value.kms, caught.value.reason)


async def test_unknown_status_waits(sim: Simulator, leg: Leg) -> None:
    """A Status this version does not know is waited on, with one warning."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.set_status(arn, "MIGRATING")
    events: list[Event] = []

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, UnknownStatusSeen):
            sim.set_status(arn, None)  # the migration ends: ACTIVE again

    result = await leg.wait(arn, on_event=hook)

    assert ["MIGRATING", "ACTIVE"] == [s.status for s in result.history]
    assert 1 == sum(isinstance(e, UnknownStatusSeen) for e in events)


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault.throttling(count=4), "ThrottlingException"),
        (Fault.throttling(count=4, kms=True), "ThrottlingException"),
        (Fault.internal_error(count=4), "InternalServerException"),
        (Fault.http_error(503, count=4), "503"),
        (Fault.drop_connection(count=4), "ConnectionClosedError|HTTPClientError"),
        (Fault.malformed_body(count=2), "MalformedResponse"),
    ],
    ids=["throttling", "kms-throttling", "internal", "http-503", "dropped", "malformed"],
)
async def test_transient_faults_are_retried(
    sim: Simulator, leg: Leg, fault: Fault, code: str
) -> None:
    """Faults the service recovers from never end a wait: retried, with poll.retrying."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_fault(fault, operation="DescribeInstance")
    events: list[Event] = []

    result = await leg.wait(arn, on_event=events.append)

    retried = [e.error_code for e in events if isinstance(e, PollRetrying)]
    assert retried
    assert all(c in code.split("|") or code in c for c in retried), retried
    assert "ACTIVE" == result.instance.status


async def test_validation_exception(sim: Simulator, leg: Leg) -> None:
    """A ValidationException from the service raises InvalidInstanceArnError."""
    arn = sim.create_instance("e2e")
    sim.add_fault(Fault.validation(count=None, message="Instance ARN is invalid"))

    with pytest.raises(poller.InvalidInstanceArnError, match="Instance ARN is invalid"):
        await leg.wait(arn)


async def test_expired_credentials_are_an_api_error(sim: Simulator, leg: Leg) -> None:
    """Any other error code raises ApiError with the code and the request id."""
    arn = sim.create_instance("e2e")
    sim.add_fault(
        Fault.error("ExpiredTokenException", message="The token is expired", status=403, count=None)
    )

    with pytest.raises(poller.ApiError) as caught:
        await leg.wait(arn)

    assert "ExpiredTokenException" == caught.value.code
    assert caught.value.aws_request_id


@pytest.mark.real_time
async def test_slow_answer_is_cut_at_the_deadline(sim: Simulator, leg: Leg) -> None:
    """An answer slower than the deadline is abandoned at the deadline: WaitTimeoutError."""
    arn = sim.create_instance("e2e")
    sim.add_fault(Fault.slow(5.0, count=None))

    async def scenario(client: Any) -> poller.WaitTimeoutError:
        with anyio.fail_after(4), pytest.raises(poller.WaitTimeoutError) as caught:  # hang guard
            await poller.wait_for_instance(client, arn, timeout=0.3, min_delay=0.01, max_delay=0.05)
        return caught.value

    error = await leg.run(scenario)

    assert (1, None) == (error.attempts, error.last)


@pytest.mark.real_time
async def test_cancelled_mid_request(sim: Simulator, leg: Leg) -> None:
    """Cancelled mid-request: wait.cancelled, re-raised, and the client still works after."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_fault(Fault.slow(5.0, count=1))
    events: list[Event] = []

    async def scenario(client: Any) -> tuple[bool, poller.WaitResult]:
        with anyio.move_on_after(0.2) as scope:
            await poller.wait_for_instance(client, arn, on_event=events.append, **FAST)
        return scope.cancelled_caught, await poller.wait_for_instance(client, arn, **FAST)

    cancelled, result = await leg.run(scenario)

    assert cancelled
    assert [WaitCancelled] == [type(e) for e in events if e.name.startswith("wait.")][1:]
    assert "ACTIVE" == result.instance.status


async def test_every_request_is_an_attempt(sim: Simulator, leg: Leg) -> None:
    """No retries inside botocore: each throttle is a request, an attempt and an event."""
    arn = sim.create_instance("e2e", create_seconds=0)
    sim.add_fault(Fault.throttling(count=6), operation="DescribeInstance")
    events: list[Event] = []
    limiter = poller.RateLimiter(rate=1000, burst=1000)

    result = await leg.wait(arn, on_event=events.append, limiter=limiter)

    retried = [e for e in events if isinstance(e, PollRetrying)]
    assert 7 == sim.calls("DescribeInstance") == result.attempts
    assert ["ThrottlingException"] * 6 == [e.error_code for e in retried]
    assert [1, 2, 3, 4, 5, 6] == [e.attempt for e in retried]
    assert limiter.rate < 1000  # the limiter heard of the throttles


async def test_no_credentials_in_events(sim: Simulator, leg: Leg) -> None:
    """No event, logged or handed to on_event, carries credentials, signatures or headers."""
    arn = sim.create_instance("e2e", create_seconds=30)
    sim.add_fault(Fault.throttling(count=2))
    sim.add_fault(Fault.malformed_body(count=1))  # its message quotes what came back
    sim.add_fault(Fault.error("ExpiredTokenException", status=403), instance_arn=arn)
    events: list[Event] = []

    with capture_logs() as logs, pytest.raises(poller.ApiError):
        await leg.wait(arn, on_event=events.append)

    retried = [e.error_code for e in events if isinstance(e, PollRetrying)]
    assert ["ThrottlingException", "ThrottlingException", "MalformedResponse"] == retried

    assert {"poll.retrying", "wait.failed"} <= {e.name for e in events}
    text = json.dumps(logs, default=str) + json.dumps([e.fields() for e in events], default=str)
    for secret in (ACCESS_KEY, SECRET_KEY, "Signature", "Authorization", "X-Amz-", "HTTPHeaders"):
        assert secret not in text
