"""`poller assign ARN --plan FILE|-`: a plan of assignments applied over real HTTP.

Each test runs the real command in a subprocess against the simulator in this process, and
reads its stdout (one JSON line per assignment) and its stderr (JSON events). What the endpoint
holds afterwards is read off the simulator's state, and what was sent off its request log.
Where a test needs a request in progress, its lifecycle lasts longer than any test and the
test moves the simulator's clock on itself: no verdict rests on how fast the machine is. What
is refused before any request is in test_assign_input.py; the service's limits, a terminal
and signals in test_assign_run.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from poller.simulator import Fault, Simulator

from .conftest import (
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
)

ACCOUNTS = ("111122223333", "444455556666", "777788889999")
GROUP = "906723b8-1234-5678-9abc-def012345678"
USER = "94482488-3041-7026-18f3-be45837cd0e4"
#: Simulated seconds no lifecycle reaches on its own during a test (a year and more at x1000).
HELD = 10**11
#: The keys of an assignment, as the plan and the lines on stdout spell them.
KEYS = ("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")
WRITES = ("CreateAccountAssignment", "DeleteAccountAssignment")


def rollout(sim: Simulator) -> tuple[str, str]:
    """An ACTIVE instance and a permission set of it."""
    arn = sim.create_instance("rollout", create_seconds=0)
    return arn, sim.create_permission_set(arn, "ReadOnly")


def plan_of(permission_set: str, accounts: tuple[str, ...] = ACCOUNTS) -> list[dict[str, str]]:
    """A plan: the group in each of *accounts*, as CreateAccountAssignment's input."""
    return [
        {
            "TargetId": account,
            "TargetType": "AWS_ACCOUNT",
            "PermissionSetArn": permission_set,
            "PrincipalType": "GROUP",
            "PrincipalId": GROUP,
        }
        for account in accounts
    ]


def as_lines(plan: list[dict[str, Any]]) -> str:
    """*plan* as JSON lines."""
    return "".join(json.dumps(item) + "\n" for item in plan)


def held(sim: Simulator, arn: str) -> set[tuple[str, str, str, str]]:
    """Every assignment in place on instance *arn* now, read off the simulator's state."""
    now = sim.now()
    return {
        (a.account_id, a.permission_set_arn, a.principal_type, a.principal_id)
        for by_principal in sim.require(arn).assignments.values()
        for a in by_principal.values()
        if a.exists(now)
    }


def planned(plan: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    """The assignments of *plan*, as :func:`held` gives them."""
    return {
        (i["TargetId"], i["PermissionSetArn"], i["PrincipalType"], i["PrincipalId"]) for i in plan
    }


def writes(sim: Simulator) -> int:
    """The writes the endpoint received, accepted or not."""
    return sum(sim.calls(operation) for operation in WRITES)


def events(stderr: str, name: str) -> list[dict[str, Any]]:
    """The events called *name* on a run's stderr (JSON lines)."""
    return [e for e in json_lines(stderr) if e["event"] == name]


def assign(center: Center, arn: str, *args: str, stdin: str | None = None) -> Any:
    """Run ``poller assign ARN ARGS`` against the center, *stdin* piped in."""
    return subprocess.run(
        poller_command("assign", arn, *args, *center.options()),
        input=stdin,
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


# -- applying a plan ------------------------------------------------------------------------


def test_a_plan_is_applied_one_line_each(center: Center, tmp_path: Path) -> None:
    """Exit 0; a request's status object per assignment; the endpoint holds the plan, exactly."""
    arn, ps = rollout(center.simulator)
    plan = plan_of(ps)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))

    done = assign(center, arn, "--plan", str(path))

    assert 0 == done.returncode, done.stderr
    lines = json_lines(done.stdout)
    assert [ACCOUNTS] == [tuple(sorted(line["TargetId"] for line in lines))]
    for line in lines:
        assert {arn} == {line["InstanceArn"]}
        assert ("SUCCEEDED", GROUP, ps) == (
            line["Status"],
            line["PrincipalId"],
            line["PermissionSetArn"],
        )
        assert "Outcome" not in line
    assert planned(plan) == held(center.simulator, arn)
    assert {line["RequestId"] for line in lines} == {
        r.request_id for r in center.simulator.requests if r.operation.startswith("Describe")
    }
    assert 3 == center.simulator.calls("CreateAccountAssignment")


