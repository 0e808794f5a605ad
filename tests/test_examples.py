"""The examples run, as a user would run them, against the local endpoint: they cannot rot."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from poller.simulator import Fault, RequestRecord, Simulator, serve_in_thread
from tests.fakes import KMS_KEY

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"
#: What examples/rollout.py reports for the accounts that --fail makes fail.
SUSPENDED = "The account is suspended (simulated by --fail)."
#: How long an example may run before the test calls it hung: about ten times what it needs on
#: a loaded machine (most take 1 to 6 s).
LIMIT = 120.0
#: Simulated seconds longer than any test, even at time scale 1000 (11 real days).
NEVER = 1e9


def finish_once_described(sim: Simulator) -> None:
    """Once the endpoint has answered a DescribeInstance, every lifecycle ends at once.

    The example runs in a process of its own, so the endpoint's request hook stands in for an
    on_event hook. A lifecycle of NEVER is still in its state in between when that answer is
    made, however slow the machine (the hook runs after it); the example's next poll finds the
    end.
    """

    def hook(record: RequestRecord) -> None:
        if record.operation == "DescribeInstance" and record.status == 200:
            sim.on_request = None
            sim.advance(2 * NEVER)

    sim.on_request = hook


@pytest.fixture
def sim() -> Simulator:
    """A simulator whose minute takes 60 ms."""
    return Simulator(time_scale=1000.0)


@pytest.fixture
def run(sim: Simulator, tmp_path: pathlib.Path) -> Iterator[Any]:
    """Run an example with the endpoint, region and dummy credentials a user would give."""
    env = os.environ | {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with serve_in_thread(sim) as server:

        def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
            command = [sys.executable, str(EXAMPLES / name), *args]
            command += ["--region", "us-east-1", "--endpoint-url", server.endpoint_url]
            return subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=LIMIT, check=False
            )

        yield run


@pytest.mark.real_time
def test_provision_waits_until_active(run: Any, sim: Simulator) -> None:
    """Creates over the wire, waits through CREATE_IN_PROGRESS, prints the identity store."""
    sim.create_seconds = NEVER  # the first poll finds it in progress; the hook then ends it
    finish_once_described(sim)

    done = run("provision_instance.py", "--name", "example")

    assert 0 == done.returncode, done.stderr
    assert "is ACTIVE; identity store d-" in done.stdout
    assert 1 == sim.calls("CreateInstance")
    assert 2 <= sim.calls("DescribeInstance")


def test_provision_reports_a_failed_creation(run: Any, sim: Simulator) -> None:
    """A CREATE_FAILED instance is reported with AWS's reason and exit code 1."""
    sim.create_fail_reason = "Quota of instances reached"
    sim.create_seconds = 0

    done = run("provision_instance.py", "--name", "example")

    assert 1 == done.returncode
    assert "creation failed: Quota of instances reached" == done.stderr.splitlines()[-1]


@pytest.mark.real_time
def test_delete_waits_until_gone(run: Any, sim: Simulator) -> None:
    """Deletes, waits through DELETE_IN_PROGRESS until DescribeInstance is denied."""
    arn = sim.create_instance("doomed", create_seconds=0)
    sim.delete_seconds = NEVER  # the first poll finds it in progress; the hook then ends it
    finish_once_described(sim)

    done = run("delete_instance.py", arn)

    assert 0 == done.returncode, done.stderr
    assert "DELETE_IN_PROGRESS -> gone" in done.stdout


def test_delete_of_an_instance_already_gone(run: Any, sim: Simulator) -> None:
    """An instance that is already gone is what a teardown wants: said plainly, exit 0."""
    arn = sim.create_instance("doomed", create_seconds=0)
    sim.delete_seconds = 0
    sim.delete_instance(arn)

    done = run("delete_instance.py", arn)

    assert 0 == done.returncode, done.stderr
    assert f"{arn} is already gone: nothing to delete\n" == done.stdout
    assert "Traceback" not in done.stderr


def test_delete_denied_is_not_gone(run: Any, sim: Simulator) -> None:
    """DeleteInstance denied for an instance that is still listed: a clear message, exit 4."""
    arn = sim.create_instance("kept", create_seconds=0)
    sim.add_fault(Fault.access_denied(), operation="DeleteInstance")

    done = run("delete_instance.py", arn)

    assert 4 == done.returncode, done.stderr
    assert done.stderr.startswith(f"cannot delete {arn}: AccessDeniedException")
    assert "Traceback" not in done.stderr


