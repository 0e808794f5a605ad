"""A deferrable operator: hand the wait to the triggerer, fail or return on its event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._instance import INSTANCE, Target
from poller._settings import Seconds
from poller.airflow._base import (
    IMPLICIT_CONN_ID,
    AirflowException,
    AirflowFailException,
    PollerWaitOperator,
    templated,
)
from poller.airflow._trigger import InstanceWaitTrigger

__all__ = ["WaitForInstanceOperator"]


def _checked_until(until: str) -> str:
    """The target's value; ValueError naming the known ones."""
    return INSTANCE.target(until)


def _check_arn(instance_arn: str) -> None:
    """InvalidInstanceArnError (a ValueError) for a malformed ARN, before any request."""
    INSTANCE.check(Identity(instance_arn=instance_arn))


class WaitForInstanceOperator(PollerWaitOperator):
    """Wait until an Identity Center instance settles; return its description.

    Deferrable (``deferrable=True``, or ``[operators] default_deferrable``), the task takes no
    worker slot while it waits: it defers to
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
        deferrable: True: wait in the triggerer. False: wait in the worker, holding its
            slot, with the same deadline, checks, outcomes and XCom. Not given: Airflow's
            ``[operators] default_deferrable`` (False unless set), as the Amazon provider's
            operators do.
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

    def __init__(
        self,
        *,
        instance_arn: str,
        until: Target | str = Target.ACTIVE,
        timeout: Seconds | None = None,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        aws_conn_id: str | None = IMPLICIT_CONN_ID,
        region_name: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        if region_name is not None and region is not None and region_name != region:
            raise ValueError(
                f"region_name={region_name!r} and region={region!r} disagree: pass region_name"
            )
        super().__init__(
            delays=INSTANCE.delays,
            timeout=timeout,
            min_delay=min_delay,
            max_delay=max_delay,
            aws_conn_id=aws_conn_id,
            region_name=region_name if region_name is not None else region,
            endpoint_url=endpoint_url,
            verify=verify,
            botocore_config=botocore_config,
            deferrable=deferrable,
            **kwargs,
        )
        # Literal values are checked when the DAG is parsed, not hours later in the triggerer;
        # templated ones in execute(), before deferring.
        if not templated(instance_arn):
            _check_arn(instance_arn)
        self.instance_arn = instance_arn
        until = until.value if isinstance(until, Target) else until
        self.until = until if templated(until) else _checked_until(until)

    def check_rendered(self) -> None:
        """Check the rendered ARN and target (ValueError: the task fails without retries)."""
        _check_arn(self.instance_arn)
        _checked_until(self.until)

    def make_trigger(self, *, started_at: float, deadline: float) -> InstanceWaitTrigger:
        """The instance's trigger, for a wait that began at *started_at*."""
        return InstanceWaitTrigger(
            self.instance_arn,
            deadline=deadline,
            started_at=started_at,
            until=_checked_until(self.until),
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            region=self.region_name,
            **self.connection(),
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
        message = (
            f"{event['error']}: {event['message']} ({event['elapsed']:.1f}s since the task started)"
        )
        if Outcome(event["outcome"]).terminal:
            raise AirflowFailException(message)
        raise AirflowException(message)
