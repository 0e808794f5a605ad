"""DAGs for the rollout tests: what to create and where come from the run's conf.

The upstream tasks call the local endpoint with boto3, as a user's @task would, and hand their
answers to the waiting operators through XCom.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import DAG, task

from poller.airflow import (
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
)

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
#: Quick polls against the simulator, under a deadline far beyond any test.
PACE: dict[str, Any] = {"timeout": 60, "min_delay": 0.01, "max_delay": 0.05}
LOCAL = {
    "instance_arn": "{{ params.instance_arn }}",
    "endpoint_url": "{{ params.endpoint_url }}",
    "aws_conn_id": None,
    "region_name": "us-east-1",
    "deferrable": True,
}


def _client(params: dict[str, Any]) -> Any:
    import boto3  # noqa: PLC0415 - in the task, as a user's task would

    return boto3.client("sso-admin", endpoint_url=params["endpoint_url"], region_name="us-east-1")


with DAG(
    "poller_rollout_assignments",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "permission_set_arn": "", "accounts": []},
):

    @task
    def create_assignments(params: dict[str, Any]) -> list[dict[str, Any]]:
        """CreateAccountAssignment for each account; the answers go to XCom as boto3 gave them."""
        client = _client(params)
        return [
            client.create_account_assignment(
                InstanceArn=params["instance_arn"],
                TargetId=account,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=params["permission_set_arn"],
                PrincipalType="USER",
                PrincipalId="94482488-3041-7026-18f3-be45837cd0e4",
            )
            for account in params["accounts"]
        ]

    WaitForAccountAssignmentOperator(
        task_id="wait", request_ids=create_assignments(), **LOCAL, **PACE
    )

with DAG(
    "poller_rollout_provisioning",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "permission_set_arns": []},
):

    @task
    def provision(params: dict[str, Any]) -> list[dict[str, Any]]:
        """ProvisionPermissionSet for each permission set; only the status objects to XCom."""
        client = _client(params)
        return [
            client.provision_permission_set(
                InstanceArn=params["instance_arn"],
                PermissionSetArn=arn,
                TargetType="ALL_PROVISIONED_ACCOUNTS",
            )["PermissionSetProvisioningStatus"]
            for arn in params["permission_set_arns"]
        ]

    WaitForPermissionSetProvisioningOperator(
        task_id="wait", request_ids=provision(), **LOCAL, **PACE
    )

with DAG(
    "poller_rollout_regions",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "regions": [], "until": "active"},
    # "{{ params.regions }}" renders to the list itself, not its text.
    render_template_as_native_obj=True,
):
    WaitForRegionOperator(
        task_id="wait", regions="{{ params.regions }}", until="{{ params.until }}", **LOCAL, **PACE
    )

with DAG(
    "poller_rollout_access_control",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": ""},
):
    WaitForAccessControlAttributesOperator(task_id="wait", **LOCAL, **PACE)
