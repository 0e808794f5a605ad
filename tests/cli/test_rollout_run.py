"""The rollout commands run as `poller wait` does: signals, a closed stdout, a terminal."""

from __future__ import annotations

import signal
import subprocess

import pytest

from poller.simulator import Simulator

from .conftest import (
    FAST,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
)
from .test_streams import run_redirected
from .test_terminal import STATUS_LINE, run_on_terminal

ACCOUNTS = ("111122223333", "444455556666")
#: Longer than any test: the Regions are added only when the test moves the clock on.
ADDING = 10**9


def stuck_requests(sim: Simulator) -> tuple[str, list[str]]:
    """An instance and two assignment requests of it that never end."""
    arn = sim.create_instance("rollout", create_seconds=0)
    ps = sim.create_permission_set(arn, "ReadOnly")
    ids = [sim.create_account_assignment(arn, ps, a, never_finish=True) for a in ACCOUNTS]
    return arn, ids


@pytest.mark.parametrize(
    ("signum", "expected"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
)
def test_a_signal_cancels_every_request_wait(center: Center, signum: int, expected: int) -> None:
    """Each request's wait sees the cancellation: a cancelled line each, the shell's code."""
    arn, ids = stuck_requests(center.simulator)
    with subprocess.Popen(
        poller_command("wait-assignment", arn, *ids, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # both waits have had an answer: they are running
            seen.append(line)
            if sum("account_assignment.status_changed" in s for s in seen) == len(ids):
                break
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    stderr = "".join(seen) + stderr

    assert expected == process.returncode, stderr
    assert "Traceback" not in stderr
    cancelled = [e for e in json_lines(stderr) if e["event"] == "wait.cancelled"]
    assert set(ids) == {e["request_id"] for e in cancelled}
    results = json_lines(stdout)
    assert sorted(ids) == sorted(r["RequestId"] for r in results)
    assert {("cancelled", signal.Signals(signum).name)} == {
        (r["Outcome"], r["Signal"]) for r in results
    }
    # The waits' own counts, from wait.cancelled: Describes sent (none while a List page
    # showed both requests still in progress).
    attempts = {e["request_id"]: e["attempts"] for e in cancelled}
    assert attempts == {r["RequestId"]: r["Attempts"] for r in results}


def test_closed_stdout_is_74_before_any_request(center: Center) -> None:
    """Results nobody can read: exit 74, and nothing is asked of AWS."""
    arn, ids = stuck_requests(center.simulator)

    done = run_redirected(">&-", "wait-assignment", arn, *ids, *center.options())

    assert 74 == done.returncode, done.stderr
    assert 0 == center.simulator.calls()


def test_a_terminal_gets_text_a_status_line_and_a_success_line(center: Center) -> None:
    """On a terminal: a text line per Region, the status line, and one line for a person.

    The Regions are added only when the test moves the clock on, once both waits show on the
    status line.
    """
    sim = center.simulator
    arn = sim.create_instance("rollout", create_seconds=0)
    sim.add_region(arn, "eu-west-1", seconds=ADDING)
    sim.add_region(arn, "eu-central-1", seconds=ADDING)
    url, region = center.endpoint_url, sim.region
    moved: list[bool] = []

    def added_once_both_show(screen: str, process: object) -> None:
        """Move the clock past the Regions' addition once "2 waiting" is drawn."""
        if not moved and any(s.startswith("2 waiting") for s in STATUS_LINE.findall(screen)):
            moved.append(True)
            sim.advance(ADDING)

    code, screen = run_on_terminal(
        "wait-region", arn, "eu-west-1", "eu-central-1", "--endpoint-url", url,
        "--region", region, *FAST, react=added_once_both_show,
    )  # fmt: skip

    assert 0 == code, screen
    assert f"{arn}\teu-west-1\tACTIVE\n" in screen
    assert "✓ 2 Regions are active." in screen
    assert any(line.startswith("2 waiting") for line in STATUS_LINE.findall(screen)), screen
