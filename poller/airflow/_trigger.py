"""A deferrable trigger: the wait, run by Airflow's triggerer against an absolute deadline."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from poller._resources._instance import INSTANCE, Target
from poller._settings import Seconds, WaitSettings
from poller.airflow import _payload
from poller.airflow._connection import DEFAULT_CONN_ID, open_hook_client
from poller.exceptions import PollerError

__all__ = ["InstanceWaitTrigger", "to_deadline"]

#: Where the triggerer finds this class: the public name, which outlives module moves.
_CLASSPATH = "poller.airflow.InstanceWaitTrigger"


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


class InstanceWaitTrigger(BaseTrigger):
    """Wait for an Identity Center instance in Airflow's triggerer; fire one event.

    The deadline is absolute wall-clock time, so that a trigger the triggerer re-creates from
    :meth:`serialize` (after a restart, or on another triggerer) waits only for what is left
    of it; one already past fires a ``timed-out`` event at once, without a request.

    The event's payload is a :class:`~poller.airflow.WaitPayload` of plain JSON values:
    ``outcome`` (``reached``, ``failed``, ``invalid``, ``timed-out``, ``denied``, ``error``),
    ``instance`` (the DescribeInstance answer), ``status``, ``error``, ``message``, ``reason``,
    ``attempts``, ``elapsed``, ``instance_arn`` and ``until``. With ``started_at``,
    ``elapsed`` counts from it, so that it describes the whole wait across restarts;
    ``attempts`` counts the polls of this run of the trigger (a trigger cannot rewrite its
    own serialized state as it goes).

    Args:
        instance_arn: The instance to wait on.
        deadline: When the wait must end: epoch seconds, or an ISO 8601 time with a zone.
        until: ``active``, ``encryption-enabled`` or ``deleted``.
        min_delay: The shortest pause between polls, in seconds (default 5).
        max_delay: The longest pause between polls, in seconds (default 20).
        aws_conn_id: An Airflow AWS connection, read by the Amazon provider's hook as for
            its own triggers (credentials or an assumed role, region, endpoint URL,
            ``verify``, botocore config such as proxies); None means the default AWS
            credential chain, and so does ``aws_default`` without the provider; another name
            without it is an ``error``.
        region: The AWS Region; overrides the connection's.
        endpoint_url: Another endpoint (such as poller's simulator); overrides the
            connection's.
        verify: TLS verification: a CA bundle's path, or False; overrides the connection's.
        botocore_config: botocore ``Config`` options (``proxies``, ``connect_timeout`` ...)
            in place of the connection's ``config_kwargs``; botocore's retries stay off.
        started_at: When the wait began (epoch seconds, set by the operator); ``elapsed``
            counts from it. None: from this run's start.
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
        super().__init__()
        self.instance_arn = instance_arn
        self.deadline = to_deadline(deadline)
        self.until = Target(until).value
        settings = WaitSettings.of(
            defaults=INSTANCE.delays,
            deadline=self.deadline,
            min_delay=min_delay,
            max_delay=max_delay,
        )
        self.min_delay, self.max_delay = settings.min_delay, settings.max_delay
        self.aws_conn_id = aws_conn_id
        # A template that rendered empty ("{{ params.endpoint_url or '' }}") means none.
        self.region = region or None
        self.endpoint_url = endpoint_url or None
        self.started_at = started_at
        self.verify = verify
        self.botocore_config = None if botocore_config is None else dict(botocore_config)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and keyword arguments that re-create this trigger: plain values."""
        cls = type(self)
        classpath = _CLASSPATH if cls is InstanceWaitTrigger else f"{cls.__module__}.{cls.__name__}"
        return (
            classpath,
            {
                "instance_arn": self.instance_arn,
                "deadline": self.deadline,
                "until": self.until,
                "min_delay": self.min_delay,
                "max_delay": self.max_delay,
                "aws_conn_id": self.aws_conn_id,
                "region": self.region,
                "endpoint_url": self.endpoint_url,
                "started_at": self.started_at,
                "verify": self.verify,
                "botocore_config": self.botocore_config,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait for what is left of the deadline, then yield one event with the outcome.

        Cancellation (the triggerer stopping, the task cleared) propagates: poller emits
        ``wait.cancelled`` and re-raises.
        """
        if self.deadline <= time.time():
            deadline = dt.datetime.fromtimestamp(self.deadline, dt.UTC).isoformat()
            payload = _payload.timed_out(self.instance_arn, self.until, deadline)
            yield TriggerEvent(self._whole_wait(payload))
            return
        # Imported here, in the triggerer: parsing a DAG file need not load aiobotocore.
        from poller._waiters._instance import wait_for_instance  # noqa: PLC0415

        try:
            client_context = await open_hook_client(
                aws_conn_id=self.aws_conn_id,
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                verify=self.verify,
                botocore_config=self.botocore_config,
            )
            async with client_context as client:
                result = await wait_for_instance(
                    client,
                    self.instance_arn,
                    until=self.until,
                    deadline=self.deadline,
                    min_delay=self.min_delay,
                    max_delay=self.max_delay,
                )
        except PollerError as error:
            payload = _payload.from_error(error, self.until)
        # No region, no credentials, an unknown connection, a bad setting: the task should fail
        # with that message rather than with the triggerer's traceback. Cancellation is a
        # BaseException, so it is not caught here.
        except Exception as error:
            payload = _payload.from_other(error, self.instance_arn, self.until)
        else:
            payload = _payload.from_result(result)
        # Yielded outside the client's block: nothing the generator opened is left open.
        yield TriggerEvent(self._whole_wait(payload))

    def _whole_wait(self, payload: _payload.WaitPayload) -> _payload.WaitPayload:
        """The payload with ``elapsed`` measured from the wait's start, across restarts."""
        if self.started_at is not None:
            payload["elapsed"] = max(payload["elapsed"], time.time() - self.started_at)
        return payload
