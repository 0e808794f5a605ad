"""Several resources at once: what failed is said last, and results come in a known order.

stderr ends with what failed and what to do, after every other line (a count first when there
were several resources); stdout has the results as each wait ends, or in the order given with
``--ordered``. Which one ends first is never left to the clock: the slow resource's lifecycle
is longer than any test, and the test advances the simulator only once the fast one is done.
"""

from __future__ import annotations

import subprocess

import pytest

from .conftest import (
    MISSING,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

#: Longer than any test: the slow instance is ready only when the test advances the clock.
SLOW = 10**9


def test_failures_and_what_to_do_come_last(center: Center) -> None:
    """Failed, not found and reached: a count, then each failure, after every other line."""
    sim = center.simulator
    good = sim.create_instance("good")
    bad = sim.create_instance("bad", fail_reason="Quota exceeded")

    done = run_poller("wait", MISSING, good, bad, *center.options())

    assert 4 == done.returncode, done.stderr
    events = json_lines(done.stderr)
    names = [e["event"] for e in events]
    assert ["cli.summary", "cli.error", "cli.error"] == names[-3:]
    assert not {"cli.summary", "cli.error"} & set(names[:-3])
    summary, *errors = events[-3:]
    assert "2 of 3 did not get there: 1 not-found, 1 failed." == summary["message"]
    assert 4 == summary["exit_code"]
    assert [MISSING, bad] == [e["instance_arn"] for e in errors]  # the order given
    assert all(e["hint"] for e in errors)


def test_console_lines_end_with_what_to_do(center: Center) -> None:
    """Read by people too: the last console lines are the failure and its advice."""
    sim = center.simulator
    good = sim.create_instance("good")
    bad = sim.create_instance("bad", fail_reason="Quota exceeded")

    done = run_poller("wait", bad, good, *center.options(), "--log-format", "console")

    assert 1 == done.returncode, done.stderr
    last, before = done.stderr.splitlines()[-1], done.stderr.splitlines()[-2]
    assert "cli.summary" in before
    assert "1 of 2 did not get there: 1 failed." in before
    assert "cli.error" in last
    assert "Quota exceeded" in last
    assert last.endswith("The instance cannot get there: fix the cause and retry.")


def test_one_resource_gets_no_count(center: Center) -> None:
    """A single failure needs no count: its own line ends stderr."""
    bad = center.simulator.create_instance("bad", fail_reason="Quota exceeded")

    done = run_poller("wait", bad, *center.options())

    assert 1 == done.returncode, done.stderr
    names = [e["event"] for e in json_lines(done.stderr)]
    assert "cli.error" == names[-1]
    assert "cli.summary" not in names


def test_results_come_as_each_wait_ends_by_default(center: Center) -> None:
    """Without --ordered the fast one prints first, though given second; the slow one then."""
    sim = center.simulator
    slow = sim.create_instance("slow", create_seconds=SLOW)
    fast = sim.create_instance("fast", create_seconds=0)
    with subprocess.Popen(
        poller_command("wait", slow, fast, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()  # the slow one cannot be ready: the clock waits
        sim.advance(SLOW)
        rest, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 0 == process.returncode, stderr
    assert [fast, slow] == [r["InstanceArn"] for r in json_lines(first + rest)]


def test_ordered_prints_in_the_order_given(center: Center) -> None:
    """With --ordered the slow one, given first, prints first, though it ends last."""
    sim = center.simulator
    slow = sim.create_instance("slow", create_seconds=SLOW)
    fast = sim.create_instance("fast", create_seconds=0)
    with subprocess.Popen(
        poller_command("wait", slow, fast, *center.options(), "--ordered"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # the fast one is done; the slow one cannot be
            seen.append(line)
            if '"wait.succeeded"' in line and fast in line:
                break
        sim.advance(SLOW)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 0 == process.returncode, "".join(seen) + stderr
    assert [slow, fast] == [r["InstanceArn"] for r in json_lines(stdout)]


@pytest.mark.parametrize(
    "command", ["wait", "check", "describe", "wait-region", "wait-abac", "wait-assignment"]
)
def test_the_default_order_is_said_in_help(command: str) -> None:
    """Each command that prints several results says which order they come in, and --ordered."""
    done = run_poller(command, "--help")

    words = " ".join(done.stdout.split())
    assert "--ordered" in words
    assert "Results come as each ends; with --ordered, in the order given." in words
