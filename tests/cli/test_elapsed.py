"""Time and counts: the deadline starts with the polling, and every figure agrees."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import pytest

from .conftest import (
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

#: How long the credential process of the start-up test takes: longer than its --timeout.
SLOW_START = 4
CREDENTIALS = {"Version": 1, "AccessKeyId": "testing", "SecretAccessKey": "testing"}


def test_start_up_is_not_taken_from_the_timeout(center: Center, tmp_path: pathlib.Path) -> None:
    """Credentials that take longer than --timeout to load: the wait still gets its time.

    The instance is ACTIVE from the start, so one answered poll decides; before the fix the
    deadline had passed before the first poll could leave (timed out, 0 attempts).
    """
    arn = center.simulator.create_instance("x", create_seconds=0)
    script = tmp_path / "credentials.py"
    script.write_text(
        f"import json, time\ntime.sleep({SLOW_START})\nprint(json.dumps({CREDENTIALS!r}))\n"
    )
    config = tmp_path / "config"
    config.write_text(f"[default]\ncredential_process = {sys.executable} {script}\n")
    env = {k: v for k, v in command_env().items() if not k.startswith("AWS_")}
    env |= {"AWS_CONFIG_FILE": str(config), "AWS_EC2_METADATA_DISABLED": "true"}

    done = subprocess.run(
        poller_command("wait", arn, *center.options(), "--timeout", f"{SLOW_START - 1}s"),
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    assert "ACTIVE" == json_lines(done.stdout)[0]["Status"]


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_one_elapsed_figure_at_one_precision(center: Center) -> None:
    """The message, stdout's Elapsed and the console lines give seconds to a tenth."""
    arn = center.simulator.create_instance("slow")

    done = run_poller("wait", arn, *center.options(), "--timeout", "1s", "--log-format", "console")

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    elapsed = result["Elapsed"]
    assert round(elapsed, 1) == elapsed
    assert f"after {elapsed:.1f} s" in result["Error"]["Message"]
    assert f"after {elapsed:.1f} s" in done.stderr  # the error line
    [timed_out] = [line for line in done.stderr.splitlines() if "wait.timed_out" in line]
    assert re.search(r"after \d+\.\d s$", timed_out), timed_out


def test_nothing_sent_is_zero_attempts(center: Center) -> None:
    """A wait that never started (an unknown profile) says Attempts 0 and Elapsed 0."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--profile", "nobody")

    assert 2 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (0, 0.0) == (result["Attempts"], result["Elapsed"])
    assert 0 == center.simulator.calls()


def test_one_poll_is_one_poll(center: Center) -> None:
    """The console says "1 poll", not "1 polls"."""
    arn = center.simulator.create_instance("x", create_seconds=0)

    done = run_poller("wait", arn, *center.options(), "--log-format", "console")

    assert 0 == done.returncode, done.stderr
    [succeeded] = [line for line in done.stderr.splitlines() if "wait.succeeded" in line]
    assert succeeded.endswith(", 1 poll"), succeeded


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_cancelled_lines_count_their_polls(center: Center) -> None:
    """A cancelled wait's line carries its attempts and time, as every other ending does."""
    arn = center.simulator.create_instance("slow")
    with subprocess.Popen(
        poller_command("wait", arn, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:  # the first poll has been answered
            if "instance.status_changed" in line:
                break
        process.terminate()
        stdout, _ = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 143 == process.returncode
    [result] = [json.loads(line) for line in stdout.splitlines()]
    assert "cancelled" == result["Outcome"]
    assert result["Attempts"] >= 1
    assert round(result["Elapsed"], 1) == result["Elapsed"]
