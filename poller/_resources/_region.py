"""A Region of an instance: DescribeRegion's state table, as data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Final

from poller._arn import is_valid_instance_arn
from poller._engine import _failures
from poller._engine._acceptors import (
    RESOLVE,
    RETRY,
    SUCCESS,
    WAIT,
    Acceptor,
    Decision,
    Observation,
    fail,
    row,
)
from poller._engine._failures import WaitState
from poller._engine._resource import Listing, Resource
from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._common import error_rows, one_status
from poller._resources._kind import Command, ResourceKind
from poller._resources._listing import Pace, listed_values
from poller._resources._values import bool_or_none, date_or_none, enum_or_str, jsonable
from poller._settings import Delays
from poller.events import RegionStatusChanged, RegionUnknownStatus
from poller.exceptions import (
    InvalidArgumentError,
    InvalidInstanceArnError,
    PollerError,
    RegionRemovedError,
    ResourceNotFoundError,
)

__all__ = ["REGION", "REGION_KIND", "RegionDescription", "RegionStatus", "RegionTarget"]


class RegionStatus(enum.StrEnum):
    """A Region's Status, as DescribeRegion answers it."""

    ACTIVE = "ACTIVE"
    ADDING = "ADDING"
    REMOVING = "REMOVING"


class RegionTarget(enum.StrEnum):
    """What a Region wait waits for."""

    ACTIVE = "active"
    """Status ACTIVE: AddRegion has finished replicating."""
    REMOVED = "removed"
    """The Region is gone: RemoveRegion has finished."""


@dataclasses.dataclass(frozen=True, slots=True)
class RegionDescription:
    """DescribeRegion's answer: its fields in snake case, and the answer itself as ``raw``."""

    region_name: str | None
    status: RegionStatus | str | None
    """Unknown values (from a newer API) stay plain strings."""
    added_date: dt.datetime | None
    is_primary_region: bool | None
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_api(cls, answer: Mapping[str, Any]) -> RegionDescription:
        """Parse a DescribeRegion answer (or a ListRegions entry)."""
        return cls(
            region_name=None if answer.get("RegionName") is None else str(answer["RegionName"]),
            status=enum_or_str(RegionStatus, answer.get("Status")),
            added_date=date_or_none(answer.get("AddedDate")),
            is_primary_region=bool_or_none(answer.get("IsPrimaryRegion")),
            raw=answer,
        )

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's own key names and ISO 8601 dates."""
        result: dict[str, Any] = jsonable(self.raw)
        return result


_TARGETS: Final = tuple(t.value for t in RegionTarget)
#: The service model's pattern for a Region name (checked whole).
REGION_NAME: Final = re.compile(r"([a-z]+-){2,3}\d")
_LONGEST_NAME: Final = 32


def _removed(observation: Observation, state: WaitState) -> PollerError:
    region, arn = state.identity.region_name, state.identity.instance_arn
    if observation.description is not None:
        return RegionRemovedError(
            f"Region {region} of instance {arn} is being removed (Status REMOVING) while "
            f"waiting for it to become {state.until}.",
            **state.context(None),
        )
    return RegionRemovedError(
        f"Region {region} of instance {arn} was removed while waiting for it to become "
        f"{state.until}: after REMOVING, DescribeRegion answers ResourceNotFound.",
        **state.context(observation.error_message or None),
    )


