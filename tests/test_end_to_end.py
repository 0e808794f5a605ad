"""Every row of the state table, end to end, over real HTTP.

A real aiobotocore client from ``poller.open_client`` (SigV4, botocore's parsing and its own
retries) against the local endpoint of ``poller.simulator``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from structlog.testing import capture_logs

import poller
from poller import Target
from poller.events import Event, PollRetrying, UnknownStatusSeen, WaitCancelled
from poller.simulator import Fault
from poller.testing import LocalIdentityCenter, local_identity_center
from tests.fakes import KMS_KEY

#: Polls every 10 to 50 ms; the simulator runs 1000 simulated seconds per real second.
FAST: dict[str, Any] = {"timeout": 20, "min_delay": 0.01, "max_delay": 0.05}
ACCESS_KEY = "AKIAPOLLERTESTKEY042"
SECRET_KEY = "pollerTestSecretKeyThatMustNeverBeLogged0"
NEVER_EXISTED = "arn:aws:sso:::instance/ssoins-0000000000000000"


@pytest.fixture
async def center() -> AsyncIterator[LocalIdentityCenter]:
    """A local Identity Center running a simulated minute in 60 ms."""
    async with local_identity_center(time_scale=1000.0) as center:
        yield center


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
async def client(center: LocalIdentityCenter, aws_environment: None) -> AsyncIterator[Any]:
    """The client poller opens for callers that have none, pointed at the local endpoint."""
    async with poller.open_client(region=center.region, endpoint_url=center.endpoint_url) as c:
        yield c


async def test_create_in_progress_then_active(center: LocalIdentityCenter, client: Any) -> None:
    """CREATE_IN_PROGRESS waits; ACTIVE succeeds with the service's description."""
    arn = center.simulator.create_instance("e2e", create_seconds=60)

    result = await poller.wait_for_instance(client, arn, **FAST)

    assert ["CREATE_IN_PROGRESS", "ACTIVE"] == [s.status for s in result.history]
    assert arn == result.instance.instance_arn
    assert result.instance.identity_store_id.startswith("d-")
    assert "e2e" == result.instance.name
    assert result.attempts == center.simulator.calls("DescribeInstance", arn)


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
async def test_create_failed(center: LocalIdentityCenter, client: Any, target: Target) -> None:
    """CREATE_FAILED raises InstanceCreateFailedError with the service's StatusReason."""
    arn = center.simulator.create_instance("e2e", fail_reason="Organization limit reached")

    with pytest.raises(poller.InstanceCreateFailedError) as caught:
        await poller.wait_for_instance(client, arn, until=target, **FAST)

    assert "Organization limit reached" == caught.value.reason


async def test_encryption_enabled(center: LocalIdentityCenter, client: Any) -> None:
    """ACTIVE with EncryptionStatus UPDATING waits; ENABLED succeeds."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.update_encryption(arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY)

    result = await poller.wait_for_instance(client, arn, until="encryption-enabled", **FAST)

    assert [("ACTIVE", "UPDATING"), ("ACTIVE", "ENABLED")] == [
        (s.status, s.encryption_status) for s in result.history
    ]
    assert KMS_KEY == result.instance.encryption.kms_key_arn


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
async def test_encryption_update_failed(
    center: LocalIdentityCenter, client: Any, target: Target
) -> None:
    """UPDATE_FAILED raises EncryptionUpdateFailedError with the EncryptionStatusReason."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.update_encryption(
        arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY, fail_reason="Key is disabled"
    )
    center.simulator.advance(60)

    with pytest.raises(poller.EncryptionUpdateFailedError) as caught:
        await poller.wait_for_instance(client, arn, until=target, **FAST)

    assert "Key is disabled" == caught.value.reason


