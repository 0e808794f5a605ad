"""What a finished wait returns."""

from __future__ import annotations

import dataclasses
import datetime as dt

from poller._instance import EncryptionStatus, InstanceDescription, InstanceStatus
from poller._targets import Target

__all__ = ["ObservedState", "WaitResult"]


@dataclasses.dataclass(frozen=True, slots=True)
class ObservedState:
    """One distinct (Status, EncryptionStatus) seen during a wait, and when.

    Both are None once the instance is gone (DescribeInstance denied after a deletion).
    """

    status: InstanceStatus | str | None
    encryption_status: EncryptionStatus | str | None
    attempt: int
    """The poll that first saw this state."""
    elapsed: float
    """Seconds from the start of the wait to that poll's answer."""
    at: dt.datetime
    """Wall-clock time (UTC) of that answer."""


@dataclasses.dataclass(frozen=True, slots=True)
class WaitResult:
    """A wait that reached its target."""

    instance_arn: str
    until: Target
    instance: InstanceDescription | None
    """The final description; None only when the target was DELETED."""
    attempts: int
    """DescribeInstance calls made."""
    elapsed: float
    """Seconds the wait took."""
    history: tuple[ObservedState, ...]
    """Each distinct state seen, in order."""
