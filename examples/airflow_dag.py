"""An Airflow DAG that waits for an Identity Center instance, then uses its identity store.

When to use this: your provisioning runs in Apache Airflow and a task must wait, for minutes,
until a new instance is ACTIVE. ``WaitForInstanceOperator`` defers the wait to Airflow's
triggerer, so that no worker slot is held while it waits; the deadline is fixed when the task
starts and survives triggerer restarts. The description lands in XCom for the next task.

    pip install 'poller[airflow]'      # and apache-airflow-providers-amazon to name aws_conn_id
    airflow dags trigger identity_center_instance --conf '{"instance_arn": "arn:aws:sso:::..."}'

Trigger it with ``instance_arn`` (and, for the local simulator, ``endpoint_url``) in the run's
configuration.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG, task

from poller.airflow import WaitForInstanceOperator

with DAG(
    "identity_center_instance",
    schedule=None,
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    params={"instance_arn": "", "endpoint_url": ""},
):
    wait = WaitForInstanceOperator(
        task_id="wait_for_instance",
        instance_arn="{{ params.instance_arn }}",
        timeout=dt.timedelta(minutes=30),
        deferrable=True,  # in the triggerer; not given: [operators] default_deferrable
        # No aws_conn_id: aws_default with the Amazon provider, else the default AWS chain.
        region_name="us-east-1",
        endpoint_url="{{ params.endpoint_url }}",  # empty: AWS itself
    )

    @task
    def use_identity_store(instance: dict[str, str]) -> str:
        print(f"identity store {instance['IdentityStoreId']} is ready")
        return instance["IdentityStoreId"]

    use_identity_store(wait.output)
