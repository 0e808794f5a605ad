"""`poller assign ARN --plan FILE|-`: a plan of assignments applied over real HTTP.

Each test runs the real command in a subprocess against the simulator in this process, and
reads its stdout (one JSON line per assignment) and its stderr (JSON events). What the endpoint
holds afterwards is read off the simulator's state, and what was sent off its request log.
Where a test needs requests in progress, their lifecycles last longer than any test and the
test moves the simulator's clock on when it sees what it waits for (the request log, the
command's stderr or the terminal): no verdict rests on how fast the machine is.
"""

from __future__ import annotations

import collections
import json
import os
import pty
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from poller.cli._stdin import quote
from poller.simulator import Fault, RequestRecord, Simulator

from .conftest import (
    FAST,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)
from .test_stdin import HUGE, LONG_RUN, run_with_open_stdin
from .test_streams import run_redirected
from .test_terminal import COLUMNS, STATUS_LINE, run_on_terminal

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


def test_a_closed_stdout_is_74_before_any_request(center: Center, tmp_path: Path) -> None:
    """Results nobody can read: exit 74, and nothing is asked of AWS."""
    arn, ps = rollout(center.simulator)
    path = tmp_path / "plan.json"
    path.write_text(as_lines(plan_of(ps)))

    done = run_redirected(">&-", "assign", arn, "--plan", str(path), *center.options())

    assert 74 == done.returncode, done.stderr
    assert 0 == center.simulator.calls()


@pytest.mark.parametrize("center", [{"assignment_seconds": HELD}], indirect=True)
def test_a_signal_cancels_the_rollout_each_line_cancelled(center: Center, tmp_path: Path) -> None:
    """SIGTERM while requests run: a cancelled line per assignment, exit 143."""
    arn, ps = rollout(center.simulator)
    path = tmp_path / "plan.json"
    path.write_text(as_lines(plan_of(ps)))
    with subprocess.Popen(
        poller_command("assign", arn, "--plan", str(path), "--max-outstanding", "2",
                       *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:  # fmt: skip
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # both slots' requests have had an answer: they run
            seen.append(line)
            if sum("account_assignment.status_changed" in s for s in seen) == 2:
                break
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    stderr = "".join(seen) + stderr

    assert 143 == process.returncode, stderr
    results = json_lines(stdout)
    assert sorted(ACCOUNTS) == sorted(r["TargetId"] for r in results)
    assert {("cancelled", "SIGTERM")} == {(r["Outcome"], r["Signal"]) for r in results}
    started = {e["request_id"] for e in events(stderr, "rollout.request_started")}
    assert started == {r["RequestId"] for r in results if "RequestId" in r}
    assert 2 == len(started) == center.simulator.calls("CreateAccountAssignment")


# -- refused before any request -------------------------------------------------------------


def test_bad_items_are_all_listed_in_one_error_and_nothing_is_sent(
    center: Center, tmp_path: Path
) -> None:
    """Every item the service model refuses is listed where it was read; exit 2, no request."""
    arn, ps = rollout(center.simulator)
    other, _ = rollout(center.simulator)
    plan = plan_of(ps, (*ACCOUNTS, "1234", "555566667777", "888899990000", "999900001111"))
    plan[3]["TargetId"] = "1234"
    plan[4]["PrincipalType"] = "ROBOT"
    plan[5]["PermissionSetArn"] = ps.replace(arn.rpartition("/")[2], other.rpartition("/")[2])
    plan[6]["PrincipalId"] = "not-an-id"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))

    done = run_poller("assign", arn, "--plan", str(path), *center.options())

    assert 2 == done.returncode, done.stderr
    [error] = events(done.stderr, "cli.usage_error")
    message = error["message"]
    assert "4 of the 7 assignments of the plan cannot be sent, and nothing was" in message
    for number, words in [
        (4, "account ID '1234': expected 12 digits"),
        (5, "principal type 'ROBOT': expected USER or GROUP"),
        (6, "permission set ARN 'arn:aws:sso:::permissionSet/"),
        (7, "principal ID 'not-an-id'"),
    ]:
        assert f"item {number} of document 1 in {quote(str(path))}: {words}" in message
    assert f"belongs to instance {other.rpartition('/')[2]}" in message
    assert "item 1 of" not in message
    assert 0 == center.simulator.calls()


def test_another_instance_s_arn_in_the_plan_is_refused(center: Center) -> None:
    """An item's InstanceArn must be the ARN given: refused at that item, nothing sent."""
    arn, ps = rollout(center.simulator)
    other, _ = rollout(center.simulator)
    plan = plan_of(ps)
    plan[1]["InstanceArn"] = other

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan))

    assert 2 == done.returncode, done.stderr
    [error] = events(done.stderr, "cli.usage_error")
    assert f"document 2 on stdin is for instance '{other}', not {arn}" in error["message"]
    assert 0 == center.simulator.calls()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("16", "16 is not from 1 to 15: IAM Identity Center allows at most 15"),
        ("0", "0 is not from 1 to 15"),
        ("many", "'many' is not a whole number"),
    ],
)
def test_max_outstanding_is_from_1_to_15(value: str, words: str) -> None:
    """Above the service's limit (or below one) is a usage error saying why, before anything."""
    done = run_poller(
        "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "-",
        "--max-outstanding", value,
    )  # fmt: skip

    assert 2 == done.returncode, done.stderr
    assert "Invalid value for '--max-outstanding'" in done.stderr
    assert words in " ".join(done.stderr.split())


