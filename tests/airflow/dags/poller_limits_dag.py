"""A DAG for the execution_timeout tests: an instance that never settles, a short task."""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG

from poller.airflow import WaitForInstanceOperator

with DAG(
    "poller_execution_timeout",
    schedule=None,
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    params={"instance_arn": "", "endpoint_url": ""},
):
    WaitForInstanceOperator(
        task_id="wait",
        instance_arn="{{ params.instance_arn }}",
        endpoint_url="{{ params.endpoint_url }}",
        aws_conn_id=None,
        region_name="us-east-1",
        deferrable=True,
        # Airflow does not apply execution_timeout to a deferred task: the wait's deadline does.
        timeout=30,
        execution_timeout=dt.timedelta(seconds=1),
        min_delay=0.01,
        max_delay=0.05,
    )
