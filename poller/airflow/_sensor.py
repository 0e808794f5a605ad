"""A sensor for an instance: each poke looks once, judged by the wait's own state table.

For users who prefer sensors (``mode="poke"`` or ``"reschedule"``) to the deferrable
operator. A poke is one DescribeInstance (:func:`poller.look`) judged for the target as a wait
would judge it (:meth:`poller.ResourceKind.meets`): True once reached; a state
the target can never follow (CREATE_FAILED, UPDATE_FAILED, being deleted) or a malformed ARN
fails the task without retries (``AirflowFailException``); an error a wait would retry
(throttling, 5xx, a dropped connection) is logged and the next poke looks again; any other
error (denied, no such instance, expired credentials) fails this try, and ``retries`` apply.
Which errors a wait would retry is the library's to say (:attr:`poller.ApiError.retryable`),
not the sensor's.

Timing is Airflow's: ``poke_interval`` between looks, and the sensor's ``timeout`` (by
default ``[sensors] default_timeout``, 7 days), after which the task fails without retries
(``AirflowSensorTimeout``). A try that fails on an error is retried with the timeout counted
afresh (Airflow 3 keeps a sensor's reschedules with its try), so the longest a sensor can take
is about ``(retries + 1) * timeout`` plus the retry delays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import anyio
from airflow.sdk import BaseSensorOperator, PokeReturnValue

import poller
from poller import Identity, ResourceKind, Target
from poller.airflow._base import IMPLICIT_CONN_ID, AirflowException, AirflowFailException, templated
from poller.airflow._connection import (
    NO_PROVIDER_MESSAGE,
    aws_hook_class,
    check_botocore_config,
    open_hook_client,
)
from poller.exceptions import ApiError, PollerError, ResourceNotFoundError

__all__ = ["InstanceSensor"]


def _instance() -> ResourceKind:
    """The instance's kind, from ``poller.resources``."""
    return poller.resources["instance"]


class InstanceSensor(BaseSensorOperator):
    """Poke until an Identity Center instance reaches *until*; push its description to XCom.

    Args:
        instance_arn: The instance (templated).
        until: ``active``, ``encryption-enabled``, ``replicated`` or ``deleted`` (templated).
        aws_conn_id: An Airflow AWS connection (templated), as for
            :class:`~poller.airflow.WaitForInstanceOperator`: named, it needs the Amazon
            provider; not given, ``aws_default`` with the provider and the default AWS chain
            without it; None, the default chain.
        region_name: The AWS Region; overrides the connection's (templated).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        verify: TLS verification: a CA bundle's path, or False (templated).
        botocore_config: botocore ``Config`` options as a dict; botocore's retries stay off.
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
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not templated(instance_arn):
            _instance().check(Identity(instance_arn))
        self.instance_arn = instance_arn
        until = until.value if isinstance(until, Target) else until
        self.until = until if templated(until) else str(_instance().target(until))
        self.aws_conn_id_given = aws_conn_id is not IMPLICIT_CONN_ID
        self.aws_conn_id = None if aws_conn_id is None else str(aws_conn_id)
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.verify = verify
        if botocore_config is not None and not isinstance(botocore_config, Mapping):
            raise TypeError(f"botocore_config must be a dict, not {botocore_config!r}")
        self.botocore_config = None if botocore_config is None else dict(botocore_config)

    def poke(self, context: Mapping[str, Any]) -> PokeReturnValue:
        """Look once: done (with the description for XCom), not yet, or fail.

        Raises:
            AirflowFailException: A state the target can never follow, a malformed ARN or
                target, or a connection that cannot be used: retrying cannot help.
            AirflowException: Denied, no such instance, or another error: retries apply.
        """
        kind = _instance()
        try:
            kind.check(Identity(self.instance_arn))
            until = str(kind.target(self.until))
            check_botocore_config(self.botocore_config)
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if self.aws_conn_id_given and self.aws_conn_id and aws_hook_class() is None:
            raise AirflowFailException(NO_PROVIDER_MESSAGE.format(conn_id=self.aws_conn_id))
        return anyio.run(self._look, kind, until)

    async def _look(self, kind: ResourceKind, until: str) -> PokeReturnValue:
        """One DescribeInstance through the connection's client, judged for *until*."""
        identity = Identity(self.instance_arn)
        client_context = await open_hook_client(
            aws_conn_id=self.aws_conn_id,
            region_name=self.region_name or None,
            endpoint_url=self.endpoint_url or None,
            verify=self.verify,
            botocore_config=self.botocore_config,
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
