"""wait-region, wait-abac, wait-provisioning, wait-assignment: every exit code, over real HTTP.

Each test runs the real command in a subprocess against the simulator in this process, and
reads its stdout (one JSON line per resource) and its stderr (JSON events).
"""

from __future__ import annotations

import uuid

import pytest

from poller.simulator import Fault, Simulator

from .conftest import Center, json_lines, run_poller

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
#: Long enough for a subprocess to start on a loaded machine; never reached by a wait that ends.
NEVER = "1s"


def instance_of(sim: Simulator) -> str:
    """A new ACTIVE instance."""
    return sim.create_instance("rollout", create_seconds=0)


def permission_set_of(sim: Simulator, arn: str) -> str:
    """A permission set of instance *arn*."""
    return sim.create_permission_set(arn, "ReadOnly")


def errors_of(stderr: str) -> list[dict[str, object]]:
    """The cli.error events of a run."""
    return [e for e in json_lines(stderr) if e["event"] == "cli.error"]


# -- wait-region ----------------------------------------------------------------------------


def test_region_active_exits_0_with_describe_region(center: Center) -> None:
    """An added Region that becomes ACTIVE: DescribeRegion's answer, with the instance's ARN."""
    arn = instance_of(center.simulator)
    center.simulator.add_region(arn, "eu-west-1")

    done = run_poller("wait-region", arn, "eu-west-1", *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "eu-west-1", "ACTIVE", False) == (
        result["InstanceArn"],
        result["RegionName"],
        result["Status"],
        result["IsPrimaryRegion"],
    )
    assert "T" in result["AddedDate"]  # ISO 8601
    changes = [e for e in json_lines(done.stderr) if e["event"] == "region.status_changed"]
    assert {"eu-west-1"} == {e["region_name"] for e in changes}