def test_max_outstanding_is_the_library_s_limit() -> None:
    """The command's most is the library's, which refuses one more."""
    from poller._rollout._plan import MAX_OUTSTANDING, check_max_outstanding  # noqa: PLC0415
    from poller.cli._assign import MAX_OUTSTANDING as COMMAND_MOST  # noqa: PLC0415

    assert MAX_OUTSTANDING == COMMAND_MOST
    with pytest.raises(ValueError, match="from 1 to 15"):
        check_max_outstanding(COMMAND_MOST + 1)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("not-json\n" * 1000, "line 1 of stdin is not JSON ('not-json')"),
        ('[{"TargetId": "111122223333", "Foo": 1},\n' * 1000, "holds 'Foo', which"),
        ("[1,\n" * 1000, "item 1 of document 1 on stdin is a number ('1'), not an object"),
        ('{"TargetId": "1"}\n' * 1000, "has no PermissionSetArn, PrincipalType, PrincipalId"),
        ("x" * HUGE, "goes on for over 1024 characters"),
        ('["' + "y" * HUGE, "goes on for over 1 MiB"),
        ("{not json " + "z" * HUGE, "is not JSON at line 1, column 2"),
    ],
    ids=["text", "unknown-key", "not-an-object", "missing-keys", "long-word", "long-json",
         "garbage"],
)  # fmt: skip
def test_the_first_item_that_is_no_input_is_refused_unread_rest(stdin: str, words: str) -> None:
    """Exit 2 at the first item that is not an assignment's input, stdin still open; short."""
    done = run_with_open_stdin(
        stdin, "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "-"
    )

    assert 2 == done.returncode, done.stderr[:2000]
    assert words in " ".join(done.stderr.split())
    assert len(done.stderr) < 1200, done.stderr[:2000]
    assert not LONG_RUN.search(done.stderr), done.stderr[:2000]
    assert "" == done.stdout


def test_a_plan_of_another_target_type_is_refused(center: Center) -> None:
    """TargetType is AWS_ACCOUNT, or left out."""
    arn, ps = rollout(center.simulator)
    plan = plan_of(ps)
    plan[0]["TargetType"] = "ORGANIZATIONAL_UNIT"

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan))

    assert 2 == done.returncode, done.stderr
    assert "TargetType 'ORGANIZATIONAL_UNIT': an assignment's is AWS_ACCOUNT" in done.stderr
    assert 0 == center.simulator.calls()


@pytest.mark.parametrize("source", ["-", "file"])
def test_an_empty_plan_is_refused_unless_allow_empty(
    center: Center, tmp_path: Path, source: str
) -> None:
    """Nothing to do is exit 2, as an empty stdin is elsewhere; --allow-empty accepts it."""
    arn, _ = rollout(center.simulator)
    path = tmp_path / "empty.json"
    path.write_text("[]\n")
    where = "-" if source == "-" else str(path)
    stdin = "\n" if source == "-" else None

    refused = assign(center, arn, "--plan", where, stdin=stdin)
    allowed = assign(center, arn, "--plan", where, "--allow-empty", stdin=stdin)

    assert 2 == refused.returncode, refused.stderr
    assert "holds no assignment" in refused.stderr
    assert "--allow-empty" in refused.stderr
    assert 0 == allowed.returncode, allowed.stderr
    assert "" == allowed.stdout
    assert 1 == len(events(allowed.stderr, "cli.empty_plan"))
    assert 0 == center.simulator.calls()


def test_a_plan_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """A missing file is a usage error naming it (quoted short), before anything else."""
    missing = tmp_path / ("m" * 200) / "plan.json"

    done = run_poller(
        "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", str(missing)
    )

    assert 2 == done.returncode, done.stderr
    assert "cannot be read (No such file or directory)" in done.stderr
    assert not LONG_RUN.search(done.stderr), done.stderr


