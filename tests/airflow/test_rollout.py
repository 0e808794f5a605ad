"""The rollout's operators on Airflow's real engine: dag.test() through the one trigger."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

try:
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, TaskDeferred
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowException,
        AirflowFailException,
        TaskDeferred,
    )

from poller.airflow import (
    RolloutWaitTrigger,
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
)
from poller.exceptions import InvalidArgumentError
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, restart, run_dag, run_trigger, task_state

ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
REQUEST_IDS = [
    "5c1a4a4e-1111-4e5b-8d3f-2f0c9f7e0a11",
    "5c1a4a4e-2222-4e5b-8d3f-2f0c9f7e0a22",
]


def permission_set(simulator: Simulator, arn: str, name: str = "Admins") -> str:
    """A permission set on the instance, to assign or provision."""
    return simulator.create_permission_set(arn, name)


def test_assignments_from_the_upstream_answers_return_their_status_objects(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """The Create answers a boto3 task pushed are awaited; XCom holds each status, in order."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    ps_arn = permission_set(simulator, arn)

    dag_run = run_dag(
        dagbag,
        "poller_rollout_assignments",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        permission_set_arn=ps_arn,
        accounts=ACCOUNTS,
    )

    state, statuses = task_state(dag_run, "wait")
    _, answers = task_state(dag_run, "create_assignments")
    assert ("success", "success") == (str(dag_run.state), state)
    assert [a["AccountAssignmentCreationStatus"]["RequestId"] for a in answers] == [
        s["RequestId"] for s in statuses
    ]
    assert ACCOUNTS == [s["TargetId"] for s in statuses]
    assert {"SUCCEEDED"} == {s["Status"] for s in statuses}
    assert 3 <= simulator.calls("DescribeAccountAssignmentCreationStatus")