def test_running_it_again_is_unchanged_and_writes_nothing(center: Center) -> None:
    """A second run finds every assignment in place: `unchanged` each, no write sent."""
    arn, ps = rollout(center.simulator)
    plan = as_lines(plan_of(ps))
    first = assign(center, arn, "--plan", "-", stdin=plan)
    sent = writes(center.simulator)

    again = assign(center, arn, "--plan", "-", stdin=plan)

    assert (0, 0) == (first.returncode, again.returncode), again.stderr
    assert sent == writes(center.simulator) == 3
    expected = [{"Outcome": "unchanged", **item, "InstanceArn": arn} for item in plan_of(ps)]
    assert sorted(expected, key=str) == sorted(json_lines(again.stdout), key=str)
    assert 3 == len(events(again.stderr, "rollout.unchanged"))


def test_delete_removes_the_plan_then_is_unchanged(center: Center) -> None:
    """--delete: DeleteAccountAssignment each, the endpoint holds none; again, all unchanged."""
    sim = center.simulator
    arn, ps = rollout(sim)
    for account in ACCOUNTS:
        sim.create_account_assignment(
            arn, ps, account, principal_type="GROUP", principal_id=GROUP, seconds=0
        )
    plan = as_lines(plan_of(ps))
    sim.create_account_assignment(arn, ps, ACCOUNTS[0], seconds=0)  # a user's: not the plan's
    sim.advance(1)

    deleted = assign(center, arn, "--plan", "-", "--delete", stdin=plan)
    again = assign(center, arn, "--plan", "-", "--delete", stdin=plan)

    assert 0 == deleted.returncode, deleted.stderr
    assert {"SUCCEEDED"} == {line["Status"] for line in json_lines(deleted.stdout)}
    assert 3 == sim.calls("DeleteAccountAssignment")
    assert {(ACCOUNTS[0], ps, "USER", USER)} == held(sim, arn)
    assert 0 == again.returncode, again.stderr
    assert ["unchanged"] * 3 == [line["Outcome"] for line in json_lines(again.stdout)]
    assert 0 == sim.calls("CreateAccountAssignment")


@pytest.mark.parametrize("layout", ["array", "lines", "documents", "array-on-stdin"])
def test_the_plan_reads_as_an_array_json_lines_or_documents(
    center: Center, tmp_path: Path, layout: str
) -> None:
    """A JSON array (jq -s), JSON lines, or indented documents: from a file or stdin, alike."""
    arn, ps = rollout(center.simulator)
    plan = plan_of(ps)
    plan[1]["InstanceArn"] = arn  # the ARN given: the same instance
    text = {
        "array": json.dumps(plan),
        "lines": as_lines(plan),
        "documents": "".join(json.dumps(item, indent=4) + "\n" for item in plan),
        "array-on-stdin": json.dumps(plan, indent=2),
    }[layout]
    path = tmp_path / "plan.json"
    path.write_text(text)
    source = ("-", text) if layout.endswith("stdin") else (str(path), None)

    done = assign(center, arn, "--plan", source[0], stdin=source[1])

    assert 0 == done.returncode, done.stderr
    assert 3 == len(json_lines(done.stdout))
    assert planned(plan) == held(center.simulator, arn)


def test_a_repeat_counts_once_with_a_warning(center: Center) -> None:
    """An assignment given twice is written once, printed once, and said on stderr."""
    arn, ps = rollout(center.simulator)
    plan = plan_of(ps)

    done = assign(center, arn, "--plan", "-", stdin=as_lines([*plan, plan[0]]))

    assert 0 == done.returncode, done.stderr
    assert 3 == len(json_lines(done.stdout)) == center.simulator.calls("CreateAccountAssignment")
    [warning] = events(done.stderr, "cli.duplicate_assignment")
    assert "document 4 on stdin repeats document 1 on stdin" in warning["message"]


