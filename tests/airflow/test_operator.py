"""The operator's checks on Airflow's real engine: deferral, connections, validation, numbers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow 3.0
    from airflow.exceptions import TaskDeferred  # type: ignore[attr-defined,no-redef,unused-ignore]

from poller.airflow import InstanceWaitTrigger, WaitForInstanceOperator
from poller.exceptions import InvalidInstanceArnError
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, restart, run_dag, run_trigger, task_state

#: Where the Amazon provider's hook lives: None in sys.modules makes importing it fail.
AWS_HOOK_MODULE = "airflow.providers.amazon.aws.hooks.base_aws"


def deferral(operator: WaitForInstanceOperator) -> TaskDeferred:
    """What execute() defers with (Airflow's TaskDeferred), as the task runner receives it."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    return deferred.value


def test_execute_defers_with_a_timeout_a_minute_past_the_deadline() -> None:
    """Airflow fails the task a minute after the wait's deadline if no triggerer ran it."""
    operator = WaitForInstanceOperator(task_id="t", instance_arn=ARN, timeout=90, deferrable=True)

    before = time.time()
    deferred = deferral(operator)
    after = time.time()

    trigger = deferred.trigger
    assert isinstance(trigger, InstanceWaitTrigger)
    assert dt.timedelta(seconds=90 + 60) == deferred.timeout
    assert before <= trigger.started_at <= after  # type: ignore[operator]
    assert 90 == pytest.approx(trigger.deadline - trigger.started_at)  # type: ignore[operator]


def test_named_connection_without_the_provider_fails_the_task(
    dagbag: Any,
    simulator: Simulator,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A connection named without the Amazon provider fails, saying what to install."""
    monkeypatch.setitem(sys.modules, AWS_HOOK_MODULE, None)
    arn = simulator.create_instance("elsewhere", create_seconds=0)

    dag_run = run_dag(
        dagbag,
        "poller_test",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        aws_conn_id="production",
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "pip install apache-airflow-providers-amazon" in logged
    assert 0 == simulator.calls("DescribeInstance")  # never the worker's own credentials


def test_no_connection_named_without_the_provider_uses_the_default_chain(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not naming a connection, without the provider, still waits with the default chain."""
    monkeypatch.setitem(sys.modules, AWS_HOOK_MODULE, None)
    arn = simulator.create_instance("default-chain", create_seconds=0)
    operator = WaitForInstanceOperator(
        task_id="t", instance_arn=arn, endpoint_url=server.endpoint_url, deferrable=True
    )

    trigger = deferral(operator).trigger
    payload = run_trigger(restart(trigger))

    assert ("aws_default", "reached") == (trigger.aws_conn_id, payload["outcome"])


def test_trigger_refuses_a_named_connection_without_the_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The triggerer without the provider ends the wait on a named connection, sending nothing."""
    monkeypatch.setitem(sys.modules, AWS_HOOK_MODULE, None)
    trigger = InstanceWaitTrigger(ARN, deadline=time.time() + 60, aws_conn_id="production")

    payload = run_trigger(trigger)

    assert ("error", 0) == (payload["outcome"], payload["attempts"])
    assert "apache-airflow-providers-amazon" in payload["message"]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"instance_arn": "arn:aws:sso:::instance/nope"}, InvalidInstanceArnError, "ssoins-"),
        ({"instance_arn": ARN, "until": "actve"}, ValueError, "unknown target 'actve'"),
    ],
)
def test_literal_values_are_checked_when_the_operator_is_built(
    arguments: dict[str, str], error: type[Exception], message: str
) -> None:
    """A malformed literal ARN or target fails in __init__, with what was expected."""
    with pytest.raises(error, match=message):
        WaitForInstanceOperator(task_id="t", **arguments)


def test_values_from_upstream_tasks_are_checked_after_rendering() -> None:
    """An XComArg (an upstream task's output) is not a literal: it is checked in execute()."""
    from airflow.sdk import DAG, task  # noqa: PLC0415

    @task
    def create() -> dict[str, str]:
        return {"InstanceArn": ARN}

    with DAG("upstream", schedule=None):
        WaitForInstanceOperator(task_id="wait", instance_arn=create()["InstanceArn"])


def test_a_dag_with_a_malformed_literal_arn_does_not_parse(tmp_path: Path) -> None:
    """The DAG processor reports the bad ARN as the DAG file's import error."""
    try:
        from airflow.dag_processing.dagbag import DagBag  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.models.dagbag import DagBag  # noqa: PLC0415
    (tmp_path / "bad_arn_dag.py").write_text(
        textwrap.dedent(
            """
            import datetime as dt
            from airflow.sdk import DAG
            from poller.airflow import WaitForInstanceOperator

            with DAG("bad_arn", schedule=None, start_date=dt.datetime(2025, 1, 1)):
                WaitForInstanceOperator(task_id="wait", instance_arn="ssoins-123")
            """
        )
    )

    errors = DagBag(dag_folder=str(tmp_path)).import_errors

    (error,) = errors.values()
    assert "InvalidInstanceArnError" in error
    assert "'ssoins-123' is not an Identity Center instance ARN" in error


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        ({"until": "actve"}, "unknown target 'actve'"),
        ({"instance_arn": "arn:aws:sso:::instance/nope"}, "is not an Identity Center instance"),
    ],
)
def test_bad_templated_values_fail_before_deferring_without_retries(
    dagbag: Any,
    simulator: Simulator,
    server: Server,
    *,
    capfd: pytest.CaptureFixture[str],
    conf: dict[str, str],
    message: str,
) -> None:
    """A rendered value that is wrong fails the task at once (AirflowFailException)."""
    arn = simulator.create_instance("templated", create_seconds=0)

    dag_run = run_dag(
        dagbag, "poller_test", **{"instance_arn": arn, "endpoint_url": server.endpoint_url, **conf}
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert message in logged
    assert 0 == simulator.calls("DescribeInstance")  # failed before deferring


def test_elapsed_counts_the_whole_wait_across_a_restart(
    simulator: Simulator, server: Server
) -> None:
    """started_at travels with the trigger, so elapsed is the whole wait's, not this run's."""
    arn = simulator.create_instance("resumed", create_seconds=1e9)
    now = time.time()
    trigger = InstanceWaitTrigger(
        arn,
        deadline=now + 0.3,
        started_at=now - 40,  # the wait began 40 s ago, before a triggerer restart
        aws_conn_id=None,
        endpoint_url=server.endpoint_url,
        min_delay=0.01,
        max_delay=0.05,
    )

    restarted = restart(trigger)
    payload = run_trigger(restarted)

    assert now - 40 == restarted.started_at
    assert "timed-out" == payload["outcome"]
    assert 40 <= payload["elapsed"] < 42
    assert 0 < payload["attempts"] == simulator.calls("DescribeInstance")


def test_elapsed_counts_the_whole_wait_when_restarted_past_the_deadline() -> None:
    """A trigger resumed after its deadline reports the time since the wait began."""
    now = time.time()
    trigger = InstanceWaitTrigger(ARN, deadline=now - 1, started_at=now - 61, aws_conn_id=None)

    payload = run_trigger(restart(trigger))

    assert ("timed-out", 0) == (payload["outcome"], payload["attempts"])
    assert 61 <= payload["elapsed"] < 63


def test_importing_poller_airflow_loads_no_aws_sdk() -> None:
    """DAG parsing stays light: aiobotocore, botocore and aiohttp wait for the trigger."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import poller.airflow, sys; print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in {'aiobotocore', 'botocore', 'aiohttp'}))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    assert "[]" == loaded.strip()


def test_not_deferrable_waits_in_the_worker_and_returns_the_description(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """deferrable=False runs the same wait in the worker: same checks, outcome and XCom."""
    arn = simulator.create_instance("in-worker", create_seconds=0)

    dag_run = run_dag(
        dagbag, "poller_test_in_worker", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, description = task_state(dag_run, "wait")
    assert ("success", arn, "ACTIVE") == (state, description["InstanceArn"], description["Status"])


def test_not_deferrable_returns_without_deferring(simulator: Simulator, server: Server) -> None:
    """execute() itself waits and returns when the operator is not deferrable."""
    arn = simulator.create_instance("no-defer", create_seconds=0)
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        aws_conn_id=None,
        deferrable=False,
    )

    description = operator.execute({})

    assert description is not None
    assert arn == description["InstanceArn"]


@pytest.mark.parametrize("argument", ["region_name", "region"])
def test_region_name_and_its_older_name_reach_the_trigger(argument: str) -> None:
    """region_name is the provider's spelling; region still works."""
    operator = WaitForInstanceOperator(
        task_id="t", instance_arn=ARN, deferrable=True, **{argument: "eu-west-1"}
    )

    assert "eu-west-1" == deferral(operator).trigger.region


def test_region_name_and_region_that_disagree_are_refused() -> None:
    """Two different Regions is a mistake in the DAG, found when it is parsed."""
    with pytest.raises(ValueError, match="disagree"):
        WaitForInstanceOperator(
            task_id="t", instance_arn=ARN, region_name="eu-west-1", region="us-east-1"
        )
