"""The admin path under ``/_poller``: one test per route and per error, and a real child."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from typing import Any

import pytest

from poller.simulator import Server, Simulator
from poller.simulator._admin import ROUTES
from poller.simulator._requests import RequestKind

from .conftest import ACCOUNT, UNKNOWN_ARN, UNKNOWN_REQUEST, boto_client, code_of
from .running import TIMEOUT, Running


def call(
    server: Server | str, method: str, path: str, body: Any = None, *, raw: bytes | None = None
) -> tuple[int, Any]:
    """Send one admin request; its HTTP status and decoded JSON answer."""
    url = (server if isinstance(server, str) else server.endpoint_url) + path
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.loads(refused.read())


def test_index_lists_every_route(server: Server) -> None:
    """GET /_poller lists each route with its method, body keys and a summary."""
    status, answer = call(server, "GET", "/_poller")

    assert 200 == status
    assert [(r.method, r.path) for r in ROUTES] == [
        (route["method"], route["path"]) for route in answer["routes"]
    ]
    assert ["name", "create_seconds", "fail_reason"] == answer["routes"][2]["body"]
    assert all(route["summary"] for route in answer["routes"])


def test_request_log(server: Server, sim: Simulator, arn: str) -> None:
    """GET /_poller/requests gives the log as objects; admin requests are not in it."""
    boto = boto_client(server)
    boto.describe_instance(InstanceArn=arn)
    code_of(boto.describe_instance, InstanceArn=UNKNOWN_ARN)
    boto.close()

    status, answer = call(server, "GET", "/_poller/requests")
    _, last = call(server, "GET", "/_poller/requests?limit=1")
    _, none = call(server, "GET", "/_poller/requests?limit=0")

    assert 200 == status
    assert 2 == answer["count"] == sim.request_count
    first, second = answer["requests"]
    assert {
        "operation": "DescribeInstance",
        "instance_arn": arn,
        "region_name": None,
        "request_id": None,
        "permission_set_arn": None,
        "target_id": None,
        "principal_type": None,
        "principal_id": None,
        "status": 200,
        "error_code": None,
    } == {key: value for key, value in first.items() if key != "time"}
    assert first["time"].endswith("Z")
    assert "AccessDeniedException" == second["error_code"]
    assert [second] == last["requests"]
    assert [] == none["requests"]


def test_request_log_refuses_a_bad_limit(server: Server) -> None:
    """?limit= must be a whole number."""
    assert 400 == call(server, "GET", "/_poller/requests?limit=-1")[0]


def test_create_instance(server: Server, sim: Simulator) -> None:
    """POST /_poller/instances creates an instance that boto3 can describe."""
    status, answer = call(
        server, "POST", "/_poller/instances", {"name": "made", "create_seconds": 0}
    )
    sim.advance(0.001)
    boto = boto_client(server)
    described = boto.describe_instance(InstanceArn=answer["InstanceArn"])
    boto.close()

    assert 200 == status
    assert ("made", "ACTIVE") == (described["Name"], described["Status"])


def test_create_instance_fails_as_told_or_as_configured(server: Server, sim: Simulator) -> None:
    """fail_reason makes it CREATE_FAILED; without it, the simulator's create_fail_reason."""
    sim.create_fail_reason = "Configured"
    _, told = call(server, "POST", "/_poller/instances", {"create_seconds": 0, "fail_reason": "X"})
    _, configured = call(server, "POST", "/_poller/instances", {"create_seconds": 0})
    _, spared = call(
        server, "POST", "/_poller/instances", {"create_seconds": 0, "fail_reason": None}
    )
    sim.advance(0.001)
    boto = boto_client(server)
    reasons = [
        boto.describe_instance(InstanceArn=answer["InstanceArn"]).get("StatusReason")
        for answer in (told, configured, spared)
    ]
    boto.close()

    assert ["X", "Configured", None] == reasons


def test_create_instance_with_no_body(server: Server, sim: Simulator) -> None:
    """An empty body is an empty object: an instance without a name."""
    status, answer = call(server, "POST", "/_poller/instances", raw=b"")

    assert 200 == status
    assert 1 == len(sim)
    assert sim.get(answer["InstanceArn"]) is not None


def test_delete_instance(server: Server, sim: Simulator, arn: str) -> None:
    """POST /_poller/instances/delete starts deleting it."""
    status, _ = call(
        server, "POST", "/_poller/instances/delete", {"InstanceArn": arn, "delete_seconds": 0}
    )
    sim.advance(0.001)

    assert 200 == status
    assert sim.get(arn) is None


def test_force_and_lift_instance_status(server: Server, sim: Simulator, arn: str) -> None:
    """POST /_poller/instances/status forces Status and StatusReason; null lifts it."""
    body = {"InstanceArn": arn, "status": "CREATE_FAILED", "reason": "Forced"}
    status, _ = call(server, "POST", "/_poller/instances/status", body)
    boto = boto_client(server)
    forced = boto.describe_instance(InstanceArn=arn)
    call(server, "POST", "/_poller/instances/status", {"InstanceArn": arn, "status": None})
    lifted = boto.describe_instance(InstanceArn=arn)
    boto.close()

    assert 200 == status
    assert ("CREATE_FAILED", "Forced") == (forced["Status"], forced["StatusReason"])
    assert "ACTIVE" == lifted["Status"]


