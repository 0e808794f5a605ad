"""A deferrable operator: hand the wait to the triggerer, fail or return on its event."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator

try:
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 3.0 keeps them in airflow.exceptions only (deprecated later)
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowException,
        AirflowFailException,
    )

from poller._outcome import Outcome
from poller._resources._instance import INSTANCE, Target
from poller._settings import Seconds, WaitSettings
from poller.airflow._trigger import DEFAULT_CONN_ID, InstanceWaitTrigger

__all__ = ["WaitForInstanceOperator"]


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
        aws_conn_id: An Airflow AWS connection, used when the Amazon provider is installed
            (templated); None, or no provider, means the default AWS credential chain.
        region: The AWS Region; overrides the connection's (templated).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        **kwargs: Any :class:`BaseOperator` argument (``task_id``, ``retries`` ...).
    """

    template_fields: Sequence[str] = (
        "instance_arn",
        "until",
        "aws_conn_id",
        "region",
        "endpoint_url",
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
        aws_conn_id: str | None = DEFAULT_CONN_ID,
        region: str | None = None,
        endpoint_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.instance_arn = instance_arn
        self.until = until.value if isinstance(until, Target) else until
        # Checked when the DAG is parsed, not hours later in the triggerer.
        settings = WaitSettings.of(
            defaults=INSTANCE.delays, timeout=timeout, min_delay=min_delay, max_delay=max_delay
        )
        self.wait_timeout = settings.budget()
        self.min_delay, self.max_delay = settings.min_delay, settings.max_delay
        self.aws_conn_id = aws_conn_id
        self.region = region
        self.endpoint_url = endpoint_url

    def execute(self, context: Mapping[str, Any]) -> None:
        """Fix the deadline now and defer to the trigger."""
        self.defer(
            trigger=InstanceWaitTrigger(
                self.instance_arn,
                deadline=time.time() + self.wait_timeout,
                until=self.until,
                min_delay=self.min_delay,
                max_delay=self.max_delay,
                aws_conn_id=self.aws_conn_id,
                region=self.region,
                endpoint_url=self.endpoint_url,
            ),
            method_name="execute_complete",
        )

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
        message = f"{event['error']}: {event['message']}"
        if Outcome(event["outcome"]).terminal:
            raise AirflowFailException(message)
        raise AirflowException(message)
