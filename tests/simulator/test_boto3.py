"""The endpoint as boto3 (sync botocore) sees it: every operation, error and fault."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from poller.simulator import Fault, Simulator

from .conftest import KMS_KEY, UNKNOWN_ARN


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response  # type: ignore[no-any-return]


def test_create_then_describe_all_fields(sim: Simulator, boto: Any) -> None:
    """CreateInstance answers an ARN that DescribeInstance describes in full."""
    arn = boto.create_instance(Name="corp", Tags=[{"Key": "team", "Value": "infra"}])["InstanceArn"]
    described = boto.describe_instance(InstanceArn=arn)
    instance = sim.get(arn)
    assert instance is not None
    created = dt.datetime.fromtimestamp(sim.clock.epoch(instance.created_at), dt.UTC)

    assert {
        "InstanceArn": arn,
        "IdentityStoreId": instance.identity_store_id,
        "IdentityStoreArn": (
            f"arn:aws:identitystore::123456789012:identitystore/{instance.identity_store_id}"
        ),
        "OwnerAccountId": "123456789012",
        "Name": "corp",
        "Status": "CREATE_IN_PROGRESS",
        "PrimaryRegion": "us-east-1",
        "EncryptionConfigurationDetails": {
            "KeyType": "AWS_OWNED_KMS_KEY",
            "EncryptionStatus": "ENABLED",
        },
    } == {
        k: v
        for k, v in described.items()
        if k not in {"CreatedDate", "Regions", "ResponseMetadata"}
    }
    assert abs(created - described["CreatedDate"]) < dt.timedelta(milliseconds=1)
    assert [True] == [region["IsPrimaryRegion"] for region in described["Regions"]]
    assert 200 == described["ResponseMetadata"]["HTTPStatusCode"]
    assert described["ResponseMetadata"]["RequestId"]


def test_create_is_idempotent_per_client_token(boto: Any) -> None:
    """The same ClientToken with the same input gives the same instance."""
    first = boto.create_instance(Name="a", ClientToken="token-1")["InstanceArn"]
    again = boto.create_instance(Name="a", ClientToken="token-1")["InstanceArn"]
    other = boto.create_instance(Name="a", ClientToken="token-2")["InstanceArn"]

    assert (first, True) == (again, first != other)


def test_client_token_reused_with_other_input_conflicts(boto: Any) -> None:
    """A ClientToken reused with different input is a ConflictException."""
    boto.create_instance(Name="a", ClientToken="token-1")
    response = _error(boto.create_instance, Name="b", ClientToken="token-1")

    assert "ConflictException" == response["Error"]["Code"]


def test_lifecycle_to_active_and_create_failed(sim: Simulator, boto: Any) -> None:
    """Creation ends ACTIVE, or CREATE_FAILED with its StatusReason, on the simulated clock."""
    good = sim.create_instance("good")
    bad = sim.create_instance("bad", fail_reason="Quota exceeded for identity stores")
    sim.advance(60)

    failed = boto.describe_instance(InstanceArn=bad)
    assert "ACTIVE" == boto.describe_instance(InstanceArn=good)["Status"]
    assert ("CREATE_FAILED", "Quota exceeded for identity stores") == (
        failed["Status"],
        failed["StatusReason"],
    )


def test_encryption_update_lifecycle(sim: Simulator, boto: Any) -> None:
    """UpdateInstance starts UPDATING, which ends ENABLED with the customer key."""
    arn = sim.create_instance("x")
    sim.advance(60)
    boto.update_instance(
        InstanceArn=arn,
        EncryptionConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": KMS_KEY},
    )
    during = boto.describe_instance(InstanceArn=arn)["EncryptionConfigurationDetails"]
    sim.advance(30)
    after = boto.describe_instance(InstanceArn=arn)["EncryptionConfigurationDetails"]

    assert "UPDATING" == during["EncryptionStatus"]
    assert {
        "KeyType": "CUSTOMER_MANAGED_KEY",
        "KmsKeyArn": KMS_KEY,
        "EncryptionStatus": "ENABLED",
    } == after


def test_encryption_update_failure_and_conflict(sim: Simulator, boto: Any) -> None:
    """A rejected key ends UPDATE_FAILED with a reason; updating during UPDATING conflicts."""
    arn = sim.create_instance("x")
    sim.advance(60)
    sim.reject_kms_key(KMS_KEY, "KMS key is disabled")
    config = {"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": KMS_KEY}
    boto.update_instance(InstanceArn=arn, EncryptionConfiguration=config)
    conflict = _error(boto.update_instance, InstanceArn=arn, EncryptionConfiguration=config)
    sim.advance(30)
    after = boto.describe_instance(InstanceArn=arn)["EncryptionConfigurationDetails"]

    assert "ConflictException" == conflict["Error"]["Code"]
    assert ("UPDATE_FAILED", "KMS key is disabled") == (
        after["EncryptionStatus"],
        after["EncryptionStatusReason"],
    )


def test_update_renames(sim: Simulator, boto: Any) -> None:
    """UpdateInstance with a Name renames the instance."""
    arn = sim.create_instance("old")
    sim.advance(60)
    boto.update_instance(InstanceArn=arn, Name="new")

    assert "new" == boto.describe_instance(InstanceArn=arn)["Name"]


def test_update_before_active_conflicts(sim: Simulator, boto: Any) -> None:
    """An instance still being created cannot be updated."""
    arn = sim.create_instance("x")

    assert (
        "ConflictException"
        == _error(boto.update_instance, InstanceArn=arn, Name="y")["Error"]["Code"]
    )


def test_customer_key_without_arn_is_invalid(sim: Simulator, boto: Any) -> None:
    """CUSTOMER_MANAGED_KEY without a KmsKeyArn is a ValidationException."""
    arn = sim.create_instance("x")
    sim.advance(60)
    response = _error(
        boto.update_instance,
        InstanceArn=arn,
        EncryptionConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY"},
    )

    assert "ValidationException" == response["Error"]["Code"]


def test_delete_then_access_denied_and_unlisted(sim: Simulator, boto: Any) -> None:
    """A deleted instance is DELETE_IN_PROGRESS, then AccessDenied and absent from the list."""
    arn = sim.create_instance("x")
    sim.advance(60)
    boto.delete_instance(InstanceArn=arn)
    during = boto.describe_instance(InstanceArn=arn)["Status"]
    listed_during = [i["InstanceArn"] for i in boto.list_instances()["Instances"]]
    sim.advance(30)
    gone = _error(boto.describe_instance, InstanceArn=arn)

    assert ("DELETE_IN_PROGRESS", [arn]) == (during, listed_during)
    assert ("AccessDeniedException", None) == (gone["Error"]["Code"], gone.get("Reason"))
    assert [] == boto.list_instances()["Instances"]


def test_delete_while_creating_conflicts(sim: Simulator, boto: Any) -> None:
    """DeleteInstance during CREATE_IN_PROGRESS is a ConflictException."""
    arn = sim.create_instance("x")

    assert "ConflictException" == _error(boto.delete_instance, InstanceArn=arn)["Error"]["Code"]


def test_list_paginates(sim: Simulator, boto: Any) -> None:
    """ListInstances pages with MaxResults/NextToken; botocore's paginator sees them all."""
    arns = [sim.create_instance(f"i{n}") for n in range(5)]
    sim.advance(60)
    first = boto.list_instances(MaxResults=2)
    pages = list(boto.get_paginator("list_instances").paginate(PaginationConfig={"PageSize": 2}))
    items = [item for page in pages for item in page["Instances"]]

    assert (2, True) == (len(first["Instances"]), "NextToken" in first)
    assert arns == [item["InstanceArn"] for item in items]
    assert {"ACTIVE"} == {item["Status"] for item in items}
    assert not any("EncryptionConfigurationDetails" in item for item in items)