def _not_found(observation: Observation, state: WaitState) -> PollerError:
    region, arn = state.identity.region_name, state.identity.instance_arn
    return ResourceNotFoundError(
        f"Region {region} of instance {arn} does not exist ({state.last_seen()}): "
        "DescribeRegion answers ResourceNotFound and ListRegions does not list it. Check the "
        "name (`aws sso-admin list-regions`), or whether AddRegion was called."
        f"{_failures.aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


_KNOWN_STATUSES: Final = frozenset(RegionStatus)
_REMOVED = fail(RegionRemovedError, _removed)

ACCEPTORS: Final[tuple[Acceptor, ...]] = (
    row(
        "Status ACTIVE",
        lambda o: o.status == RegionStatus.ACTIVE,
        _TARGETS,
        active=SUCCESS,
        removed=WAIT,
    ),
    row("Status ADDING", lambda o: o.status == RegionStatus.ADDING, _TARGETS, WAIT),
    row(
        "Status REMOVING",
        lambda o: o.status == RegionStatus.REMOVING,
        _TARGETS,
        active=_REMOVED,
        removed=WAIT,
    ),
    row(
        "unknown Status",
        lambda o: o.description is not None and o.status not in _KNOWN_STATUSES,
        _TARGETS,
        WAIT,
    ),
    row(
        "ResourceNotFound after REMOVING was seen",
        lambda o: o.not_found and o.removal_seen,
        _TARGETS,
        active=_REMOVED,
        removed=SUCCESS,
        gone=True,
    ),
    row("ResourceNotFound otherwise", lambda o: o.not_found, _TARGETS, RESOLVE),
    *error_rows(_TARGETS),
)


def _when_listed(until: str) -> Decision:
    # Listed, though DescribeRegion did not find it: an eventually consistent moment.
    return RETRY


def _when_absent(until: str, seen: bool) -> Decision:
    if until == RegionTarget.REMOVED:
        return SUCCESS
    return fail(ResourceNotFoundError, _not_found)


def _listed(client: Any, identity: Identity, pace: Pace) -> AsyncGenerator[str, None]:
    return listed_values(
        client.list_regions,
        "Regions",
        "RegionName",
        before_page=pace,
        InstanceArn=identity.instance_arn,
    )


def _check(identity: Identity) -> None:
    if not is_valid_instance_arn(identity.instance_arn):
        raise InvalidInstanceArnError(
            f"{identity.instance_arn!r} is not an Identity Center instance ARN: expected "
            "arn:aws:sso:::instance/ssoins-<16 characters> (the service model's pattern).",
            instance_arn=str(identity.instance_arn),
        )
    name = identity.region_name
    if (
        not isinstance(name, str)
        or not 1 <= len(name) <= _LONGEST_NAME
        or not REGION_NAME.fullmatch(name)
    ):
        raise InvalidArgumentError(
            f"{name!r} is not a Region name: expected one such as us-east-1 (the service "
            "model's pattern ([a-z]+-){2,3}\\d).",
            instance_arn=str(identity.instance_arn),
            region_name=None if name is None else str(name),
        )


def _parse(answer: Mapping[str, Any]) -> RegionDescription | None:
    return RegionDescription.from_api(answer) if "Status" in answer else None


REGION: Final = Resource(
    name="region",
    operation="DescribeRegion",
    method="describe_region",
    request=lambda i: {"InstanceArn": i.instance_arn, "RegionName": i.region_name},
    parse=_parse,
    targets=_TARGETS,
    acceptors=ACCEPTORS,
    listing=Listing(
        operation="ListRegions",
        listed=_listed,
        key=lambda identity: str(identity.region_name),
        when_listed=_when_listed,
        when_absent=_when_absent,
    ),
    removal_status=RegionStatus.REMOVING,
    delays=Delays(min_delay=10.0, max_delay=60.0),
    state_of=one_status,
    status_changed=RegionStatusChanged,
    reasons=lambda description: (),
    unknown_status=RegionUnknownStatus,
    known_statuses=frozenset(str(s) for s in _KNOWN_STATUSES),
    label=lambda i: f"Region {i.region_name} of instance {i.instance_arn}",
    check=_check,
    target_type=RegionTarget,
    removals=frozenset({RegionTarget.REMOVED.value}),
)
"""DescribeRegion's resource: default delays 10 s / 60 s."""

REGION_KIND: Final = ResourceKind(
    name="region",
    noun="Region",
    nouns="Regions",
    shape="region",
    started_by=("AddRegion", "RemoveRegion"),
    description_type=RegionDescription,
    failure=RegionRemovedError,
    command=Command(
        name="wait-region",
        summary="Wait until Regions of an instance are active (or removed).",
        help="After AddRegion (--until active) or RemoveRegion (--until removed): every Region "
        "at once, under one deadline.",
    ),
    reached_one="Region {who} is {until}.",
    reached_many="{count} Regions are {until}.",
    document_key="Region",
    advice={
        Outcome.FAILED: "The Region is being removed: wait for that with --until removed.",
        Outcome.INVALID: (
            "Check the instance ARN (`aws sso-admin list-instances`) and the Region name "
            "(`aws sso-admin list-regions --instance-arn ARN`)."
        ),
        Outcome.NOT_FOUND: (
            "`aws sso-admin list-regions --instance-arn ARN` lists the instance's Regions."
        ),
        Outcome.TIMED_OUT: "Adding or removing a Region takes minutes: wait longer with --timeout.",
    },
    table=REGION,
)
"""A Region of an instance, described for every face."""
