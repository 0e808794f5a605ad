"""Apache Airflow integration: a deferrable operator and its trigger.

``WaitForInstanceOperator`` hands the wait to Airflow's triggerer, where
``InstanceWaitTrigger`` runs poller against an absolute deadline that survives triggerer
restarts, and fires one event with the outcome. Needs ``pip install 'poller[airflow]'``; with
the Amazon provider (``apache-airflow-providers-amazon``) installed, ``aws_conn_id`` names the
AWS connection to use.
"""

try:
    import airflow  # noqa: F401 - only to fail early, with the fix in the message
except ImportError as error:  # pragma: no cover - exercised in the main test environment
    raise ImportError(
        "poller.airflow needs Apache Airflow: pip install 'poller[airflow]'"
    ) from error

from poller.airflow._operator import WaitForInstanceOperator
from poller.airflow._payload import Outcome, WaitPayload
from poller.airflow._rollout import (
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
)
from poller.airflow._rollout_payload import RolloutPayload, WaitEnding
from poller.airflow._rollout_trigger import RolloutWaitTrigger
from poller.airflow._trigger import InstanceWaitTrigger, to_deadline

__all__ = [
    "InstanceWaitTrigger",
    "Outcome",
    "RolloutPayload",
    "RolloutWaitTrigger",
    "WaitEnding",
    "WaitForAccessControlAttributesOperator",
    "WaitForAccountAssignmentOperator",
    "WaitForInstanceOperator",
    "WaitForPermissionSetProvisioningOperator",
    "WaitForRegionOperator",
    "WaitPayload",
    "to_deadline",
]
