"""Apache Airflow integration: operators, a sensor and the one trigger behind them.

``WaitForResourceOperator(resource=...)`` waits on any kind in ``poller.resources``: an
instance, its attribute-based access control, its Regions (``regions``), or requests
(``request_ids``, read from the upstream task's XCom of the answers that started them), many at
once under one deadline. The named operators fix ``resource``: ``WaitForInstanceOperator``,
``WaitForRegionOperator``, ``WaitForAccessControlAttributesOperator``,
``WaitForPermissionSetProvisioningOperator`` and ``WaitForAccountAssignmentOperator``.
Deferrable, they hand the wait to Airflow's triggerer (``ResourceWaitTrigger``;
``InstanceWaitTrigger`` for the instance, ``RolloutWaitTrigger`` is the generic one's earlier
name), which runs poller against an absolute deadline that survives triggerer restarts and
fires one event with every outcome (``WaitPayload``); ``deferrable=False`` runs the same trigger
in the worker, and not given it follows ``[operators] default_deferrable``. ``InstanceSensor``
looks once per poke instead (``mode="poke"`` or ``"reschedule"``). Needs ``pip install
'poller[airflow]'``; with the Amazon provider (``apache-airflow-providers-amazon``) installed,
``aws_conn_id`` names the AWS connection, and the client is built as the provider builds its
own (credentials or an assumed role, region, endpoint, ``verify``, botocore config such as
proxies).

Retries and the timeout:

- Operators: ``timeout`` is the wait's own limit, from the start of the try. A resource that
  failed (CREATE_FAILED, FAILED, a Region removed ...) or a malformed identifier fails the task
  without retries (``AirflowFailException``); a timeout, a denial or another error fails the
  try (``AirflowException``) and ``retries`` apply, each try a new wait with the whole
  ``timeout``: at most about ``(retries + 1) * timeout`` plus the retry delays. A deferred task
  also carries Airflow's own timeout, a minute past the wait's deadline, which fires only when
  no triggerer runs the trigger.
- ``InstanceSensor``: ``timeout`` is the sensor's (``[sensors] default_timeout`` by default);
  when it passes the task fails without retries (``AirflowSensorTimeout``). A failed instance
  or a malformed ARN fails without retries too; throttling, 5xx and dropped connections are
  looked at again at the next poke; a denial or another error fails the try, ``retries``
  apply, and each try counts its timeout afresh.
"""

from typing import TYPE_CHECKING, Any

try:
    import airflow  # noqa: F401 - only to fail early, with the fix in the message
except ImportError as error:  # pragma: no cover - exercised in the main test environment
    raise ImportError(
        "poller.airflow needs Apache Airflow: pip install 'poller[airflow]'"
    ) from error

from poller.airflow._named import (
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForInstanceOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
)
from poller.airflow._operator import WaitForResourceOperator
from poller.airflow._payload import Outcome, WaitEnding, WaitPayload
from poller.airflow._trigger import InstanceWaitTrigger, ResourceWaitTrigger, to_deadline

if TYPE_CHECKING:
    from poller.airflow._sensor import InstanceSensor

#: The generic trigger's name before it waited on instances too: a task deferred with it
#: resumes on the generic one, whose arguments it had.
RolloutWaitTrigger = ResourceWaitTrigger
#: The payload's name before there was one for every trigger.
RolloutPayload = WaitPayload


def __getattr__(name: str) -> Any:
    """``InstanceSensor``, imported on first use.

    With the Amazon provider it is one of the provider's AWS sensors, whose module loads boto3:
    a DAG file that uses only the operators need not.
    """
    if name == "InstanceSensor":
        from poller.airflow._sensor import InstanceSensor  # noqa: PLC0415

        return InstanceSensor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "InstanceSensor",
    "InstanceWaitTrigger",
    "Outcome",
    "ResourceWaitTrigger",
    "RolloutPayload",
    "RolloutWaitTrigger",
    "WaitEnding",
    "WaitForAccessControlAttributesOperator",
    "WaitForAccountAssignmentOperator",
    "WaitForInstanceOperator",
    "WaitForPermissionSetProvisioningOperator",
    "WaitForRegionOperator",
    "WaitForResourceOperator",
    "WaitPayload",
    "to_deadline",
]
