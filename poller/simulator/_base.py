"""What every part of the simulator shares: its settings, clock and lock, and the instances.

:class:`SimulatorBase` declares the attributes that :class:`~poller.simulator.Simulator` sets
up, so that the scripting methods of each resource (Regions, access control, permission sets,
assignments, requests) can live in the resource's own module, as a base class of
``Simulator``, and still be type-checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poller._arn import is_valid_instance_arn
from poller.simulator._errors import ServiceError, access_denied

if TYPE_CHECKING:  # annotations only: the modules below build on this one
    import random
    import threading

    from poller.simulator._clock import SimulatedClock
    from poller.simulator._instances import Instance
    from poller.simulator._lifecycles import Durations
    from poller.simulator._limits import ServiceLimits
    from poller.simulator._requests import FailureRules, Request


class SimulatorBase:
    """The shared state (set by ``Simulator.__init__``) and the instance lookups."""

    clock: SimulatedClock
    account_id: str
    region: str
    partition: str
    add_region_seconds: float
    remove_region_seconds: float
    region_quota: int | None
    access_control_seconds: float
    access_control_fail_reason: str | None
    provisioning_seconds: float
    provisioning_sigma: float
    provisioning_fail_reason: str | None
    assignment_seconds: float
    assignment_sigma: float
    assignment_fail_reason: str | None
    assignment_quota: int | None
    #: The service limits (off unless asked for) and their counters.
    limits: ServiceLimits
    _durations: Durations
    _lock: threading.RLock
    _rng: random.Random
    _instances: dict[str, Instance]
    # Provisioning and assignment requests of every instance, by request ID.
    _async_requests: dict[str, Request]
    _assignment_failures: FailureRules
    _provisioning_failures: FailureRules

    def now(self) -> float:
        """Return the current simulated time in seconds."""
        return self.clock.now()

    def get(self, arn: str) -> Instance | None:
        """Return the instance *arn*, or ``None`` if it never existed or is deleted."""
        instance = self._instances.get(arn)
        if instance is not None and instance.is_gone(self.clock.now()):
            with self._lock:
                self._instances.pop(arn, None)
            return None
        return instance

    def require(self, arn: str, operation: str = "DescribeInstance") -> Instance:
        """Return the live instance *arn*, or raise what the service answers for it.

        Raises:
            ServiceError: ValidationException for a malformed ARN, AccessDeniedException for
                an instance that does not exist (or no longer does), as the service does.
        """
        if not is_valid_instance_arn(arn):
            raise ServiceError("ValidationException", f"Invalid instance ARN: {arn!r}")
        instance = self.get(arn)
        if instance is None:
            raise access_denied(operation, arn)
        return instance