def test_ordered_prints_in_the_plan_s_order(center: Center) -> None:
    """Unchanged ones end first (no request); --ordered prints each in the plan's order."""
    sim = center.simulator
    arn, ps = rollout(sim)
    for account in ACCOUNTS[1:]:
        sim.create_account_assignment(
            arn, ps, account, principal_type="GROUP", principal_id=GROUP, seconds=0
        )
    sim.advance(1)
    plan = as_lines(plan_of(ps))

    as_they_end = assign(center, arn, "--plan", "-", stdin=plan)
    sim.delete_account_assignment(arn, ps, ACCOUNTS[0], principal_type="GROUP", principal_id=GROUP)
    sim.advance(HELD)
    ordered = assign(center, arn, "--plan", "-", "--ordered", stdin=plan)

    assert (0, 0) == (as_they_end.returncode, ordered.returncode), ordered.stderr
    assert [*ACCOUNTS[1:], ACCOUNTS[0]] == [r["TargetId"] for r in json_lines(as_they_end.stdout)]
    assert list(ACCOUNTS) == [r["TargetId"] for r in json_lines(ordered.stdout)]


def test_output_text_names_each_assignment(center: Center) -> None:
    """--output text: the instance, the assignment's keys, then how it ended, tab-separated."""
    arn, ps = rollout(center.simulator)
    plan = as_lines(plan_of(ps, ACCOUNTS[:1]))
    assign(center, arn, "--plan", "-", stdin=plan)

    done = assign(center, arn, "--plan", "-", "--output", "text", stdin=plan)

    assert 0 == done.returncode, done.stderr
    assert f"{arn}\t{ACCOUNTS[0]}\t{ps}\tGROUP\t{GROUP}\tunchanged\n" == done.stdout


# -- failures -------------------------------------------------------------------------------


def test_a_failed_assignment_exits_1_with_the_summary_last(center: Center) -> None:
    """FAILED: exit 1, its line with AWS's reason; stderr ends with a count and what to do."""
    sim = center.simulator
    arn, ps = rollout(sim)
    sim.fail_assignments("The account is suspended.", account_id=ACCOUNTS[1])

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan_of(ps)))

    assert 1 == done.returncode, done.stderr
    by_account = {line["TargetId"]: line for line in json_lines(done.stdout)}
    failed = by_account[ACCOUNTS[1]]
    assert ("failed", "AccountAssignmentFailedError", "The account is suspended.") == (
        failed["Outcome"],
        failed["Error"]["Type"],
        failed["Error"]["Reason"],
    )
    assert ("FAILED", failed["RequestId"]) == (failed["Request"]["Status"], failed["RequestId"])
    assert {"Attempts", "Elapsed", *KEYS, "InstanceArn"} <= set(failed)
    assert {"SUCCEEDED"} == {by_account[a]["Status"] for a in (ACCOUNTS[0], ACCOUNTS[2])}
    last = json_lines(done.stderr)[-2:]
    assert ["cli.summary", "cli.error"] == [e["event"] for e in last]
    assert "1 of 3 did not get there: 1 failed." == last[0]["message"]
    assert (ACCOUNTS[1], GROUP, 1) == (
        last[1]["account_id"],
        last[1]["principal_id"],
        last[1]["exit_code"],
    )
    assert "run the same plan again" in last[1]["hint"]
    assert held(sim, arn) == planned(plan_of(ps)) - planned(plan_of(ps, ACCOUNTS[1:2]))


def test_a_denied_write_exits_4_naming_the_assignment(center: Center) -> None:
    """A write AWS denies ends its item `denied` (4): the line says which assignment."""
    arn, ps = rollout(center.simulator)
    center.simulator.add_fault(Fault.access_denied(count=None), operation="CreateAccountAssignment")

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan_of(ps, ACCOUNTS[:1])))

    assert 4 == done.returncode, done.stderr
    [line] = json_lines(done.stdout)
    assert ("denied", ACCOUNTS[0], arn) == (line["Outcome"], line["TargetId"], line["InstanceArn"])
    assert "RequestId" not in line
    assert None is line["Request"]


# -- --timeout 0: look once -----------------------------------------------------------------


