"""The endpoint through aiobotocore, and the helpers of ``poller.testing``."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from poller.simulator import Fault
from poller.testing import LocalIdentityCenter, local_identity_center

from .conftest import KMS_KEY

NO_RETRIES = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"})
REPO = Path(__file__).resolve().parents[2]
#: A time scale at which the simulated clock stands still but for advance().
STILL = 1e-9


@pytest.mark.real_time
async def test_lifecycle_on_its_own_clock() -> None:
    """At time_scale 1000 a 60-second creation is over after about 60 ms of real time.

    The clock stands still from the creation to the first look (a loaded machine may take
    longer than 60 ms between the two), then runs at the center's scale again: 0.1 s of real
    time is 100 simulated seconds, however slow the machine.
    """
    async with local_identity_center(time_scale=1000.0) as center, center.client() as client:
        sim, scale = center.simulator, center.simulator.time_scale
        sim.time_scale = STILL
        arn = (await client.create_instance(Name="fast"))["InstanceArn"]
        first = (await client.describe_instance(InstanceArn=arn))["Status"]
        sim.time_scale = scale
        await anyio.sleep(0.1)
        second = (await client.describe_instance(InstanceArn=arn))["Status"]

    assert ("CREATE_IN_PROGRESS", "ACTIVE") == (first, second)
    assert ("us-east-1", True) == (center.region, center.endpoint_url.startswith("http://127."))


@pytest.mark.parametrize("identity_center", [{"time_scale": STILL}], indirect=True)
async def test_every_operation(identity_center: LocalIdentityCenter) -> None:
    """Create, describe, list, update (name and key), delete, all through aiobotocore.

    The clock moves only when the test advances it: at the fixture's x1000 the deletion's
    30 s would be over before a loaded machine described it DELETE_IN_PROGRESS.
    """
    sim = identity_center.simulator
    async with identity_center.client() as client:
        arn = (await client.create_instance(Name="a", ClientToken="t"))["InstanceArn"]
        sim.advance(60)
        await client.update_instance(
            InstanceArn=arn,
            Name="b",
            EncryptionConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": KMS_KEY},
        )
        sim.advance(30)
        described = await client.describe_instance(InstanceArn=arn)
        listed = await client.list_instances()
        await client.delete_instance(InstanceArn=arn)
        deleting = (await client.describe_instance(InstanceArn=arn))["Status"]

    assert ("b", "ACTIVE", KMS_KEY, "ENABLED") == (
        described["Name"],
        described["Status"],
        described["EncryptionConfigurationDetails"]["KmsKeyArn"],
        described["EncryptionConfigurationDetails"]["EncryptionStatus"],
    )
    assert ([arn], "DELETE_IN_PROGRESS") == (
        [i["InstanceArn"] for i in listed["Instances"]],
        deleting,
    )
    assert ["CreateInstance", "UpdateInstance", "DescribeInstance"] == [
        record.operation for record in list(sim.requests)[:3]
    ]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.throttling(kms=True), ("ThrottlingException", "KMS_ThrottlingException", 400)),
        (
            Fault.access_denied(kms=True),
            ("AccessDeniedException", "KMS_AccessDeniedException", 400),
        ),
        (Fault.internal_error(), ("InternalServerException", None, 500)),
        (Fault.error("UnrecognizedClientException"), ("UnrecognizedClientException", None, 400)),
        (Fault.http_error(502), ("502", None, 502)),
    ],
)
async def test_error_faults(
    identity_center: LocalIdentityCenter, fault: Fault, expected: tuple[str, str | None, int]
) -> None:
    """Each error parses, through aiobotocore, to its code, top-level Reason, status."""
    arn = identity_center.simulator.create_instance("x")
    identity_center.simulator.add_fault(fault, operation="DescribeInstance")
    async with identity_center.client(config=NO_RETRIES) as client:
        with pytest.raises(ClientError) as caught:
            await client.describe_instance(InstanceArn=arn)

    response = caught.value.response
    assert expected == (
        response["Error"]["Code"],
        response.get("Reason"),
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


async def test_throttling_is_retried_by_botocore(identity_center: LocalIdentityCenter) -> None:
    """Throttling is retryable for botocore's own retries, as with the real service."""
    sim = identity_center.simulator
    arn = sim.create_instance("x")
    sim.add_fault(Fault.throttling(count=2))
    config = AioConfig(retries={"total_max_attempts": 3, "mode": "standard"})
    async with identity_center.client(config=config) as client:
        described = await client.describe_instance(InstanceArn=arn)

    assert (2, 3) == (described["ResponseMetadata"]["RetryAttempts"], sim.request_count)
