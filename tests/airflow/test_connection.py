"""The client is the Amazon provider's: the connection's proxies, verify and botocore config."""

from __future__ import annotations

import json
import sys
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

from poller.airflow import InstanceWaitTrigger, WaitForInstanceOperator
from poller.simulator import Fault, Server, Simulator
from tests.airflow._support import (
    ARN,
    UNRESOLVABLE_ENDPOINT,
    forwarding_proxy,
    restart,
    run_dag,
    run_trigger,
    task_state,
)

#: Where the Amazon provider's hook lives: None in sys.modules makes importing it fail.
AWS_HOOK_MODULE = "airflow.providers.amazon.aws.hooks.base_aws"
#: A CA bundle that does not exist: a client told to use it fails before sending anything.
MISSING_CA_BUNDLE = "/nonexistent/poller-test-ca.pem"


def set_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, extra: dict[str, Any]) -> None:
    """An AWS connection, from the environment as Airflow reads it."""
    pytest.importorskip("airflow.providers.amazon")
    connection = {"conn_type": "aws", "login": "testing", "password": "testing", "extra": extra}
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))


def test_connection_proxies_carry_every_poll(
    dagbag: Any, simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection's botocore proxies carry the polls: its endpoint is reachable only so."""
    arn = simulator.create_instance("proxied", create_seconds=0)
    with forwarding_proxy(server.endpoint_url) as (proxy_url, forwarded):
        set_connection(
            monkeypatch,
            "poller_proxied",
            {
                "region_name": "us-east-1",
                "endpoint_url": UNRESOLVABLE_ENDPOINT,
                "config_kwargs": {"proxies": {"http": proxy_url}},
            },
        )

        dag_run = run_dag(dagbag, "poller_test", instance_arn=arn, aws_conn_id="poller_proxied")

    state, description = task_state(dag_run, "wait")
    assert ("success", arn) == (state, description["InstanceArn"])
    assert simulator.calls("DescribeInstance", arn) == len(forwarded) >= 1
    assert {"identity-center.invalid"} == set(forwarded)


@pytest.mark.parametrize("provider", [True, False], ids=["provider", "no-provider"])
def test_operator_botocore_config_reaches_the_client(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch, *, provider: bool
) -> None:
    """botocore_config on the operator applies, through the provider's hook or without it."""
    if not provider:
        monkeypatch.setitem(sys.modules, AWS_HOOK_MODULE, None)
    arn = simulator.create_instance("configured", create_seconds=0)
    with forwarding_proxy(server.endpoint_url) as (proxy_url, forwarded):
        operator = WaitForInstanceOperator(
            task_id="t",
            instance_arn=arn,
            aws_conn_id=None,
            endpoint_url=UNRESOLVABLE_ENDPOINT,
            botocore_config={"proxies": {"http": proxy_url}},
            deferrable=True,
        )
        with pytest.raises(TaskDeferred) as deferred:
            operator.execute({})
        payload = run_trigger(restart(deferred.value.trigger))

    assert ("reached", payload["attempts"]) == (payload["outcome"], len(forwarded))


def test_operator_botocore_config_replaces_the_connections(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the provider, the operator's botocore_config stands in for config_kwargs."""
    arn = simulator.create_instance("replaced", create_seconds=0)
    with (
        forwarding_proxy(server.endpoint_url) as (connection_proxy, through_connection),
        forwarding_proxy(server.endpoint_url) as (operator_proxy, through_operator),
    ):
        set_connection(
            monkeypatch,
            "poller_two_proxies",
            {
                "endpoint_url": UNRESOLVABLE_ENDPOINT,
                "config_kwargs": {"proxies": {"http": connection_proxy}},
            },
        )
        trigger = InstanceWaitTrigger(
            arn,
            deadline=time.time() + 60,
            aws_conn_id="poller_two_proxies",
            botocore_config={"proxies": {"http": operator_proxy}},
            min_delay=0.01,
            max_delay=0.05,
        )
        payload = run_trigger(restart(trigger))

    assert "reached" == payload["outcome"]
    assert (0, payload["attempts"]) == (len(through_connection), len(through_operator))


def test_botocore_retries_stay_off_whatever_the_config_says(
    simulator: Simulator, server: Server
) -> None:
    """Every request is a poll poller counts: a config asking botocore to retry is overruled."""
    arn = simulator.create_instance("throttled", create_seconds=0)
    simulator.add_fault(Fault.throttling(count=2), operation="DescribeInstance")
    trigger = InstanceWaitTrigger(
        arn,
        deadline=time.time() + 60,
        aws_conn_id=None,
        endpoint_url=server.endpoint_url,
        botocore_config={"retries": {"mode": "standard", "max_attempts": 5}},
        min_delay=0.01,
        max_delay=0.05,
    )

    payload = run_trigger(trigger)

    assert ("reached", 3) == (payload["outcome"], payload["attempts"])
    assert 3 == simulator.calls("DescribeInstance", arn)


@pytest.mark.parametrize("source", ["connection", "operator"])
def test_verify_reaches_the_client(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """The client checks TLS with the given verify (a missing CA bundle here), from either place."""
    set_connection(
        monkeypatch,
        "poller_verify",
        {"endpoint_url": server.endpoint_url, "region_name": "us-east-1"}
        | ({"verify": MISSING_CA_BUNDLE} if source == "connection" else {}),
    )
    trigger = InstanceWaitTrigger(
        ARN,
        # Every try fails at once, without a connection, and is retried to the deadline: long
        # enough for reading the connection and a first try at 10x this machine's latency.
        deadline=time.time() + 5,
        aws_conn_id="poller_verify",
        verify=MISSING_CA_BUNDLE if source == "operator" else None,
        min_delay=0.01,
        max_delay=0.05,
    )

    payload = run_trigger(trigger)

    assert payload["outcome"] in {"timed-out", "error"}
    assert "No such file or directory" in payload["message"]
    assert 0 == simulator.calls("DescribeInstance")


def test_serialize_carries_verify_and_botocore_config() -> None:
    """A triggerer restart keeps verify and botocore_config, as plain JSON values."""
    trigger = InstanceWaitTrigger(
        ARN,
        deadline=time.time() + 60,
        verify=False,
        botocore_config={"connect_timeout": 2, "proxies": {"https": "http://proxy:3128"}},
    )

    restarted = restart(trigger)

    assert (False, {"connect_timeout": 2, "proxies": {"https": "http://proxy:3128"}}) == (
        restarted.verify,
        restarted.botocore_config,
    )


def test_unknown_botocore_option_fails_before_deferring() -> None:
    """An option botocore does not know fails the task at once, naming it."""
    operator = WaitForInstanceOperator(
        task_id="t", instance_arn=ARN, botocore_config={"conect_timeout": 2}
    )

    with pytest.raises(AirflowFailException, match="conect_timeout"):
        operator.execute({})


def test_botocore_config_that_is_not_a_dict_is_refused_at_parse_time() -> None:
    """botocore_config is a dict of Config options, as in the Amazon provider."""
    with pytest.raises(TypeError, match="botocore_config must be a dict"):
        WaitForInstanceOperator(
            task_id="t",
            instance_arn=ARN,
            botocore_config="connect_timeout=2",  # type: ignore[arg-type]
        )


# -- a named connection Airflow does not have: never the machine's own credentials -----------


def test_a_misspelt_connection_fails_the_task_before_any_request(
    dagbag: Any, simulator: Simulator, server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    """The provider would switch to the worker's own credentials; the task fails instead."""
    pytest.importorskip("airflow.providers.amazon")
    arn = simulator.create_instance("misspelt", create_seconds=0)

    dag_run = run_dag(
        dagbag,
        "poller_test",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        aws_conn_id="aws_defualt",
    )

    state, _ = task_state(dag_run, "wait")
    assert "failed" == state
    logged = capfd.readouterr().out
    assert "AirflowFailException" in logged
    assert "aws_conn_id='aws_defualt': Airflow has no such connection" in logged
    assert 0 == simulator.calls("DescribeInstance")


@pytest.mark.parametrize("deferrable", [True, False], ids=["deferred", "in-worker"])
def test_the_operator_refuses_a_missing_connection_in_execute(
    simulator: Simulator, server: Server, *, deferrable: bool
) -> None:
    """Deferred or not, execute() refuses it without retries, sending nothing."""
    pytest.importorskip("airflow.providers.amazon")
    arn = simulator.create_instance("missing", create_seconds=0)
    operator = WaitForInstanceOperator(
        task_id="t",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        aws_conn_id="no_such_connection",
        deferrable=deferrable,
    )

    with pytest.raises(AirflowFailException, match="'no_such_connection'"):
        operator.execute({})
    assert 0 == simulator.request_count


def test_the_trigger_ends_on_a_missing_connection_without_a_request(
    simulator: Simulator, server: Server
) -> None:
    """Re-created in the triggerer after the connection was deleted: invalid, nothing sent."""
    pytest.importorskip("airflow.providers.amazon")
    arn = simulator.create_instance("deleted-connection", create_seconds=0)
    trigger = InstanceWaitTrigger(
        arn, deadline=time.time() + 60, aws_conn_id="gone", endpoint_url=server.endpoint_url
    )

    payload = run_trigger(restart(trigger))

    assert ("invalid", 0) == (payload["outcome"], payload["attempts"])
    assert "aws_conn_id='gone': Airflow has no such connection" in payload["message"]
    assert 0 == simulator.request_count


def test_a_missing_aws_default_still_means_the_default_chain(
    simulator: Simulator, server: Server
) -> None:
    """The provider's default connection keeps its fallback, as the provider's operators do."""
    pytest.importorskip("airflow.providers.amazon")
    arn = simulator.create_instance("default", create_seconds=0)
    trigger = InstanceWaitTrigger(
        arn,
        deadline=time.time() + 60,
        aws_conn_id="aws_default",
        endpoint_url=server.endpoint_url,
        min_delay=0.01,
        max_delay=0.05,
    )

    assert "reached" == run_trigger(restart(trigger))["outcome"]


def test_the_sensor_refuses_a_missing_connection_without_a_request(
    simulator: Simulator, server: Server
) -> None:
    """A poke checks the connection first, as the operators do."""
    pytest.importorskip("airflow.providers.amazon")
    from poller.airflow import InstanceSensor  # noqa: PLC0415 - imported on first use

    arn = simulator.create_instance("sensed", create_seconds=0)
    sensor = InstanceSensor(
        task_id="s", instance_arn=arn, endpoint_url=server.endpoint_url, aws_conn_id="typo"
    )

    with pytest.raises(AirflowFailException, match="'typo'"):
        sensor.poke({})
    assert 0 == simulator.request_count
