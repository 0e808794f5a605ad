"""A rollout killed with SIGKILL at several points, then run again: the plan, exactly, once.

Two processes beside the test: the simulator (``python -m poller.simulator --aws-limits``,
log-normal lifecycles far longer than the test at its real-time clock), and the rollout
(tests/rollout_child.py), started afresh for each run. The test reads the simulator's request
log (``GET /_poller/requests``) and kills the rollout with SIGKILL once the endpoint has
accepted a given number of CreateAccountAssignment calls, whatever the time. It moves the
simulated clock itself (``POST /_poller/time``): only while the instance's fifteen slots are
full, and past every lifecycle once the rollout has accounted for every assignment, so that
what is IN_PROGRESS when a run is killed depends on the events, not on the machine's speed.
The clock does not move before the first kill: every request the first run started is still
IN_PROGRESS when the second starts, and the second adopts exactly those.
"""

from __future__ import annotations

import collections
import json
import signal
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import boto3
import pytest

from tests.simulator.running import Running

CHILD: Final = Path(__file__).with_name("rollout_child.py")
#: Requests a second of the simulator's bucket and of the rollout's limiter.
RATE: Final = 200
#: The simulated seconds the clock moves while the fifteen slots are full.
STEP: Final = 300.0
#: Past every lifecycle (a median of 600 s, a sigma of 0.5).
FOREVER: Final = 1e9
#: Generous bounds on the waits below, which are for events, not for time.
PATIENCE: Final = 120.0
GROUP: Final = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
USER: Final = "94482488-3041-7026-18f3-be45837cd0e4"
#: After how many accepted CreateAccountAssignment calls (all runs together) each run is killed.
KILL_AFTER: Final = (5, 20, 35)

Key = tuple[str, str, str, str]


