"""DAGs for the mapped-task tests: what each mapped task waits on comes from upstream XCom.

Airflow builds a mapped task's operator only when it runs, from the expanded values: a bad
one must fail that task without retries, as a templated one does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import DAG, task

from poller.airflow import InstanceSensor, WaitForAccountAssignmentOperator, WaitForInstanceOperator

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
#: Retried at once, should a mapped task be retried: the tests count its tries.
RETRIED = {"retries": 2, "retry_delay": 0}
LOCAL: dict[str, Any] = {
    "endpoint_url": "{{ params.endpoint_url }}",
    "aws_conn_id": None,
    "region_name": "us-east-1",
}

with DAG(
    "poller_mapped_instances",
    schedule=None,
    start_date=START,
    params={"waits": [], "endpoint_url": ""},
):

    @task
    def instance_waits(params: dict[str, Any]) -> list[dict[str, Any]]:
        """The arguments of each wait, as an upstream task would compute them."""
        return list(params["waits"])

    WaitForInstanceOperator.partial(
        task_id="wait", deferrable=True, timeout=60, **LOCAL, **RETRIED
    ).expand_kwargs(instance_waits())

with DAG(
    "poller_mapped_requests",
    schedule=None,
    start_date=START,
    params={"instance_arn": "", "request_ids": [], "endpoint_url": ""},
):

    @task
    def request_lists(params: dict[str, Any]) -> list[Any]:
        """One list of request IDs per mapped task."""
        return list(params["request_ids"])

    WaitForAccountAssignmentOperator.partial(
        task_id="wait",
        instance_arn="{{ params.instance_arn }}",
        deferrable=True,
        timeout=60,
        min_delay=0.01,
        max_delay=0.05,
        **LOCAL,
        **RETRIED,
    ).expand(request_ids=request_lists())

with DAG(
    "poller_mapped_sensors",
    schedule=None,
    start_date=START,
    params={"instance_arns": [], "endpoint_url": ""},
):

    @task
    def sensed(params: dict[str, Any]) -> list[str]:
        """The instances to sense, as an upstream task would list them."""
        return list(params["instance_arns"])

    InstanceSensor.partial(
        task_id="sense", mode="poke", poke_interval=0.05, timeout=60, **LOCAL, **RETRIED
    ).expand(instance_arn=sensed())
