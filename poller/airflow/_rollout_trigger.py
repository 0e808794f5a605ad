"""One trigger for every wait of a rollout: Regions, access control, requests (many at once)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Final

from airflow.triggers.base import BaseTrigger, TriggerEvent

from poller._engine._resource import Resource
from poller._identity import Identity
from poller._resources._access_control import ACCESS_CONTROL_ATTRIBUTES
from poller._resources._region import REGION
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION,
    ACCOUNT_ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
)
from poller._settings import Seconds, WaitSettings
from poller.airflow import _rollout_payload
from poller.airflow._connection import DEFAULT_CONN_ID, open_hook_client
from poller.airflow._trigger import to_deadline

__all__ = ["ROLLOUT_RESOURCES", "RolloutWaitTrigger", "identities_of"]

#: Where the triggerer finds this class: the public name, which outlives module moves.
_CLASSPATH: Final = "poller.airflow.RolloutWaitTrigger"

#: What a rollout trigger can wait on, by the name its ``resource`` argument takes.
ROLLOUT_RESOURCES: Final[Mapping[str, Resource]] = {
    "region": REGION,
    "access-control-attributes": ACCESS_CONTROL_ATTRIBUTES,
    "permission-set-provisioning": PERMISSION_SET_PROVISIONING,
    "account-assignment-creation": ACCOUNT_ASSIGNMENT_CREATION,
    "account-assignment-deletion": ACCOUNT_ASSIGNMENT_DELETION,
}


def resource_of(name: str) -> Resource:
    """The library's resource for a ``resource`` argument; ValueError naming the known ones."""
    try:
        return ROLLOUT_RESOURCES[name]
    except KeyError:
        choices = ", ".join(ROLLOUT_RESOURCES)
        raise ValueError(f"unknown resource {name!r}: expected one of {choices}") from None


def identities_of(
    name: str, instance_arn: str, regions: Sequence[str], request_ids: Sequence[str]
) -> list[Identity]:
    """What each wait is about: one per Region or request, or the one configuration.

    Raises:
        ValueError: Regions for anything but ``region``, request IDs for anything but
            requests, or none where some are needed; one listed twice.
        InvalidArgumentError: A malformed ARN, Region name or request ID.
    """
    resource = resource_of(name)
    if name == "region":
        if request_ids or not regions:
            raise ValueError("a Region wait needs regions (and no request_ids)")
        identities = [Identity(instance_arn, region_name=region) for region in regions]
    elif name == "access-control-attributes":
        if regions or request_ids:
            raise ValueError("an access-control wait takes neither regions nor request_ids")
        identities = [Identity(instance_arn)]
    else:
        if regions:
            raise ValueError(f"a {name} wait takes request_ids, not regions")
        identities = [Identity(instance_arn, request_id=rid) for rid in request_ids]
    seen: set[Identity] = set()
    for identity in identities:
        resource.check(identity)
        if identity in seen:
            listed = identity.region_name or identity.request_id
            raise ValueError(f"{listed!r} is listed twice")
        seen.add(identity)
    return identities


