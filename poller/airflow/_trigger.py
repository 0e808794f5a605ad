"""The trigger: any kind of wait, run by Airflow's triggerer against an absolute deadline.

:class:`ResourceWaitTrigger` waits on whatever ``poller.resources`` names, many at once with
:func:`poller.wait_many`; :class:`InstanceWaitTrigger` is it for an instance, with the
arguments (and the serialized form) that earlier versions gave it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

import poller
from poller import Seconds, Target, WaitSettings
from poller.airflow import _payload
from poller.airflow._connection import DEFAULT_CONN_ID, open_hook_client
from poller.airflow._kinds import identities_of, kind_named

__all__ = ["InstanceWaitTrigger", "ResourceWaitTrigger", "to_deadline"]


def to_deadline(value: float | str | dt.datetime) -> float:
    """An absolute deadline as epoch seconds.

    Args:
        value: Epoch seconds, an ISO 8601 string or a datetime, with a time zone (a naive
            time is ambiguous across machines and refused).

    Raises:
        ValueError: A naive or unparsable time.
    """
    if isinstance(value, int | float):
        return float(value)
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"the deadline needs a time zone, such as +00:00: {value!r}")
    return moment.timestamp()


def _classpath(cls: type) -> str:
    """Where the triggerer finds *cls*.

    For poller's own triggers, the public name, which outlives moves between private modules.
    """
    if cls.__module__.startswith("poller.airflow."):
        return f"poller.airflow.{cls.__name__}"
    return f"{cls.__module__}.{cls.__name__}"


class ResourceWaitTrigger(BaseTrigger):
    """Wait in Airflow's triggerer on any kind of resource; fire one event with every outcome.

    One trigger for every kind in ``poller.resources``, by its ``resource`` argument and the
    kind's shape: an instance, or its attribute-based access control (``instance``,
    ``access-control-attributes``: the instance alone), Regions of an instance (``region``:
    *regions*), or requests (``permission-set-provisioning``, ``account-assignment-creation``
    ...: *request_ids*). Every wait runs at once under one deadline, through one client and
    its rate limit (10 requests a second, halved on throttling), with
    :func:`poller.wait_many`.

    The deadline is absolute wall-clock time, so that a trigger the triggerer re-creates from
    :meth:`serialize` (after a restart, or on another triggerer) waits only for what is left
    of it; one already past fires at once, every wait ``timed-out``, without a request.

    The event's payload is a :class:`~poller.airflow.WaitPayload`: the overall ``outcome``,
    ``endings`` (one :class:`~poller.airflow.WaitEnding` per Region or request, in the order
    given; one for an instance), ``message``, ``attempts`` and ``elapsed``. With
    ``started_at``, ``elapsed`` counts from it, so that it describes the whole wait across
    restarts; ``attempts`` counts the polls of this run of the trigger (a trigger cannot
    rewrite its own serialized state as it goes).

    Args:
        resource: The kind's name in ``poller.resources``.
        instance_arn: The instance (that owns the Regions or requests).
        deadline: When every wait must end: epoch seconds, or an ISO 8601 time with a zone.
        regions: The Regions to wait on, for a kind of the ``region`` shape.
        request_ids: The requests to wait on, for a kind of the ``request`` shape.
        until: One of the kind's targets; None: its default.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause (default: its own).
        aws_conn_id: An Airflow AWS connection, read by the Amazon provider's hook as for
            its own triggers (credentials or an assumed role, region, endpoint URL,
            ``verify``, botocore config such as proxies); None means the default AWS
            credential chain, and so does ``aws_default`` without the provider; another name
            without it is an ``error``.
        region_name: The client's AWS Region (the instance's); overrides the connection's.
        endpoint_url: Another endpoint (such as poller's simulator); overrides the
            connection's.
        verify: TLS verification: a CA bundle's path, or False; overrides the connection's.
        botocore_config: botocore ``Config`` options (``proxies``, ``connect_timeout`` ...)
            in place of the connection's ``config_kwargs``; botocore's retries stay off.
        started_at: When the wait began (epoch seconds, set by the operator); ``elapsed``
            counts from it. None: from this run's start.

    Raises:
        ValueError: An unknown resource or target, identifiers that do not fit its shape, a
            bad setting or a naive deadline.
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
        self.kind = kind_named(resource)
        self.resource = self.kind.name
        self.instance_arn = instance_arn
        self.regions = list(regions)
        self.request_ids = list(request_ids)
        self.identities = identities_of(self.kind, instance_arn, self.regions, self.request_ids)
        # str(): an enum target (poller.Target) serializes as its plain value.
        self.until = str(self.kind.target(until))
        self.deadline = to_deadline(deadline)
        settings = WaitSettings.of(
            defaults=self.kind.delays,
            deadline=self.deadline,
            min_delay=min_delay,
            max_delay=max_delay,
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
        return (
            _classpath(type(self)),
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
        waits = _payload.Waits(
            self.resource, self.instance_arn, self.until, self.identities, self.kind.label
        )
        if self.deadline <= time.time():
            deadline = dt.datetime.fromtimestamp(self.deadline, dt.UTC).isoformat()
            yield TriggerEvent(self._whole_wait(waits.past_deadline(deadline)))
            return
        if not self.identities:  # an empty list of Regions or requests: nothing to open
            yield TriggerEvent(self._whole_wait(waits.payload([])))
            return
        try:
            client_context = await open_hook_client(
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                endpoint_url=self.endpoint_url,
                verify=self.verify,
                botocore_config=self.botocore_config,
            )
            async with client_context as client:
                # poller.wait_many is imported on first use: parsing a DAG file need not load
                # aiobotocore, the triggerer does.
                outcomes = await poller.wait_many(
                    self.kind,
                    [(client, identity) for identity in self.identities],
                    until=self.until,
                    deadline=self.deadline,
                    min_delay=self.min_delay,
                    max_delay=self.max_delay,
                )
        # No region, no credentials, an unknown connection: every wait ends on that message
        # rather than on the triggerer's traceback. Cancellation is not an Exception.
        except Exception as error:
            payload = waits.could_not_wait(error)
        else:
            payload = waits.payload(
                [
                    _payload.ending_of(outcome.identity, outcome.result, outcome.error)
                    for outcome in outcomes
                ]
            )
        # Yielded outside the client's block: nothing the generator opened is left open.
        yield TriggerEvent(self._whole_wait(payload))

    def _whole_wait(self, payload: _payload.WaitPayload) -> _payload.WaitPayload:
        """The payload with ``elapsed`` measured from the wait's start, across restarts."""
        if self.started_at is not None:
            payload["elapsed"] = max(payload["elapsed"], time.time() - self.started_at)
        return payload


class InstanceWaitTrigger(ResourceWaitTrigger):
    """:class:`ResourceWaitTrigger` for an Identity Center instance, as earlier versions took it.

    Its arguments, and the form :meth:`serialize` gives them, are those of earlier versions,
    so that a task they deferred resumes on this one; its event is a
    :class:`~poller.airflow.WaitPayload` with ``instance`` (the DescribeInstance answer),
    ``status``, ``error`` and ``reason`` of the instance at the top.

    Args:
        instance_arn: The instance to wait on.
        deadline: When the wait must end: epoch seconds, or an ISO 8601 time with a zone.
        until: ``active``, ``encryption-enabled``, ``replicated`` or ``deleted``.
        min_delay: The shortest pause between polls, in seconds (default 5).
        max_delay: The longest pause between polls, in seconds (default 20).
        aws_conn_id: An Airflow AWS connection, as for :class:`ResourceWaitTrigger`.
        region: The AWS Region; overrides the connection's.
        endpoint_url: Another endpoint (such as poller's simulator); overrides the
            connection's.
        started_at: When the wait began (epoch seconds, set by the operator); ``elapsed``
            counts from it. None: from this run's start.
        verify: TLS verification: a CA bundle's path, or False; overrides the connection's.
        botocore_config: botocore ``Config`` options in place of the connection's.
    """

    def __init__(
        self,
        instance_arn: str,
        deadline: float | str | dt.datetime,
        *,
        until: Target | str = Target.ACTIVE,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        aws_conn_id: str | None = DEFAULT_CONN_ID,
        region: str | None = None,
        endpoint_url: str | None = None,
        started_at: float | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            "instance",
            instance_arn,
            deadline,
            until=until,
            min_delay=min_delay,
            max_delay=max_delay,
            aws_conn_id=aws_conn_id,
            region_name=region,
            endpoint_url=endpoint_url,
            verify=verify,
            botocore_config=botocore_config,
            started_at=started_at,
        )

    @property
    def region(self) -> str | None:
        """The client's AWS Region (this trigger's older name for ``region_name``)."""
        return self.region_name

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments that re-create this trigger: plain values."""
        return (
            _classpath(type(self)),
            {
                "instance_arn": self.instance_arn,
                "deadline": self.deadline,
                "until": self.until,
                "min_delay": self.min_delay,
                "max_delay": self.max_delay,
                "aws_conn_id": self.aws_conn_id,
                "region": self.region_name,
                "endpoint_url": self.endpoint_url,
                "started_at": self.started_at,
                "verify": self.verify,
                "botocore_config": self.botocore_config,
            },
        )