def test_list_rejects_bad_token_and_size(boto: Any) -> None:
    """A forged NextToken and an out-of-range MaxResults are ValidationExceptions."""
    bad_token = _error(boto.list_instances, NextToken="Zm9yZ2Vk")
    # botocore checks MaxResults >= 1 itself, so only the upper bound reaches the wire.
    too_many = _error(boto.list_instances, MaxResults=101)

    assert ["ValidationException"] * 2 == [bad_token["Error"]["Code"], too_many["Error"]["Code"]]


def test_unknown_arn_is_access_denied(boto: Any) -> None:
    """An ARN that never existed gets AccessDeniedException without a Reason."""
    response = _error(boto.describe_instance, InstanceArn=UNKNOWN_ARN)

    assert ("AccessDeniedException", None) == (response["Error"]["Code"], response.get("Reason"))


def test_invalid_arn_is_validation_error(boto: Any) -> None:
    """A malformed ARN gets the service's ValidationException message."""
    response = _error(boto.describe_instance, InstanceArn="arn:aws:sso:::instance/ssoins-short")

    assert "ValidationException" == response["Error"]["Code"]
    assert response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'arn:aws:sso:::instance/ssoins-short' at 'instanceArn'"
    )


def test_forced_unknown_status(sim: Simulator, boto: Any) -> None:
    """A forced raw Status reaches the client unchanged."""
    arn = sim.create_instance("x")
    sim.set_status(arn, "MIGRATING", reason="moving regions")
    described = boto.describe_instance(InstanceArn=arn)

    assert ("MIGRATING", "moving regions") == (described["Status"], described["StatusReason"])


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.throttling(), (400, "ThrottlingException", None)),
        (Fault.throttling(kms=True), (400, "ThrottlingException", "KMS_ThrottlingException")),
        (Fault.internal_error(), (500, "InternalServerException", None)),
        (Fault.access_denied(), (400, "AccessDeniedException", None)),
        (
            Fault.access_denied(kms=True),
            (400, "AccessDeniedException", "KMS_AccessDeniedException"),
        ),
        (Fault.validation(), (400, "ValidationException", None)),
        (Fault.error("ExpiredTokenException"), (400, "ExpiredTokenException", None)),
        (
            Fault.error("UnrecognizedClientException", status=403),
            (403, "UnrecognizedClientException", None),
        ),
        (Fault.http_error(502), (502, "502", None)),
        (Fault.http_error(503), (503, "503", None)),
    ],
)
def test_error_faults(
    sim: Simulator, boto: Any, fault: Fault, expected: tuple[int, str, str | None]
) -> None:
    """Each error fault parses to its code, status and top-level Reason, once."""
    arn = sim.create_instance("x")
    sim.add_fault(fault, operation="DescribeInstance", instance_arn=arn)
    response = _error(boto.describe_instance, InstanceArn=arn)

    assert expected == (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response.get("Reason"),
    )
    assert "CREATE_IN_PROGRESS" == boto.describe_instance(InstanceArn=arn)["Status"]


