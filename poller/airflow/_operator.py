"""A deferrable operator: hand the wait to the triggerer, fail or return on its event."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import Any, Final, cast

import anyio
from airflow.sdk import BaseOperator

try:
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 3.0 keeps them in airflow.exceptions only (deprecated later)
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowException,
        AirflowFailException,
    )

from poller._engine._resource import Identity
from poller._outcome import Outcome
from poller._resources._instance import INSTANCE, Target
from poller._settings import Seconds, WaitSettings
from poller.airflow._connection import (
    DEFAULT_CONN_ID,
    NO_PROVIDER_MESSAGE,
    aws_hook_class,
    check_botocore_config,
)
from poller.airflow._trigger import InstanceWaitTrigger

__all__ = ["WaitForInstanceOperator"]

#: How long past the wait's own deadline Airflow gives the trigger before failing the task
#: itself: the trigger ends the wait at its deadline, so this fires only when no triggerer
#: runs it at all.
DEFER_GRACE: Final = dt.timedelta(minutes=1)


class _ImplicitConnId(str):
    """The default ``aws_conn_id``, told apart by identity from the same string passed."""

    __slots__ = ()


#: ``aws_default`` when the DAG did not name a connection: then, without the Amazon provider,
#: the default AWS credential chain is what the user asked for.
_IMPLICIT_CONN_ID: Final = _ImplicitConnId(DEFAULT_CONN_ID)


def _templated(value: object) -> bool:
    """Whether Airflow renders *value* before execute(): checked there, not at parse time.

    A Jinja string, or not a string at all (an upstream task's ``.output``, an XComArg).
    """
    return not isinstance(value, str) or "{{" in value


def _checked_until(until: str) -> str:
    """The target's value; ValueError naming the known ones."""
    return INSTANCE.target(until)


def _check_arn(instance_arn: str) -> None:
    """InvalidInstanceArnError (a ValueError) for a malformed ARN, before any request."""
    INSTANCE.check(Identity(instance_arn=instance_arn))


async def _first_event(trigger: InstanceWaitTrigger) -> dict[str, Any]:
    """The trigger's one event, run here in the worker: the non-deferrable path."""
    # run() is an async generator; its annotation (BaseTrigger's) only says AsyncIterator.
    events = cast("AsyncGenerator[Any, None]", trigger.run())
    async with aclosing(events):
        event = await anext(events)
    payload: dict[str, Any] = event.payload
    return payload


class WaitForInstanceOperator(BaseOperator):
    """Wait, deferred, until an Identity Center instance settles; return its description.

    The task takes no worker slot while it waits: it defers to
    :class:`~poller.airflow.InstanceWaitTrigger` in the triggerer, with a wall-clock deadline
    computed when the task starts, that survives triggerer restarts. On success the
    DescribeInstance answer (API key names, ISO 8601 dates; None for ``until="deleted"``) is
    the task's return value, so it lands in XCom. A failed instance (CREATE_FAILED,
    UPDATE_FAILED, deleted) or a malformed ARN fails the task without retries
    (``AirflowFailException``); a timeout, a denial or another error fails this try
    (``AirflowException``), and the task's ``retries`` apply.

    Args:
        instance_arn: The instance to wait on (templated).
        until: ``active``, ``encryption-enabled`` or ``deleted`` (templated).
        timeout: The whole wait's limit from the task's start, in seconds or a timedelta
            (default 30 min).
        min_delay: The shortest pause between polls (default: the instance's, 5 s).
        max_delay: The longest pause between polls (default: the instance's, 20 s).
        aws_conn_id: An Airflow AWS connection (templated); needs the Amazon provider
            (``apache-airflow-providers-amazon``): a connection named without it fails the
            task. Not given, it is ``aws_default`` with the provider and the default AWS
            credential chain without it; None means the default chain.
        region_name: The AWS Region; overrides the connection's (templated).
        region: The same as *region_name* (the older name, still accepted).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        verify: TLS verification of the endpoint: a CA bundle's path, or False not to check
            (templated); overrides the connection's ``verify``.
        botocore_config: botocore ``Config`` options as a dict (``proxies``,
            ``connect_timeout``, ``user_agent_extra`` ...), in place of the connection's
            ``config_kwargs`` as in the Amazon provider; botocore's ``retries`` are always
            off (every request is a poll poller counts).
        deferrable: True (the default): wait in the triggerer. False: wait in the worker,
            holding its slot, with the same deadline, checks, outcomes and XCom.
        **kwargs: Any :class:`BaseOperator` argument (``task_id``, ``retries`` ...).
    """

    template_fields: Sequence[str] = (
        "instance_arn",
        "until",
        "aws_conn_id",
        "region_name",
        "endpoint_url",
        "verify",
    )
    ui_color = "#dd344c"

    def __init__(
        self,
        *,
        instance_arn: str,
        until: Target | str = Target.ACTIVE,
        timeout: Seconds | None = None,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        aws_conn_id: str | None = _IMPLICIT_CONN_ID,
        region_name: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        deferrable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # Literal values are checked when the DAG is parsed, not hours later in the triggerer;
        # templated ones in execute(), before deferring.
        if not _templated(instance_arn):
            _check_arn(instance_arn)
        self.instance_arn = instance_arn
        until = until.value if isinstance(until, Target) else until
        self.until = until if _templated(until) else _checked_until(until)
        settings = WaitSettings.of(
            defaults=INSTANCE.delays, timeout=timeout, min_delay=min_delay, max_delay=max_delay
        )
        self.wait_timeout = settings.budget()
        self.min_delay, self.max_delay = settings.min_delay, settings.max_delay
        self.aws_conn_id_given = aws_conn_id is not _IMPLICIT_CONN_ID
        self.aws_conn_id = None if aws_conn_id is None else str(aws_conn_id)
        if region_name is not None and region is not None and region_name != region:
            raise ValueError(
                f"region_name={region_name!r} and region={region!r} disagree: pass region_name"
            )
        self.region_name = region_name if region_name is not None else region
        self.deferrable = deferrable
        self.endpoint_url = endpoint_url
        self.verify = verify
        if botocore_config is not None and not isinstance(botocore_config, Mapping):
            raise TypeError(f"botocore_config must be a dict, not {botocore_config!r}")
        self.botocore_config = None if botocore_config is None else dict(botocore_config)

    def execute(self, context: Mapping[str, Any]) -> dict[str, Any] | None:
        """Check the rendered values, fix the deadline now and defer to the trigger.

        Not deferrable: run the same trigger here, in the worker, and return its outcome as
        :meth:`execute_complete` does.

        Raises:
            AirflowFailException: A malformed ARN or an unknown target (after rendering), a
                botocore option botocore does not know, or a connection named without the
                Amazon provider: retrying cannot help.
        """
        try:
            _check_arn(self.instance_arn)
            until = _checked_until(self.until)
            check_botocore_config(self.botocore_config)
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if self.aws_conn_id_given and self.aws_conn_id and aws_hook_class() is None:
            raise AirflowFailException(NO_PROVIDER_MESSAGE.format(conn_id=self.aws_conn_id))
        started_at = time.time()
        trigger = InstanceWaitTrigger(
            self.instance_arn,
            deadline=started_at + self.wait_timeout,
            started_at=started_at,
            until=until,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            aws_conn_id=self.aws_conn_id,
            region=self.region_name,
            endpoint_url=self.endpoint_url,
            verify=self.verify,
            botocore_config=self.botocore_config,
        )
        if self.deferrable:
            self.defer(
                trigger=trigger,
                method_name="execute_complete",
                # Airflow fails the task itself if no triggerer has ended the wait by then.
                timeout=dt.timedelta(seconds=self.wait_timeout) + DEFER_GRACE,
            )
        # The same trigger, in the worker: one deadline, outcome and XCom either way.
        return self.execute_complete(context, anyio.run(_first_event, trigger))

    def execute_complete(
        self, context: Mapping[str, Any], event: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Resume on the trigger's event: return the description, or fail the task.

        Raises:
            AirflowFailException: The instance failed, or the ARN is malformed.
            AirflowException: The wait timed out, was denied, or ended on another error.
        """
        if event["outcome"] == "reached":
            self.log.info(
                "%s reached %s after %d polls in %.1fs",
                event["instance_arn"],
                event["until"],
                event["attempts"],
                event["elapsed"],
            )
            instance: dict[str, Any] | None = event["instance"]
            return instance
        message = (
            f"{event['error']}: {event['message']} ({event['elapsed']:.1f}s since the task started)"
        )
        if Outcome(event["outcome"]).terminal:
            raise AirflowFailException(message)
        raise AirflowException(message)
