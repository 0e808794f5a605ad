"""A sensor for an instance: each poke looks once, judged by the wait's own state table.

For users who prefer sensors (``mode="poke"`` or ``"reschedule"``) to the deferrable
operator. A poke is one DescribeInstance (:func:`poller.look`) judged for the target as a wait
would judge it (:meth:`poller.ResourceKind.meets`): True once reached; a state
the target can never follow (CREATE_FAILED, UPDATE_FAILED, being deleted), a malformed ARN or
a named connection Airflow does not have fails the task without retries
(``AirflowFailException``); an error a wait would retry (throttling, 5xx, a dropped
connection) is logged and the next poke looks again; any other error (denied, no such
instance, expired credentials) fails this try, and ``retries`` apply. Which errors a wait
would retry is the library's to say (:attr:`poller.ApiError.retryable`), not the sensor's.

``deferrable=True`` (as the Amazon provider's sensors take it) hands the whole wait to
:class:`~poller.airflow.InstanceWaitTrigger` instead of poking: one deadline, the sensor's
``timeout`` (or the task's ``execution_timeout``, when sooner), and the instance's own pauses
between polls (``waiter_delay`` when given).

Timing is Airflow's: ``poke_interval`` between looks, and the sensor's ``timeout`` (by
default ``[sensors] default_timeout``, 7 days), after which the task fails without retries
(``AirflowSensorTimeout``). A try that fails on an error is retried with the timeout counted
afresh (Airflow 3 keeps a sensor's reschedules with its try), so the longest a sensor can take
is about ``(retries + 1) * timeout`` plus the retry delays.

With the Amazon provider installed the sensor is one of its AWS sensors (``AwsBaseSensor``:
its ``hook``, its templated ``aws_conn_id``, ``region_name`` and ``verify``), and importing it
loads the provider and boto3, as the provider's own sensors do; without it, a plain
``BaseSensorOperator``. ``poller.airflow`` imports this module only when ``InstanceSensor``
is first used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import anyio
from airflow.sdk import BaseSensorOperator, PokeReturnValue

try:
    from airflow.sdk.exceptions import AirflowSensorTimeout, AirflowSkipException
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowSensorTimeout,
        AirflowSkipException,
    )

import poller
from poller import Identity, ResourceKind, Seconds, Target
from poller import Outcome as PollerOutcome
from poller.airflow import _payload
from poller.airflow._base import (
    DEFER_GRACE,
    IMPLICIT_CONN_ID,
    AirflowException,
    AirflowFailException,
    check_botocore_type,
    default_deferrable,
    task_started_at,
)
from poller.airflow._checks import from_mapped, templated
from poller.airflow._connection import check_botocore_config, check_connection, open_hook_client
from poller.airflow._kinds import plain_target, target_of
from poller.airflow._pacing import deadline_of, pace_of
from poller.airflow._trigger import InstanceWaitTrigger
from poller.exceptions import ApiError, PollerError, ResourceNotFoundError

__all__ = ["InstanceSensor"]


def _instance() -> ResourceKind:
    """The instance's kind, from ``poller.resources``."""
    return poller.resources["instance"]


def _provider_base() -> tuple[type, Any]:
    """The Amazon provider's base AWS sensor and its hook class; a plain sensor without it."""
    try:
        from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook  # noqa: PLC0415
        from airflow.providers.amazon.aws.sensors.base_aws import AwsBaseSensor  # noqa: PLC0415
    except ImportError:  # optional: the sensor then keeps the connection's settings itself
        return BaseSensorOperator, None
    return AwsBaseSensor, AwsBaseHook


if TYPE_CHECKING:
    _SensorBase: TypeAlias = BaseSensorOperator
    _HOOK_CLASS: Any = None
else:
    _SensorBase, _HOOK_CLASS = _provider_base()


