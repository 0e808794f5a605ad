"""Regions through boto3: AddRegion, RemoveRegion, DescribeRegion, ListRegions, and instances."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import math
from typing import Any

import pytest

from poller.simulator import ServiceError, Simulator

from .conftest import UNKNOWN_ARN, code_of, error_of


def _statuses(boto: Any, arn: str) -> dict[str, str]:
    return {r["RegionName"]: r["Status"] for r in boto.list_regions(InstanceArn=arn)["Regions"]}


def test_add_then_active_then_remove_then_gone(sim: Simulator, boto: Any, arn: str) -> None:
    """A Region is ADDING, then ACTIVE; removed, it is REMOVING, then not found."""
    added = boto.add_region(InstanceArn=arn, RegionName="eu-west-1")
    adding = boto.describe_region(InstanceArn=arn, RegionName="eu-west-1")
    sim.advance(300)
    active = boto.describe_region(InstanceArn=arn, RegionName="eu-west-1")
    removed = boto.remove_region(InstanceArn=arn, RegionName="eu-west-1")
    removing = _statuses(boto, arn)
    sim.advance(120)
    gone = error_of(boto.describe_region, InstanceArn=arn, RegionName="eu-west-1")

    assert ("ADDING", "ADDING", False) == (
        added["Status"],
        adding["Status"],
        adding["IsPrimaryRegion"],
    )
    assert ("ACTIVE", "REMOVING") == (active["Status"], removed["Status"])
    assert {"us-east-1": "ACTIVE", "eu-west-1": "REMOVING"} == removing
    assert "ResourceNotFoundException" == gone["Error"]["Code"]
    assert {"us-east-1": "ACTIVE"} == _statuses(boto, arn)


def test_describe_region_answers_every_member(boto: Any, arn: str) -> None:
    """DescribeRegion answers RegionName, Status, AddedDate and IsPrimaryRegion."""
    described = boto.describe_region(InstanceArn=arn, RegionName="us-east-1")

    assert {"RegionName", "Status", "AddedDate", "IsPrimaryRegion", "ResponseMetadata"} == set(
        described
    )
    assert ("us-east-1", "ACTIVE", True) == (
        described["RegionName"],
        described["Status"],
        described["IsPrimaryRegion"],
    )


def test_instance_shows_its_regions(sim: Simulator, boto: Any, arn: str) -> None:
    """DescribeInstance and ListInstances show every Region with its status, primary first."""
    boto.add_region(InstanceArn=arn, RegionName="ap-southeast-2")
    described = boto.describe_instance(InstanceArn=arn)
    listed = boto.list_instances()["Instances"][0]

    expected = [("us-east-1", "ACTIVE", True), ("ap-southeast-2", "ADDING", False)]
    for answer in (described, listed):
        assert "us-east-1" == answer["PrimaryRegion"]
        assert expected == [
            (r["RegionName"], r["Status"], r["IsPrimaryRegion"]) for r in answer["Regions"]
        ]


def test_conflicts(sim: Simulator, boto: Any, arn: str) -> None:
    """Adding a Region already there, a second workflow, removing the primary: conflicts."""
    boto.add_region(InstanceArn=arn, RegionName="eu-west-1")
    codes = [
        code_of(boto.add_region, InstanceArn=arn, RegionName="eu-west-1"),
        code_of(boto.add_region, InstanceArn=arn, RegionName="eu-central-1"),
        code_of(boto.remove_region, InstanceArn=arn, RegionName="eu-west-1"),
        code_of(boto.remove_region, InstanceArn=arn, RegionName="us-east-1"),
        code_of(boto.add_region, InstanceArn=arn, RegionName="us-east-1"),
    ]
    sim.advance(300)
    second = boto.add_region(InstanceArn=arn, RegionName="eu-central-1")["Status"]

    assert ["ConflictException"] * 5 == codes
    assert "ADDING" == second


def test_instance_not_active_conflicts(sim: Simulator, boto: Any) -> None:
    """A Region is added only to an ACTIVE instance."""
    creating = sim.create_instance("new")

    assert "ConflictException" == code_of(
        boto.add_region, InstanceArn=creating, RegionName="eu-west-1"
    )


def test_not_found_and_denied(boto: Any, arn: str) -> None:
    """A Region not on the instance is not found; an unknown instance is access denied."""
    codes = [
        code_of(boto.describe_region, InstanceArn=arn, RegionName="eu-west-3"),
        code_of(boto.remove_region, InstanceArn=arn, RegionName="eu-west-3"),
        code_of(boto.describe_region, InstanceArn=UNKNOWN_ARN, RegionName="us-east-1"),
        code_of(boto.list_regions, InstanceArn=UNKNOWN_ARN),
        code_of(boto.add_region, InstanceArn=UNKNOWN_ARN, RegionName="eu-west-3"),
    ]

    assert ["ResourceNotFoundException"] * 2 + ["AccessDeniedException"] * 3 == codes


@pytest.mark.parametrize("name", ["eu-west", "EU-WEST-1", "eu_west_1", "a-b-c-d-e-1", "x" * 33])
def test_bad_region_name_is_a_validation_error(boto: Any, arn: str, name: str) -> None:
    """A Region name outside the model's pattern (Region names such as us-east-1) is refused."""
    response = error_of(boto.describe_region, InstanceArn=arn, RegionName=name)

    assert "ValidationException" == response["Error"]["Code"]
    assert "at 'regionName' failed to satisfy constraint" in response["Error"]["Message"]


