"""The trigger: any kind of wait, run by Airflow's triggerer against an absolute deadline.

:class:`ResourceWaitTrigger` waits on whatever ``poller.resources`` names, many at once with
:func:`poller.wait_many`; :class:`InstanceWaitTrigger` is it for an instance, with the
arguments (and the serialized form) that earlier versions gave it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

import poller
import poller.events
from poller import Seconds, Target
from poller.airflow import _payload, _result, _words
from poller.airflow._connection import DEFAULT_CONN_ID, open_hook_client
from poller.airflow._kinds import identities_of, kind_named, target_of
from poller.airflow._pacing import pace_of

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
    ``counts`` of each outcome, the ``failures``, ``endings`` (one
    :class:`~poller.airflow.WaitEnding` per Region or request, in the order given; one for an
    instance), ``message``, ``attempts`` and ``elapsed``. With *result_for* and more than one
    wait, the event carries no ``endings``: on success their descriptions are stored in that
    task instance's XCom under ``result_key``. With ``started_at``, ``elapsed`` counts from
    it, so that it describes the whole wait across restarts; ``attempts`` counts the polls of
    this run of the trigger (a trigger cannot rewrite its own serialized state as it goes).

    Its own log lines are a summary and one line per failure (each ending at DEBUG); with
    several resources, poller's own events below WARNING are logged at DEBUG too
    (:func:`poller.events.quieted`), and at their levels for one. The
    blocking work (the provider's hook and session, the connection, botocore's data files,
    the stored descriptions) runs in worker threads, off the triggerer's event loop.

    Args:
        resource: The kind's name in ``poller.resources``.
        instance_arn: The instance (that owns the Regions or requests).
        deadline: When every wait must end: epoch seconds, or an ISO 8601 time with a zone.
            Not given: *waiter_max_attempts* sets it, from *started_at* (or now).
        regions: The Regions to wait on, for a kind of the ``region`` shape.
        request_ids: The requests to wait on, for a kind of the ``request`` shape.
        until: One of the kind's targets, in any case; None: its default.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause (default: its own).
        waiter_delay: The Amazon provider's pause between attempts: both *min_delay* and
            *max_delay*.
        waiter_max_attempts: The Amazon provider's number of attempts, instead of
            *deadline*: the wait ends ``waiter_max_attempts * max_delay`` seconds after it
            began.
        aws_conn_id: An Airflow AWS connection, read by the Amazon provider's hook as for
            its own triggers (credentials or an assumed role, region, endpoint URL,
            ``verify``, botocore config such as proxies). A named one that Airflow does not
            have ends every wait ``invalid``, without a request; only ``aws_default`` falls
            back to the default AWS credential chain when it does not exist. None means the
            default chain, and so does ``aws_default`` without the provider; another name
            without it is an ``error``.
        region_name: The client's AWS Region (the instance's); overrides the connection's.
        endpoint_url: Another endpoint (such as poller's simulator); overrides the
            connection's.
        verify: TLS verification: a CA bundle's path, or False; overrides the connection's.
        botocore_config: botocore ``Config`` options (``proxies``, ``connect_timeout`` ...)
            in place of the connection's ``config_kwargs``; botocore's retries stay off.
        started_at: When the wait began (epoch seconds, set by the operator); ``elapsed``
            counts from it. None: from this run's start.
        result_for: The task instance (``dag_id``, ``task_id``, ``run_id``, ``map_index``)
            whose XCom takes the descriptions, set by poller's operators; None: the event
            carries them.

    Raises:
        ValueError: An unknown resource or target, identifiers that do not fit its shape, a
            bad setting, settings that contradict each other, or a naive deadline.
        InvalidArgumentError: A malformed ARN, Region name or request ID.
    """

    # Its lines sit with Airflow's own triggers' ("airflow.triggers..."), outside the
    # "poller" logger of poller's per-wait events: [logging] namespace_levels can quiet
    # those alone and keep this summary.
    _log_config_logger_name = "airflow.triggers"

    def __init__(
        self,
        resource: str,
        instance_arn: str,
        deadline: float | str | dt.datetime | None = None,
        *,
        regions: Sequence[str] = (),
        request_ids: Sequence[str] = (),
        until: str | None = None,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        waiter_delay: Seconds | None = None,
        waiter_max_attempts: int | None = None,
        aws_conn_id: str | None = DEFAULT_CONN_ID,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        started_at: float | None = None,
        result_for: _result.TaskInstanceKey | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind_named(resource)
        self.resource = self.kind.name
        self.instance_arn = instance_arn
        self.regions = list(regions)
        self.request_ids = list(request_ids)
        self.identities = identities_of(self.kind, instance_arn, self.regions, self.request_ids)
        self.until = target_of(self.kind, until)
        pace = pace_of(
            self.kind.delays,
            min_delay=min_delay,
            max_delay=max_delay,
            waiter_delay=waiter_delay,
            waiter_max_attempts=waiter_max_attempts,
        )
        if deadline is None:
            if waiter_max_attempts is None:
                raise ValueError("the trigger needs a deadline, or waiter_max_attempts")
            deadline = (time.time() if started_at is None else started_at) + pace.timeout
        elif waiter_max_attempts is not None:
            raise ValueError("pass deadline or waiter_max_attempts, not both")
        self.deadline = to_deadline(deadline)
        self.min_delay, self.max_delay = pace.min_delay, pace.max_delay
        self.aws_conn_id = aws_conn_id
        # A template that rendered empty ("{{ params.endpoint_url or '' }}") means none.
        self.region_name = region_name or None
        self.endpoint_url = endpoint_url or None
        self.verify = verify
        self.botocore_config = None if botocore_config is None else dict(botocore_config)
        self.started_at = started_at
        self.result_for = None if result_for is None else _result.TaskInstanceKey(**result_for)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments that re-create this trigger: plain values.

        The provider's ``waiter_*`` are serialized as what they set (the deadline and the
        delays), so that a restarted trigger keeps the deadline it was given.
        """
        kwargs: dict[str, Any] = {
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
        }
        if self.result_for is not None:  # earlier versions' form otherwise
            kwargs["result_for"] = dict(self.result_for)
        return _classpath(type(self)), kwargs

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
            payload = await self._settle(lambda: waits.past_deadline(deadline))
        elif not self.identities:  # an empty list of Regions or requests: nothing to open
            payload = await self._settle(lambda: waits.payload([]))
        else:
            payload = await self._wait(waits)
        # Yielded outside the client's block: nothing the generator opened is left open.
        yield TriggerEvent(payload)

    async def _wait(self, waits: _payload.Waits) -> _payload.WaitPayload:
        """Every wait, through one client; the payload of their endings."""
        try:
            client_context = await open_hook_client(
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                endpoint_url=self.endpoint_url,
                verify=self.verify,
                botocore_config=self.botocore_config,
            )
            # Imported on first use, which open_hook_client made in its thread.
            async with client_context as client:
                with self._quiet():
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
            return await self._settle(functools.partial(waits.could_not_wait, error))
        return await self._settle(
            lambda: waits.payload(
                [
                    _payload.ending_of(outcome.identity, outcome.result, outcome.error)
                    for outcome in outcomes
                ]
            )
        )

    def _quiet(self) -> AbstractContextManager[None]:
        """Several waits: their events below WARNING logged at DEBUG (the summary tells them).

        A thousand requests would otherwise log three INFO lines each, a thousand at once
        as the waits start; one wait keeps its status changes in the trigger's log.
        """
        if len(self.identities) > 1:
            return poller.events.quieted("warning")
        return contextlib.nullcontext()

    async def _settle(self, build: Callable[[], _payload.WaitPayload]) -> _payload.WaitPayload:
        """Build the payload, store the descriptions and log the summary, in a worker thread.

        A thousand endings, their descriptions and their JSON would hold the triggerer's
        event loop, which every trigger shares, for a good part of a second.
        """
        # asyncio's thread: the triggerer runs triggers on asyncio (see open_hook_client).
        return await asyncio.to_thread(self._settled, build)

    def _settled(self, build: Callable[[], _payload.WaitPayload]) -> _payload.WaitPayload:
        """:meth:`_settle`'s work, in the thread."""
        payload = self._whole_wait(build())
        _words.report(self.log, self.kind, self.until, payload)
        endings = payload["endings"] or []
        if self.result_for is None or len(endings) < 2:  # noqa: PLR2004 - one is small
            return payload
        if payload["failures"]:  # the task fails: it returns no descriptions
            return _payload.slimmed(payload, result_key=None)
        try:
            _result.store(self.result_for, [ending["description"] for ending in endings])
        except Exception as error:  # the event can still carry them
            self.log.warning(
                "could not store the descriptions in XCom (%s: %s); the event carries them",
                type(error).__name__,
                error,
            )
            return payload
        return _payload.slimmed(payload, result_key=_result.RESULT_KEY)

    def _whole_wait(self, payload: _payload.WaitPayload) -> _payload.WaitPayload:
        """The payload with ``elapsed`` measured from the wait's start, across restarts."""
        if self.started_at is not None:
            payload["elapsed"] = max(payload["elapsed"], time.time() - self.started_at)
        return payload


