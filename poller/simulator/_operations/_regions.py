"""AddRegion, RemoveRegion, DescribeRegion and ListRegions.

One Region workflow at a time per instance, as the service allows: adding or removing a Region
while another is being added or removed is a ConflictException.
"""

from __future__ import annotations

from typing import Any

from poller.simulator._errors import ServiceError, conflict
from poller.simulator._instances import ACTIVE as INSTANCE_ACTIVE
from poller.simulator._instances import Instance
from poller.simulator._model import validate
from poller.simulator._operations._paging import listing, paginate
from poller.simulator._regions import ACTIVE
from poller.simulator._simulator import Simulator


def _check_no_workflow(instance: Instance, now: float) -> None:
    for region in list(instance.live_regions(now).values()):
        status = region.status(now)
        if status != ACTIVE:
            raise conflict(
                f"Region {region.name} is {status}; wait until it is done before adding or "
                f"removing another Region."
            )


def add_region(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """AddRegion: ``ADDING``, then ``ACTIVE``; one Region at a time, within the quota."""
    validate("AddRegion", body)
    arn, name = body["InstanceArn"], body["RegionName"]
    instance = sim.require(arn, "AddRegion")
    now = sim.now()
    if instance.status(now) != INSTANCE_ACTIVE:
        raise conflict(f"The instance is {instance.status(now)}; Regions are added to ACTIVE ones.")
    regions = instance.live_regions(now)
    if name in regions:
        status = regions[name].status(now)
        raise conflict(f"Region {name} is already enabled for the instance ({status}).")
    _check_no_workflow(instance, now)
    if sim.region_quota is not None and len(regions) - 1 >= sim.region_quota:
        raise ServiceError(
            "ServiceQuotaExceededException",
            f"The instance already has {sim.region_quota} additional Regions, its quota.",
        )
    sim.add_region(arn, name)
    return {"Status": sim.require_region(arn, name, "AddRegion").status(sim.now())}


def remove_region(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """RemoveRegion: ``REMOVING``, then gone; never the primary Region."""
    validate("RemoveRegion", body)
    arn, name = body["InstanceArn"], body["RegionName"]
    region = sim.require_region(arn, name, "RemoveRegion")
    if region.is_primary:
        raise conflict(f"Region {name} is the primary Region; it cannot be removed.")
    _check_no_workflow(sim.require(arn, "RemoveRegion"), sim.now())
    sim.remove_region(arn, name)
    return {"Status": region.status(sim.now())}


def describe_region(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeRegion: ResourceNotFoundException for a Region the instance does not have."""
    validate("DescribeRegion", body)
    region = sim.require_region(body["InstanceArn"], body["RegionName"])
    return region.metadata(sim.now(), sim.clock.epoch_origin)


def list_regions(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListRegions: every Region of the instance, those being added or removed too."""
    validate("ListRegions", body)
    instance = sim.require(body["InstanceArn"], "ListRegions")
    now, epoch = sim.now(), sim.clock.epoch_origin
    regions, token = paginate(list(instance.live_regions(now).values()), body)
    return listing("Regions", [region.metadata(now, epoch) for region in regions], token)
