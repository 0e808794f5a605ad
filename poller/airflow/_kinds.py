"""What a task waits on, read from ``poller.resources``: the kind, and one identity per wait.

Nothing here lists the kinds: a kind added to ``poller.resources`` is one more ``resource`` the
operators and triggers take. ``poller.resources`` is read on every call, not bound once at
import, so that what the triggerer re-creates is looked up where the operator found it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import poller
from poller import Identity, ResourceKind

__all__ = [
    "ARGUMENT_OF_SHAPE",
    "check_instance_arn",
    "identities_of",
    "kind_named",
    "request_kinds",
]

#: The argument that lists what a wait of each shape is about, besides its instance.
ARGUMENT_OF_SHAPE: Final[Mapping[str, str | None]] = {
    "instance": None,
    "region": "regions",
    "request": "request_ids",
}


def kind_named(resource: str | ResourceKind) -> ResourceKind:
    """The kind of that name in ``poller.resources`` (a kind of it is taken by its name).

    Raises:
        ValueError: A name ``poller.resources`` does not have, naming those it has.
    """
    name = resource.name if isinstance(resource, ResourceKind) else resource
    try:
        return poller.resources[name]
    except (KeyError, TypeError):
        choices = ", ".join(poller.resources)
        raise ValueError(f"unknown resource {name!r}: expected one of {choices}") from None


def check_instance_arn(instance_arn: str) -> None:
    """Refuse a malformed instance ARN, whatever the kind (each is owned by an instance).

    For an operator whose Regions or requests are templated while its ARN is written as is.

    Raises:
        InvalidInstanceArnError: A malformed ARN.
    """
    kind_named("instance").check(Identity(instance_arn))


def request_kinds() -> dict[str, ResourceKind]:
    """Every kind of request, by the key of its status object in the answers that start one."""
    return {
        kind.answer_key: kind for kind in poller.resources.values() if kind.answer_key is not None
    }


def identities_of(
    kind: ResourceKind,
    instance_arn: str,
    regions: Sequence[str] = (),
    request_ids: Sequence[str] = (),
) -> list[Identity]:
    """What each wait is about, in order: the instance, or one per Region or per request.

    Built by the kind itself (:meth:`~poller.ResourceKind.identity`) from the list its shape
    takes; an empty list is nothing to wait on.

    Raises:
        ValueError: A list the kind's shape does not take; one listed twice.
        InvalidArgumentError: A malformed ARN, Region name or request ID.
    """
    given = {"regions": list(regions), "request_ids": list(request_ids)}
    wanted = ARGUMENT_OF_SHAPE[kind.shape]
    extra = [name for name, values in given.items() if values and name != wanted]
    if extra:
        takes = "neither regions nor request_ids" if wanted is None else f"{wanted} only"
        raise ValueError(f"resource={kind.name!r} takes {takes}, not {extra[0]}")
    keys: list[str | None] = [None] if wanted is None else list(given[wanted])
    identities = []
    seen: set[Identity] = set()
    for key in keys:
        identity = kind.identity(instance_arn, key)
        kind.check(identity)
        if identity in seen:
            raise ValueError(f"{key!r} is listed twice")
        seen.add(identity)
        identities.append(identity)
    return identities