def test_region_removed_exits_0_with_a_removed_outcome(center: Center) -> None:
    """--until removed: the Region goes, and the line says so with its identity."""
    arn = instance_of(center.simulator)
    center.simulator.add_region(arn, "eu-west-1", seconds=0)
    center.simulator.remove_region(arn, "eu-west-1")

    done = run_poller("wait-region", arn, "eu-west-1", "--until", "removed", *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert {"InstanceArn": arn, "RegionName": "eu-west-1", "Outcome": "removed"} == {
        key: result[key] for key in ("InstanceArn", "RegionName", "Outcome")
    }


def test_regions_each_get_their_outcome_and_the_highest_code(center: Center) -> None:
    """Active, being removed, never added: a line each, exit 4 (the highest of 0, 1 and 4)."""
    sim = center.simulator
    arn = instance_of(sim)
    sim.add_region(arn, "eu-west-1", seconds=0)
    sim.add_region(arn, "ap-south-1", seconds=0)
    sim.remove_region(arn, "ap-south-1", never_finish=True)

    done = run_poller(
        "wait-region", arn, "eu-west-1", "ap-south-1", "eu-central-1", *center.options()
    )

    assert 4 == done.returncode, done.stderr
    outcomes = {r["RegionName"]: r.get("Outcome", r.get("Status")) for r in json_lines(done.stdout)}
    assert {"eu-west-1": "ACTIVE", "ap-south-1": "failed", "eu-central-1": "not-found"} == outcomes
    failed = {r["RegionName"]: r for r in json_lines(done.stdout)}["ap-south-1"]
    assert ("RegionRemovedError", "REMOVING") == (
        failed["Error"]["Type"],
        failed["Region"]["Status"],
    )
    errors = {e["region_name"]: e for e in errors_of(done.stderr)}
    assert "--until removed" in str(errors["ap-south-1"]["hint"])
    # The library's message names list-regions already: the line says it once, no hint after.
    missing = errors["eu-central-1"]
    assert (1, None) == (str(missing["message"]).count("list-regions"), missing["hint"])


def test_region_timeout_exits_3(center: Center) -> None:
    """A Region that stays ADDING times out: exit 3, its last state in the line."""
    arn = instance_of(center.simulator)
    center.simulator.add_region(arn, "eu-west-1", never_finish=True)

    done = run_poller("wait-region", arn, "eu-west-1", *center.options(), "--timeout", NEVER)

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("timed-out", "eu-west-1") == (result["Outcome"], result["RegionName"])
    assert (result["Region"] or {}).get("Status") in {None, "ADDING"}


def test_region_denied_exits_4(center: Center) -> None:
    """AccessDenied on DescribeRegion is a permission problem: exit 4, denied."""
    arn = instance_of(center.simulator)
    center.simulator.add_region(arn, "eu-west-1")
    center.simulator.add_fault(Fault.access_denied(None), operation="DescribeRegion")

    done = run_poller("wait-region", arn, "eu-west-1", *center.options())

    assert 4 == done.returncode, done.stderr
    assert ["denied"] == [r["Outcome"] for r in json_lines(done.stdout)]


def test_region_text_output(center: Center) -> None:
    """--output text: the instance, the Region and its status, tab-separated."""
    arn = instance_of(center.simulator)
    center.simulator.add_region(arn, "eu-west-1")

    done = run_poller("wait-region", arn, "eu-west-1", *center.options(), "--output", "text")

    assert 0 == done.returncode, done.stderr
    assert f"{arn}\teu-west-1\tACTIVE\n" == done.stdout


# -- wait-abac ------------------------------------------------------------------------------


def test_abac_enabled_exits_0(center: Center) -> None:
    """Attribute-based access control ENABLED: the Describe answer, with InstanceArn added."""
    arn = instance_of(center.simulator)
    center.simulator.create_access_control_attributes(arn)

    done = run_poller("wait-abac", arn, *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "ENABLED") == (result["InstanceArn"], result["Status"])
    assert "InstanceAccessControlAttributeConfiguration" in result


def test_abac_failed_and_missing_exit_with_the_highest_code(center: Center) -> None:
    """CREATION_FAILED (1) and no configuration at all (4), side by side: exit 4."""
    sim = center.simulator
    failing, missing = instance_of(sim), instance_of(sim)
    sim.create_access_control_attributes(failing, fail_reason="Unknown attribute source.")

    done = run_poller("wait-abac", failing, missing, *center.options())

    assert 4 == done.returncode, done.stderr
    by_arn = {r["InstanceArn"]: r for r in json_lines(done.stdout)}
    assert ("failed", "AccessControlAttributesFailedError", "Unknown attribute source.") == (
        by_arn[failing]["Outcome"],
        by_arn[failing]["Error"]["Type"],
        by_arn[failing]["Error"]["Reason"],
    )
    assert "CREATION_FAILED" == by_arn[failing]["Configuration"]["Status"]
    assert "not-found" == by_arn[missing]["Outcome"]


def test_abac_failed_alone_exits_1(center: Center) -> None:
    """A configuration that fails to enable is a terminal failure: exit 1."""
    arn = instance_of(center.simulator)
    center.simulator.create_access_control_attributes(arn, fail_reason="Bad source.")

    done = run_poller("wait-abac", arn, *center.options())

    assert 1 == done.returncode, done.stderr
    [error] = errors_of(done.stderr)
    assert "StatusReason" in str(error["hint"])


def test_abac_timeout_exits_3(center: Center) -> None:
    """A configuration that stays CREATION_IN_PROGRESS times out: exit 3."""
    arn = instance_of(center.simulator)
    center.simulator.create_access_control_attributes(arn, never_finish=True)

    done = run_poller("wait-abac", arn, *center.options(), "--timeout", NEVER)

    assert 3 == done.returncode, done.stderr
    assert ["timed-out"] == [r["Outcome"] for r in json_lines(done.stdout)]


# -- wait-provisioning ----------------------------------------------------------------------


def test_provisioning_succeeded_exits_0_with_the_status_object(center: Center) -> None:
    """SUCCEEDED: the status object inside the answer, with InstanceArn added."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.provision_permission_set(arn, permission_set_of(sim, arn))

    done = run_poller("wait-provisioning", arn, request_id, *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, request_id, "SUCCEEDED") == (
        result["InstanceArn"],
        result["RequestId"],
        result["Status"],
    )
    events = {e["event"] for e in json_lines(done.stderr)}
    assert "permission_set_provisioning.status_changed" in events


def test_provisioning_failed_exits_1_with_the_failure_reason(center: Center) -> None:
    """FAILED: exit 1, AWS's FailureReason in the line and in the error event."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.provision_permission_set(
        arn, permission_set_of(sim, arn), fail_reason="The role already exists."
    )

    done = run_poller("wait-provisioning", arn, request_id, *center.options())

    assert 1 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("failed", request_id, "The role already exists.", "FAILED") == (
        result["Outcome"],
        result["RequestId"],
        result["Error"]["Reason"],
        result["Request"]["Status"],
    )
    [error] = errors_of(done.stderr)
    assert request_id == error["request_id"]


