"""An instance's Regions and their lifecycles.

The primary Region, and those added (ADDING, then ACTIVE) or removed (REMOVING, then gone),
their states computed from timestamps on read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from poller.simulator._base import SimulatorBase
from poller.simulator._errors import ServiceError
from poller.simulator._model import check

ADDING: Final = "ADDING"
ACTIVE: Final = "ACTIVE"
REMOVING: Final = "REMOVING"


@dataclass(slots=True)
class Region:
    """One Region of an instance.

    ``added_at`` is real (wall-clock) seconds since the simulator's clock started, for
    ``AddedDate``; the other times are simulated seconds (``math.inf``: never).
    """

    name: str
    added_at: float
    ready_at: float
    is_primary: bool = False
    removing_since: float | None = None
    removed_at: float | None = None
    forced_status: str | None = None

    def status(self, now: float) -> str:
        """Return ``Status`` at *now* (meaningless once :meth:`is_gone`)."""
        if self.forced_status is not None:
            return self.forced_status
        if self.removing_since is not None:
            return REMOVING
        return ADDING if now < self.ready_at else ACTIVE

    def is_gone(self, now: float) -> bool:
        """Tell whether the removal has finished at *now*."""
        return self.removed_at is not None and now >= self.removed_at

    def metadata(self, now: float, epoch: float) -> dict[str, Any]:
        """Return the ``RegionMetadata`` that DescribeRegion, ListRegions and instances show."""
        return {
            "RegionName": self.name,
            "Status": self.status(now),
            "AddedDate": round(epoch + self.added_at, 3),
            "IsPrimaryRegion": self.is_primary,
        }


def _ends(now: float, seconds: float, never_finish: bool) -> float:
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative ({seconds!r} s)")
    return math.inf if never_finish else now + seconds


class RegionScripts(SimulatorBase):
    """The :class:`~poller.simulator.Simulator` methods that script Regions."""

    def add_region(
        self,
        arn: str,
        name: str,
        *,
        seconds: float | None = None,
        never_finish: bool = False,
    ) -> None:
        """Add Region *name* to instance *arn*: ``ADDING`` for *seconds*, then ``ACTIVE``.

        Unlike AddRegion on the wire, this adds a Region while others are being added or
        removed, and restarts one already there.

        Args:
            arn: The instance.
            name: The Region, e.g. ``"eu-west-1"``.
            seconds: Overrides the simulator's ``add_region_seconds``.
            never_finish: Stay ``ADDING`` for ever.
        """
        check("RegionName", "regionName", name)
        seconds = self.add_region_seconds if seconds is None else seconds
        with self._lock:
            instance = self.require(arn, "AddRegion")
            if name == instance.region:
                raise ServiceError("ConflictException", f"{name} is the primary Region.")
            now = self.clock.now()
            instance.regions[name] = Region(
                name, self.clock.wall_elapsed(), _ends(now, seconds, never_finish)
            )

    def remove_region(
        self,
        arn: str,
        name: str,
        *,
        seconds: float | None = None,
        never_finish: bool = False,
    ) -> None:
        """Start removing Region *name*: ``REMOVING`` for *seconds*, then gone.

        Args:
            arn: The instance.
            name: The Region; never the primary one.
            seconds: Overrides the simulator's ``remove_region_seconds``.
            never_finish: Stay ``REMOVING`` for ever.

        Raises:
            ServiceError: ResourceNotFoundException for a Region not on the instance,
                ConflictException for the primary Region.
        """
        seconds = self.remove_region_seconds if seconds is None else seconds
        with self._lock:
            region = self.require_region(arn, name, "RemoveRegion")
            if region.is_primary:
                raise ServiceError(
                    "ConflictException", f"{name} is the primary Region; it cannot be removed."
                )
            now = self.clock.now()
            region.removing_since = now
            region.removed_at = _ends(now, seconds, never_finish)

    def set_region_status(self, arn: str, name: str, status: str | None) -> None:
        """Force the raw ``Status`` of a Region (any string); ``None`` lifts it."""
        self.require_region(arn, name).forced_status = status

    def require_region(self, arn: str, name: str, operation: str = "DescribeRegion") -> Region:
        """Return Region *name* of the live instance *arn*.

        Raises:
            ServiceError: As :meth:`require` for the instance; ResourceNotFoundException when
                the instance has no such Region (or no longer has it).
        """
        check("RegionName", "regionName", name)
        instance = self.require(arn, operation)
        found = instance.live_regions(self.clock.now()).get(name)
        if found is None:
            raise ServiceError(
                "ResourceNotFoundException", f"Region {name} is not enabled for instance {arn}."
            )
        return found
