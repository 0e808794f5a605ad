"""Tasks deferred by earlier versions resume as before: their triggers, and their events."""

from __future__ import annotations

import json
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
try:  # how the triggerer finds a trigger's class from its classpath
    from airflow._shared.module_loading import import_string
except ImportError:  # Airflow 3.0
    from airflow.utils.module_loading import (  # type: ignore[no-redef,unused-ignore]
        import_string,
    )

from poller.airflow import (
    InstanceWaitTrigger,
    RolloutWaitTrigger,
    WaitForAccountAssignmentOperator,
    WaitForInstanceOperator,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, PACE, local, restart, run_trigger

ACCOUNTS = ("111111111111", "222222222222")
REQUEST_ID = "5c1a4a4e-1111-4e5b-8d3f-2f0c9f7e0a11"
#: The keys of the instance trigger's event in earlier versions, which readers may use.
EARLIER_INSTANCE_KEYS = {
    "outcome",
    "instance_arn",
    "until",
    "instance",
    "status",
    "error",
    "message",
    "reason",
    "attempts",
    "elapsed",
}


def deferred_trigger(operator: Any) -> Any:
    """The trigger an operator's execute() defers with, as the task runner receives it."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    return deferred.value.trigger


def inflate(classpath: str, kwargs: dict[str, Any]) -> Any:
    """A trigger as the triggerer re-creates it: its class from the classpath, plain kwargs."""
    return import_string(classpath)(**json.loads(json.dumps(kwargs)))


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ({"create_seconds": 0}, "ACTIVE"),
        ({"fail_reason": "The KMS key is disabled"}, AirflowFailException),
        ({"create_seconds": 1e9}, AirflowException),
    ],
    ids=["reached", "failed", "timed-out"],
)
def test_an_instance_wait_deferred_by_an_earlier_version_resumes_as_before(
    simulator: Simulator, server: Server, script: dict[str, Any], expected: Any
) -> None:
    """The trigger an earlier version serialized runs here; the task ends as it would have."""
    arn = simulator.create_instance("deferred", **script)
    now = time.time()
    timed_out = expected is AirflowException
    earlier = {  # InstanceWaitTrigger.serialize() of earlier versions, key for key
        "instance_arn": arn,
        "deadline": now + (0.3 if timed_out else 60),
        "until": "active",
        "min_delay": 0.01,
        "max_delay": 0.05,
        "aws_conn_id": None,
        "region": "us-east-1",
        "endpoint_url": server.endpoint_url,
        "started_at": now,
        "verify": None,
        "botocore_config": None,
    }
    trigger = inflate("poller.airflow.InstanceWaitTrigger", earlier)
    operator = WaitForInstanceOperator(
        task_id="wait", instance_arn=arn, **local(server.endpoint_url)
    )

    event = run_trigger(trigger)

    assert isinstance(trigger, InstanceWaitTrigger)
    assert EARLIER_INSTANCE_KEYS <= set(event)
    assert ("poller.airflow.InstanceWaitTrigger", earlier) == trigger.serialize()
    if expected == "ACTIVE":
        description = operator.execute_complete({}, event)
        assert (arn, "ACTIVE") == (description["InstanceArn"], description["Status"])
        assert description == event["instance"]
        return
    with pytest.raises(expected) as raised:
        operator.execute_complete({}, event)
    if timed_out:
        assert not isinstance(raised.value, AirflowFailException)
        assert "WaitTimeoutError" in str(raised.value)
    else:
        assert "InstanceCreateFailedError" in str(raised.value)
        assert "The KMS key is disabled" in str(raised.value)


def earlier_instance_event(**changes: Any) -> dict[str, Any]:
    """An event the instance trigger of earlier versions fired: one wait's keys at the top."""
    reached = {
        "outcome": "reached",
        "instance_arn": ARN,
        "until": "active",
        "instance": {"InstanceArn": ARN, "Status": "ACTIVE"},
        "status": "ACTIVE",
        "error": None,
        "message": None,
        "reason": None,
        "attempts": 3,
        "elapsed": 12.5,
    }
    return reached | changes


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (earlier_instance_event(), {"InstanceArn": ARN, "Status": "ACTIVE"}),
        (earlier_instance_event(until="deleted", instance=None, status=None), None),
        (
            earlier_instance_event(
                outcome="failed",
                status="CREATE_FAILED",
                error="InstanceCreateFailedError",
                message=f"Instance {ARN} failed to create (Status CREATE_FAILED): no key.",
                reason="no key",
            ),
            AirflowFailException,
        ),
        (
            earlier_instance_event(
                outcome="timed-out",
                status="CREATE_IN_PROGRESS",
                error="WaitTimeoutError",
                message=f"{ARN}: still CREATE_IN_PROGRESS",
            ),
            AirflowException,
        ),
    ],
    ids=["reached", "deleted", "failed", "timed-out"],
)
def test_an_event_fired_by_an_earlier_instance_trigger_is_read_as_before(
    event: dict[str, Any], expected: Any
) -> None:
    """Fired before an upgrade, resumed after it: the same return value, or failure."""
    operator = WaitForInstanceOperator(task_id="wait", instance_arn=ARN)

    if not isinstance(expected, type):
        assert expected == operator.execute_complete({}, event)
        return
    with pytest.raises(expected) as raised:
        operator.execute_complete({}, event)
    assert (expected is AirflowFailException) == isinstance(raised.value, AirflowFailException)
    assert f"{event['error']}: {event['message']} (12.5s since the task started)" == str(
        raised.value
    )


