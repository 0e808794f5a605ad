"""poller.airflow on Airflow's real engine: dag.test() through the trigger, on the simulator."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time

import pytest

try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:  # Airflow 3.0
    from airflow.models.dagbag import DagBag

from poller import Identity
from poller.airflow import InstanceWaitTrigger, WaitForInstanceOperator, _payload
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    InstanceCreateFailedError,
    InvalidInstanceArnError,
    WaitTimeoutError,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import (
    ARN,
    finish_creating_after,
    restart,
    run_dag,
    run_trigger,
    task_state,
)


def test_dag_returns_the_description_through_xcom(
    dagbag: DagBag, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """A deferred task waits in the trigger and returns the DescribeInstance answer to XCom."""
    arn = simulator.create_instance("airflow", create_seconds=1e8)
    finisher = finish_creating_after(simulator, arn, polls=2)

    dag_run = run_dag(dagbag, "poller_test", instance_arn=arn, endpoint_url=server.endpoint_url)
    finisher.join()

    state, description = task_state(dag_run, "wait")
    assert ("success", "success") == (str(dag_run.state), state)
    assert arn == description["InstanceArn"]
    assert "ACTIVE" == description["Status"]
    assert simulator.get(arn).identity_store_id == description["IdentityStoreId"]  # type: ignore[union-attr]
    assert description == json.loads(json.dumps(description))
    assert 2 <= simulator.calls("DescribeInstance", arn)
    logged = capfd.readouterr().out
    for event in ("wait.started", "instance.status_changed", "wait.succeeded"):
        assert event in logged
    assert "status=CREATE_IN_PROGRESS" in logged


def test_example_dag_runs_and_hands_on_the_identity_store(
    dagbag: DagBag, simulator: Simulator, server: Server
) -> None:
    """The example DAG waits, then its next task reads the identity store from XCom."""
    assert {} == dagbag.import_errors
    arn = simulator.create_instance("example", create_seconds=0)

    dag_run = run_dag(
        dagbag, "identity_center_instance", instance_arn=arn, endpoint_url=server.endpoint_url
    )

    state, store_id = task_state(dag_run, "use_identity_store")
    assert ("success", "success") == (str(dag_run.state), state)
    assert simulator.get(arn).identity_store_id == store_id  # type: ignore[union-attr]


def test_create_failed_fails_the_task_with_the_reason(
    dagbag: DagBag, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """CREATE_FAILED fails the task (without retries) with AWS's reason in its log."""
    arn = simulator.create_instance("doomed", fail_reason="The KMS key is disabled")

    dag_run = run_dag(dagbag, "poller_test", instance_arn=arn, endpoint_url=server.endpoint_url)

    state, description = task_state(dag_run, "wait")
    assert ("failed", "failed", None) == (str(dag_run.state), state, description)
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "InstanceCreateFailedError" in logged
    assert "The KMS key is disabled" in logged
    assert "wait.failed" in logged


