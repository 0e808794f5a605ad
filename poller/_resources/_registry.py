"""Every kind of resource poller waits on, by name: ``poller.resources``.

Adding a resource is a module of its own (its description parser, state table and
:class:`~poller._resources._kind.ResourceKind`) and one entry here; the command, the Airflow
integration and the benchmarks find it here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from poller._resources._access_control import ACCESS_CONTROL_ATTRIBUTES_KIND
from poller._resources._instance import INSTANCE_KIND
from poller._resources._kind import ResourceKind
from poller._resources._permission_sets_enabled import PERMISSION_SETS_ENABLED_KIND
from poller._resources._region import REGION_KIND
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION_KIND,
    ACCOUNT_ASSIGNMENT_DELETION_KIND,
    PERMISSION_SET_PROVISIONING_KIND,
)

__all__ = ["kind_of", "resources"]


class _Resources(Mapping[str, ResourceKind]):
    """Every kind of resource poller waits on, by its name (``instance``, ``region`` ...).

    Read-only: ``poller.resources["region"]`` is the Region's :class:`poller.ResourceKind`.
    """

    __slots__ = ("_kinds",)

    def __init__(self, *kinds: ResourceKind) -> None:
        self._kinds = {kind.name: kind for kind in kinds}

    def __getitem__(self, name: str) -> ResourceKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __repr__(self) -> str:
        return f"poller.resources({', '.join(self._kinds)})"


resources: Final = _Resources(
    INSTANCE_KIND,
    PERMISSION_SETS_ENABLED_KIND,
    REGION_KIND,
    ACCESS_CONTROL_ATTRIBUTES_KIND,
    PERMISSION_SET_PROVISIONING_KIND,
    ACCOUNT_ASSIGNMENT_CREATION_KIND,
    ACCOUNT_ASSIGNMENT_DELETION_KIND,
)
"""Every kind of resource, by its name: read-only."""


def kind_of(resource: ResourceKind | str) -> ResourceKind:
    """*resource*, or the kind of that name.

    Raises:
        ValueError: An unknown name, naming the known ones.
        TypeError: Neither a name nor a :class:`ResourceKind`.
    """
    if isinstance(resource, ResourceKind):
        return resource
    if not isinstance(resource, str):
        raise TypeError(f"resource must be a ResourceKind or its name, not {resource!r}")
    try:
        return resources[resource]
    except KeyError:
        choices = ", ".join(resources)
        raise ValueError(f"unknown resource {resource!r}: expected one of {choices}") from None
