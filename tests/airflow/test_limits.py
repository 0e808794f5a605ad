"""How long a task waits: its timeout, its execution_timeout, and the provider's waiter_*."""

from __future__ import annotations

import datetime as dt
import time
import types
from typing import Any

import pytest

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow 3.0
    from airflow.exceptions import TaskDeferred  # type: ignore[attr-defined,no-redef,unused-ignore]

from poller.airflow import (
    InstanceWaitTrigger,
    ResourceWaitTrigger,
    WaitForInstanceOperator,
    WaitForRegionOperator,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, restart, run_dag, task_state


def deferral(operator: Any, context: dict[str, Any] | None = None) -> TaskDeferred:
    """What execute() defers with, as the task runner receives it."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(context or {})
    return deferred.value


def budget(trigger: Any) -> float:
    """Seconds from the wait's start to its deadline."""
    return float(trigger.deadline - trigger.started_at)


# -- execution_timeout ------------------------------------------------------------------------


def test_a_shorter_execution_timeout_is_the_deadline() -> None:
    """Airflow does not time a deferral out by execution_timeout: the trigger's deadline does."""
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=ARN,
        timeout=600,
        execution_timeout=dt.timedelta(seconds=30),
        deferrable=True,
    )

    deferred = deferral(operator)

    assert 30 == pytest.approx(budget(deferred.trigger), abs=1)
    assert 30 + 60 == pytest.approx(deferred.timeout.total_seconds(), abs=1)  # type: ignore[union-attr]


def test_execution_timeout_counts_from_the_start_of_the_try() -> None:
    """A try that started 10 s before execute() has 20 s of a 30 s execution_timeout left."""
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=ARN,
        timeout=600,
        execution_timeout=dt.timedelta(seconds=30),
        deferrable=True,
    )
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10)

    trigger = deferral(operator, {"ti": types.SimpleNamespace(start_date=started)}).trigger

    assert started.timestamp() + 30 == pytest.approx(trigger.deadline, abs=1)


def test_a_longer_execution_timeout_leaves_the_timeout_alone() -> None:
    """The earlier of the two ends the wait."""
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=ARN,
        timeout=90,
        execution_timeout=dt.timedelta(hours=1),
        deferrable=True,
    )

    assert 90 == pytest.approx(budget(deferral(operator).trigger), abs=1)


def test_a_deferred_task_ends_by_its_execution_timeout_naming_it(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A 1 s execution_timeout ends a 30 s wait: the try fails (retries apply), saying why."""
    arn = simulator.create_instance("endless", create_seconds=1e9)

    dag_run = run_dag(
        dagbag, "poller_execution_timeout", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "WaitTimeoutError" in logged
    assert "the wait ended with the task's execution_timeout (0:00:01)" in logged
    assert "AirflowFailException" not in logged


# -- the Amazon provider's waiter_delay and waiter_max_attempts -------------------------------


def test_waiter_delay_and_max_attempts_set_the_delays_and_the_deadline() -> None:
    """The pauses are waiter_delay; the timeout is waiter_delay x waiter_max_attempts."""
    operator = WaitForRegionOperator(
        task_id="t",
        instance_arn=ARN,
        regions="eu-west-1",
        waiter_delay=30,
        waiter_max_attempts=10,
        deferrable=True,
    )

    trigger = deferral(operator).trigger

    assert (30.0, 30.0) == (trigger.min_delay, trigger.max_delay)
    assert 300 == pytest.approx(budget(trigger), abs=1)


def test_waiter_max_attempts_alone_counts_the_longest_pauses() -> None:
    """Without waiter_delay, the timeout is that many of the kind's longest pauses (60 s)."""
    operator = WaitForRegionOperator(
        task_id="t", instance_arn=ARN, regions="eu-west-1", waiter_max_attempts=4, deferrable=True
    )

    trigger = deferral(operator).trigger

    assert 4 * 60 == pytest.approx(budget(trigger), abs=1)
    assert (10.0, 60.0) == (trigger.min_delay, trigger.max_delay)


def test_waiter_delay_alone_keeps_the_timeout() -> None:
    """A timeout given, or the default 30 min, with the provider's steady pause."""
    operator = WaitForInstanceOperator(
        task_id="t", instance_arn=ARN, waiter_delay=dt.timedelta(seconds=15), deferrable=True
    )

    trigger = deferral(operator).trigger

    assert (15.0, 15.0, 1800) == (trigger.min_delay, trigger.max_delay, round(budget(trigger)))


def test_settings_that_agree_are_accepted() -> None:
    """A timeout of waiter_delay x waiter_max_attempts, a min_delay of waiter_delay: no conflict."""
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=ARN,
        timeout=300,
        waiter_delay=30,
        waiter_max_attempts=10,
        min_delay=30,
        deferrable=True,
    )

    assert 300 == pytest.approx(budget(deferral(operator).trigger), abs=1)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"waiter_delay": 30, "min_delay": 5}, r"waiter_delay=30 .* min_delay=5"),
        ({"waiter_delay": 30, "max_delay": 60}, r"waiter_delay=30 .* max_delay=60"),
        (
            {"timeout": 100, "waiter_delay": 30, "waiter_max_attempts": 10},
            r"timeout=100 and waiter_max_attempts=10 .* disagree",
        ),
        ({"waiter_max_attempts": 0}, "waiter_max_attempts must be at least 1"),
        ({"waiter_delay": 0}, "waiter_delay must be positive"),
    ],
)
def test_contradictory_or_bad_waiter_settings_are_refused_when_parsed(
    settings: dict[str, Any], message: str
) -> None:
    """Each names the settings that disagree."""
    with pytest.raises(ValueError, match=message):
        WaitForInstanceOperator(task_id="t", instance_arn=ARN, **settings)