def test_force_encryption_status(server: Server, arn: str) -> None:
    """POST /_poller/instances/encryption-status forces EncryptionStatus."""
    body = {"InstanceArn": arn, "status": "UPDATE_FAILED", "reason": "Key gone"}
    status, _ = call(server, "POST", "/_poller/instances/encryption-status", body)
    boto = boto_client(server)
    described = boto.describe_instance(InstanceArn=arn)
    boto.close()

    assert 200 == status
    assert "UPDATE_FAILED" == described["EncryptionConfigurationDetails"]["EncryptionStatus"]


def test_add_region_and_force_its_status(server: Server, arn: str) -> None:
    """POST /_poller/regions adds a Region; .../regions/status forces its Status."""
    where = {"InstanceArn": arn, "RegionName": "eu-west-1"}
    added, _ = call(server, "POST", "/_poller/regions", {**where, "seconds": math.inf})
    boto = boto_client(server)
    adding = boto.describe_region(**where)["Status"]
    forced, _ = call(server, "POST", "/_poller/regions/status", {**where, "status": "ODD"})
    odd = boto.describe_region(**where)["Status"]
    boto.close()

    assert (200, 200) == (added, forced)
    assert ("ADDING", "ODD") == (adding, odd)


def test_force_access_control_status(server: Server, sim: Simulator, arn: str) -> None:
    """POST /_poller/access-control/status forces the configuration's Status and reason."""
    sim.create_access_control_attributes(arn, seconds=0)
    body = {"InstanceArn": arn, "status": "CREATION_FAILED", "reason": "No"}
    status, _ = call(server, "POST", "/_poller/access-control/status", body)
    boto = boto_client(server)
    described = boto.describe_instance_access_control_attribute_configuration(InstanceArn=arn)
    boto.close()

    assert 200 == status
    assert ("CREATION_FAILED", "No") == (described["Status"], described["StatusReason"])


def test_force_request_status(server: Server, sim: Simulator, arn: str, ps_arn: str) -> None:
    """POST /_poller/requests/status forces a request's Status and FailureReason."""
    request_id = sim.provision_permission_set(arn, ps_arn, never_finish=True)
    body = {"RequestId": request_id, "status": "FAILED", "reason": "Forced"}
    status, answer = call(server, "POST", "/_poller/requests/status", body)
    boto = boto_client(server)
    described = boto.describe_permission_set_provisioning_status(
        InstanceArn=arn, ProvisionPermissionSetRequestId=request_id
    )["PermissionSetProvisioningStatus"]
    boto.close()

    assert (200, {"RequestId": request_id}) == (status, answer)
    assert ("FAILED", "Forced") == (described["Status"], described["FailureReason"])


def test_arm_and_clear_failures(server: Server, sim: Simulator, arn: str, ps_arn: str) -> None:
    """POST /_poller/failures arms a rule for new requests; DELETE disarms every one."""
    body = {"kind": "assignment", "reason": "Suspended", "account_id": ACCOUNT, "count": 1}
    armed, _ = call(server, "POST", "/_poller/failures", body)
    provisioning, _ = call(
        server, "POST", "/_poller/failures", {"kind": "provisioning", "reason": "P"}
    )
    first = sim.failure_for(RequestKind.ASSIGNMENT_CREATION, ACCOUNT, ps_arn)
    second = sim.failure_for(RequestKind.ASSIGNMENT_CREATION, ACCOUNT, ps_arn)
    cleared, _ = call(server, "DELETE", "/_poller/failures")

    assert (200, 200, 200) == (armed, provisioning, cleared)
    assert ("Suspended", None) == (first, second)
    assert sim.failure_for(RequestKind.PROVISIONING, None, ps_arn) is None


def test_arm_and_clear_faults(server: Server, arn: str) -> None:
    """POST /_poller/faults arms a --fault spec; DELETE disarms every fault."""
    spec = "throttling,count=forever,operation=DescribeInstance"
    armed, answer = call(server, "POST", "/_poller/faults", {"fault": spec})
    boto = boto_client(server)
    throttled = code_of(boto.describe_instance, InstanceArn=arn)
    listed = boto.list_instances()["Instances"]  # another operation: no fault
    index, _ = call(server, "GET", "/_poller")  # the admin path: no fault either
    cleared, _ = call(server, "DELETE", "/_poller/faults")
    described = boto.describe_instance(InstanceArn=arn)["Status"]
    boto.close()

    assert (200, {"faults": 1}) == (armed, answer)
    assert ("ThrottlingException", 1, 200) == (throttled, len(listed), index)
    assert (200, "ACTIVE") == (cleared, described)


