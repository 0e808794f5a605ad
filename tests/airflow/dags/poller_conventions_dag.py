"""DAGs for the provider-convention tests: a deferred sensor, and lists given as templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import DAG, task

from poller.airflow import InstanceSensor, WaitForAccountAssignmentOperator, WaitForRegionOperator

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LOCAL: dict[str, Any] = {
    "instance_arn": "{{ params.instance_arn }}",
    "endpoint_url": "{{ params.endpoint_url }}",
    "aws_conn_id": None,
    "region_name": "us-east-1",
}

with DAG(
    "poller_sensor_deferred",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "timeout": 60},
):
    InstanceSensor(
        task_id="sense",
        deferrable=True,
        timeout=60,
        until="ACTIVE",
        waiter_delay=0.02,
        retries=2,
        retry_delay=0,
        **LOCAL,
    )

with DAG(
    "poller_sensor_deferred_brief",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": ""},
):
    InstanceSensor(
        task_id="sense",
        deferrable=True,
        timeout=1,
        waiter_delay=0.02,
        retries=2,
        retry_delay=0,
        **LOCAL,
    )

# Without render_template_as_native_obj: "{{ params.regions }}" renders the list's text.
with DAG(
    "poller_regions_as_text",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "regions": []},
):
    WaitForRegionOperator(
        task_id="wait",
        regions="{{ params.regions }}",
        deferrable=True,
        retries=2,
        retry_delay=0,
        **LOCAL,
    )

with DAG(
    "poller_request_ids_as_text",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "endpoint_url": "", "request_ids": []},
):

    @task
    def start(params: dict[str, Any]) -> list[str]:
        """What an upstream task would push."""
        return list(params["request_ids"])

    start() >> WaitForAccountAssignmentOperator(
        task_id="wait",
        request_ids="{{ ti.xcom_pull(task_ids='start') }}",
        deferrable=True,
        retries=2,
        retry_delay=0,
        **LOCAL,
    )