@pytest.mark.parametrize("delete", [False, True], ids=["create", "delete"])
@pytest.mark.parametrize("done", [True, False], ids=["as-planned", "not-yet"])
def test_timeout_0_looks_once_and_writes_nothing(center: Center, delete: bool, done: bool) -> None:
    """0 if the end state is the plan's already, 3 if not yet; no write either way.

    As planned is in place for a creation, absent for a deletion.
    """
    sim = center.simulator
    arn, ps = rollout(sim)
    if done != delete:  # in place: as planned for a creation, not yet for a deletion
        for account in ACCOUNTS:
            sim.create_account_assignment(
                arn, ps, account, principal_type="GROUP", principal_id=GROUP, seconds=0
            )
        sim.advance(1)
    before = writes(sim)
    flags = ["--delete"] if delete else []

    looked = assign(center, arn, "--plan", "-", "--timeout", "0", *flags,
                    stdin=as_lines(plan_of(ps)))  # fmt: skip

    assert (0 if done else 3) == looked.returncode, looked.stderr
    lines = json_lines(looked.stdout)
    assert sorted(ACCOUNTS) == sorted(line["TargetId"] for line in lines)
    if done:
        assert {"unchanged"} == {line["Outcome"] for line in lines}
    else:
        assert {("timed-out", "WaitTimeoutError")} == {
            (line["Outcome"], line["Error"]["Type"]) for line in lines
        }
        state = "still in place" if delete else "not in place yet"
        assert all(f"{state}: looked once" in line["Error"]["Message"] for line in lines)
        assert "without --timeout 0" in events(looked.stderr, "cli.error")[0]["hint"]
    assert before == writes(sim)
    assert not [r for r in sim.requests if r.operation.endswith("Status")]  # nothing waited on
    assert not events(looked.stderr, "rollout.started")


@pytest.mark.parametrize("center", [{"assignment_seconds": HELD}], indirect=True)
def test_timeout_0_counts_a_request_in_progress_as_not_yet(center: Center) -> None:
    """A creation still IN_PROGRESS is not in place yet: 3, and nothing waited on."""
    sim = center.simulator
    arn, ps = rollout(sim)
    sim.create_account_assignment(arn, ps, ACCOUNTS[0], principal_type="GROUP", principal_id=GROUP)

    looked = assign(center, arn, "--plan", "-", "--timeout", "0",
                    stdin=as_lines(plan_of(ps, ACCOUNTS[:1])))  # fmt: skip

    assert 3 == looked.returncode, looked.stderr
    assert 0 == sim.calls("DescribeAccountAssignmentCreationStatus")


def test_no_region_is_said_for_each_assignment_before_any_request(center: Center) -> None:
    """No Region anywhere: botocore cannot make the client; each line says so, exit 2."""
    arn, ps = rollout(center.simulator)

    done = subprocess.run(
        poller_command("assign", arn, "--plan", "-", "--endpoint-url", center.endpoint_url),
        input=as_lines(plan_of(ps, ACCOUNTS[:2])),
        capture_output=True,
        text=True,
        env=command_env(),  # no AWS_REGION, no config file
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 2 == done.returncode, done.stderr
    lines = json_lines(done.stdout)
    assert list(ACCOUNTS[:2]) == sorted(line["TargetId"] for line in lines)
    assert {("invalid", "ConfigurationError", 0)} == {
        (line["Outcome"], line["Error"]["Type"], line["Attempts"]) for line in lines
    }
    assert "Pass --region" in done.stderr
    assert 0 == center.simulator.calls()


def test_a_write_found_done_without_a_request_prints_its_keys() -> None:
    """Reached with no request to show (a lost answer, the assignment found in place after)."""
    from poller import Assignment, AssignmentOutcome, Outcome, resources  # noqa: PLC0415
    from poller.cli._apply import assignment_report  # noqa: PLC0415

    arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
    ps = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
    item = Assignment(ACCOUNTS[0], ps, "GROUP", GROUP)

    kind = resources["account-assignment-creation"]

    report = assignment_report(AssignmentOutcome(item, Outcome.REACHED), arn, kind)

    assert {"Outcome": "reached", **item.to_api(), "InstanceArn": arn} == report.document
    assert (0, item) == (report.exit_code, report.key)
    assert report.text.endswith(f"{GROUP}\treached")
