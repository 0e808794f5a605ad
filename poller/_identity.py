"""Which resource a wait is about: an instance, and the Region or request within it."""

from __future__ import annotations

import dataclasses

__all__ = ["Identity"]


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    """Which resource a wait is about: its instance, and the Region or request within it.

    Attributes:
        instance_arn: The instance (or the instance that owns the Region or request).
        region_name: The Region, for a Region; else None.
        request_id: The request (a RequestId), for a request; else None.
    """

    instance_arn: str
    region_name: str | None = None
    request_id: str | None = None

    def keys(self) -> dict[str, str]:
        """The identity as event and error keys: only those the resource has."""
        keys = {"instance_arn": self.instance_arn}
        if self.region_name is not None:
            keys["region_name"] = self.region_name
        if self.request_id is not None:
            keys["request_id"] = self.request_id
        return keys

    def __str__(self) -> str:
        return " ".join(self.keys().values())