def test_aws_connection_gives_endpoint_and_region(
    dagbag: DagBag, simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the Amazon provider, aws_conn_id's extras supply the endpoint URL and region."""
    pytest.importorskip("airflow.providers.amazon")
    connection = {
        "conn_type": "aws",
        "login": "from-connection",
        "password": "testing",
        "extra": {"region_name": "us-east-1", "endpoint_url": server.endpoint_url},
    }
    monkeypatch.setenv("AIRFLOW_CONN_POLLER_SIMULATOR", json.dumps(connection))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    arn = simulator.create_instance("connected", create_seconds=0)

    dag_run = run_dag(dagbag, "poller_test", instance_arn=arn, aws_conn_id="poller_simulator")

    state, description = task_state(dag_run, "wait")
    assert ("success", arn) == (state, description["InstanceArn"])


def test_serialize_gives_plain_values_that_re_create_the_trigger() -> None:
    """serialize() is JSON as is; the classpath is public; the deadline stays absolute."""
    trigger = InstanceWaitTrigger(
        "arn:aws:sso:::instance/ssoins-1234567890abcdef",
        deadline="2030-01-01T00:00:00+00:00",
        until="encryption-enabled",
        min_delay=dt.timedelta(seconds=1),
        max_delay=10,
        aws_conn_id=None,
        region="eu-west-1",
        endpoint_url="http://127.0.0.1:4566",
    )

    classpath, kwargs = trigger.serialize()

    assert "poller.airflow.InstanceWaitTrigger" == classpath
    assert {
        "instance_arn": "arn:aws:sso:::instance/ssoins-1234567890abcdef",
        "deadline": 1893456000.0,
        "until": "encryption-enabled",
        "min_delay": 1.0,
        "max_delay": 10.0,
        "aws_conn_id": None,
        "region": "eu-west-1",
        "endpoint_url": "http://127.0.0.1:4566",
        "started_at": None,
        "verify": None,
        "botocore_config": None,
    } == kwargs
    assert trigger.serialize() == restart(trigger).serialize()


def test_naive_deadline_is_refused() -> None:
    """A deadline without a time zone means different moments on different machines."""
    with pytest.raises(ValueError, match="time zone"):
        InstanceWaitTrigger("arn:aws:sso:::instance/ssoins-1234567890abcdef", "2030-01-01T00:00")


def test_restart_after_the_deadline_times_out_without_a_request(
    simulator: Simulator, server: Server
) -> None:
    """A trigger re-created after its deadline fires timed-out at once, sending nothing."""
    arn = simulator.create_instance("late")
    trigger = InstanceWaitTrigger(
        arn, deadline=time.time() - 1, aws_conn_id=None, endpoint_url=server.endpoint_url
    )

    payload = run_trigger(restart(trigger))

    assert ("timed-out", "WaitTimeoutError", 0) == (
        payload["outcome"],
        payload["error"],
        payload["attempts"],
    )
    assert 0 == simulator.calls("DescribeInstance")


def test_cancelled_trigger_resumes_against_the_original_deadline(
    simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """Cancelling propagates; the restarted trigger waits only for what is left of the deadline."""
    arn = simulator.create_instance("slow", create_seconds=1e9)
    started = time.time()
    trigger = InstanceWaitTrigger(
        arn,
        deadline=started + 1.5,
        aws_conn_id=None,
        endpoint_url=server.endpoint_url,
        min_delay=0.01,
        max_delay=0.05,
    )

    async def shut_down_after(seconds: float) -> None:
        task = asyncio.create_task(anext(aiter(trigger.run())))
        await asyncio.sleep(seconds)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(shut_down_after(0.8))
    assert "wait.cancelled" in capfd.readouterr().out
    polls_before = simulator.calls("DescribeInstance")

    payload = run_trigger(restart(trigger))

    ended = time.time()
    assert "timed-out" == payload["outcome"]
    assert "CREATE_IN_PROGRESS" == payload["status"]
    assert payload["elapsed"] < 1.0  # what was left (~0.7 s), not a fresh 1.5 s
    assert ended - started < 2.0
    assert 0 < polls_before < simulator.calls("DescribeInstance")


def test_trigger_reports_an_endpoint_it_cannot_use() -> None:
    """A setup error (an unusable endpoint URL) becomes an error event, not a crash."""
    trigger = InstanceWaitTrigger(
        "arn:aws:sso:::instance/ssoins-1234567890abcdef",
        deadline=time.time() + 60,
        aws_conn_id=None,
        endpoint_url="not a url",
    )

    payload = run_trigger(trigger)

    assert ("error", 0) == (payload["outcome"], payload["attempts"])
    assert "could not wait" in payload["message"]


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (WaitTimeoutError("late", instance_arn="a"), "timed-out"),
        (InstanceCreateFailedError("failed", instance_arn="a", reason="why"), "failed"),
        (InvalidInstanceArnError("bad", instance_arn="a"), "invalid"),
        (AccessDeniedError("no", instance_arn="a"), "denied"),
        (ApiError("expired", instance_arn="a", code="ExpiredTokenException"), "error"),
    ],
)
def test_each_error_has_its_outcome(error: Exception, outcome: str) -> None:
    """Each kind of poller error maps to one outcome word, with its class name and message."""
    ending = _payload.ending_of(Identity("a"), error=error)  # type: ignore[arg-type]
    payload = _payload.summed("instance", "a", "active", [ending])

    assert (outcome, type(error).__name__, str(error)) == (
        payload["outcome"],
        payload["error"],
        payload["message"],
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"timeout": 0}, "timeout"), ({"min_delay": 5, "max_delay": 1}, "min_delay")],
)
def test_operator_refuses_bad_settings_when_the_dag_is_parsed(
    settings: dict[str, float], message: str
) -> None:
    """Out-of-range settings fail at DAG parse time, not later in the triggerer."""
    with pytest.raises(ValueError, match=message):
        WaitForInstanceOperator(task_id="t", instance_arn=ARN, **settings)
