"""`poller assign` as it runs: the service's limits, a terminal, a signal, a closed stdout.

The requests last until the test moves the simulator's clock on, when it sees what it waits
for (the request log, the command's stderr, the terminal): no verdict rests on how fast the
machine is.
"""

from __future__ import annotations

import collections
import json
import signal
import subprocess
from pathlib import Path

import pytest

from poller.simulator import Fault, RequestRecord

from .conftest import FAST, SUBPROCESS_TIMEOUT, Center, command_env, json_lines, poller_command
from .test_assign import (
    ACCOUNTS,
    GROUP,
    HELD,
    USER,
    as_lines,
    assign,
    events,
    held,
    plan_of,
    planned,
    rollout,
)
from .test_streams import run_redirected
from .test_terminal import COLUMNS, STATUS_LINE, run_on_terminal


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
