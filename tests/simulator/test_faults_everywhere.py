"""Every fault on every operation, and the faults' filters by instance, Region and request."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from poller.simulator import Fault, Simulator
from poller.simulator._operations import OPERATIONS

from .conftest import ACCOUNT, GROUP, UNKNOWN_ARN, UNKNOWN_REQUEST, code_of
from .shapes import service_model

#: Values for the members whose model patterns a placeholder would not satisfy.
_SAMPLES = {
    "InstanceArn": UNKNOWN_ARN,
    "PermissionSetArn": "arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000000",
    "UUId": UNKNOWN_REQUEST,
    "TargetId": ACCOUNT,
    "RegionName": "eu-west-1",
    "PrincipalId": GROUP,
}


def _sample(shape: Any) -> Any:
    """A value of *shape* that botocore sends: its required members, each of a valid form."""
    if shape.name in _SAMPLES:
        return _SAMPLES[shape.name]
    if shape.type_name == "structure":
        return {name: _sample(shape.members[name]) for name in shape.required_members}
    if shape.type_name == "list":
        return [_sample(shape.member)] * shape.metadata.get("min", 0)
    if shape.enum:
        return shape.enum[0]
    return "x"


def _minimal_input(operation: str) -> dict[str, Any]:
    shape = service_model().operation_model(operation).input_shape
    return _sample(shape)  # type: ignore[no-any-return]


ERROR_FAULTS = [
    (Fault.throttling(kms=True), "ThrottlingException"),
    (Fault.internal_error(), "InternalServerException"),
    (Fault.access_denied(kms=True), "AccessDeniedException"),
    (Fault.validation(), "ValidationException"),
    (Fault.error("ExpiredTokenException"), "ExpiredTokenException"),
    (Fault.http_error(503), "503"),
]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_fault_on(sim: Simulator, boto: Any, operation: str) -> None:
    """Each error fault, a dropped connection and a malformed body hit this operation."""
    call = getattr(boto, xform_name(operation))
    inputs = _minimal_input(operation)
    codes = []
    for fault, _ in ERROR_FAULTS:
        sim.add_fault(fault, operation=operation)
        codes.append(code_of(call, **inputs))
    sim.add_fault(Fault.drop_connection(), operation=operation)
    with pytest.raises(ConnectionClosedError):
        call(**inputs)
    sim.add_fault(Fault.malformed_body(), operation=operation)
    malformed = call(**inputs)

    assert [code for _, code in ERROR_FAULTS] == codes
    assert {"ResponseMetadata"} == set(malformed)
    assert 0 == len(sim.faults)


@pytest.mark.real_time
def test_slow_fault_on_a_request_status(sim: Simulator, server: Any) -> None:
    """A slow answer to DescribeAccountAssignmentCreationStatus trips a read timeout."""
    sim.add_fault(Fault.slow(1.0), operation="DescribeAccountAssignmentCreationStatus")
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
            client.describe_account_assignment_creation_status(
                InstanceArn=UNKNOWN_ARN, AccountAssignmentCreationRequestId=UNKNOWN_REQUEST
            )
    finally:
        client.close()


def test_filters_by_request_id(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """A fault armed for one request ID hits the polls of that request only."""
    mine = sim.provision_permission_set(arn, ps_arn, seconds=0)
    other = sim.provision_permission_set(arn, ps_arn, seconds=0)
    sim.add_fault(Fault.throttling(count=None), request_id=mine)

    def poll(request_id: str) -> str:
        try:
            answer = boto.describe_permission_set_provisioning_status(
                InstanceArn=arn, ProvisionPermissionSetRequestId=request_id
            )
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])
        return str(answer["PermissionSetProvisioningStatus"]["Status"])

    seen = [poll(mine), poll(other), poll(mine)]

    assert ["ThrottlingException", "SUCCEEDED", "ThrottlingException"] == seen
    assert (2, 1) == (
        sim.calls(request_id=mine),
        sim.calls("DescribePermissionSetProvisioningStatus", request_id=other),
    )


def test_filters_by_region_and_instance(sim: Simulator, boto: Any, arn: str) -> None:
    """A fault armed for a Region hits only requests naming it, on the instance given."""
    sim.add_region(arn, "eu-west-1", seconds=0)
    sim.add_region(arn, "eu-west-2", seconds=0)
    sim.add_fault(Fault.internal_error(count=2), region_name="eu-west-1", instance_arn=arn)
    seen = []
    for name in ("eu-west-2", "eu-west-1", "eu-west-1", "eu-west-1"):
        try:
            seen.append(boto.describe_region(InstanceArn=arn, RegionName=name)["Status"])
        except ClientError as exc:
            seen.append(exc.response["Error"]["Code"])

    assert ["ACTIVE", "InternalServerException", "InternalServerException", "ACTIVE"] == seen
    assert [("eu-west-2", None, 200), ("eu-west-1", None, 500)] == [
        (record.region_name, record.request_id, record.status) for record in list(sim.requests)[:2]
    ]
    assert 3 == sim.calls("DescribeRegion", arn, region_name="eu-west-1")


def test_request_records_name_the_request(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """The request log names the request a creation or deletion status call asks about."""
    request_id = sim.create_account_assignment(arn, ps_arn, ACCOUNT)
    boto.describe_account_assignment_creation_status(
        InstanceArn=arn, AccountAssignmentCreationRequestId=request_id
    )
    record = sim.requests[-1]

    assert ("DescribeAccountAssignmentCreationStatus", arn, None, request_id, 200) == (
        record.operation,
        record.instance_arn,
        record.region_name,
        record.request_id,
        record.status,
    )
