"""Mapped tasks: values from upstream are checked when the task runs, and fail without retries.

Airflow builds a mapped task's operator at run time, from the expanded values; a value that
an __init__ check refused would fail the try as any error does, and retries would repeat it.
"""

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import Server, Simulator
from tests.airflow._support import run_dag

#: Well-formed, but the instance was never created: only the ones below are.
BAD_ARN = "arn:aws:sso:::instance/nope"


def mapped_tries(dag_run: Any, task_id: str) -> dict[int, tuple[str, int]]:
    """Each mapped task instance's state and try number, by map index."""
    return {
        ti.map_index: (str(ti.state), ti.try_number)
        for ti in dag_run.get_task_instances()
        if ti.task_id == task_id
    }


def test_bad_expanded_values_fail_their_mapped_task_once_naming_them(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A bad ARN, target or setting from upstream fails that task without retries."""
    arn, target_refused, setting_refused = (
        simulator.create_instance(name, create_seconds=0) for name in ("a", "b", "c")
    )
    waits = [
        {"instance_arn": arn, "min_delay": 0.01, "max_delay": 0.05},
        {"instance_arn": BAD_ARN},
        {"instance_arn": target_refused, "until": "actve"},
        {"instance_arn": setting_refused, "min_delay": 5, "max_delay": 1},
    ]

    dag_run = run_dag(
        dagbag, "poller_mapped_instances", waits=waits, endpoint_url=server.endpoint_url
    )

    assert {
        0: ("success", 1),
        1: ("failed", 1),
        2: ("failed", 1),
        3: ("failed", 1),
    } == mapped_tries(dag_run, "wait")
    logged = capfd.readouterr().out
    assert logged.count("AirflowFailException") >= 3
    for named in (f"{BAD_ARN!r} is not an Identity Center instance ARN", "'actve'", "min_delay"):
        assert named in logged
    assert 0 == simulator.calls("DescribeInstance", target_refused)  # refused before polling
    assert 0 == simulator.calls("DescribeInstance", setting_refused)


def test_expanded_request_ids_are_checked_when_the_task_runs(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A list with a malformed request ID fails its mapped task once; the others wait."""
    arn = simulator.create_instance("mapped", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Admins")
    good = [simulator.create_account_assignment(arn, permission_set, "111111111111")]

    dag_run = run_dag(
        dagbag,
        "poller_mapped_requests",
        instance_arn=arn,
        request_ids=[good, ["not-a-uuid"]],
        endpoint_url=server.endpoint_url,
    )

    assert {0: ("success", 1), 1: ("failed", 1)} == mapped_tries(dag_run, "wait")
    assert "'not-a-uuid' is not a request ID" in capfd.readouterr().out


def test_a_mapped_sensor_checks_its_expanded_arn_when_it_runs(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """The sensor, mapped over upstream ARNs: a malformed one fails its task once."""
    arn = simulator.create_instance("sensed", create_seconds=0)

    dag_run = run_dag(
        dagbag,
        "poller_mapped_sensors",
        instance_arns=[arn, "ssoins-123"],
        endpoint_url=server.endpoint_url,
    )

    assert {0: ("success", 1), 1: ("failed", 1)} == mapped_tries(dag_run, "sense")