class Endpoint:
    """The simulator in its own process, and what the test asks of it."""

    def __init__(self, server: Running) -> None:
        self.server = server
        self.url = server.line()
        self.arn = server.line()
        self.client = boto3.client(
            "sso-admin",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """An admin request: GET, or POST with *body*."""
        data = None if body is None else json.dumps(body).encode()
        with urllib.request.urlopen(f"{self.url}/_poller/{path}", data=data) as answer:
            return json.loads(answer.read())

    def accepted(self) -> collections.Counter[Key]:
        """The CreateAccountAssignment calls the endpoint accepted, per assignment (the log)."""
        return collections.Counter(
            (r["target_id"], r["permission_set_arn"], r["principal_type"], r["principal_id"])
            for r in self.admin("requests")["requests"]
            if r["operation"] == "CreateAccountAssignment" and r["status"] == 200
        )

    def outstanding(self) -> int:
        """Requests IN_PROGRESS on the instance now."""
        return int(self.admin("limits")["counters"]["outstanding_writes"].get(self.arn, 0))

    def advance(self, seconds: float) -> None:
        """Move the simulated clock on."""
        self.admin("time", {"advance": seconds})

    def in_progress(self) -> set[str]:
        """The creation requests IN_PROGRESS, listed over the wire."""
        found: set[str] = set()
        for page in self.client.get_paginator("list_account_assignment_creation_status").paginate(
            InstanceArn=self.arn, Filter={"Status": "IN_PROGRESS"}
        ):
            found |= {s["RequestId"] for s in page["AccountAssignmentsCreationStatus"]}
        return found

    def listed(self, pairs: set[tuple[str, str]]) -> set[Key]:
        """The assignments ListAccountAssignments lists for each account and permission set."""
        found: set[Key] = set()
        paginator = self.client.get_paginator("list_account_assignments")
        for account, permission_set in pairs:
            for page in paginator.paginate(
                InstanceArn=self.arn, AccountId=account, PermissionSetArn=permission_set
            ):
                found |= {
                    (a["AccountId"], a["PermissionSetArn"], a["PrincipalType"], a["PrincipalId"])
                    for a in page["AccountAssignments"]
                }
        return found


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """The simulator with the service's limits, served by another process."""
    with Running(
        "--aws-limits",
        f"--aws-rate={RATE}",
        "--aws-burst=20",
        "--assignment-seconds=600",
        "--assignment-sigma=0.5",
        "--lifecycle-seed=11",
        "--seed=11",
        "--create-seconds=0",
        "--instance=crash",
    ) as server:
        yield Endpoint(server)


def until(condition: Callable[[], bool], what: str) -> None:
    """Return once *condition* holds; the bound is a safety net, not part of the verdict."""
    give_up = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < give_up, f"{what}: not within {PATIENCE} s"
        time.sleep(0.01)


class Run:
    """One run of the rollout in a child process, its events read as they come."""

    def __init__(
        self, endpoint: Endpoint, plan_file: Path, size: int, *, moves_clock: bool = True
    ) -> None:
        self.endpoint = endpoint
        self.size = size
        self.moves_clock = moves_clock
        self.child = Running(
            command=[
                sys.executable,
                str(CHILD),
                endpoint.url,
                endpoint.arn,
                str(plan_file),
                str(RATE),
            ]
        )
        self.events: list[dict[str, Any]] = []
        self.outcomes: list[str] | None = None
        self.finished = False

    def read(self) -> None:
        """Take in the lines the child has written."""
        for line in self.child.rest("stdout"):
            document = json.loads(line)
            if "outcomes" in document:
                self.outcomes = document["outcomes"]
            else:
                self.events.append(document)

    def named(self, name: str) -> list[dict[str, Any]]:
        """The events of *name* seen so far."""
        self.read()
        return [e for e in self.events if e["event"] == name]

    def drive(self) -> bool:
        """Move the clock as the rollout's state asks; whether the child has ended.

        Every assignment accounted for (unchanged, adopted or written): past every
        lifecycle. Else, with the fifteen slots full: one step.
        """
        self.read()
        if self.child.process.poll() is not None:
            self.read()
            return True
        if not self.moves_clock:
            return False
        accounted = sum(
            len(self.named(name))
            for name in ("rollout.unchanged", "rollout.adopted", "rollout.request_started")
        )
        if accounted >= self.size and not self.finished:
            self.finished = True
            self.endpoint.advance(FOREVER)
        elif self.endpoint.outstanding() >= 15:
            self.endpoint.advance(STEP)
        return False

    def adopted_after(self, count: int) -> list[dict[str, Any]]:
        """The ``rollout.adopted`` events, once there are *count* of them."""
        until(lambda: len(self.named("rollout.adopted")) >= count, "adoption")
        return self.named("rollout.adopted")

    def kill_after(self, writes: int) -> None:
        """Drive the run until the endpoint has accepted *writes* creations in all, then kill."""
        until(
            lambda: self.drive() or sum(self.endpoint.accepted().values()) >= writes,
            f"{writes} writes",
        )
        assert self.child.process.poll() is None, "killed while it runs"
        self.kill()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye; the child's requests are left as they are."""
        self.child.process.send_signal(signal.SIGKILL)
        assert -signal.SIGKILL == self.child.process.wait(timeout=PATIENCE)
        self.read()

    def close(self) -> None:
        """Reap the child and its readers."""
        self.child.__exit__(None, None, None)


def test_a_killed_rollout_run_again_ends_with_the_plan_each_assignment_created_once(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    """Killed after 5, 20 and 35 accepted writes, then run to the end: the plan, once each.

    The listed assignments equal the plan exactly, and the endpoint accepted one
    CreateAccountAssignment per assignment: none was sent again by a later run. The second
    run adopts exactly the requests the first left IN_PROGRESS.
    """
    sets = [
        endpoint.client.create_permission_set(InstanceArn=endpoint.arn, Name=name)["PermissionSet"][
            "PermissionSetArn"
        ]
        for name in ("ReadOnly", "Admin")
    ]
    plan = [
        (f"{210_000_000_000 + account}", permission_set, *principal)
        for permission_set in sets
        for account in range(12)
        for principal in (("GROUP", GROUP), ("USER", USER))
    ]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps(
            [
                {"TargetId": a, "PermissionSetArn": p, "PrincipalType": t, "PrincipalId": i}
                for a, p, t, i in plan
            ]
        )
    )
    runs: list[Run] = []
    try:
        for kill_after in KILL_AFTER:
            run = Run(endpoint, plan_file, len(plan), moves_clock=bool(runs))
            runs.append(run)
            if len(runs) == 2:
                # The clock has not moved: the first run's requests are all IN_PROGRESS, and
                # the second adopts those, before it writes anything.
                left = endpoint.in_progress()
                assert sum(endpoint.accepted().values()) == len(left) >= KILL_AFTER[0]
                adopted = run.adopted_after(len(left))
                assert left == {e["request_id"] for e in adopted}
            run.kill_after(kill_after)
        written_before = sum(endpoint.accepted().values())
        last = Run(endpoint, plan_file, len(plan))
        runs.append(last)
        until(last.drive, "the last run's end")
        assert 0 == last.child.process.wait(timeout=PATIENCE)
    finally:
        for run in runs:
            run.close()

    accepted = endpoint.accepted()
    assert set(plan) == endpoint.listed({(a, p) for a, p, _, _ in plan})
    assert collections.Counter(set(plan)) == accepted  # each created once, by one run or other
    assert last.outcomes is not None
    assert len(plan) == len(last.outcomes)
    assert {"reached", "unchanged"} >= set(last.outcomes)
    assert all(len(run.named("rollout.request_started")) > 0 for run in runs)
    # The last run writes only what no run wrote (a write of the killed run may land after
    # the count was read); of what the others wrote, at most fifteen can still be IN_PROGRESS
    # (adopted), the rest is in place (unchanged).
    assert len(last.named("rollout.request_started")) <= len(plan) - written_before
    assert len(last.named("rollout.adopted")) <= 15
    assert written_before - 15 <= len(last.named("rollout.unchanged"))
    assert len(plan) == sum(
        len(last.named(name))
        for name in ("rollout.unchanged", "rollout.adopted", "rollout.request_started")
    )