def test_move_the_clock(server: Server, sim: Simulator) -> None:
    """POST /_poller/time advances simulated time and sets the time scale."""
    pending = sim.create_instance("slow", create_seconds=600)
    status, answer = call(server, "POST", "/_poller/time", {"advance": 601, "time_scale": 2})

    assert 200 == status
    assert 2.0 == answer["time_scale"] == sim.time_scale
    assert answer["now"] >= 601
    assert "ACTIVE" == sim.get(pending).status(sim.now())  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_poller/time", {}, "give 'advance'"),
        ("/_poller/time", {"advance": -1}, "'advance' must be a number 0 or more"),
        ("/_poller/time", {"time_scale": 0}, "'time_scale' must be a number above 0"),
        ("/_poller/time", {"advance": True}, "'advance' must be a number"),
        ("/_poller/instances", {"name": 3}, "'name' must be a string, not 3"),
        ("/_poller/instances", {"nmae": "x"}, "unknown key(s) nmae; it takes name, "),
        ("/_poller/instances/delete", {}, "'InstanceArn' is required"),
        ("/_poller/instances/status", {"InstanceArn": UNKNOWN_ARN}, "'status' is required"),
        ("/_poller/faults", {"fault": "nonsense"}, "unknown fault kind 'nonsense'"),
        ("/_poller/faults", {"fault": "throttling,count=abc"}, "count must be a positive"),
        ("/_poller/failures", {"kind": "x", "reason": "r"}, "'kind' must be one of assignment"),
        ("/_poller/failures", {"kind": "assignment"}, "'reason' is required"),
        ("/_poller/failures", {"kind": "assignment", "reason": "r", "count": 0}, "'count' must"),
        ("/_poller/regions", {"InstanceArn": "nope", "RegionName": "eu-west-1"}, "Invalid"),
        ("/_poller/requests/status", {"RequestId": "nope", "status": None}, "requestId"),
    ],
)
def test_bad_bodies_are_400(server: Server, path: str, body: Any, message: str) -> None:
    """A body with a missing, unknown or ill-typed key, or a bad value, is 400 saying why."""
    status, answer = call(server, "POST", path, body)

    assert 400 == status
    assert message in answer["error"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff"])
def test_a_body_that_is_not_a_json_object_is_400(server: Server, raw: bytes) -> None:
    """The body must be a JSON object."""
    status, answer = call(server, "POST", "/_poller/instances", raw=raw)

    assert 400 == status
    assert answer["error"].startswith("the body ")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_poller/instances/delete", {"InstanceArn": UNKNOWN_ARN}),
        ("/_poller/instances/status", {"InstanceArn": UNKNOWN_ARN, "status": "X"}),
        ("/_poller/requests/status", {"RequestId": UNKNOWN_REQUEST, "status": "X"}),
    ],
)
def test_an_unknown_resource_is_404(server: Server, path: str, body: Any) -> None:
    """An instance or request that does not exist is 404, with the service's error code."""
    status, answer = call(server, "POST", path, body)

    assert 404 == status
    assert answer["error"].startswith("not found: ")
    assert answer["code"] in {"AccessDeniedException", "ResourceNotFoundException"}


def test_an_unknown_route_is_404(server: Server) -> None:
    """A path under /_poller that is no route is 404, and points at the index."""
    status, answer = call(server, "GET", "/_poller/nothing")

    assert 404 == status
    assert "no admin route GET /_poller/nothing; GET /_poller lists them" == answer["error"]


def test_a_known_route_with_another_method_is_405(server: Server) -> None:
    """The right path with the wrong method is 405, naming the methods it takes."""
    status, answer = call(server, "PUT", "/_poller/faults", {})

    assert 405 == status
    assert "PUT /_poller/faults: use DELETE or POST" == answer["error"]


def test_admin_requests_are_not_logged(server: Server, sim: Simulator) -> None:
    """Admin requests, answered or refused, are not counted in the request log."""
    call(server, "GET", "/_poller")
    call(server, "POST", "/_poller/nothing")

    assert (0, []) == (sim.request_count, list(sim.requests))


def test_created_over_the_admin_path_of_a_real_child() -> None:
    """`python -m poller.simulator`: an instance made with the admin path, seen by boto3."""
    with Running("--create-seconds", "0") as child:
        endpoint_url = child.line()
        child.line("stderr")  # ready
        status, answer = call(endpoint_url, "POST", "/_poller/instances", {"name": "child"})
        moved, _ = call(endpoint_url, "POST", "/_poller/time", {"advance": 1})
        boto = boto_client(endpoint_url)
        described = boto.describe_instance(InstanceArn=answer["InstanceArn"])
        boto.close()
        _, log = call(endpoint_url, "GET", "/_poller/requests")
        code = child.stop()

    assert (200, 200, 0) == (status, moved, code)
    assert ("child", "ACTIVE") == (described["Name"], described["Status"])
    assert ["DescribeInstance"] == [record["operation"] for record in log["requests"]]