def test_rotate_waits_until_enabled(run: Any, sim: Simulator) -> None:
    """UpdateInstance to a customer managed key, then ENABLED."""
    arn = sim.create_instance("example", create_seconds=0)
    sim.update_seconds = 0

    done = run("rotate_kms_key.py", arn, KMS_KEY)

    assert 0 == done.returncode, done.stderr
    assert f"now encrypted with {KMS_KEY}" in done.stdout


def test_rotate_reports_update_failed(run: Any, sim: Simulator) -> None:
    """UPDATE_FAILED is reported with its reason and exit code 1."""
    arn = sim.create_instance("example", create_seconds=0)
    sim.update_seconds = 0
    sim.reject_kms_key(KMS_KEY, "The key policy does not allow Identity Center to use the key")

    done = run("rotate_kms_key.py", arn, KMS_KEY)

    assert 1 == done.returncode
    assert "does not allow Identity Center" in done.stderr


@pytest.mark.real_time
def test_watch_prints_states_and_json_events(run: Any, sim: Simulator) -> None:
    """States on stdout; every poller event a JSON line on stderr."""
    arn = sim.create_instance("example", create_seconds=NEVER)  # however slow the start-up
    finish_once_described(sim)

    done = run("watch_with_json_logs.py", arn)

    assert 0 == done.returncode, done.stderr
    assert "now CREATE_IN_PROGRESS\nnow ACTIVE\n" == done.stdout
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert "wait.started" == events[0]["event"]
    assert "wait.succeeded" == events[-1]["event"]
    assert all(e["instance_arn"] == arn and "timestamp" in e for e in events)


@pytest.mark.real_time
def test_orchestration_job_resumes_against_the_saved_deadline(
    run: Any, sim: Simulator, tmp_path: pathlib.Path
) -> None:
    """Stopped early it exits 75 and keeps its deadline; run again, it finishes against it."""
    arn = sim.create_instance("example", create_seconds=10**7)
    state = tmp_path / "job.json"

    stopped = run("orchestration_job.py", arn, "--state-file", str(state), "--stop-after", "0.5")
    saved = state.read_text()
    sim.set_status(arn, "ACTIVE")
    finished = run("orchestration_job.py", arn, "--state-file", str(state))

    assert 75 == stopped.returncode, stopped.stderr
    assert "run again to resume" in stopped.stderr
    assert json.loads(saved)["deadline"] > 0
    assert 0 == finished.returncode, finished.stderr
    assert f"{arn} is ACTIVE" in finished.stdout
    assert not state.exists()


def test_orchestration_job_past_its_deadline(
    run: Any, sim: Simulator, tmp_path: pathlib.Path
) -> None:
    """A restart after the saved deadline gives up at once with exit code 3."""
    arn = sim.create_instance("example")
    state = tmp_path / "job.json"
    state.write_text(json.dumps({"deadline": 1.0}))

    done = run("orchestration_job.py", arn, "--state-file", str(state))

    assert 3 == done.returncode
    assert 0 == sim.calls("DescribeInstance")


def test_many_accounts_waits_for_all(run: Any, sim: Simulator) -> None:
    """One instance per account, all waited on at once: each account's outcome, exit 0."""
    sim.create_seconds = 0

    done = run("many_accounts.py", "111111111111", "222222222222", "333333333333")

    assert 0 == done.returncode, done.stderr
    assert ["111111111111: ACTIVE", "222222222222: ACTIVE", "333333333333: ACTIVE"] == (
        done.stdout.splitlines()
    )
    assert 3 == sim.calls("CreateInstance")


def test_many_accounts_reports_each_failure(run: Any, sim: Simulator) -> None:
    """A failed account is reported with its reason, and the job exits 1."""
    sim.create_seconds = 0
    sim.create_fail_reason = "Quota reached"

    done = run("many_accounts.py", "111111111111", "222222222222")

    assert 1 == done.returncode
    assert all("Quota reached" in line for line in done.stdout.splitlines())


@pytest.fixture
def run_in_process(tmp_path: pathlib.Path) -> Any:
    """Run an example with no endpoint: it serves its own local endpoint, in its process."""
    env = os.environ | {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }

    def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(EXAMPLES / name), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=LIMIT,
            check=False,
        )

    return run