def test_provisioning_timeout_exits_3(center: Center) -> None:
    """A request that stays IN_PROGRESS times out: exit 3."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.provision_permission_set(arn, permission_set_of(sim, arn), never_finish=True)

    done = run_poller("wait-provisioning", arn, request_id, *center.options(), "--timeout", NEVER)

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (request_id, "timed-out") == (result["RequestId"], result["Outcome"])
    assert "to succeed (last seen IN_PROGRESS" in result["Error"]["Message"]


def test_provisioning_of_no_such_request_exits_4(center: Center) -> None:
    """A well-formed request ID the service does not know: not found, exit 4."""
    arn = instance_of(center.simulator)
    unknown = str(uuid.UUID(int=1, version=4))

    done = run_poller("wait-provisioning", arn, unknown, *center.options())

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("not-found", "ResourceNotFoundError", None) == (
        result["Outcome"],
        result["Error"]["Type"],
        result["Request"],
    )


def test_service_validation_error_exits_2(center: Center) -> None:
    """An identifier the service itself refuses (ValidationException) is bad input: exit 2."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.provision_permission_set(arn, permission_set_of(sim, arn))
    sim.add_fault(Fault.validation(), operation="DescribePermissionSetProvisioningStatus")

    done = run_poller("wait-provisioning", arn, request_id, *center.options())

    assert 2 == done.returncode, done.stderr
    assert ["invalid"] == [r["Outcome"] for r in json_lines(done.stdout)]
    [error] = errors_of(done.stderr)
    assert "provision-permission-set" in str(error["hint"])  # where the request ID comes from


# -- wait-assignment ------------------------------------------------------------------------


def test_assignments_each_get_their_outcome(center: Center) -> None:
    """Succeeded and FAILED side by side: a line each as it ends, exit 1, one request's rate."""
    sim = center.simulator
    arn = instance_of(sim)
    ps = permission_set_of(sim, arn)
    good = sim.create_account_assignment(arn, ps, ACCOUNT)
    bad = sim.create_account_assignment(arn, ps, OTHER_ACCOUNT, fail_reason="Account suspended.")

    done = run_poller("wait-assignment", arn, good, bad, *center.options())

    assert 1 == done.returncode, done.stderr
    by_id = {r["RequestId"]: r for r in json_lines(done.stdout)}
    assert ("SUCCEEDED", ACCOUNT) == (by_id[good]["Status"], by_id[good]["TargetId"])
    assert ("failed", "AccountAssignmentFailedError", "Account suspended.") == (
        by_id[bad]["Outcome"],
        by_id[bad]["Error"]["Type"],
        by_id[bad]["Error"]["Reason"],
    )
    assert {good, bad} == {
        e["request_id"]
        for e in json_lines(done.stderr)
        if e["event"] == "account_assignment.status_changed"
    }


