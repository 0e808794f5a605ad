"""The one stack: any kind in poller.resources, and the tasks earlier versions deferred."""

from __future__ import annotations

import ast
import dataclasses
import json
import pathlib
import time
from collections.abc import Callable
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

import poller
import poller.airflow
from poller.airflow import (
    InstanceWaitTrigger,
    ResourceWaitTrigger,
    RolloutWaitTrigger,
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForInstanceOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
    WaitForResourceOperator,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, restart, run_trigger

ACCOUNT = "111111111111"
REQUEST_ID = "5c1a4a4e-1111-4e5b-8d3f-2f0c9f7e0a11"
#: Quick polls against the simulator, under a deadline far beyond any test.
PACE: dict[str, Any] = {"min_delay": 0.01, "max_delay": 0.05}
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


def inflate(classpath: str, kwargs: dict[str, Any]) -> Any:
    """A trigger as the triggerer re-creates it: its class from the classpath, plain kwargs."""
    return import_string(classpath)(**json.loads(json.dumps(kwargs)))


def local(server: Server) -> dict[str, Any]:
    """An operator's connection to the simulator."""
    return {"endpoint_url": server.endpoint_url, "aws_conn_id": None, "region_name": "us-east-1"}


def deferred_trigger(operator: Any) -> Any:
    """The trigger execute() defers with."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    return deferred.value.trigger


# -- tasks deferred by earlier versions ------------------------------------------------------


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
    operator = WaitForInstanceOperator(task_id="wait", instance_arn=arn, **local(server))

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
        simulator.create_account_assignment(arn, permission_set, account)
        for account in (ACCOUNT, "222222222222")
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
        task_id="wait", instance_arn=arn, request_ids=request_ids, **local(server)
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


# -- every kind, through the generic operator ------------------------------------------------


def _instance(simulator: Simulator, arn: str) -> dict[str, Any]:
    return {}


def _region(simulator: Simulator, arn: str) -> dict[str, Any]:
    simulator.add_region(arn, "eu-west-1", seconds=0)
    return {"regions": "eu-west-1"}


def _access_control(simulator: Simulator, arn: str) -> dict[str, Any]:
    simulator.create_access_control_attributes(arn, seconds=0)
    return {}


def _provisioning(simulator: Simulator, arn: str) -> dict[str, Any]:
    permission_set = simulator.create_permission_set(arn, "Admins")
    return {"request_ids": simulator.provision_permission_set(arn, permission_set, seconds=0)}


def _creation(simulator: Simulator, arn: str) -> dict[str, Any]:
    permission_set = simulator.create_permission_set(arn, "Admins")
    return {"request_ids": simulator.create_account_assignment(arn, permission_set, ACCOUNT)}


def _deletion(simulator: Simulator, arn: str) -> dict[str, Any]:
    permission_set = simulator.create_permission_set(arn, "Admins")
    return {"request_ids": simulator.delete_account_assignment(arn, permission_set, ACCOUNT)}


#: How to start one of each kind on the simulator (the operator's arguments for it), and the
#: Status it ends in.
SIX: dict[str, tuple[Callable[[Simulator, str], dict[str, Any]], str]] = {
    "instance": (_instance, "ACTIVE"),
    "region": (_region, "ACTIVE"),
    "access-control-attributes": (_access_control, "ENABLED"),
    "permission-set-provisioning": (_provisioning, "SUCCEEDED"),
    "account-assignment-creation": (_creation, "SUCCEEDED"),
    "account-assignment-deletion": (_deletion, "SUCCEEDED"),
}


def test_the_six_are_every_kind() -> None:
    """The test below covers each kind poller.resources has."""
    assert set(SIX) == set(poller.resources)


@pytest.mark.parametrize("resource", list(SIX))
def test_the_generic_operator_waits_on_each_kind_through_the_generic_trigger(
    simulator: Simulator, server: Server, resource: str
) -> None:
    """Deferred, re-created from its serialized form, run: one description back in XCom."""
    start, status = SIX[resource]
    arn = simulator.create_instance("every-kind", create_seconds=0)
    operator = WaitForResourceOperator(
        task_id="wait",
        resource=resource,
        instance_arn=arn,
        deferrable=True,
        **start(simulator, arn),
        **local(server),
        **PACE,
    )

    trigger = restart(deferred_trigger(operator))
    event = run_trigger(trigger)
    description = operator.execute_complete({}, event)

    assert isinstance(trigger, ResourceWaitTrigger)
    assert (resource, resource) == (trigger.resource, event["resource"])
    assert ("reached", status) == (event["outcome"], description["Status"])


@pytest.mark.parametrize(
    ("operator", "resource"),
    [
        (WaitForInstanceOperator, "instance"),
        (WaitForRegionOperator, "region"),
        (WaitForAccessControlAttributesOperator, "access-control-attributes"),
        (WaitForPermissionSetProvisioningOperator, "permission-set-provisioning"),
        (WaitForAccountAssignmentOperator, "account-assignment-creation"),
    ],
)
def test_each_named_operator_is_the_generic_one_with_its_resource(
    operator: type[WaitForResourceOperator], resource: str
) -> None:
    """A thin subclass: the same checks, trigger and XCom, with resource fixed."""
    arguments = {
        "region": {"regions": "eu-west-1"},
        "permission-set-provisioning": {"request_ids": REQUEST_ID},
        "account-assignment-creation": {"request_ids": REQUEST_ID},
    }.get(resource, {})

    built = operator(task_id="t", instance_arn=ARN, **arguments)

    assert isinstance(built, WaitForResourceOperator)
    assert resource == built.resource


def test_a_kind_added_to_poller_resources_is_waited_on_without_an_airflow_change(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A synthetic kind (a Region under another name) reaches the generic operator and trigger."""
    replica = dataclasses.replace(
        poller.resources["region"], name="replica", noun="replica", nouns="replicas"
    )
    monkeypatch.setattr(poller, "resources", {**poller.resources, "replica": replica})
    arn = simulator.create_instance("extended", create_seconds=0)
    for region in ("eu-west-1", "ap-southeast-2"):
        simulator.add_region(arn, region, seconds=0)
    operator = WaitForResourceOperator(
        task_id="wait",
        resource="replica",
        instance_arn=arn,
        regions=["eu-west-1", "ap-southeast-2"],
        deferrable=True,
        **local(server),
        **PACE,
    )

    trigger = restart(deferred_trigger(operator))
    answers = operator.execute_complete({}, run_trigger(trigger))

    assert "replica" == trigger.resource
    assert [("eu-west-1", "ACTIVE"), ("ap-southeast-2", "ACTIVE")] == [
        (answer["RegionName"], answer["Status"]) for answer in answers
    ]
    with pytest.raises(ValueError, match="takes regions"):
        WaitForResourceOperator(
            task_id="t", resource="replica", instance_arn=arn, request_ids=[REQUEST_ID]
        )


def test_an_unknown_resource_is_refused_naming_the_known_ones() -> None:
    """A misspelt kind fails when the DAG is parsed."""
    with pytest.raises(ValueError, match="unknown resource 'regoin': expected one of instance"):
        WaitForResourceOperator(task_id="t", resource="regoin", instance_arn=ARN)


def test_many_regions_and_one_that_fails_for_good_fail_the_task_naming_it(
    simulator: Simulator, server: Server
) -> None:
    """One payload for many waits: the count, each failure with its error, no retries."""
    arn = simulator.create_instance("mixed", create_seconds=0)
    simulator.add_region(arn, "eu-west-1", seconds=0)
    simulator.add_region(arn, "ap-southeast-2", seconds=0)
    simulator.remove_region(arn, "ap-southeast-2", never_finish=True)
    operator = WaitForRegionOperator(
        task_id="wait",
        instance_arn=arn,
        regions=["eu-west-1", "ap-southeast-2"],
        deferrable=False,
        timeout=60,
        **local(server),
        **PACE,
    )

    with pytest.raises(AirflowFailException) as raised:
        operator.execute({})

    first, *rest = str(raised.value).splitlines()
    assert first.startswith("1 of 2 Regions did not reach active")
    removed = next(line for line in rest if "ap-southeast-2" in line)
    assert removed.startswith("RegionRemovedError")


# -- the public API only ---------------------------------------------------------------------


def test_poller_airflow_imports_only_public_names() -> None:
    """No module of poller.airflow imports, or reaches into, a private module of poller."""
    package = pathlib.Path(poller.airflow.__file__).parent
    private = []
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names = [f"{node.value.id}.{node.attr}"]
            private += [
                f"{module.name}: {name}"
                for name in names
                if name.startswith("poller.")
                and not name.startswith("poller.airflow")
                and any(part.startswith("_") for part in name.split(".")[1:])
            ]

    assert [] == private


def test_an_instance_deleted_as_asked_returns_none(simulator: Simulator, server: Server) -> None:
    """until=deleted: the event says deleted (poller's word), the task returns None as before."""
    arn = simulator.create_instance("doomed", create_seconds=0)
    simulator.delete_instance(arn, delete_seconds=0)
    operator = WaitForInstanceOperator(
        task_id="wait", instance_arn=arn, until="deleted", deferrable=True, **local(server), **PACE
    )

    event = run_trigger(restart(deferred_trigger(operator)))

    assert ("deleted", None) == (event["outcome"], event["instance"])
    assert operator.execute_complete({}, event) is None
