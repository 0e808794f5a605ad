"""Every row of the state table, through a real aiobotocore client answered by AioStubber."""

from __future__ import annotations

from typing import Any

import pytest
from aiobotocore.stub import AioStubber

import poller
from poller import Target
from poller.events import Event, InstanceStatusChanged, UnknownStatusSeen, WaitFailed
from tests.conftest import FAST
from tests.fakes import ARN, KMS_KEY, OTHER_ARN, described, listed

Stubbed = tuple[Any, AioStubber]
ALL_TARGETS = list(Target)
LIVING_TARGETS = [Target.ACTIVE, Target.ENCRYPTION_ENABLED]


def deny(
    stubber: AioStubber, method: str = "describe_instance", *, reason: str | None = None
) -> None:
    stubber.add_client_error(
        method,
        "AccessDeniedException",
        "User is not authorized to perform this action",
        modeled_fields={"Reason": reason} if reason else None,
    )


async def test_active_after_create_in_progress(stubbed: Stubbed, events: list[Event]) -> None:
    """CREATE_IN_PROGRESS waits; ACTIVE succeeds with the full description and history."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("CREATE_IN_PROGRESS"), {"InstanceArn": ARN})
    stubber.add_response("describe_instance", described("CREATE_IN_PROGRESS"))
    stubber.add_response("describe_instance", described("ACTIVE"))

    result = await poller.wait_for_instance(client, ARN, on_event=events.append, **FAST)

    assert poller.InstanceStatus.ACTIVE == result.instance.status
    assert "d-1234567890" == result.instance.identity_store_id
    assert 3 == result.attempts
    assert ["CREATE_IN_PROGRESS", "ACTIVE"] == [s.status for s in result.history]
    assert [1, 3] == [s.attempt for s in result.history]
    assert Target.ACTIVE is result.until
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_create_failed_fails(stubbed: Stubbed, target: Target) -> None:
    """CREATE_FAILED ends the wait with InstanceCreateFailedError carrying AWS's reason."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("CREATE_IN_PROGRESS"))
    stubber.add_response(
        "describe_instance", described("CREATE_FAILED", reason="Quota of instances reached")
    )

    with pytest.raises(poller.InstanceCreateFailedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    error = caught.value
    assert "Quota of instances reached" == error.reason
    assert ARN == error.instance_arn
    assert 2 == error.attempts
    assert "CREATE_FAILED" == error.last.status
    for part in (ARN, "CREATE_FAILED", "Quota of instances reached"):
        assert part in str(error)


async def test_create_failed_waits_when_deleting(stubbed: Stubbed) -> None:
    """Waiting for DELETED, a CREATE_FAILED instance is waited on until it is gone."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("CREATE_FAILED", reason="x"))
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber)

    result = await poller.wait_for_instance(client, ARN, until="deleted", **FAST)

    assert result.instance is None
    assert ["CREATE_FAILED", "DELETE_IN_PROGRESS", None] == [s.status for s in result.history]


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_encryption_update_failed_fails(stubbed: Stubbed, target: Target) -> None:
    """UPDATE_FAILED ends the wait with EncryptionUpdateFailedError, even while ACTIVE."""
    client, stubber = stubbed
    stubber.add_response(
        "describe_instance",
        described("ACTIVE", "UPDATE_FAILED", encryption_reason="KMS key is disabled"),
    )

    with pytest.raises(poller.EncryptionUpdateFailedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert "KMS key is disabled" == caught.value.reason
    for part in (ARN, "UPDATE_FAILED", "KMS key is disabled"):
        assert part in str(caught.value)


async def test_encryption_enabled_waits_for_enabled(stubbed: Stubbed) -> None:
    """ENCRYPTION_ENABLED waits through ACTIVE without details and ACTIVE/UPDATING."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("ACTIVE"))
    stubber.add_response("describe_instance", described("ACTIVE", "UPDATING"))
    stubber.add_response("describe_instance", described("ACTIVE", "ENABLED"))

    result = await poller.wait_for_instance(client, ARN, until="encryption-enabled", **FAST)

    assert poller.EncryptionStatus.ENABLED == result.instance.encryption_status
    assert KMS_KEY == result.instance.encryption.kms_key_arn
    assert [None, "UPDATING", "ENABLED"] == [s.encryption_status for s in result.history]


async def test_deleted_waits_through_update_failed(stubbed: Stubbed) -> None:
    """Waiting for DELETED, UPDATE_FAILED and ACTIVE are waited on."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("ACTIVE", "UPDATE_FAILED"))
    stubber.add_response("describe_instance", described("ACTIVE"))
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber)

    result = await poller.wait_for_instance(client, ARN, until=Target.DELETED, **FAST)

    assert 4 == result.attempts
    assert result.instance is None


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_delete_in_progress_fails(stubbed: Stubbed, target: Target) -> None:
    """DELETE_IN_PROGRESS ends a wait for a living instance with InstanceDeletedError."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))

    with pytest.raises(poller.InstanceDeletedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert "DELETE_IN_PROGRESS" in str(caught.value)
    assert str(target) in str(caught.value)


async def test_unknown_status_waits_and_warns_once(stubbed: Stubbed, events: list[Event]) -> None:
    """A Status from a newer API is kept as a string, waited on, and warned about once."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("MIGRATING"))
    stubber.add_response("describe_instance", described("MIGRATING"))
    stubber.add_response("describe_instance", described("ACTIVE"))

    result = await poller.wait_for_instance(client, ARN, on_event=events.append, **FAST)

    warnings = [e for e in events if isinstance(e, UnknownStatusSeen)]
    assert ["MIGRATING"] == [w.status for w in warnings]
    assert ["MIGRATING", "ACTIVE"] == [s.status for s in result.history]
    assert not isinstance(result.history[0].status, poller.InstanceStatus)


@pytest.mark.parametrize("target", ALL_TARGETS)
async def test_kms_access_denied_fails(stubbed: Stubbed, target: Target) -> None:
    """AccessDenied with a KMS Reason is a key policy problem, for every target.

    For DELETED it comes after DELETE_IN_PROGRESS: the KMS row is checked before the deletion row.
    """
    client, stubber = stubbed
    if target is Target.DELETED:
        stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber, reason="KMS_AccessDeniedException")

    with pytest.raises(poller.AccessDeniedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert caught.value.kms is True
    assert "KMS_AccessDeniedException" == caught.value.reason
    assert "key policy" in str(caught.value)


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_denied_and_unlisted_never_seen_is_not_found(
    stubbed: Stubbed, target: Target
) -> None:
    """Denied, never seen and absent from ListInstances: ResourceNotFoundError (a typo)."""
    client, stubber = stubbed
    deny(stubber)
    stubber.add_response("list_instances", listed(OTHER_ARN, next_token="page-2"))
    stubber.add_response("list_instances", listed(), {"MaxResults": 100, "NextToken": "page-2"})

    with pytest.raises(poller.ResourceNotFoundError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert "ListInstances does not list it" in str(caught.value)
    assert poller.Outcome.NOT_FOUND is caught.value.outcome
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_denied_and_unlisted_once_seen_is_deleted(stubbed: Stubbed, target: Target) -> None:
    """Seen in this wait, then denied and absent from ListInstances: InstanceDeletedError."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("CREATE_IN_PROGRESS"))
    deny(stubber)
    stubber.add_response("list_instances", listed(OTHER_ARN))

    with pytest.raises(poller.InstanceDeletedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert "ListInstances does not list it" in str(caught.value)
    assert "CREATE_IN_PROGRESS" == caught.value.last.status
    stubber.assert_no_pending_responses()


async def test_denied_and_unlisted_is_success_when_deleting(stubbed: Stubbed) -> None:
    """Denied and absent from ListInstances: the awaited deletion has happened."""
    client, stubber = stubbed
    deny(stubber)
    stubber.add_response("list_instances", listed(OTHER_ARN))

    result = await poller.wait_for_instance(client, ARN, until=Target.DELETED, **FAST)

    assert result.instance is None
    assert [None] == [s.status for s in result.history]


@pytest.mark.parametrize("target", ALL_TARGETS)
async def test_denied_but_listed_is_a_permission_problem(stubbed: Stubbed, target: Target) -> None:
    """Denied, yet listed (on a later page): AccessDeniedError, never a deletion."""
    client, stubber = stubbed
    deny(stubber)
    stubber.add_response("list_instances", listed(OTHER_ARN, next_token="page-2"))
    stubber.add_response("list_instances", listed(ARN))

    with pytest.raises(poller.AccessDeniedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert caught.value.kms is False
    assert "sso:DescribeInstance" in str(caught.value)


@pytest.mark.parametrize("target", ALL_TARGETS)
async def test_denied_twice_is_ambiguous(stubbed: Stubbed, target: Target) -> None:
    """ListInstances denied too: AccessDeniedError that says it cannot tell the two apart."""
    client, stubber = stubbed
    deny(stubber)
    deny(stubber, "list_instances")

    with pytest.raises(poller.AccessDeniedError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert "cannot tell" in str(caught.value)
    assert "sso:ListInstances" in str(caught.value)


async def test_list_instances_throttled_is_retried(stubbed: Stubbed, events: list[Event]) -> None:
    """A throttled ListInstances is retried from DescribeInstance, not reported as an error."""
    client, stubber = stubbed
    deny(stubber)
    stubber.add_client_error("list_instances", "ThrottlingException", "Rate exceeded")
    deny(stubber)
    stubber.add_response("list_instances", listed())

    result = await poller.wait_for_instance(
        client, ARN, until="deleted", on_event=events.append, **FAST
    )

    assert 2 == result.attempts
    assert ["ThrottlingException"] == [e.error_code for e in events if e.name == "poll.retrying"]


async def test_list_instances_other_error_is_api_error(stubbed: Stubbed) -> None:
    """Any other ListInstances error ends the wait with ApiError naming ListInstances."""
    client, stubber = stubbed
    deny(stubber)
    stubber.add_client_error("list_instances", "ExpiredTokenException", "Token expired")

    with pytest.raises(poller.ApiError) as caught:
        await poller.wait_for_instance(client, ARN, until="deleted", **FAST)

    assert "ExpiredTokenException" == caught.value.code
    assert "ListInstances" in str(caught.value)


@pytest.mark.parametrize("target", LIVING_TARGETS)
async def test_denied_after_deletion_seen(stubbed: Stubbed, target: Target) -> None:
    """DELETE_IN_PROGRESS fails a living target before any AccessDenied is needed."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber)

    with pytest.raises(poller.InstanceDeletedError):
        await poller.wait_for_instance(client, ARN, until=target, **FAST)


async def test_denied_after_deletion_seen_needs_no_listing(
    stubbed: Stubbed, events: list[Event]
) -> None:
    """Once DELETE_IN_PROGRESS was seen, AccessDenied means deleted: no ListInstances call."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber)

    await poller.wait_for_instance(client, ARN, until="deleted", on_event=events.append, **FAST)

    changes = [e for e in events if isinstance(e, InstanceStatusChanged)]
    assert [("DELETE_IN_PROGRESS", None)] == [(c.previous_status, c.status) for c in changes[1:]]
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "reason", "status"),
    [
        ("ThrottlingException", None, 400),
        ("ThrottlingException", "KMS_ThrottlingException", 400),
        ("InternalServerException", None, 500),
        ("ServiceUnavailable", None, 503),
        ("BadGateway", None, 502),
    ],
)
async def test_transient_errors_are_retried(
    stubbed: Stubbed, events: list[Event], code: str, reason: str | None, status: int
) -> None:
    """Throttling, InternalServer and any 5xx are retried inside the deadline, with an event."""
    client, stubber = stubbed
    stubber.add_client_error(
        "describe_instance",
        code,
        "slow down",
        http_status_code=status,
        modeled_fields={"Reason": reason} if reason else None,
    )
    stubber.add_response("describe_instance", described("ACTIVE"))

    result = await poller.wait_for_instance(client, ARN, on_event=events.append, **FAST)

    retrying = [e for e in events if e.name == "poll.retrying"]
    assert [(code, "slow down", 1)] == [
        (e.error_code, e.error_message, e.attempt) for e in retrying
    ]
    assert 2 == result.attempts


@pytest.mark.parametrize("target", ALL_TARGETS)
async def test_validation_exception_is_invalid_arn(stubbed: Stubbed, target: Target) -> None:
    """A ValidationException from the service raises InvalidInstanceArnError."""
    client, stubber = stubbed
    stubber.add_client_error("describe_instance", "ValidationException", "Invalid instance ARN")

    with pytest.raises(poller.InvalidInstanceArnError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, **FAST)

    assert isinstance(caught.value, ValueError)
    assert "Invalid instance ARN" in str(caught.value)


@pytest.mark.parametrize("target", ALL_TARGETS)
async def test_other_errors_are_api_errors(
    stubbed: Stubbed, events: list[Event], target: Target
) -> None:
    """Expired credentials and other codes raise ApiError with the code and request id."""
    client, stubber = stubbed
    stubber.add_client_error(
        "describe_instance",
        "ExpiredTokenException",
        "The security token included in the request is expired",
        http_status_code=403,
        response_meta={"RequestId": "req-42"},
    )

    with pytest.raises(poller.ApiError) as caught:
        await poller.wait_for_instance(client, ARN, until=target, on_event=events.append, **FAST)

    assert ("ExpiredTokenException", "req-42") == (caught.value.code, caught.value.aws_request_id)
    assert "is expired" in str(caught.value)
    failed = [e for e in events if isinstance(e, WaitFailed)]
    assert ["ApiError"] == [e.error for e in failed]


async def test_kms_denial_after_deletion_is_not_gone(stubbed: Stubbed, events: list[Event]) -> None:
    """A KMS denial after DELETE_IN_PROGRESS is a key policy problem, not a gone instance."""
    client, stubber = stubbed
    stubber.add_response("describe_instance", described("DELETE_IN_PROGRESS"))
    deny(stubber, reason="KMS_AccessDeniedException")

    with pytest.raises(poller.AccessDeniedError):
        await poller.wait_for_instance(client, ARN, until="deleted", on_event=events.append, **FAST)

    changes = [e.status for e in events if isinstance(e, InstanceStatusChanged)]
    assert ["DELETE_IN_PROGRESS"] == changes
    assert "DELETE_IN_PROGRESS" == events[-1].status  # type: ignore[attr-defined]