def test_drop_connection(sim: Simulator, boto: Any) -> None:
    """A dropped connection is a ConnectionClosedError for botocore."""
    arn = sim.create_instance("x")
    sim.add_fault(Fault.drop_connection())

    with pytest.raises(ConnectionClosedError):
        boto.describe_instance(InstanceArn=arn)
    assert [0, 200] == [r.status for r in sim.requests] + [
        boto.describe_instance(InstanceArn=arn)["ResponseMetadata"]["HTTPStatusCode"]
    ]


def test_malformed_body(sim: Simulator, boto: Any) -> None:
    """A 200 with a body that is not JSON leaves botocore with no output fields."""
    arn = sim.create_instance("x")
    sim.add_fault(Fault.malformed_body())
    described = boto.describe_instance(InstanceArn=arn)

    assert "Status" not in described


@pytest.mark.real_time
def test_slow_answer_times_out(sim: Simulator, server: Any) -> None:
    """A slow fault trips the client's read timeout."""
    import boto3  # noqa: PLC0415  (a client with its own timeout)
    from botocore.config import Config  # noqa: PLC0415

    arn = sim.create_instance("x")
    sim.add_fault(Fault.slow(1.0))
    client = boto3.session.Session().client(
        "sso-admin",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(read_timeout=0.2, retries={"total_max_attempts": 1}),
    )
    try:
        with pytest.raises(ReadTimeoutError):
            client.describe_instance(InstanceArn=arn)
    finally:
        client.close()


def test_fault_filters_and_counts(sim: Simulator, boto: Any) -> None:
    """A fault hits only its operation and instance, as many times as its count."""
    arn, other = sim.create_instance("a"), sim.create_instance("b")
    sim.add_fault(Fault.throttling(count=2), operation="DescribeInstance", instance_arn=arn)
    codes = []
    for target in (other, arn, arn, arn):
        try:
            boto.describe_instance(InstanceArn=target)
            codes.append("ok")
        except ClientError as exc:
            codes.append(exc.response["Error"]["Code"])
    boto.list_instances()

    assert ["ok", "ThrottlingException", "ThrottlingException", "ok"] == codes
    assert 4 == sim.calls("DescribeInstance")


def test_list_instances_denied(sim: Simulator, boto: Any) -> None:
    """A forever AccessDenied fault on ListInstances denies every listing."""
    sim.add_fault(Fault.access_denied(count=None), operation="ListInstances")
    first = _error(boto.list_instances)
    second = _error(boto.list_instances)

    assert ["AccessDeniedException"] * 2 == [first["Error"]["Code"], second["Error"]["Code"]]


def test_unsigned_request_is_refused(server: Any) -> None:
    """Without a signature botocore gets MissingAuthenticationTokenException (HTTP 403)."""
    import boto3  # noqa: PLC0415
    from botocore import UNSIGNED  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    client = boto3.session.Session().client(
        "sso-admin",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
    )
    try:
        response = _error(client.list_instances)
    finally:
        client.close()

    assert (403, "MissingAuthenticationTokenException", "Missing Authentication Token") == (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
