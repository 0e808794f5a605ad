"""The Amazon provider's conventions: deferrable sensors, region_name, targets, templated lists."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

try:
    from airflow.sdk.exceptions import AirflowFailException, TaskDeferred
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowFailException,
        TaskDeferred,
    )

import poller
from poller import RegionTarget, Target
from poller.airflow import (
    InstanceSensor,
    InstanceWaitTrigger,
    ResourceWaitTrigger,
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForInstanceOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
    WaitForResourceOperator,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, PACE, local, restart, run_dag, run_trigger, task_state

REQUEST_ID = "5c1a4a4e-1111-4e5b-8d3f-2f0c9f7e0a11"


def tries(dag_run: Any, task_id: str) -> tuple[str, int]:
    """A task's state and try number at the end of the run."""
    (ti,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == task_id]
    return str(ti.state), ti.try_number


# -- the sensor, deferrable, on the provider's base sensor -------------------------------------


def test_the_sensor_is_one_of_the_providers_aws_sensors() -> None:
    """With the provider: its AwsBaseSensor, with the hook its own sensors have."""
    pytest.importorskip("airflow.providers.amazon")
    from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook  # noqa: PLC0415
    from airflow.providers.amazon.aws.sensors.base_aws import AwsBaseSensor  # noqa: PLC0415

    sensor = InstanceSensor(task_id="s", instance_arn=ARN, region_name="eu-west-1")

    assert isinstance(sensor, AwsBaseSensor)
    assert isinstance(sensor.hook, AwsBaseHook)
    assert "eu-west-1" == sensor.hook.region_name


def test_the_sensor_works_without_the_provider() -> None:
    """A plain BaseSensorOperator then, with the same arguments."""
    script = textwrap.dedent(
        f"""
        import sys
        for name in ("airflow.providers.amazon.aws.sensors.base_aws",
                     "airflow.providers.amazon.aws.hooks.base_aws"):
            sys.modules[name] = None
        from airflow.sdk import BaseSensorOperator
        from poller.airflow import InstanceSensor
        sensor = InstanceSensor(task_id="s", instance_arn="{ARN}", deferrable=True)
        print(InstanceSensor.__mro__[1] is BaseSensorOperator, sensor.deferrable)
        """
    )

    shown = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout

    assert "True True" == shown.strip().splitlines()[-1]


def test_a_deferrable_sensor_waits_in_the_triggerer(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """deferrable=True: no pokes, one wait until its timeout, the description in XCom."""
    arn = simulator.create_instance("deferred", create_seconds=0)

    dag_run = run_dag(
        dagbag, "poller_sensor_deferred", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, description = task_state(dag_run, "sense")
    assert ("success", arn, "ACTIVE") == (state, description["InstanceArn"], description["Status"])


def test_a_deferred_sensor_that_times_out_fails_as_a_sensor_without_retries(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """Its timeout passed: AirflowSensorTimeout, as when it pokes; retries are not used."""
    arn = simulator.create_instance("slow", create_seconds=1e9)

    dag_run = run_dag(
        dagbag, "poller_sensor_deferred_brief", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    assert ("failed", 1) == tries(dag_run, "sense")
    assert "AirflowSensorTimeout" in capfd.readouterr().out


def test_the_deferrable_sensor_defers_with_its_timeout() -> None:
    """The trigger's deadline is the sensor's timeout from now; Airflow's a minute later."""
    sensor = InstanceSensor(task_id="s", instance_arn=ARN, deferrable=True, timeout=120)

    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})

    trigger = deferred.value.trigger
    assert isinstance(trigger, InstanceWaitTrigger)
    assert 120 == pytest.approx(trigger.deadline - trigger.started_at, abs=1)
    assert 180 == pytest.approx(deferred.value.timeout.total_seconds(), abs=1)


# -- region_name on every trigger --------------------------------------------------------------


def test_the_instance_trigger_takes_region_name_and_still_region() -> None:
    """region_name as the provider spells it; region for what earlier versions serialized."""
    deadline = time.time() + 60
    by_name = InstanceWaitTrigger(ARN, deadline, region_name="eu-west-1")
    by_old_name = InstanceWaitTrigger(ARN, deadline, region="eu-west-1")

    assert ("eu-west-1", "eu-west-1") == (by_name.region_name, by_old_name.region_name)
    assert by_name.serialize() == by_old_name.serialize() == restart(by_name).serialize()
    with pytest.raises(ValueError, match="disagree"):
        InstanceWaitTrigger(ARN, deadline, region_name="eu-west-1", region="us-east-1")


# -- targets: plain strings, in any case ---------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (
            lambda d: InstanceWaitTrigger(ARN, d, until=Target.ENCRYPTION_ENABLED),
            "encryption-enabled",
        ),
        (
            lambda d: ResourceWaitTrigger(
                "region", ARN, d, regions=["eu-west-1"], until=RegionTarget.REMOVED
            ),
            "removed",
        ),
        (lambda d: InstanceWaitTrigger(ARN, d, until="DELETED"), "deleted"),
        (
            lambda d: ResourceWaitTrigger("access-control-attributes", ARN, d, until="Enabled"),
            "enabled",
        ),
    ],
    ids=["enum", "region-enum", "upper", "capitalized"],
)
def test_until_is_serialized_as_a_plain_string(trigger: Any, expected: str) -> None:
    """Whatever it was given as, the trigger keeps and serializes the target's plain name."""
    built = trigger(time.time() + 60)

    until = json.loads(json.dumps(built.serialize()))[1]["until"]

    assert (expected, str) == (until, type(built.serialize()[1]["until"]))