def test_a_failed_assignment_fails_the_task_naming_it_and_the_reason(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """One FAILED request of three fails the task without retries, with AWS's FailureReason."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    ps_arn = permission_set(simulator, arn)
    simulator.fail_assignments("Quota exceeded for the account", account_id=ACCOUNTS[1])

    dag_run = run_dag(
        dagbag,
        "poller_rollout_assignments",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        permission_set_arn=ps_arn,
        accounts=ACCOUNTS,
    )

    state, _ = task_state(dag_run, "wait")
    _, answers = task_state(dag_run, "create_assignments")
    failed_id = answers[1]["AccountAssignmentCreationStatus"]["RequestId"]
    assert ("failed", "failed") == (str(dag_run.state), state)
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "1 of 3 assignment requests did not succeed" in logged
    assert failed_id in logged
    assert "Quota exceeded for the account" in logged


def test_provisioning_status_objects_from_upstream_are_awaited(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """Status objects on their own (not whole answers) are read too."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    permission_sets = [permission_set(simulator, arn, name) for name in ("Admins", "Readers")]

    dag_run = run_dag(
        dagbag,
        "poller_rollout_provisioning",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        permission_set_arns=permission_sets,
    )

    state, statuses = task_state(dag_run, "wait")
    assert "success" == state
    assert permission_sets == [s["PermissionSetArn"] for s in statuses]
    assert {"SUCCEEDED"} == {s["Status"] for s in statuses}


def test_regions_given_as_a_templated_list_are_all_awaited(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """Two Regions being added: XCom holds both DescribeRegion answers, ACTIVE, in order."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    regions = ["eu-west-1", "ap-southeast-2"]
    for region in regions:
        simulator.add_region(arn, region, seconds=50)

    dag_run = run_dag(
        dagbag,
        "poller_rollout_regions",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        regions=regions,
    )

    state, answers = task_state(dag_run, "wait")
    assert "success" == state
    assert [(region, "ACTIVE") for region in regions] == [
        (a["RegionName"], a["Status"]) for a in answers
    ]


def test_a_region_removed_while_waiting_for_it_fails_the_task(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """REMOVING while waiting for active cannot be retried away: AirflowFailException."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    simulator.add_region(arn, "eu-west-1", seconds=0)
    simulator.remove_region(arn, "eu-west-1", never_finish=True)

    dag_run = run_dag(
        dagbag,
        "poller_rollout_regions",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        regions=["eu-west-1"],
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "RegionRemovedError" in logged or "being removed" in logged


def test_access_control_creation_failed_fails_the_task_with_the_reason(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """CREATION_FAILED fails the task without retries, with AWS's StatusReason."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    simulator.create_access_control_attributes(arn, fail_reason="Attribute key is invalid")

    dag_run = run_dag(
        dagbag,
        "poller_rollout_access_control",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "Attribute key is invalid" in logged


def test_access_control_enabled_returns_the_configuration(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """Enabled: the Describe answer itself (not a list) lands in XCom."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    simulator.create_access_control_attributes(arn)

    dag_run = run_dag(
        dagbag,
        "poller_rollout_access_control",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
    )

    state, answer = task_state(dag_run, "wait")
    assert ("success", "ENABLED") == (state, answer["Status"])


def deferral(operator: Any) -> TaskDeferred:
    """What execute() defers with."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    return deferred.value


def test_defers_with_the_deadline_and_its_start_carried_through_a_restart() -> None:
    """The trigger carries an absolute deadline and started_at; Airflow's timeout is a minute on."""
    operator = WaitForAccountAssignmentOperator(
        task_id="t", instance_arn=ARN, request_ids=REQUEST_IDS, timeout=120, deferrable=True
    )

    deferred = deferral(operator)
    trigger = restart(deferred.trigger)

    assert isinstance(trigger, RolloutWaitTrigger)
    assert dt.timedelta(seconds=180) == deferred.timeout
    assert ("account-assignment-creation", REQUEST_IDS) == (trigger.resource, trigger.request_ids)
    assert 120 == pytest.approx(trigger.deadline - trigger.started_at)  # type: ignore[operator]
    assert trigger.serialize() == deferred.trigger.serialize()


def test_restarted_past_its_deadline_every_wait_times_out_without_a_request(
    simulator: Simulator, server: Server
) -> None:
    """Each request is reported timed-out at once; elapsed is the whole wait's."""
    now = time.time()
    trigger = RolloutWaitTrigger(
        "account-assignment-creation",
        ARN,
        deadline=now - 1,
        request_ids=REQUEST_IDS,
        started_at=now - 61,
        aws_conn_id=None,
        endpoint_url=server.endpoint_url,
    )

    payload = run_trigger(restart(trigger))

    assert "timed-out" == payload["outcome"]
    assert REQUEST_IDS == [e["request_id"] for e in payload["endings"]]
    assert {"timed-out"} == {e["outcome"] for e in payload["endings"]}
    assert 61 <= payload["elapsed"] < 63
    assert 0 == simulator.request_count


def test_timed_out_regions_fail_the_try_and_leave_retries_to_airflow(
    simulator: Simulator, server: Server
) -> None:
    """A Region still ADDING at the deadline: AirflowException (retried), naming its state."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    simulator.add_region(arn, "eu-west-1", never_finish=True)
    operator = WaitForRegionOperator(
        task_id="t",
        instance_arn=arn,
        regions="eu-west-1",
        endpoint_url=server.endpoint_url,
        aws_conn_id=None,
        timeout=3,  # room for the client and a first answer, however slow the machine
        min_delay=0.01,
        max_delay=0.05,
        deferrable=False,
    )

    with pytest.raises(AirflowException) as raised:
        operator.execute({})

    assert not isinstance(raised.value, AirflowFailException)
    assert "ADDING" in str(raised.value)


def test_not_deferrable_waits_in_the_worker_and_returns_one_for_one(
    simulator: Simulator, server: Server
) -> None:
    """One request ID given (not a list): one status object back, waited on in the worker."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    request_id = simulator.create_account_assignment(
        arn, permission_set(simulator, arn), ACCOUNTS[0]
    )
    operator = WaitForAccountAssignmentOperator(
        task_id="t",
        instance_arn=arn,
        request_ids=request_id,
        endpoint_url=server.endpoint_url,
        aws_conn_id=None,
        min_delay=0.01,
        max_delay=0.05,
        deferrable=False,
    )

    status = operator.execute({})

    assert (request_id, "SUCCEEDED") == (status["RequestId"], status["Status"])


def test_no_requests_to_wait_on_returns_an_empty_list_without_deferring() -> None:
    """An upstream task that started nothing: nothing to wait on, nothing sent."""
    operator = WaitForPermissionSetProvisioningOperator(
        task_id="t", instance_arn=ARN, request_ids=[]
    )

    assert [] == operator.execute({})


@pytest.mark.parametrize(
    ("operator", "arguments", "error", "message"),
    [
        (WaitForRegionOperator, {"regions": "EU"}, InvalidArgumentError, "not a Region name"),
        (WaitForRegionOperator, {"regions": "eu-west-1", "until": "gone"}, ValueError, "gone"),
        (
            WaitForAccountAssignmentOperator,
            {"request_ids": ["not-a-uuid"]},
            InvalidArgumentError,
            "not a request ID",
        ),
        (
            WaitForAccountAssignmentOperator,
            {"request_ids": [REQUEST_IDS[0], REQUEST_IDS[0]]},
            ValueError,
            "listed twice",
        ),
        (
            WaitForPermissionSetProvisioningOperator,
            {"request_ids": [{"AccountAssignmentCreationStatus": {"RequestId": REQUEST_IDS[0]}}]},
            ValueError,
            "answers of CreateAccountAssignment, not of ProvisionPermissionSet",
        ),
        (
            WaitForAccountAssignmentOperator,
            {"request_ids": [{"ResponseMetadata": {}}]},
            ValueError,
            r"request_ids\[0\] has no RequestId",
        ),
    ],
)
def test_literal_values_are_checked_when_the_dag_is_parsed(
    operator: type[Any], arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Malformed literal Regions, request IDs or answers fail when the operator is built."""
    with pytest.raises(error, match=message):
        operator(task_id="t", instance_arn=ARN, **arguments)


def test_deletion_answers_are_awaited_as_deletions() -> None:
    """The answer's key tells a deletion from a creation; a contrary flag is refused."""
    answers = [{"AccountAssignmentDeletionStatus": {"RequestId": rid}} for rid in REQUEST_IDS]

    trigger = deferral(
        WaitForAccountAssignmentOperator(
            task_id="t", instance_arn=ARN, request_ids=answers, deferrable=True
        )
    ).trigger

    assert "account-assignment-deletion" == trigger.resource
    with pytest.raises(ValueError, match="answers of DeleteAccountAssignment"):
        WaitForAccountAssignmentOperator(
            task_id="t", instance_arn=ARN, request_ids=answers, deletion=False
        )


def test_bad_templated_request_ids_fail_before_deferring(
    simulator: Simulator, server: Server
) -> None:
    """A rendered value that is wrong fails at once (AirflowFailException), sending nothing."""
    operator = WaitForAccountAssignmentOperator(
        task_id="t", instance_arn=ARN, request_ids="{{ params.request_id }}"
    )
    operator.request_ids = "not-a-uuid"  # as Airflow renders it

    with pytest.raises(AirflowFailException, match="not a request ID"):
        operator.execute({})
    assert 0 == simulator.request_count


def test_a_malformed_literal_arn_fails_when_the_dag_is_parsed() -> None:
    """The ARN is checked in __init__ when written as is, whatever the operator."""
    with pytest.raises(InvalidArgumentError, match="not an Identity Center instance ARN"):
        WaitForAccessControlAttributesOperator(task_id="t", instance_arn="ssoins-123")