@pytest.mark.parametrize("target", [Target.ACTIVE, Target.ENCRYPTION_ENABLED])
async def test_delete_in_progress_fails_living_targets(
    center: LocalIdentityCenter, client: Any, target: Target
) -> None:
    """DELETE_IN_PROGRESS raises InstanceDeletedError when waiting for a living instance."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.delete_instance(arn, delete_seconds=600)

    with pytest.raises(poller.InstanceDeletedError, match="DELETE_IN_PROGRESS"):
        await poller.wait_for_instance(client, arn, until=target, **FAST)


async def test_deleted_after_delete_in_progress(center: LocalIdentityCenter, client: Any) -> None:
    """DELETE_IN_PROGRESS waits; the AccessDenied that follows is the deletion: success."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.delete_instance(arn, delete_seconds=60)

    result = await poller.wait_for_instance(client, arn, until="deleted", **FAST)

    assert result.instance is None
    assert ["DELETE_IN_PROGRESS", None] == [s.status for s in result.history]
    assert 0 == center.simulator.calls("ListInstances")


async def test_never_existed_is_deleted(center: LocalIdentityCenter, client: Any) -> None:
    """Denied and not listed: gone, which is success for DELETED ..."""
    center.simulator.create_instance("another")

    result = await poller.wait_for_instance(client, NEVER_EXISTED, until="deleted", **FAST)

    assert (1, 1) == (result.attempts, center.simulator.calls("ListInstances"))


async def test_never_existed_is_an_error_for_active(
    center: LocalIdentityCenter, client: Any
) -> None:
    """... and InstanceDeletedError when waiting for it to be ACTIVE."""
    with pytest.raises(poller.InstanceDeletedError, match="ListInstances does not list it"):
        await poller.wait_for_instance(client, NEVER_EXISTED, **FAST)


async def test_permission_denied_but_listed(center: LocalIdentityCenter, client: Any) -> None:
    """A missing DescribeInstance permission on a listed instance is never a deletion."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(
        Fault.access_denied(count=None), operation="DescribeInstance", instance_arn=arn
    )

    with pytest.raises(poller.AccessDeniedError) as caught:
        await poller.wait_for_instance(client, arn, until="deleted", **FAST)

    assert caught.value.kms is False
    assert "sso:DescribeInstance" in str(caught.value)


async def test_permission_denied_everywhere(center: LocalIdentityCenter, client: Any) -> None:
    """Denied DescribeInstance and ListInstances: AccessDeniedError saying it cannot tell."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(Fault.access_denied(count=None))

    with pytest.raises(poller.AccessDeniedError, match="cannot tell"):
        await poller.wait_for_instance(client, arn, until="deleted", **FAST)


@pytest.mark.parametrize("target", list(Target))
async def test_kms_access_denied(center: LocalIdentityCenter, client: Any, target: Target) -> None:
    """AccessDenied with Reason KMS_AccessDeniedException is a key policy problem."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(Fault.access_denied(count=None, kms=True), instance_arn=arn)

    with pytest.raises(poller.AccessDeniedError) as caught:
        await poller.wait_for_instance(client, arn, until=target, **FAST)

    assert (True, "KMS_AccessDeniedException") == (caught.value.kms, caught.value.reason)


async def test_unknown_status_waits(center: LocalIdentityCenter, client: Any) -> None:
    """A Status this version does not know is waited on, with one warning."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.set_status(arn, "MIGRATING")
    events: list[Event] = []

    def hook(event: Event) -> None:
        events.append(event)
        if isinstance(event, UnknownStatusSeen):
            center.simulator.set_status(arn, None)  # the migration ends: ACTIVE again

    result = await poller.wait_for_instance(client, arn, on_event=hook, **FAST)

    assert ["MIGRATING", "ACTIVE"] == [s.status for s in result.history]
    assert 1 == sum(isinstance(e, UnknownStatusSeen) for e in events)


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault.throttling(count=4), "ThrottlingException"),
        (Fault.throttling(count=4, kms=True), "ThrottlingException"),
        (Fault.internal_error(count=4), "InternalServerException"),
        (Fault.http_error(503, count=4), "503"),
        (Fault.drop_connection(count=4), "ConnectionClosedError"),
        (Fault.malformed_body(count=2), "MalformedResponse"),
    ],
    ids=["throttling", "kms-throttling", "internal", "http-503", "dropped", "malformed"],
)
async def test_transient_faults_are_retried(
    center: LocalIdentityCenter, client: Any, fault: Fault, code: str
) -> None:
    """Faults the service recovers from never end a wait: retried, with poll.retrying."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.add_fault(fault, operation="DescribeInstance")
    events: list[Event] = []

    result = await poller.wait_for_instance(client, arn, on_event=events.append, **FAST)

    retried = [e.error_code for e in events if isinstance(e, PollRetrying)]
    assert retried
    assert all(code in c for c in retried), retried
    assert "ACTIVE" == result.instance.status


async def test_validation_exception(center: LocalIdentityCenter, client: Any) -> None:
    """A ValidationException from the service raises InvalidInstanceArnError."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(Fault.validation(count=None, message="Instance ARN is invalid"))

    with pytest.raises(poller.InvalidInstanceArnError, match="Instance ARN is invalid"):
        await poller.wait_for_instance(client, arn, **FAST)