def test_quota(sim: Simulator, boto: Any, arn: str) -> None:
    """Beyond region_quota additional Regions, AddRegion is ServiceQuotaExceededException."""
    sim.region_quota = 1
    boto.add_region(InstanceArn=arn, RegionName="eu-west-1")
    sim.advance(300)

    assert "ServiceQuotaExceededException" == code_of(
        boto.add_region, InstanceArn=arn, RegionName="eu-west-2"
    )


def test_list_regions_paginates(sim: Simulator, boto: Any, arn: str) -> None:
    """ListRegions pages with MaxResults/NextToken; botocore's paginator sees them all."""
    for name in ("eu-west-1", "eu-west-2", "eu-west-3"):
        sim.add_region(arn, name, seconds=0)
    first = boto.list_regions(InstanceArn=arn, MaxResults=2)
    pages = boto.get_paginator("list_regions").paginate(
        InstanceArn=arn, PaginationConfig={"PageSize": 3}
    )

    assert (2, True) == (len(first["Regions"]), "NextToken" in first)
    assert ["us-east-1", "eu-west-1", "eu-west-2", "eu-west-3"] == [
        r["RegionName"] for page in pages for r in page["Regions"]
    ]


def test_scripted_regions(sim: Simulator, boto: Any, arn: str) -> None:
    """add_region(never_finish=True) stays ADDING; a forced status shows until lifted."""
    sim.add_region(arn, "eu-west-1", never_finish=True)
    sim.add_region(arn, "eu-west-2", seconds=5)
    sim.set_region_status(arn, "eu-west-2", "MIGRATING")
    forced = _statuses(boto, arn)
    sim.advance(1e9)
    sim.set_region_status(arn, "eu-west-2", None)

    assert {"us-east-1": "ACTIVE", "eu-west-1": "ADDING", "eu-west-2": "MIGRATING"} == forced
    assert {"us-east-1": "ACTIVE", "eu-west-1": "ADDING", "eu-west-2": "ACTIVE"} == _statuses(
        boto, arn
    )
    assert math.inf == sim.require_region(arn, "eu-west-1").ready_at


def test_scripted_removal_never_finishes(sim: Simulator, arn: str) -> None:
    """remove_region(never_finish=True) stays REMOVING; the primary Region cannot be removed."""
    sim.add_region(arn, "eu-west-1", seconds=0)
    sim.remove_region(arn, "eu-west-1", never_finish=True)
    sim.advance(1e9)
    with pytest.raises(ServiceError) as primary:
        sim.remove_region(arn, "us-east-1")

    assert "REMOVING" == sim.require_region(arn, "eu-west-1").status(sim.now())
    assert "ConflictException" == primary.value.code


def test_regions_go_with_the_instance(sim: Simulator, boto: Any, arn: str) -> None:
    """Once the instance is deleted, asking about its Regions is access denied."""
    sim.add_region(arn, "eu-west-1", seconds=0)
    sim.delete_instance(arn, delete_seconds=0)

    assert "AccessDeniedException" == code_of(
        boto.describe_region, InstanceArn=arn, RegionName="eu-west-1"
    )