@pytest.mark.parametrize("attempts", [2.5, True, "10"])
def test_waiter_max_attempts_is_a_whole_number(attempts: object) -> None:
    """As in the provider."""
    with pytest.raises(TypeError, match="waiter_max_attempts must be a whole number"):
        WaitForInstanceOperator(task_id="t", instance_arn=ARN, waiter_max_attempts=attempts)


@pytest.mark.parametrize("trigger_class", [ResourceWaitTrigger, InstanceWaitTrigger])
def test_every_trigger_takes_waiter_settings_and_serializes_what_they_set(
    trigger_class: type[Any],
) -> None:
    """The deadline they give is absolute: a restarted trigger keeps it."""
    started = time.time() - 5
    arguments: dict[str, Any] = {"waiter_delay": 2, "waiter_max_attempts": 5}
    positional = ("instance", ARN) if trigger_class is ResourceWaitTrigger else (ARN,)

    trigger = trigger_class(*positional, started_at=started, **arguments)
    restarted = restart(trigger)

    assert (started + 10, 2.0, 2.0) == (trigger.deadline, trigger.min_delay, trigger.max_delay)
    assert trigger.serialize() == restarted.serialize()
    assert not {"waiter_delay", "waiter_max_attempts"} & set(trigger.serialize()[1])


def test_a_trigger_needs_one_of_deadline_and_waiter_max_attempts() -> None:
    """Neither is no end; both are two."""
    with pytest.raises(ValueError, match="needs a deadline, or waiter_max_attempts"):
        ResourceWaitTrigger("instance", ARN)
    with pytest.raises(ValueError, match="deadline or waiter_max_attempts, not both"):
        ResourceWaitTrigger("instance", ARN, time.time() + 60, waiter_max_attempts=3)


def test_the_deferred_sensor_takes_waiter_settings_within_its_timeout() -> None:
    """waiter_delay paces the deferred wait; waiter_max_attempts ends it if sooner."""
    from poller.airflow import InstanceSensor  # noqa: PLC0415 - imported on first use

    sensor = InstanceSensor(
        task_id="s",
        instance_arn=ARN,
        deferrable=True,
        timeout=600,
        waiter_delay=10,
        waiter_max_attempts=6,
    )

    trigger = deferral(sensor).trigger

    assert (10.0, 10.0) == (trigger.min_delay, trigger.max_delay)
    assert 60 == pytest.approx(budget(trigger), abs=1)