def test_a_terminal_is_told_what_to_type_and_how_to_end_it(center: Center) -> None:
    """`--plan -` on a terminal says on stderr what it reads and that Ctrl-D ends it."""
    arn, ps = rollout(center.simulator)
    leader, follower = pty.openpty()
    with subprocess.Popen(
        poller_command("assign", arn, "--plan", "-", *center.options()),
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        os.close(follower)
        assert process.stderr is not None
        watchdog = threading.Timer(SUBPROCESS_TIMEOUT, process.kill)
        watchdog.start()
        seen = []
        for line in process.stderr:  # nothing is typed until the command says what it wants
            seen.append(line)
            if "cli.reading_stdin" in line:
                break
        os.write(leader, as_lines(plan_of(ps, ACCOUNTS[:1])).encode())
        os.write(leader, b"\x04")  # Ctrl-D: the end of the input
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
        watchdog.cancel()
    os.close(leader)

    assert 0 == process.returncode, "".join(seen) + stderr
    [prompt] = events("".join(seen), "cli.reading_stdin")
    assert "Ctrl-D" in prompt["message"]
    assert "CreateAccountAssignment" in prompt["message"]
    assert [ACCOUNTS[0]] == [r["TargetId"] for r in json_lines(stdout)]


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


# -- the service's limits -------------------------------------------------------------------


def plan_of_40(ps: str) -> list[dict[str, str]]:
    """40 assignments: the group and a user in each of 20 accounts."""
    items = []
    for n in range(20):
        for kind, principal in (("GROUP", GROUP), ("USER", USER)):
            items.append({
                "TargetId": f"{210_000_000_000 + n}",
                "PermissionSetArn": ps,
                "PrincipalType": kind,
                "PrincipalId": principal,
            })  # fmt: skip
    return items


@pytest.mark.parametrize(
    "center", [{"aws_limits": True, "assignment_seconds": HELD}], indirect=True
)
def test_40_items_never_pass_max_outstanding(center: Center) -> None:
    """With the service's limits on, --max-outstanding 5: 5 in progress at most, and filled.

    The requests last until the test moves the clock on: once five are in progress and the
    rollout polls (it has nothing left to write until one ends), and once the last is written.
    A rollout that wrote past five would have more IN_PROGRESS before any ends.
    """
    sim = center.simulator
    arn, ps = rollout(sim)
    plan = plan_of_40(ps)
    accepted: collections.Counter[str] = collections.Counter()

    def drive(record: RequestRecord) -> None:
        if record.operation == "CreateAccountAssignment" and record.status == 200:
            accepted[f"{record.target_id} {record.principal_id}"] += 1
        polling = record.operation.endswith("AccountAssignmentCreationStatus")
        running = sim.outstanding_by_instance().get(arn, 0)
        if running and (sum(accepted.values()) == len(plan) or (polling and running >= 5)):
            sim.advance(HELD)

    sim.on_request = drive
    done = assign(center, arn, "--plan", "-", "--max-outstanding", "5",
                  stdin=as_lines(plan))  # fmt: skip

    assert 0 == done.returncode, done.stderr
    assert 40 == len(json_lines(done.stdout))
    counters = sim.limit_counters()
    assert (5, 0, 0) == (
        counters.peak_outstanding,
        counters.throttled_outstanding,
        counters.conflicts,
    )
    assert {1} == set(accepted.values())
    assert 40 == len(accepted)
    [started] = events(done.stderr, "rollout.started")
    [finished] = events(done.stderr, "rollout.finished")
    assert (40, 5) == (started["items"], started["max_outstanding"])
    assert (40, 5) == (finished["reached"], finished["peak_outstanding"])
    assert planned(plan) == held(sim, arn)


# -- on a terminal ----------------------------------------------------------------------------


@pytest.mark.parametrize("center", [{"assignment_seconds": HELD}], indirect=True)
def test_a_terminal_shows_done_in_progress_waiting_and_throttled(
    center: Center, tmp_path: Path
) -> None:
    """The live line counts the items; the end is one line for a person.

    Two slots, four assignments, the first write throttled once. The requests run until the
    test moves the clock on, once the line shows both slots taken and two waiting.
    """
    sim = center.simulator
    arn, ps = rollout(sim)
    sim.add_fault(Fault.throttling(count=1), operation="CreateAccountAssignment")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_of(ps, (*ACCOUNTS, "999988887777"))))
    full = "4 assignments: 0 done · 2 in progress · 2 waiting for a slot · 1 throttled"
    second = "4 assignments: 2 done · 2 in progress · 1 throttled"
    waiting_for = [full, second]

    def react(screen: str, process: object) -> None:
        """Once the line it waits for is drawn, and two requests run, end both."""
        drawn = STATUS_LINE.findall(screen)
        if not waiting_for or not any(line.startswith(waiting_for[0]) for line in drawn):
            return
        # A write being retried holds its slot (in progress) before its request exists.
        if sim.outstanding_by_instance().get(arn, 0) == 2:
            waiting_for.pop(0)
            sim.advance(HELD)

    code, screen = run_on_terminal(
        "assign", arn, "--plan", str(path), "--max-outstanding", "2",
        "--endpoint-url", center.endpoint_url, "--region", sim.region, *FAST, react=react,
    )  # fmt: skip

    assert 0 == code, screen
    lines = STATUS_LINE.findall(screen)
    assert any(line.startswith(full) for line in lines), lines
    assert any(line.startswith(second) for line in lines), lines
    assert all(len(line) < COLUMNS for line in lines), lines
    assert "✓ 4 assignments as planned: 4 created." in screen
    assert f"{arn}\t{ACCOUNTS[0]}\t{ps}\tGROUP\t{GROUP}\tSUCCEEDED\t" in screen


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
