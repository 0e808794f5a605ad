"""What a task waits on, read from ``poller.resources``: the kind, and one identity per wait.

Nothing here lists the kinds: a kind added to ``poller.resources`` is one more ``resource`` the
operators and triggers take. ``poller.resources`` is read on every call, not bound once at
import, so that what the triggerer re-creates is looked up where the operator found it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Final

import poller
from poller import Identity, ResourceKind

__all__ = [
    "ARGUMENT_OF_SHAPE",
    "check_instance_arn",
    "identities_of",
    "kind_named",
    "plain_target",
    "request_kinds",
    "target_of",
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


def plain_target(until: object) -> object:
    """*until* as given, but an enum member (``poller.Target.ACTIVE``) as its plain value.

    So that it is rendered, serialized and sent as a plain string; a template or an XComArg
    is left to Airflow.
    """
    if isinstance(until, enum.Enum):
        return str(until.value)
    return str(until) if isinstance(until, str) else until


def target_of(kind: ResourceKind, until: object) -> str:
    """*until* as one of the kind's targets, in any case (``ACTIVE`` is ``active``), as a plain str.

    None is the kind's default; an enum member (``poller.Target.ACTIVE``) is its value.

    Raises:
        ValueError: A target the kind does not have, naming those it has.
    """
    until = plain_target(until)
    if until is None:
        return str(kind.target(None))
    if not isinstance(until, str):
        # ValueError, not TypeError: bad input in the DAG, failed as every other check here.
        raise ValueError(f"until must be a target's name, not {until!r}")  # noqa: TRY004
    # A Jinja template or a DAG written by hand may shout it: the targets are lower case.
    wanted = str(until).strip()
    named = next((target for target in kind.targets if target == wanted.lower()), wanted)
    return str(kind.target(named))


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
