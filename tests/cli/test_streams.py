"""Closed and failing standard streams: stdout's failure is exit 74, stderr's changes nothing."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import SUBPROCESS_TIMEOUT, Center, command_env, json_lines, poller_command

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def run_redirected(redirection: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m poller ARGS`` from bash, with *redirection* (``>&-``, ``2>/dev/full``)."""
    return subprocess.run(
        ["bash", "-c", f'exec "$@" {redirection}', "bash", *poller_command(*args)],
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize(
    "redirection",
    [pytest.param(">/dev/full", marks=needs_dev_full), ">&-"],
)
def test_unwritable_stdout_exits_74(center: Center, redirection: str) -> None:
    """A result that cannot be written is exit 74 with one line saying so, never a traceback."""
    arn = center.simulator.create_instance("x")

    done = run_redirected(redirection, "wait", arn, *center.options())

    assert 74 == done.returncode, done.stderr
    assert "Traceback" not in done.stderr
    [failed] = [e for e in json_lines(done.stderr) if e["event"] == "cli.output_failed"]
    assert "stdout" in failed["message"]
    assert 74 == failed["exit_code"]


def test_closed_stdout_is_refused_before_any_request(center: Center) -> None:
    """With stdout closed from the start, nothing is asked of AWS: nobody could get the result."""
    arn = center.simulator.create_instance("x")

    done = run_redirected(">&-", "wait", arn, *center.options())

    assert 74 == done.returncode, done.stderr
    assert 0 == center.simulator.calls()


def test_closed_stdout_with_output_none_keeps_the_outcome(center: Center) -> None:
    """--output none writes nothing to stdout, so a closed one is no failure: exit 0."""
    arn = center.simulator.create_instance("x")

    done = run_redirected(">&-", "wait", arn, *center.options(), "--output", "none")

    assert 0 == done.returncode, done.stderr


@pytest.mark.parametrize("redirection", ["2>&-", pytest.param("2>/dev/full", marks=needs_dev_full)])
@pytest.mark.parametrize(("fail_reason", "expected"), [(None, 0), ("Quota exceeded", 1)])
def test_broken_stderr_changes_nothing(
    center: Center, redirection: str, fail_reason: str | None, expected: int
) -> None:
    """Events that cannot be written are dropped: the same result line and exit code."""
    arn = center.simulator.create_instance("x", fail_reason=fail_reason)

    done = run_redirected(redirection, "wait", arn, *center.options(), "--log-format", "console")

    assert expected == done.returncode
    [result] = json_lines(done.stdout)
    assert arn == result["InstanceArn"]
    assert ("failed" if fail_reason else None) == result.get("Outcome")


def test_a_reader_leaving_keeps_the_outcome_code(center: Center) -> None:
    """`| head -c0` on a failed wait: the exit code is still the outcome's (1), not 74."""
    arn = center.simulator.create_instance("bad", fail_reason="No")
    with subprocess.Popen(
        poller_command("wait", arn, *center.options()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stdout is not None
        process.stdout.close()  # the reader is gone before any result is written
        stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)[1]

    assert 1 == process.returncode, stderr
    assert "Traceback" not in stderr
    assert "cli.output_failed" not in stderr
