"""SIGINT, SIGTERM and SIGHUP end ``poller wait`` promptly, with the shell's codes, no traceback.

The shell's code for a signal is 128 plus its number: 130, 143 and 129.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from poller.simulator import Fault

from .conftest import SUBPROCESS_TIMEOUT, Center, command_env, json_lines, poller_command


def _until_polled(process: subprocess.Popen[str]) -> list[str]:
    """The stderr lines of ``poller wait`` until its first poll has answered (its waits run)."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "instance.status_changed" in line:
            break
    return seen


@pytest.mark.parametrize(
    ("signum", "expected"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
)
@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_signal_cancels_the_waits(center: Center, signum: int, expected: int) -> None:
    """The waits see a real cancellation: wait.cancelled, a cancelled outcome, 130 or 143."""
    arns = [center.simulator.create_instance(f"i{n}") for n in range(2)]
    with subprocess.Popen(
        poller_command("wait", *arns, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stderr is not None
        seen = _until_polled(process)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    stderr = "".join(seen) + stderr

    assert expected == process.returncode, stderr
    assert "Traceback" not in stderr
    cancelled = [e for e in json_lines(stderr) if e["event"] == "wait.cancelled"]
    assert set(arns) == {e["instance_arn"] for e in cancelled}
    assert [("cancelled", signal.Signals(signum).name)] * 2 == [
        (r["Outcome"], r["Signal"]) for r in json_lines(stdout)
    ]


def test_signal_while_listing_is_not_a_success(center: Center) -> None:
    """Interrupted while --all is still listing: exit 130 and one cancelled line, never 0."""
    # The simulator logs a request once answered: the slow fault, used up when the request
    # arrives, is what tells that the command is listing.
    center.simulator.add_fault(Fault.slow(SUBPROCESS_TIMEOUT, count=1), operation="ListInstances")
    with subprocess.Popen(
        poller_command("wait", "--all", *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        deadline = time.monotonic() + SUBPROCESS_TIMEOUT
        while len(center.simulator.faults) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 130 == process.returncode, stderr
    assert [("*", "cancelled")] == [(r["InstanceArn"], r["Outcome"]) for r in json_lines(stdout)]


def test_a_closed_pipe_is_no_crash(center: Center) -> None:
    """A reader that goes away (`| head -c0`) leaves no traceback; the exit code stays."""
    arns = [center.simulator.create_instance(f"i{n}") for n in range(3)]
    with subprocess.Popen(
        poller_command("wait", *arns, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stdout is not None
        process.stdout.close()  # nobody reads the results
        stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)[1]

    assert 0 == process.returncode, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_outcomes_print_as_each_wait_ends(center: Center, signum: int, expected: int) -> None:
    """Each result prints as its wait ends; a signal cancels the rest; the highest code wins."""
    good = center.simulator.create_instance("good")
    bad = center.simulator.create_instance("bad", fail_reason="No")
    stuck = center.simulator.create_instance("stuck", create_seconds=10**9)  # never ready
    with subprocess.Popen(
        poller_command("wait", good, stuck, bad, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stdout is not None
        # The stuck wait never ends by itself: these lines come while the command still runs.
        early = json_lines(process.stdout.readline() + process.stdout.readline())
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert expected == process.returncode, stderr
    assert {good: "ACTIVE", bad: "failed"} == {
        r["InstanceArn"]: r.get("Outcome", r.get("Status")) for r in early
    }
    assert [(stuck, "cancelled", signal.Signals(signum).name)] == [
        (r["InstanceArn"], r["Outcome"], r["Signal"]) for r in json_lines(stdout)
    ]


def _ignoring(signum: int) -> Callable[[], object]:
    """A child's start: *signum* ignored, as `nohup` (SIGHUP) or a script's `&` leave it."""
    return lambda: signal.signal(signum, signal.SIG_IGN)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGHUP])
@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_a_signal_ignored_at_start_stays_ignored(center: Center, signum: int) -> None:
    """Started with the signal ignored, the command outlives it and ends on the instance's state.

    The signal is sent while the wait polls; then the instance is made ACTIVE. A command that
    took the signal back would have ended with 130 or 129 before it could see ACTIVE.
    """
    arn = center.simulator.create_instance("nohup")
    with subprocess.Popen(
        poller_command("wait", arn, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
        preexec_fn=_ignoring(signum),  # noqa: PLW1509 - the child only sets a disposition
    ) as process:
        assert process.stderr is not None
        seen = _until_polled(process)
        process.send_signal(signum)
        center.simulator.set_status(arn, "ACTIVE")
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 0 == process.returncode, "".join(seen) + stderr
    assert [("ACTIVE", arn)] == [(r["Status"], r["InstanceArn"]) for r in json_lines(stdout)]


def test_the_console_script_leaves_an_ignored_signal_ignored() -> None:
    """_poller_command, first to run, keeps SIGHUP ignored and takes SIGTERM."""
    code = (
        "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN); import _poller_command; "
        "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN, "
        "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert "True False" == done.stdout.strip(), done.stderr