async def test_expired_credentials_are_an_api_error(
    center: LocalIdentityCenter, client: Any
) -> None:
    """Any other error code raises ApiError with the code and the request id."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(
        Fault.error("ExpiredTokenException", message="The token is expired", status=403, count=None)
    )

    with pytest.raises(poller.ApiError) as caught:
        await poller.wait_for_instance(client, arn, **FAST)

    assert "ExpiredTokenException" == caught.value.code
    assert caught.value.request_id


async def test_slow_answer_is_cut_at_the_deadline(
    center: LocalIdentityCenter, client: Any
) -> None:
    """An answer slower than the deadline is abandoned at the deadline: WaitTimeoutError."""
    arn = center.simulator.create_instance("e2e")
    center.simulator.add_fault(Fault.slow(5.0, count=None))

    with anyio.fail_after(4):  # a hang guard, not a timing assertion
        with pytest.raises(poller.WaitTimeoutError) as caught:
            await poller.wait_for_instance(client, arn, timeout=0.3, min_delay=0.01, max_delay=0.05)

    assert 1 == caught.value.attempts


async def test_cancelled_mid_request(center: LocalIdentityCenter, client: Any) -> None:
    """Cancelled while a request is in flight: wait.cancelled, and the client still works."""
    arn = center.simulator.create_instance("e2e", create_seconds=0)
    center.simulator.add_fault(Fault.slow(5.0, count=1))
    events: list[Event] = []

    with anyio.move_on_after(0.2) as scope:
        await poller.wait_for_instance(client, arn, on_event=events.append, **FAST)

    assert scope.cancelled_caught
    assert isinstance(events[-1], WaitCancelled)
    result = await poller.wait_for_instance(client, arn, **FAST)
    assert "ACTIVE" == result.instance.status


async def test_no_credentials_in_events(center: LocalIdentityCenter, client: Any) -> None:
    """No event, logged or handed to on_event, carries credentials, signatures or headers."""
    arn = center.simulator.create_instance("e2e", create_seconds=30)
    center.simulator.add_fault(Fault.throttling(count=2))
    center.simulator.add_fault(Fault.error("ExpiredTokenException", status=403), instance_arn=arn)
    events: list[Event] = []

    with capture_logs() as logs, pytest.raises(poller.ApiError):
        await poller.wait_for_instance(client, arn, on_event=events.append, **FAST)

    assert {"poll.retrying", "wait.failed"} <= {e.name for e in events}
    text = json.dumps(logs, default=str) + json.dumps([e.fields() for e in events], default=str)
    for secret in (ACCESS_KEY, SECRET_KEY, "Signature", "Authorization", "X-Amz-", "HTTPHeaders"):
        assert secret not in text
