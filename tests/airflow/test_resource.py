"""The one stack: any kind in poller.resources, through the generic operator and trigger."""

from __future__ import annotations

import ast
import dataclasses
import pathlib
from collections.abc import Callable
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
import poller.airflow
from poller.airflow import (
    ResourceWaitTrigger,
    WaitForAccessControlAttributesOperator,
    WaitForAccountAssignmentOperator,
    WaitForInstanceOperator,
    WaitForPermissionSetProvisioningOperator,
    WaitForRegionOperator,
    WaitForResourceOperator,
)
from poller.simulator import Server, Simulator
from tests.airflow._support import ARN, PACE, local, restart, run_trigger

ACCOUNT = "111111111111"
REQUEST_ID = "5c1a4a4e-1111-4e5b-8d3f-2f0c9f7e0a11"


def deferred_trigger(operator: Any) -> Any:
    """The trigger an operator's execute() defers with, as the task runner receives it."""
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    return deferred.value.trigger


# -- every kind, through the generic operator ------------------------------------------------


def _instance(simulator: Simulator, arn: str) -> dict[str, Any]:
    return {}


def _region(simulator: Simulator, arn: str) -> dict[str, Any]:
    simulator.add_region(arn, "eu-west-1", seconds=0)
    return {"regions": "eu-west-1"}


def _access_control(simulator: Simulator, arn: str) -> dict[str, Any]:
    simulator.create_access_control_attributes(arn, seconds=0)
    return {}


def _permission_sets(simulator: Simulator, arn: str) -> dict[str, Any]:
    simulator.enable_permission_sets(arn, seconds=0)
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
KINDS: dict[str, tuple[Callable[[Simulator, str], dict[str, Any]], str]] = {
    "instance": (_instance, "ACTIVE"),
    "region": (_region, "ACTIVE"),
    "access-control-attributes": (_access_control, "ENABLED"),
    "permission-set-provisioning": (_provisioning, "SUCCEEDED"),
    "account-assignment-creation": (_creation, "SUCCEEDED"),
    "account-assignment-deletion": (_deletion, "SUCCEEDED"),
    "permission-sets-enabled": (_permission_sets, "ACTIVE"),  # the DescribeInstance answer
}


def test_every_kind_is_covered() -> None:
    """The test below covers each kind poller.resources has."""
    assert set(KINDS) == set(poller.resources)


@pytest.mark.parametrize("resource", list(KINDS))
def test_the_generic_operator_waits_on_each_kind_through_the_generic_trigger(
    simulator: Simulator, server: Server, resource: str
) -> None:
    """Deferred, re-created from its serialized form, run: one description back in XCom."""
    start, status = KINDS[resource]
    arn = simulator.create_instance("every-kind", create_seconds=0)
    operator = WaitForResourceOperator(
        task_id="wait",
        resource=resource,
        instance_arn=arn,
        deferrable=True,
        **start(simulator, arn),
        **local(server.endpoint_url),
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
        **local(server.endpoint_url),
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
        **local(server.endpoint_url),
        **PACE,
    )

    with pytest.raises(AirflowFailException) as raised:
        operator.execute({})

    first, *rest = str(raised.value).splitlines()
    assert first.startswith("1 of 2 Regions is not active")
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