@pytest.mark.parametrize("until", ["ACTIVE", "Active", Target.ACTIVE])
def test_operators_take_the_target_in_any_case(until: Any) -> None:
    """When parsed and when rendered; the trigger gets the plain name."""
    operator = WaitForInstanceOperator(task_id="t", instance_arn=ARN, until=until, deferrable=True)

    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})

    assert "active" == deferred.value.trigger.until
    assert type(operator.until) is str


def test_the_sensor_takes_the_target_in_any_case(simulator: Simulator, server: Server) -> None:
    """A poke judges ACTIVE as active."""
    arn = simulator.create_instance("shouted", create_seconds=0)
    sensor = InstanceSensor(
        task_id="s", instance_arn=arn, until="ACTIVE", **local(server.endpoint_url)
    )

    assert sensor.poke({}).is_done


# -- a templated list that renders as text ---------------------------------------------------


@pytest.mark.parametrize(
    ("dag_id", "conf", "field"),
    [
        ("poller_regions_as_text", {"regions": ["eu-west-1", "ap-southeast-2"]}, "regions"),
        ("poller_request_ids_as_text", {"request_ids": [REQUEST_ID]}, "request_ids"),
    ],
)
def test_a_list_template_rendered_as_text_fails_without_retries_with_the_fix(
    dagbag: Any,
    simulator: Simulator,
    *,
    server: Server,
    capfd: pytest.CaptureFixture[str],
    dag_id: str,
    conf: dict[str, Any],
    field: str,
) -> None:
    """Without render_template_as_native_obj a template renders text: the task says so, once."""
    arn = simulator.create_instance("as-text", create_seconds=0)

    dag_run = run_dag(dagbag, dag_id, instance_arn=arn, endpoint_url=server.endpoint_url, **conf)

    assert ("failed", 1) == tries(dag_run, "wait")
    logged = capfd.readouterr().out
    assert f"{field} rendered as the text" in logged
    assert "render_template_as_native_obj=True" in logged
    assert ".output" in logged
    assert 0 == simulator.request_count


def test_a_dict_answer_rendered_as_text_gets_the_same_hint() -> None:
    """One Create answer, rendered: the same fix."""
    operator = WaitForAccountAssignmentOperator(
        task_id="t", instance_arn=ARN, request_ids="{{ ti.xcom_pull(task_ids='create') }}"
    )
    operator.request_ids = "{'AccountAssignmentCreationStatus': {'RequestId': '5c1a'}}"

    with pytest.raises(AirflowFailException, match="render_template_as_native_obj=True"):
        operator.execute({})


# -- the words: every target listed, no "reached succeeded" ------------------------------------

NAMED = {
    WaitForInstanceOperator: "instance",
    WaitForRegionOperator: "region",
    WaitForAccessControlAttributesOperator: "access-control-attributes",
    WaitForPermissionSetProvisioningOperator: "permission-set-provisioning",
    WaitForAccountAssignmentOperator: "account-assignment-creation",
}


@pytest.mark.parametrize("operator", [*NAMED, WaitForResourceOperator, InstanceSensor])
def test_each_operator_docstring_lists_every_target_of_its_kind(operator: type[Any]) -> None:
    """The generic one lists every kind's."""
    kinds = (
        list(poller.resources)
        if operator is WaitForResourceOperator
        else [NAMED.get(operator, "instance")]
    )
    documented = " ".join(inspect.getdoc(operator).split())  # type: ignore[union-attr]

    missing = [
        f"{kind}: {target}"
        for kind in kinds
        for target in poller.resources[kind].targets
        if f"``{target}``" not in documented
    ]

    assert [] == missing


def test_success_reads_succeeded_not_reached_succeeded(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """The task's log says the requests succeeded; the instance is active."""
    arn = simulator.create_instance("worded", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Admins")

    run_dag(
        dagbag,
        "poller_rollout_assignments",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        permission_set_arn=permission_set,
        accounts=["111111111111", "222222222222"],
    )
    run_dag(dagbag, "poller_test", instance_arn=arn, endpoint_url=server.endpoint_url)

    logged = capfd.readouterr().out
    assert "2 assignment requests succeeded (" in logged
    assert f"{arn} is active (" in logged
    assert "reached succeeded" not in logged
    assert "reached active" not in logged


def test_a_region_removed_reads_is_removed(simulator: Simulator, server: Server) -> None:
    """Regions waited on until removed: 'are removed' when they are gone."""
    arn = simulator.create_instance("regions", create_seconds=0)
    operator = WaitForRegionOperator(
        task_id="t",
        instance_arn=arn,
        regions=["eu-west-1"],
        until="REMOVED",
        deferrable=True,
        **local(server.endpoint_url),
        **PACE,
    )

    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    event = run_trigger(restart(deferred.value.trigger))

    assert ("removed", [None]) == (event["outcome"], operator.execute_complete({}, event))