def report(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines of the rollout's report: the assignment count, then the failures by kind."""
    lines = done.stdout.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("assignments: ")) :]


def test_rollout_in_process_succeeds(run_in_process: Any) -> None:
    """Every step, then 200 assignments: all created, nothing to report, exit 0."""
    done = run_in_process("rollout.py")

    assert 0 == done.returncode, done.stderr
    assert "Region eu-west-1, ABAC and permission set arn:aws:sso:::permissionSet/" in done.stdout
    assert ["assignments: 200 requested, 200 in place (200 created, 0 already there)"] == report(
        done
    )


def test_rollout_in_process_reports_injected_failures(run_in_process: Any) -> None:
    """--fail 3: three assignments FAILED with their reason, counted by kind, exit 1."""
    done = run_in_process("rollout.py", "--fail", "3")

    assert 1 == done.returncode, done.stderr
    assert [
        "assignments: 200 requested, 197 in place (197 created, 0 already there)",
        "failed: 3",
        f"  210000000050: {SUSPENDED}",
        f"  210000000100: {SUSPENDED}",
        f"  210000000150: {SUSPENDED}",
    ] == report(done)


def test_rollout_reports_each_kind_over_the_wire(run: Any, sim: Simulator) -> None:
    """Throttles and conflicts are retried; a denial is not; FAILED ones by kind; exit 1.

    Each assignment is written once, but for the throttled and conflicting writes.
    """
    sim.fail_assignments("Suspended", account_id="210000000150")
    sim.fail_assignments("Closed", account_id="210000000199")
    sim.add_fault(Fault.throttling(count=3), operation="CreateAccountAssignment")
    sim.add_fault(Fault.error("ConflictException", count=2), operation="CreateAccountAssignment")
    sim.add_fault(Fault.access_denied(), operation="CreateAccountAssignment")

    done = run("rollout.py")

    assert 1 == done.returncode, done.stderr
    lines = report(done)
    assert [
        "assignments: 200 requested, 197 in place (197 created, 0 already there)",
        "denied: 1",
    ] == lines[:2]
    assert lines[2].endswith("User is not authorized to perform this action (simulated).")
    assert ["failed: 2", "  210000000150: Suspended", "  210000000199: Closed"] == lines[3:]
    assert 200 + 3 + 2 == sim.calls("CreateAccountAssignment")


def test_rollout_reports_the_quota(run: Any, sim: Simulator) -> None:
    """ServiceQuotaExceeded is not retried: those accounts are errors, in AWS's words."""
    sim.assignment_quota = 197

    done = run("rollout.py")

    assert 1 == done.returncode, done.stderr
    lines = report(done)
    assert "assignments: 200 requested, 197 in place (197 created, 0 already there)" == lines[0]
    assert "error: 3" == lines[1]
    assert lines[2].endswith(": The instance already has 197 account assignments, its quota.")
    assert 5 == len(lines)
    assert 200 == sim.calls("CreateAccountAssignment")


def test_rollout_stops_at_a_failed_step(run: Any, sim: Simulator) -> None:
    """ABAC CREATION_FAILED stops the rollout with its reason and exit 1: no assignment."""
    sim.access_control_fail_reason = "The attribute path is unknown"

    done = run("rollout.py")

    assert 1 == done.returncode
    assert "rollout stopped: " in done.stderr
    assert "The attribute path is unknown" in done.stderr
    assert 0 == sim.calls("CreateAccountAssignment")


@pytest.mark.parametrize("fail", ["201", "-1"])
def test_rollout_refuses_a_bad_fail_count(run_in_process: Any, fail: str) -> None:
    """--fail outside 0..200 is a usage error, exit 2."""
    done = run_in_process("rollout.py", "--fail", fail)

    assert 2 == done.returncode
    assert "--fail must be between 0 and 200" in done.stderr


def test_rollout_fail_needs_the_in_process_endpoint(run: Any, sim: Simulator) -> None:
    """--fail with an endpoint it cannot arm: a usage error before any request."""
    done = run("rollout.py", "--fail", "1")

    assert 2 == done.returncode
    assert "--fail arms the in-process endpoint only" in done.stderr
    assert 0 == sim.calls()


