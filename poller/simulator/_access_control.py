"""An instance's attribute-based access control configuration and its lifecycle.

CREATION_IN_PROGRESS, then ENABLED or CREATION_FAILED, computed from timestamps on read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from poller.simulator._base import SimulatorBase
from poller.simulator._errors import ServiceError

if TYPE_CHECKING:
    from poller.simulator._instances import Instance

CREATION_IN_PROGRESS: Final = "CREATION_IN_PROGRESS"
ENABLED: Final = "ENABLED"
CREATION_FAILED: Final = "CREATION_FAILED"

#: The attributes a configuration gets when a script gives none.
DEFAULT_ATTRIBUTES: Final = (
    {"Key": "CostCenter", "Value": {"Source": ["${path:enterprise.costCenter}"]}},
)


@dataclass(slots=True)
class AccessControlConfiguration:
    """The configuration: its attributes and when creating it ends (simulated seconds)."""

    attributes: list[dict[str, Any]]
    ready_at: float
    fail_reason: str | None = None
    forced_status: str | None = None
    forced_reason: str | None = None

    def status(self, now: float) -> str:
        """Return ``Status`` at *now*."""
        if self.forced_status is not None:
            return self.forced_status
        if now < self.ready_at:
            return CREATION_IN_PROGRESS
        return CREATION_FAILED if self.fail_reason is not None else ENABLED

    def status_reason(self, now: float) -> str | None:
        """Return ``StatusReason`` at *now*: why creation failed, or a forced reason."""
        if self.forced_status is not None:
            return self.forced_reason
        return self.fail_reason if self.status(now) == CREATION_FAILED else None

    def describe(self, now: float) -> dict[str, Any]:
        """Return the DescribeInstanceAccessControlAttributeConfiguration output at *now*."""
        output: dict[str, Any] = {
            "Status": self.status(now),
            "InstanceAccessControlAttributeConfiguration": {
                "AccessControlAttributes": self.attributes
            },
        }
        reason = self.status_reason(now)
        if reason is not None:
            output["StatusReason"] = reason
        return output


def configuration_of(instance: Instance) -> AccessControlConfiguration:
    """Return the instance's configuration.

    Raises:
        ServiceError: ResourceNotFoundException when it has none.
    """
    if instance.access_control is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"No attribute-based access control configuration exists for instance {instance.arn}.",
        )
    return instance.access_control


class AccessControlScripts(SimulatorBase):
    """The :class:`~poller.simulator.Simulator` methods that script access control."""

    def create_access_control_attributes(
        self,
        arn: str,
        attributes: list[dict[str, Any]] | None = None,
        *,
        seconds: float | None = None,
        fail_reason: str | None = None,
        never_finish: bool = False,
    ) -> None:
        """Give instance *arn* an attribute-based access control configuration.

        It is ``CREATION_IN_PROGRESS`` for *seconds*, then ``ENABLED``, or ``CREATION_FAILED``
        with *fail_reason*; it replaces any other.

        Args:
            arn: The instance.
            attributes: ``AccessControlAttributes`` as the API spells them; one by default.
            seconds: Overrides the simulator's ``access_control_seconds``.
            fail_reason: End ``CREATION_FAILED`` with this ``StatusReason``.
            never_finish: Stay ``CREATION_IN_PROGRESS`` for ever.
        """
        seconds = self.access_control_seconds if seconds is None else seconds
        if seconds < 0:
            raise ValueError(f"a duration cannot be negative ({seconds!r} s)")
        with self._lock:
            instance = self.require(arn, "CreateInstanceAccessControlAttributeConfiguration")
            ready_at = math.inf if never_finish else self.clock.now() + seconds
            instance.access_control = AccessControlConfiguration(
                list(DEFAULT_ATTRIBUTES if attributes is None else attributes),
                ready_at,
                fail_reason,
            )

    def set_access_control_status(
        self, arn: str, status: str | None, *, reason: str | None = None
    ) -> None:
        """Force the raw ``Status`` and ``StatusReason`` of the configuration; ``None`` lifts it.

        Raises:
            ServiceError: ResourceNotFoundException when the instance has no configuration.
        """
        configuration = configuration_of(self.require(arn))
        configuration.forced_status = status
        configuration.forced_reason = reason