def test_deletions_with_the_deletion_flag_exit_0(center: Center) -> None:
    """--deletion waits on DeleteAccountAssignment's requests, with its Describe operation."""
    sim = center.simulator
    arn = instance_of(sim)
    # Done from the start: one Describe decides it, whenever it comes.
    ps = permission_set_of(sim, arn)
    request_id = sim.delete_account_assignment(arn, ps, ACCOUNT, seconds=0)

    done = run_poller("wait-assignment", arn, request_id, "--deletion", *center.options())

    assert 0 == done.returncode, done.stderr
    assert [(request_id, "SUCCEEDED")] == [
        (r["RequestId"], r["Status"]) for r in json_lines(done.stdout)
    ]
    assert 1 == sim.calls("DescribeAccountAssignmentDeletionStatus")
    assert 0 == sim.calls("DescribeAccountAssignmentCreationStatus")


def test_a_deletion_waited_on_as_a_creation_is_not_found_with_a_hint(center: Center) -> None:
    """A bare request ID is a creation's: for a deletion's, the hint says --deletion."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.delete_account_assignment(arn, permission_set_of(sim, arn), ACCOUNT)

    done = run_poller("wait-assignment", arn, request_id, *center.options())

    assert 4 == done.returncode, done.stderr
    assert ["not-found"] == [r["Outcome"] for r in json_lines(done.stdout)]
    [error] = errors_of(done.stderr)
    hint = str(error["hint"])
    assert "--deletion" in hint
    assert "kept" not in hint  # the library's message says it already: said once


def test_assignment_timeout_exits_3_and_query_picks(center: Center) -> None:
    """A request that never ends times out (3); --query picks from the failure's document."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.create_account_assignment(
        arn, permission_set_of(sim, arn), ACCOUNT, never_finish=True
    )

    done = run_poller(
        "wait-assignment", arn, request_id, *center.options(), "--timeout", NEVER,
        "--query", "[RequestId, Outcome]", "--output", "text",
    )  # fmt: skip

    assert 3 == done.returncode, done.stderr
    assert f"{request_id}\ttimed-out\n" == done.stdout


def test_assignment_throttled_is_retried_then_denied_exits_4(center: Center) -> None:
    """Throttling is retried (poll.retrying); AccessDenied then ends the wait: exit 4."""
    sim = center.simulator
    arn = instance_of(sim)
    request_id = sim.create_account_assignment(arn, permission_set_of(sim, arn), ACCOUNT)
    operation = "DescribeAccountAssignmentCreationStatus"
    sim.add_fault(Fault.throttling(count=1), operation=operation)
    sim.add_fault(Fault.access_denied(None), operation=operation)

    done = run_poller("wait-assignment", arn, request_id, *center.options())

    assert 4 == done.returncode, done.stderr
    assert ["denied"] == [r["Outcome"] for r in json_lines(done.stdout)]
    assert "poll.retrying" in {e["event"] for e in json_lines(done.stderr)}


@pytest.mark.parametrize("command", ["wait-provisioning", "wait-assignment"])
def test_a_repeated_request_id_is_waited_on_once(center: Center, command: str) -> None:
    """The same request ID twice: one wait, one line, a warning naming it."""
    sim = center.simulator
    arn = instance_of(sim)
    ps = permission_set_of(sim, arn)
    request_id = (
        sim.provision_permission_set(arn, ps)
        if command == "wait-provisioning"
        else sim.create_account_assignment(arn, ps, ACCOUNT)
    )

    done = run_poller(command, arn, request_id, request_id, *center.options())

    assert 0 == done.returncode, done.stderr
    assert [request_id] == [r["RequestId"] for r in json_lines(done.stdout)]
    [warning] = [e for e in json_lines(done.stderr) if e["event"] == "cli.duplicate_request_id"]
    assert (request_id, True) == (warning["request_id"], "2 times" in str(warning["message"]))