def test_a_rollout_wait_deferred_by_an_earlier_version_resumes_as_before(
    simulator: Simulator, server: Server
) -> None:
    """RolloutWaitTrigger's classpath and arguments re-create the generic trigger."""
    arn = simulator.create_instance("deferred", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Admins")
    request_ids = [
        simulator.create_account_assignment(arn, permission_set, account) for account in ACCOUNTS
    ]
    now = time.time()
    earlier = {  # RolloutWaitTrigger.serialize() of earlier versions, key for key
        "resource": "account-assignment-creation",
        "instance_arn": arn,
        "deadline": now + 60,
        "regions": [],
        "request_ids": request_ids,
        "until": "succeeded",
        "min_delay": 0.01,
        "max_delay": 0.05,
        "aws_conn_id": None,
        "region_name": "us-east-1",
        "endpoint_url": server.endpoint_url,
        "verify": None,
        "botocore_config": None,
        "started_at": now,
    }
    trigger = inflate("poller.airflow.RolloutWaitTrigger", earlier)
    operator = WaitForAccountAssignmentOperator(
        task_id="wait", instance_arn=arn, request_ids=request_ids, **local(server.endpoint_url)
    )

    statuses = operator.execute_complete({}, run_trigger(trigger))

    assert isinstance(trigger, RolloutWaitTrigger)
    assert earlier == trigger.serialize()[1]
    assert request_ids == [status["RequestId"] for status in statuses]
    assert {"SUCCEEDED"} == {status["Status"] for status in statuses}


def test_an_event_fired_by_an_earlier_rollout_trigger_is_read_as_before() -> None:
    """Its endings carried no instance ARN; a failure among them fails the task as it did."""
    ending = {
        "region_name": None,
        "request_id": REQUEST_ID,
        "outcome": "failed",
        "description": {"RequestId": REQUEST_ID, "Status": "FAILED"},
        "status": "FAILED",
        "error": "AccountAssignmentFailedError",
        "message": f"assignment creation request {REQUEST_ID} failed: Quota exceeded",
        "reason": "Quota exceeded",
        "attempts": 2,
        "elapsed": 1.0,
    }
    event = {
        "outcome": "failed",
        "resource": "account-assignment-creation",
        "instance_arn": ARN,
        "until": "succeeded",
        "endings": [ending],
        "message": ending["message"],
        "attempts": 2,
        "elapsed": 1.0,
    }
    operator = WaitForAccountAssignmentOperator(
        task_id="wait", instance_arn=ARN, request_ids=[REQUEST_ID]
    )

    with pytest.raises(AirflowFailException, match="Quota exceeded"):
        operator.execute_complete({}, event)


def test_an_instance_deleted_as_asked_returns_none(simulator: Simulator, server: Server) -> None:
    """until=deleted: the event says deleted (poller's word), the task returns None as before."""
    arn = simulator.create_instance("doomed", create_seconds=0)
    simulator.delete_instance(arn, delete_seconds=0)
    operator = WaitForInstanceOperator(
        task_id="wait",
        instance_arn=arn,
        until="deleted",
        deferrable=True,
        **local(server.endpoint_url),
        **PACE,
    )

    event = run_trigger(restart(deferred_trigger(operator)))

    assert ("deleted", None) == (event["outcome"], event["instance"])
    assert operator.execute_complete({}, event) is None
