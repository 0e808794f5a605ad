"""A sensor for an instance: each poke looks once, judged by the wait's own state table.

For users who prefer sensors (``mode="poke"`` or ``"reschedule"``) to the deferrable
operator. A poke is one DescribeInstance (:func:`poller._waiters._instance.look_at_instance`)
judged for the target as a wait would judge it (``meets_target``): True once reached; a state
the target can never follow (CREATE_FAILED, UPDATE_FAILED, being deleted) or a malformed ARN
fails the task without retries (``AirflowFailException``); an error a wait would retry
(throttling, 5xx, a dropped connection) is logged and the next poke looks again; any other
error (denied, no such instance, expired credentials) fails this try, and ``retries`` apply.

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

from poller._identity import Identity
from poller._resources._instance import INSTANCE, Target
from poller.airflow._base import IMPLICIT_CONN_ID, AirflowException, AirflowFailException, templated
from poller.airflow._connection import (
    NO_PROVIDER_MESSAGE,
    aws_hook_class,
    check_botocore_config,
    open_hook_client,
)

__all__ = ["InstanceSensor"]


def _transient(code: str) -> bool:
    """Whether a look's error is one a wait would retry: throttling, 5xx, a dropped line."""
    import botocore.exceptions  # noqa: PLC0415 - loaded by the look already

    from poller._engine._acceptors import (  # noqa: PLC0415
        CONNECT_ERROR_CODES,
        RETRIED_HTTP_STATUSES,
        SERVER_ERROR_CODES,
        THROTTLING_CODES,
    )
    from poller._engine._observe import TRANSPORT_ERRORS  # noqa: PLC0415

    if code in THROTTLING_CODES | SERVER_ERROR_CODES | CONNECT_ERROR_CODES:
        return True
    if code.isdigit():  # an answer that is not an AWS error, named by its HTTP status
        return int(code) in RETRIED_HTTP_STATUSES
    raised = getattr(botocore.exceptions, code, None)
    return code == "MalformedResponse" or (
        isinstance(raised, type) and issubclass(raised, TRANSPORT_ERRORS)
    )


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
            INSTANCE.check(Identity(instance_arn))
        self.instance_arn = instance_arn
        until = until.value if isinstance(until, Target) else until
        self.until = until if templated(until) else INSTANCE.target(until)
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
        try:
            INSTANCE.check(Identity(self.instance_arn))
            until = INSTANCE.target(self.until)
            check_botocore_config(self.botocore_config)
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if self.aws_conn_id_given and self.aws_conn_id and aws_hook_class() is None:
            raise AirflowFailException(NO_PROVIDER_MESSAGE.format(conn_id=self.aws_conn_id))
        return anyio.run(self._look, until)

    async def _look(self, until: str) -> PokeReturnValue:
        """One DescribeInstance through the connection's client, judged for *until*."""
        # Imported here, when the sensor pokes: parsing a DAG file need not load aiobotocore.
        from poller._waiters._instance import look_at_instance, meets_target  # noqa: PLC0415
        from poller.exceptions import (  # noqa: PLC0415
            ApiError,
            PollerError,
            ResourceNotFoundError,
        )

        client_context = await open_hook_client(
            aws_conn_id=self.aws_conn_id,
            region_name=self.region_name or None,
            endpoint_url=self.endpoint_url or None,
            verify=self.verify,
            botocore_config=self.botocore_config,
        )
        try:
            async with client_context as client:
                description = await look_at_instance(client, self.instance_arn)
                if not meets_target(description, until):
                    self.log.info(
                        "%s is not %s yet (Status %s)", self.instance_arn, until, description.status
                    )
                    return PokeReturnValue(is_done=False)
        except ResourceNotFoundError as error:
            if until == Target.DELETED:  # no such instance: gone, as asked
                return PokeReturnValue(is_done=True, xcom_value=None)
            raise AirflowException(str(error)) from error
        except ApiError as error:
            if _transient(error.code):
                self.log.warning("%s; looking again at the next poke", error)
                return PokeReturnValue(is_done=False)
            raise AirflowException(str(error)) from error
        except PollerError as error:
            if error.outcome.terminal:
                raise AirflowFailException(str(error)) from error
            raise AirflowException(str(error)) from error
        self.log.info("%s is %s", self.instance_arn, until)
        return PokeReturnValue(is_done=True, xcom_value=description.to_api_json())
