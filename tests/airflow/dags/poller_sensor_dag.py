"""DAGs for the sensor tests: the instance, endpoint and target come from the run's conf."""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import DAG

from poller.airflow import InstanceSensor

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LOCAL: dict[str, Any] = {
    "instance_arn": "{{ params.instance_arn }}",
    "endpoint_url": "{{ params.endpoint_url }}",
    "until": "{{ params.until }}",
    "aws_conn_id": None,
    "region_name": "us-east-1",
    "poke_interval": 0.05,
}
PARAMS = {"instance_arn": "", "endpoint_url": "", "until": "active"}

with DAG("poller_sensor_poke", schedule=None, start_date=START, params=PARAMS):
    InstanceSensor(task_id="sense", mode="poke", timeout=60, **LOCAL)

with DAG("poller_sensor_reschedule", schedule=None, start_date=START, params=PARAMS):
    InstanceSensor(task_id="sense", mode="reschedule", timeout=60, **LOCAL)

with DAG("poller_sensor_brief", schedule=None, start_date=START, params=PARAMS):
    InstanceSensor(task_id="sense", mode="poke", timeout=0.5, retries=2, **LOCAL)
