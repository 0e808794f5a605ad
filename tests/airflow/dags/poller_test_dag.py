"""A DAG for the tests: the instance, endpoint and connection come from the run's conf."""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG

from poller.airflow import WaitForInstanceOperator

with DAG(
    "poller_test",
    schedule=None,
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    params={
        "instance_arn": "",
        "endpoint_url": "",
        "aws_conn_id": "aws_default",
        "until": "active",
    },
):
    WaitForInstanceOperator(
        task_id="wait",
        instance_arn="{{ params.instance_arn }}",
        endpoint_url="{{ params.endpoint_url }}",
        aws_conn_id="{{ params.aws_conn_id }}",
        until="{{ params.until }}",
        deferrable=True,
        timeout=60,
        min_delay=0.01,
        max_delay=0.05,
    )

with DAG(
    "poller_test_in_worker",
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
        deferrable=False,
        timeout=60,
        min_delay=0.01,
        max_delay=0.05,
    )