class InstanceSensor(_SensorBase):
    """Poke until an Identity Center instance reaches *until*; push its description to XCom.

    Args:
        instance_arn: The instance (templated).
        until: ``active`` (the default), ``encryption-enabled``, ``replicated`` or
            ``deleted``, in any case (templated).
        aws_conn_id: An Airflow AWS connection (templated), as for
            :class:`~poller.airflow.WaitForInstanceOperator`: named, it needs the Amazon
            provider and must exist (only ``aws_default`` falls back to the default AWS
            chain); not given, ``aws_default`` with the provider and the default AWS chain
            without it; None, the default chain.
        region_name: The AWS Region; overrides the connection's (templated).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        verify: TLS verification: a CA bundle's path, or False (templated).
        botocore_config: botocore ``Config`` options as a dict; botocore's retries stay off.
        deferrable: Wait in the triggerer instead of poking, until the sensor's ``timeout``;
            not given: ``[operators] default_deferrable``, as the provider's sensors.
        waiter_delay: Deferred: the pause between polls (default: the instance's, 5-20 s).
        waiter_max_attempts: Deferred: end the wait after this many pauses, if that comes
            before the sensor's ``timeout``.
        **kwargs: :class:`BaseSensorOperator`'s (``mode``, ``poke_interval``, ``timeout``,
            ``soft_fail`` ...) and :class:`BaseOperator`'s.
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
    #: The provider's AWS sensors build their hook from it (unused without the provider).
    aws_hook_class = _HOOK_CLASS

    def __init__(
        self,
        *,
        instance_arn: str,
        until: Target | str = Target.ACTIVE,
        aws_conn_id: str | None = IMPLICIT_CONN_ID,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        deferrable: bool | None = None,
        waiter_delay: Seconds | None = None,
        waiter_max_attempts: int | None = None,
        **kwargs: Any,
    ) -> None:
        if _HOOK_CLASS is not None:  # the provider's base keeps them (and checks the class)
            provider_arguments: dict[str, Any] = {
                "aws_conn_id": aws_conn_id,
                "region_name": region_name,
                "verify": verify,
                "botocore_config": botocore_config,
            }
            super().__init__(**provider_arguments, **kwargs)
        else:
            super().__init__(**kwargs)
            self.region_name, self.verify = region_name, verify
        self.aws_conn_id_given = aws_conn_id is not IMPLICIT_CONN_ID
        self.aws_conn_id = None if aws_conn_id is None else str(aws_conn_id)
        self.botocore_config = botocore_config
        self.instance_arn = instance_arn
        self.until = plain_target(until)
        self.endpoint_url = endpoint_url
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.waiter_delay = waiter_delay
        self.waiter_max_attempts = waiter_max_attempts
        if not from_mapped(self):  # a mapped task's values are checked when it runs
            if not templated(instance_arn):
                _instance().check(Identity(instance_arn))
            if not templated(self.until):
                target_of(_instance(), self.until)
            check_botocore_type(botocore_config)
            self._pace()

    def _pace(self) -> Any:
        """The deferred wait's budget and pauses: the sensor's timeout, or fewer attempts."""
        pace = pace_of(_instance().delays, timeout=self.timeout, waiter_delay=self.waiter_delay)
        if self.waiter_max_attempts is None:
            return pace
        attempts = pace_of(
            _instance().delays,
            waiter_delay=self.waiter_delay,
            waiter_max_attempts=self.waiter_max_attempts,
        )
        return dataclasses.replace(pace, timeout=min(pace.timeout, attempts.timeout))

    def _checked(self) -> str:
        """Check every rendered value and the connection; the target, as a plain string.

        Raises:
            AirflowFailException: A bad value, or a connection that cannot be used.
        """
        try:
            _instance().check(Identity(self.instance_arn))
            until = target_of(_instance(), self.until)
            check_botocore_type(self.botocore_config)
            self._pace()
            check_botocore_config(self.botocore_config)
            check_connection(self.aws_conn_id, named_by_dag=self.aws_conn_id_given)
        except (ValueError, TypeError) as error:
            raise AirflowFailException(str(error)) from error
        return until

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Poke (the sensor's own loop), or, deferrable, hand the wait to the triggerer."""
        if not self.deferrable:
            return super().execute(cast("Any", context))
        try:
            until = self._checked()
        except AirflowFailException as error:
            if self.soft_fail or getattr(self, "never_fail", False):
                raise AirflowSkipException(str(error)) from error
            raise
        pace = self._pace()
        started_at = time.time()
        deadline, _ = deadline_of(
            started_at=started_at,
            timeout=pace.timeout,
            task_started_at=task_started_at(context, started_at),
            execution_timeout=self.execution_timeout,
        )
        trigger = InstanceWaitTrigger(
            self.instance_arn,
            deadline=deadline,
            started_at=started_at,
            until=until,
            min_delay=pace.min_delay,
            max_delay=pace.max_delay,
            aws_conn_id=self.aws_conn_id,
            region=self.region_name or None,
            endpoint_url=self.endpoint_url or None,
            verify=self.verify,
            botocore_config=None if self.botocore_config is None else dict(self.botocore_config),
        )
        self.defer(
            trigger=trigger,
            method_name="execute_complete",
            timeout=dt.timedelta(seconds=max(deadline - started_at, 0.0)) + DEFER_GRACE,
        )
        return None  # not reached: defer() raises

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the description (XCom), or fail as a sensor does.

        Raises:
            AirflowSensorTimeout: The deadline passed (no retries; ``soft_fail`` skips).
            AirflowFailException: A state the target can never follow, a malformed ARN or a
                connection that does not exist.
            AirflowException: Denied, or another error: retries apply.
        """
        payload = _payload.read_event(event)
        if not payload["failures"]:
            self.log.info("%s is %s", self.instance_arn, payload["until"])
            return payload["description"]
        failure = payload["failures"][0]
        message = f"{failure['error']}: {failure['message']}"
        outcome = PollerOutcome(failure["outcome"])
        if outcome is PollerOutcome.TIMED_OUT:
            raise AirflowSensorTimeout(message)
        if outcome.terminal:
            raise AirflowFailException(message)
        raise AirflowException(message)

    def poke(self, context: Mapping[str, Any]) -> PokeReturnValue:
        """Look once: done (with the description for XCom), not yet, or fail.

        Raises:
            AirflowFailException: A state the target can never follow, a malformed ARN or
                target, or a connection that cannot be used: retrying cannot help.
            AirflowException: Denied, no such instance, or another error: retries apply.
        """
        until = self._checked()
        return anyio.run(self._look, _instance(), until)

    async def _look(self, kind: ResourceKind, until: str) -> PokeReturnValue:
        """One DescribeInstance through the connection's client, judged for *until*."""
        identity = Identity(self.instance_arn)
        client_context = await open_hook_client(
            aws_conn_id=self.aws_conn_id,
            region_name=self.region_name or None,
            endpoint_url=self.endpoint_url or None,
            verify=self.verify,
            botocore_config=None if self.botocore_config is None else dict(self.botocore_config),
        )
        try:
            async with client_context as client:
                # poller.look is imported on first use: parsing a DAG file need not load
                # aiobotocore.
                description = await poller.look(client, kind, identity)
                if not kind.meets(description, identity, until):
                    self.log.info(
                        "%s is not %s yet (Status %s)", self.instance_arn, until, description.status
                    )
                    return PokeReturnValue(is_done=False)
        except ResourceNotFoundError as error:
            if until in kind.removals:  # no such instance: gone, as asked
                return PokeReturnValue(is_done=True, xcom_value=None)
            raise AirflowException(str(error)) from error
        except ApiError as error:
            if error.retryable:
                self.log.warning("%s; looking again at the next poke", error)
                return PokeReturnValue(is_done=False)
            raise AirflowException(str(error)) from error
        except PollerError as error:
            if error.outcome.terminal:
                raise AirflowFailException(str(error)) from error
            raise AirflowException(str(error)) from error
        self.log.info("%s is %s", self.instance_arn, until)
        return PokeReturnValue(is_done=True, xcom_value=description.to_api_json())
