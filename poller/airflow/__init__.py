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
fires one small event (``WaitPayload``: the outcome, counts, failures; the descriptions of many
resources wait in the task's XCom); ``deferrable=False`` runs the same trigger in the worker,
and not given it follows ``[operators] default_deferrable``. ``InstanceSensor`` looks once per
poke instead (``mode="poke"`` or ``"reschedule"``), or defers (``deferrable=True``); it is
imported on first use (with the Amazon provider, it is one of the provider's AWS sensors).
Needs ``pip install 'poller[airflow]'``; with the Amazon provider
(``apache-airflow-providers-amazon``) installed, ``aws_conn_id`` names the AWS connection,
which must exist (``aws_default`` alone falls back to the default AWS chain when it does not),
and the client is built as the provider builds its own (credentials or an assumed role,
region, endpoint, ``verify``, botocore config such as proxies).

Values written in the DAG file are checked when it is parsed; templated ones, upstream XCom
and a mapped task's values in ``execute()``, where a bad one fails the task without retries.
``timeout``, ``min_delay`` and ``max_delay`` pace a wait, or the provider's ``waiter_delay``
(both delays) and ``waiter_max_attempts`` (``timeout = waiter_max_attempts * max_delay``).

Retries and the timeout:

- Operators: ``timeout`` is the wait's own limit, from the start of the try; the task's
  ``execution_timeout``, when shorter, ends the wait instead (Airflow does not apply it to a
  deferred task). A resource that failed (CREATE_FAILED, FAILED, a Region removed ...), a
  malformed identifier or a connection that does not exist fails the task without retries
  (``AirflowFailException``); a timeout, a denial or another error fails the try
  (``AirflowException``) and ``retries`` apply, each try a new wait with the whole
  ``timeout``: at most about ``(retries + 1) * timeout`` plus the retry delays. A deferred task
  also carries Airflow's own timeout, a minute past the wait's deadline, which fires only when
  no triggerer runs the trigger.
- ``InstanceSensor``: ``timeout`` is the sensor's (``[sensors] default_timeout`` by default);
  when it passes the task fails without retries (``AirflowSensorTimeout``), deferred or not. A
  failed instance or a malformed ARN fails without retries too; throttling, 5xx and dropped
  connections are looked at again at the next poke; a denial or another error fails the try,
  ``retries`` apply, and each try counts its timeout afresh.
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
