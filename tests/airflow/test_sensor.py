"""InstanceSensor on Airflow's real engine: each poke looks once, judged by the state table."""

from __future__ import annotations

from typing import Any

import pytest

from poller.airflow import (
    InstanceSensor,
    WaitForAccessControlAttributesOperator,
    WaitForInstanceOperator,
)
from poller.simulator import Fault, Server, Simulator
from tests.airflow._support import ARN, finish_creating_after, run_dag, task_state


@pytest.mark.parametrize("dag_id", ["poller_sensor_poke", "poller_sensor_reschedule"])
def test_sensor_pokes_until_active_and_pushes_the_description(
    dagbag: Any, simulator: Simulator, server: Server, dag_id: str
) -> None:
    """Poke and reschedule modes look until ACTIVE; the answer lands in XCom."""
    arn = simulator.create_instance("sensed", create_seconds=1e8)
    finisher = finish_creating_after(simulator, arn, polls=2)

    dag_run = run_dag(dagbag, dag_id, instance_arn=arn, endpoint_url=server.endpoint_url)
    finisher.join()

    state, description = task_state(dag_run, "sense")
    assert ("success", arn, "ACTIVE") == (state, description["InstanceArn"], description["Status"])
    assert 3 <= simulator.calls("DescribeInstance", arn)  # two not yet, then ACTIVE


def test_create_failed_fails_the_sensor_without_retries(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A state the target can never follow ends the sensor at the first look."""
    arn = simulator.create_instance("doomed", fail_reason="The KMS key is disabled")
    simulator.advance(1e9)

    dag_run = run_dag(
        dagbag, "poller_sensor_poke", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, _ = task_state(dag_run, "sense")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "The KMS key is disabled" in logged
    assert 1 == simulator.calls("DescribeInstance", arn)


def test_throttled_look_is_tried_again_at_the_next_poke(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """Throttling is what a wait would retry: the sensor looks again instead of failing."""
    arn = simulator.create_instance("throttled", create_seconds=0)
    simulator.add_fault(Fault.throttling(count=2), operation="DescribeInstance")

    dag_run = run_dag(
        dagbag, "poller_sensor_poke", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, description = task_state(dag_run, "sense")
    assert ("success", "ACTIVE") == (state, description["Status"])
    assert 3 == simulator.calls("DescribeInstance", arn)


def test_an_instance_that_does_not_exist_is_deleted(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """until=deleted: no such instance is the target reached; XCom holds None."""
    dag_run = run_dag(
        dagbag,
        "poller_sensor_poke",
        instance_arn=ARN,
        endpoint_url=server.endpoint_url,
        until="deleted",
    )

    state, description = task_state(dag_run, "sense")
    assert ("success", None) == (state, description)


def test_sensor_timeout_fails_without_retries(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """The sensor's own timeout ends it with AirflowSensorTimeout; its retries are not used."""
    arn = simulator.create_instance("slow", create_seconds=1e9)

    dag_run = run_dag(
        dagbag, "poller_sensor_brief", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    (ti,) = dag_run.get_task_instances()
    assert ("failed", 1) == (str(ti.state), ti.try_number)
    assert "AirflowSensorTimeout" in capfd.readouterr().out


def test_bad_templated_arn_fails_the_first_poke_without_a_request(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A rendered ARN that is malformed fails at once (AirflowFailException), sending nothing."""
    dag_run = run_dag(
        dagbag, "poller_sensor_poke", instance_arn="ssoins-123", endpoint_url=server.endpoint_url
    )

    state, _ = task_state(dag_run, "sense")
    assert "failed" == state
    assert "is not an Identity Center instance ARN" in capfd.readouterr().out
    assert 0 == simulator.request_count


def test_literal_values_are_checked_when_the_sensor_is_built() -> None:
    """As for the operator: a malformed literal ARN or target fails in __init__."""
    with pytest.raises(ValueError, match="unknown target 'actve'"):
        InstanceSensor(task_id="t", instance_arn=ARN, until="actve")


@pytest.mark.parametrize(("setting", "expected"), [(None, False), ("True", True), ("False", False)])
@pytest.mark.parametrize(
    ("operator", "arguments"),
    [
        (WaitForInstanceOperator, {"instance_arn": ARN}),
        (WaitForAccessControlAttributesOperator, {"instance_arn": ARN}),
    ],
)
def test_deferrable_follows_default_deferrable_unless_given(
    monkeypatch: pytest.MonkeyPatch,
    operator: type[Any],
    arguments: dict[str, Any],
    setting: str | None,
    *,
    expected: bool,
) -> None:
    """Not given, deferrable is [operators] default_deferrable (False when unset)."""
    if setting is None:
        monkeypatch.delenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", raising=False)
    else:
        monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", setting)

    implicit = operator(task_id="t", **arguments)
    explicit = operator(task_id="t", deferrable=not expected, **arguments)

    assert (expected, not expected) == (implicit.deferrable, explicit.deferrable)