class RolloutWaitTrigger(BaseTrigger):
    """Wait in Airflow's triggerer on a rollout's resources; fire one event with every outcome.

    One trigger for every kind, by its ``resource`` argument, run by poller's one engine: the
    Regions of an instance (``region``), its attribute-based access control
    (``access-control-attributes``), or requests (``permission-set-provisioning``,
    ``account-assignment-creation``, ``account-assignment-deletion``), many at once under one
    deadline through one client and its rate limit (10 requests a second, halved on
    throttling). The deadline is absolute wall-clock time, as for
    :class:`~poller.airflow.InstanceWaitTrigger`: a trigger re-created after a triggerer restart
    waits only for what is left, and one already past fires at once without a request.

    The event's payload is a :class:`~poller.airflow.RolloutPayload`: the overall ``outcome``,
    and ``endings``, one :class:`~poller.airflow.WaitEnding` per Region or request in the order
    given (one for the access-control configuration).

    Args:
        resource: What to wait on (above).
        instance_arn: The instance.
        deadline: When every wait must end: epoch seconds, or an ISO 8601 time with a zone.
        regions: The Regions of the instance to wait on (``resource="region"``).
        request_ids: The request IDs to wait on (requests).
        until: ``active`` or ``removed`` for Regions; the others have one target.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause (default: its own).
        aws_conn_id: An Airflow AWS connection, as for
            :class:`~poller.airflow.InstanceWaitTrigger`.
        region_name: The client's AWS Region (the instance's); overrides the connection's.
        endpoint_url: Another endpoint; overrides the connection's.
        verify: TLS verification: a CA bundle's path, or False.
        botocore_config: botocore ``Config`` options in place of the connection's.
        started_at: When the wait began (epoch seconds); ``elapsed`` counts from it.

    Raises:
        ValueError: An unknown resource or target, identifiers that do not fit it, a bad
            setting or a naive deadline.
        InvalidArgumentError: A malformed ARN, Region name or request ID.
    """

    def __init__(
        self,
        resource: str,
        instance_arn: str,
        deadline: float | str | dt.datetime,
        *,
        regions: Sequence[str] = (),
        request_ids: Sequence[str] = (),
        until: str | None = None,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        aws_conn_id: str | None = DEFAULT_CONN_ID,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        started_at: float | None = None,
    ) -> None:
        super().__init__()
        self.resource = resource
        self.instance_arn = instance_arn
        self.regions = list(regions)
        self.request_ids = list(request_ids)
        self.identities = identities_of(resource, instance_arn, self.regions, self.request_ids)
        target = resource_of(resource)
        self.until = target.target(until if until is not None else target.targets[0])
        self.deadline = to_deadline(deadline)
        settings = WaitSettings.of(
            defaults=target.delays, deadline=self.deadline, min_delay=min_delay, max_delay=max_delay
        )
        self.min_delay, self.max_delay = settings.min_delay, settings.max_delay
        self.aws_conn_id = aws_conn_id
        # A template that rendered empty ("{{ params.endpoint_url or '' }}") means none.
        self.region_name = region_name or None
        self.endpoint_url = endpoint_url or None
        self.verify = verify
        self.botocore_config = None if botocore_config is None else dict(botocore_config)
        self.started_at = started_at

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments that re-create this trigger: plain values."""
        cls = type(self)
        classpath = _CLASSPATH if cls is RolloutWaitTrigger else f"{cls.__module__}.{cls.__name__}"
        return (
            classpath,
            {
                "resource": self.resource,
                "instance_arn": self.instance_arn,
                "deadline": self.deadline,
                "regions": self.regions,
                "request_ids": self.request_ids,
                "until": self.until,
                "min_delay": self.min_delay,
                "max_delay": self.max_delay,
                "aws_conn_id": self.aws_conn_id,
                "region_name": self.region_name,
                "endpoint_url": self.endpoint_url,
                "verify": self.verify,
                "botocore_config": self.botocore_config,
                "started_at": self.started_at,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait for what is left of the deadline, then yield one event with every outcome.

        Cancellation (the triggerer stopping, the task cleared) propagates: every wait emits
        ``wait.cancelled`` and the cancellation is re-raised.
        """
        resource = resource_of(self.resource)
        waits_on = _rollout_payload.RolloutWaits(
            self.resource, self.instance_arn, self.until, self.identities, resource.label
        )
        if self.deadline <= time.time():
            deadline = dt.datetime.fromtimestamp(self.deadline, dt.UTC).isoformat()
            payload = _rollout_payload.past_deadline(waits_on, deadline)
            yield TriggerEvent(self._whole_wait(payload))
            return
        # Imported here, in the triggerer: parsing a DAG file need not load aiobotocore.
        from poller._engine._many import plan_many, run_many  # noqa: PLC0415
        from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE  # noqa: PLC0415

        try:
            client_context = await open_hook_client(
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                endpoint_url=self.endpoint_url,
                verify=self.verify,
                botocore_config=self.botocore_config,
            )
            async with client_context as client:
                settings = WaitSettings.of(
                    defaults=resource.delays,
                    deadline=self.deadline,
                    min_delay=self.min_delay,
                    max_delay=self.max_delay,
                )
                waits = plan_many(
                    resource,
                    [(client, identity) for identity in self.identities],
                    self.until,
                    settings,
                    rate=DEFAULT_RATE,
                    burst=DEFAULT_BURST,
                    twice=lambda identity: f"{identity} is listed twice",
                )
                endings = await run_many(waits)
        # No region, no credentials, an unknown connection: every wait ends on that message
        # rather than on the triggerer's traceback. Cancellation is not an Exception.
        except Exception as error:
            payload = _rollout_payload.could_not_wait(waits_on, error)
        else:
            payload = _rollout_payload.from_endings(waits_on, endings)
        # Yielded outside the client's block: nothing the generator opened is left open.
        yield TriggerEvent(self._whole_wait(payload))

    def _whole_wait(
        self, payload: _rollout_payload.RolloutPayload
    ) -> _rollout_payload.RolloutPayload:
        """The payload with ``elapsed`` measured from the wait's start, across restarts."""
        if self.started_at is not None:
            payload["elapsed"] = max(payload["elapsed"], time.time() - self.started_at)
        return payload