class InstanceWaitTrigger(ResourceWaitTrigger):
    """:class:`ResourceWaitTrigger` for an Identity Center instance, as earlier versions took it.

    Its arguments, and the form :meth:`serialize` gives them, are those of earlier versions,
    so that a task they deferred resumes on this one (and a task deferred now resumes on
    them); its event is a :class:`~poller.airflow.WaitPayload` with ``instance`` (the
    DescribeInstance answer), ``status``, ``error`` and ``reason`` of the instance at the top.

    Args:
        instance_arn: The instance to wait on.
        deadline: When the wait must end: epoch seconds, or an ISO 8601 time with a zone.
            Not given: *waiter_max_attempts* sets it.
        until: ``active``, ``encryption-enabled``, ``replicated`` or ``deleted``, in any case.
        min_delay: The shortest pause between polls, in seconds (default 5).
        max_delay: The longest pause between polls, in seconds (default 20).
        waiter_delay: The Amazon provider's pause between attempts, as for
            :class:`ResourceWaitTrigger`.
        waiter_max_attempts: The Amazon provider's number of attempts, instead of *deadline*.
        aws_conn_id: An Airflow AWS connection, as for :class:`ResourceWaitTrigger`.
        region_name: The AWS Region; overrides the connection's.
        region: The same as *region_name*: the name tasks deferred by earlier versions
            serialized (and still serialize, for a downgrade).
        endpoint_url: Another endpoint (such as poller's simulator); overrides the
            connection's.
        started_at: When the wait began (epoch seconds, set by the operator); ``elapsed``
            counts from it. None: from this run's start.
        verify: TLS verification: a CA bundle's path, or False; overrides the connection's.
        botocore_config: botocore ``Config`` options in place of the connection's.

    Raises:
        ValueError: As for :class:`ResourceWaitTrigger`; *region_name* and *region* that
            disagree.
    """

    def __init__(
        self,
        instance_arn: str,
        deadline: float | str | dt.datetime | None = None,
        *,
        until: Target | str = Target.ACTIVE,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        waiter_delay: Seconds | None = None,
        waiter_max_attempts: int | None = None,
        aws_conn_id: str | None = DEFAULT_CONN_ID,
        region_name: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        started_at: float | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
    ) -> None:
        if region_name and region and region_name != region:
            raise ValueError(
                f"region_name={region_name!r} and region={region!r} disagree: pass region_name"
            )
        super().__init__(
            "instance",
            instance_arn,
            deadline,
            until=until,
            min_delay=min_delay,
            max_delay=max_delay,
            waiter_delay=waiter_delay,
            waiter_max_attempts=waiter_max_attempts,
            aws_conn_id=aws_conn_id,
            region_name=region_name or region,
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
        """The classpath and keyword arguments that re-create this trigger: plain values.

        Earlier versions' keys (``region``, not ``region_name``), which they can read too.
        """
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
