"""What a finished wait returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from poller._outcome import Outcome

__all__ = ["Description", "ObservedState", "WaitResult"]


class Description(Protocol):
    """A parsed Describe answer: a frozen dataclass with a ``status`` and the raw answer."""

    @property
    def status(self) -> str | None:
        """The resource's Status (an enum member, or a plain string from a newer API)."""

    @property
    def raw(self) -> Mapping[str, Any]:
        """The answer itself, without botocore's ``ResponseMetadata``."""

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's key names and ISO 8601 dates."""


@dataclasses.dataclass(frozen=True, slots=True)
class ObservedState:
    """One distinct state seen during a wait, and when.

    ``status`` is None once the resource is gone (an instance denied after its deletion, a
    Region removed). ``encryption_status`` is the instance's; None for other resources.
    """

    status: str | None
    encryption_status: str | None
    attempt: int
    """The poll that first saw this state."""
    elapsed: float
    """Seconds from the start of the wait to that poll's answer."""
    at: dt.datetime
    """Wall-clock time (UTC) of that answer."""


@dataclasses.dataclass(frozen=True, slots=True)
class WaitResult:
    """A wait that reached its target.

    Attributes:
        instance_arn: The instance waited on (or that owns the resource waited on).
        until: The target reached.
        description: The final parsed answer (for requests, the status object inside it);
            None when the target is a removal (``deleted``, ``removed``).
        attempts: Describe requests sent, retries included.
        elapsed: Seconds the wait took.
        history: Each distinct state seen, in order.
        region_name: The Region waited on, for Region waits.
        request_id: The request waited on, for request waits.
        outcome: ``reached``, or ``deleted`` / ``removed`` when the target was a removal.
    """

    instance_arn: str
    until: str
    description: Any
    attempts: int
    elapsed: float
    history: tuple[ObservedState, ...]
    region_name: str | None = None
    request_id: str | None = None
    outcome: Outcome = Outcome.REACHED

    @property
    def instance(self) -> Any:
        """The final :class:`~poller.InstanceDescription`, for instance waits (None if deleted)."""
        return self.description