@pytest.fixture
def run_script(sim: Simulator, tmp_path: pathlib.Path) -> Iterator[Any]:
    """Run the shell example with the command on PATH, pointed at the local endpoint."""
    env = os.environ | {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    with serve_in_thread(sim) as server:

        def run(*arn: str) -> subprocess.CompletedProcess[str]:
            if not arn:  # as a user would call it by mistake: nothing at all
                return subprocess.run(
                    ["bash", str(EXAMPLES / "wait_in_ci.sh")],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=LIMIT,
                    check=False,
                )
            return subprocess.run(
                [
                    "bash",
                    str(EXAMPLES / "wait_in_ci.sh"),
                    *arn,
                    "--endpoint-url",
                    server.endpoint_url,
                    "--region",
                    "us-east-1",
                    "--min-delay",
                    "10ms",
                    "--max-delay",
                    "50ms",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=LIMIT,
                check=False,
            )

        yield run


def test_shell_script_ready(run_script: Any, sim: Simulator) -> None:
    """The script reads the identity store from poller's JSON and exits 0."""
    arn = sim.create_instance("example", create_seconds=30)

    done = run_script(arn)

    assert 0 == done.returncode, done.stderr
    assert done.stdout.startswith("ready: identity store d-")


def test_shell_script_acts_on_the_exit_code(run_script: Any, sim: Simulator) -> None:
    """A failed creation exits 1 with the script's own advice."""
    arn = sim.create_instance("example", create_seconds=0, fail_reason="Quota reached")

    done = run_script(arn)

    assert 1 == done.returncode
    assert "will not recover" in done.stderr


def test_shell_script_without_arguments(run_script: Any, sim: Simulator) -> None:
    """No ARN: a usage line and exit 2, not an unbound variable."""
    done = run_script()

    assert 2 == done.returncode
    assert done.stderr.startswith("usage: ")
    assert "unbound variable" not in done.stderr
    assert 0 == sim.calls()


def _tree(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The span tree tracing.py printed: the lines before the blank one, durations dropped."""
    lines = done.stdout.split("\n\n")[0].splitlines()
    return [re.sub(r"  \d+ ms( in all)?", "", line) for line in lines]


def test_tracing_prints_the_rollouts_trace(run_in_process: Any) -> None:
    """A span per wait with aiobotocore's requests under it; the rollout's under its span."""
    done = run_in_process("tracing.py")

    assert 0 == done.returncode, done.stderr
    tree = _tree(done)
    assert "rollout" == tree[0]
    assert "├─ SSO Admin.CreateInstance  (HTTP 200)" == tree[1]
    assert tree[2].startswith("├─ wait instance  (reached, ")
    assert tree[3].startswith("│  · instance.status_changed ")  # how many: the machine's speed
    assert any(line.startswith("│  └─ SSO Admin.DescribeInstance") for line in tree)
    assert any(line.startswith("│  └─ SSO Admin.DescribeRegion") for line in tree)
    rollout = tree.index("└─ rollout account-assignment-creation  (5 reached)")
    slots = [line for line in tree[rollout:] if line.startswith("   · rollout.request_started ")]
    accounts = [str(210_000_000_000 + i) for i in range(5)]
    assert sorted(f"   · rollout.request_started {a}" for a in accounts) == sorted(slots)
    assert "   · rollout.finished 5 reached, 0 unchanged, 0 failed, 0 throttled" in tree[rollout:]
    assert any(line.startswith("   ├─ SSO Admin.CreateAccountAssignment") for line in tree)
    assert any("─ SSO Admin.DescribeAccountAssignmentCreationStatus" in line for line in tree)
    assert not any(line.strip(" │├└─").startswith("wait account-assign") for line in tree)
    metrics = done.stdout.split("\n\n")[1].split()
    assert {"poller.wait.duration", "poller.polls", "poller.waits.active"} <= set(metrics)


def test_tracing_with_member_spans_over_the_wire(run: Any, sim: Simulator) -> None:
    """--member-spans: the rollout's five waits are spans of its own, each with its request."""
    done = run("tracing.py", "--member-spans")

    assert 0 == done.returncode, done.stderr
    tree = _tree(done)
    members = [line for line in tree if line.strip(" │├└─").startswith("wait account-assign")]
    assert 5 == len(members)
    assert all(line.startswith(("   ├─ wait ", "   └─ wait ")) for line in members)
    assert "└─ rollout account-assignment-creation  (5 reached)" in tree
    assert 5 == sum("─ SSO Admin.DescribeAccountAssignmentCreationStatus" in line for line in tree)
    assert 5 == sim.calls("CreateAccountAssignment")
