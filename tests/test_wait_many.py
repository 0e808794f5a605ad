"""poller.wait_many: many waits on one kind of resource at once (Regions here), in virtual time.

A scripted client answers DescribeRegion per Region; the trio MockClock of ``virtual_time``
makes a minute instant, so no verdict depends on the machine's speed.
"""

from __future__ import annotations

import itertools
from typing import Any

import anyio
import pytest

import poller
from tests.fakes import ARN

#: Each Region's Status on every poll: ACTIVE at once, REMOVING, and ADDING for ever.
STATUSES = {"eu-west-1": "ACTIVE", "ap-south-1": "REMOVING", "eu-central-1": "ADDING"}


class RegionsClient:
    """Answers DescribeRegion from :data:`STATUSES`, and notes when each call was made."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    async def describe_region(self, **params: Any) -> dict[str, Any]:
        """DescribeRegion."""
        assert ARN == params["InstanceArn"]
        name = params["RegionName"]
        self.calls.append((anyio.current_time(), name))
        return {"RegionName": name, "Status": STATUSES[name], "IsPrimaryRegion": False}


def targets(client: Any, *names: str) -> list[tuple[Any, poller.Identity]]:
    """``(client, identity)`` of each Region of the instance."""
    return [(client, poller.Identity(ARN, region_name=name)) for name in names]


@pytest.mark.virtual_time
async def test_outcomes_in_input_order_each_handed_over_as_it_ends() -> None:
    """Active, removed while waiting, timed out: in input order; on_outcome as each ends."""
    client = RegionsClient()
    ended: list[poller.WaitOutcome] = []
    start = anyio.current_time()

    outcomes = await poller.wait_many(
        "region",
        targets(client, "eu-central-1", "eu-west-1", "ap-south-1"),
        until="active",
        timeout=60,
        on_outcome=ended.append,
    )

    assert ["eu-central-1", "eu-west-1", "ap-south-1"] == [o.region_name for o in outcomes]
    assert [poller.WaitTimeoutError, None, poller.RegionRemovedError] == [
        None if o.error is None else type(o.error) for o in outcomes
    ]
    assert "eu-central-1" == ended[-1].region_name  # the one that never got there ends last
    assert "ACTIVE" == outcomes[1].result.description.status  # type: ignore[union-attr]
    assert anyio.current_time() - start <= 60


@pytest.mark.virtual_time
async def test_one_limiter_paces_every_wait() -> None:
    """A limiter given is the one for every request of the call."""
    client = RegionsClient()
    limiter = poller.RateLimiter(rate=1.0, burst=1.0)

    await poller.wait_many(
        "region",
        targets(client, "eu-central-1"),
        until="active",
        timeout=20,
        min_delay=0,
        max_delay=0.001,
        limiter=limiter,
    )

    times = [at for at, _ in client.calls]
    assert all(later - earlier >= 0.999 for earlier, later in itertools.pairwise(times))
    assert len(times) >= 10  # polls every second, as the limiter lets them


@pytest.mark.virtual_time
async def test_bad_targets_are_refused_before_any_request() -> None:
    """A malformed Region name, a Region listed twice, an unknown target: nothing sent."""
    client = RegionsClient()

    with pytest.raises(poller.InvalidArgumentError, match="'EU-WEST-1' is not a Region name"):
        await poller.wait_many("region", targets(client, "eu-west-1", "EU-WEST-1"), until="active")
    with pytest.raises(ValueError, match=r"Region eu-west-1 of instance .* listed twice"):
        await poller.wait_many("region", targets(client, "eu-west-1", "eu-west-1"), until="active")
    with pytest.raises(ValueError, match="unknown target 'enabled'"):
        await poller.wait_many("region", targets(client, "eu-west-1"), until="enabled")

    assert [] == client.calls
