"""``poller describe``, ``simulate`` and ``demo``; output and log options; lazy start-up."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from poller.simulator import Fault

from .conftest import (
    FAST,
    JSON_EVENTS,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_describe_prints_the_api_json(center: Center) -> None:
    """`poller describe` prints one DescribeInstance answer with the API's key names."""
    arn = center.simulator.create_instance("seen")
    url, region = center.endpoint_url, center.simulator.region

    done = run_poller("describe", arn, "--endpoint-url", url, "--region", region)

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "seen", "CREATE_IN_PROGRESS") == (
        result["InstanceArn"],
        result["Name"],
        result["Status"],
    )


def test_describe_denied_exits_4(center: Center) -> None:
    """`poller describe` judges an error as a wait would: a listed instance denied is denied."""
    arn = center.simulator.create_instance("x")
    center.simulator.add_fault(Fault.access_denied(), operation="DescribeInstance")
    url, region = center.endpoint_url, center.simulator.region

    done = run_poller("describe", arn, "--endpoint-url", url, "--region", region)

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("denied", "AccessDeniedError") == (result["Outcome"], result["Error"]["Type"])
    assert "Check which principal you are" in done.stderr


def test_describe_of_no_such_instance_exits_4(center: Center) -> None:
    """A well-formed ARN that no instance has is not found: exit 4, never a success."""
    arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
    url, region = center.endpoint_url, center.simulator.region

    done = run_poller("describe", arn, "--endpoint-url", url, "--region", region)

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("not-found", "ResourceNotFoundError") == (result["Outcome"], result["Error"]["Type"])


def test_output_text_and_quiet(center: Center) -> None:
    """--output text prints a line per instance; -q leaves stderr empty on success."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--output", "text", "-q")

    assert 0 == done.returncode, done.stderr
    assert f"{arn}\tACTIVE\tencryption ENABLED\n" == done.stdout
    assert "" == done.stderr


def test_output_none_and_verbose_console(center: Center) -> None:
    """--output none prints nothing; -v shows each poll; console lines are not JSON."""
    # ACTIVE from the start: the first poll sees it, whenever it comes ("start → ACTIVE").
    arn = center.simulator.create_instance("x", create_seconds=0)

    done = run_poller(
        "wait", arn, *center.options(), "--output", "none", "-v", "--log-format", "console"
    )

    assert 0 == done.returncode, done.stderr
    assert "" == done.stdout
    assert "poll.completed" in done.stderr
    assert "start → ACTIVE" in done.stderr
    assert not done.stderr.startswith("{")


def test_events_off_a_terminal_are_console_lines(center: Center) -> None:
    """By default, events off a terminal are console lines for people (CI logs), not JSON."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--log-format", "auto")

    assert 0 == done.returncode, done.stderr
    lines = done.stderr.splitlines()
    assert ["wait.started", "wait.succeeded"] == [
        name for line in lines for name in line.split() if name.startswith("wait.")
    ]
    assert not any(line.startswith("{") for line in lines)
    assert "\x1b" not in done.stderr  # no live status line off a terminal


def test_poll_completed_is_hidden_by_default(center: Center) -> None:
    """Debug-level poll.completed appears only with -v."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options())

    assert 0 == done.returncode, done.stderr
    assert "poll.completed" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["wait", "--help"],
        ["wait", "not-an-arn"],
        ["wait", "--max-delay", "0", "arn:aws:sso:::instance/ssoins-0123456789abcdef"],
        ["wait", "--region", "us east 1", "arn:aws:sso:::instance/ssoins-0123456789abcdef"],
        ["wait", "--query", "[", "arn:aws:sso:::instance/ssoins-0123456789abcdef"],
        ["check", "-"],
        ["wait-region", "--help"],
        ["wait-region", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "eu west 1"],
        ["wait-abac", "not-an-arn"],
        ["wait-provisioning", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "nope"],
        ["wait-assignment", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "-"],
        ["assign", "--help"],
        ["assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "-"],
        ["assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "/nonexistent"],
    ],
)
def test_help_and_refusals_do_not_import_botocore(args: list[str]) -> None:
    """--help and refused input (settings too) answer without loading aiobotocore."""
    script = (
        "import sys\nfrom poller.cli import main\ncode = main(sys.argv[1:])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'botocore', 'aiobotocore', 'aiohttp'})\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,  # `check -` finds no ARN there, nor wait-assignment an answer
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert "LOADED []" in done.stderr, done.stderr


def test_simulate_serves_until_interrupted() -> None:
    """`poller simulate` prints its URL and ARNs, serves waits, and stops cleanly on Ctrl-C."""
    with subprocess.Popen(
        poller_command("simulate", "--time-scale", "1000", "--instance", "first"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        arn = process.stdout.readline().strip()
        waited = subprocess.run(
            poller_command("wait", arn, "--endpoint-url", url, "--region", "us-east-1", *FAST),
            capture_output=True,
            text=True,
            env=command_env(),
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)

    assert 0 == waited.returncode, waited.stderr
    assert 0 == process.returncode
    assert "ready at " + url in stderr
    assert "Traceback" not in stderr


def test_simulate_help_is_the_simulators() -> None:
    """`poller simulate` takes the simulator's own options."""
    done = subprocess.run(
        poller_command("simulate", "--help"),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode
    assert "--time-scale" in done.stdout
    assert "--fault" in done.stdout


def test_demo_creates_waits_and_shows_a_retry() -> None:
    """`poller demo` needs no AWS account: it creates an instance, retries a throttle, exits 0."""
    env = {k: v for k, v in command_env().items() if not k.startswith("AWS_ACCESS")}
    env.pop("AWS_SECRET_ACCESS_KEY", None)
    done = subprocess.run(
        poller_command("demo", *JSON_EVENTS),
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    results = json_lines(done.stdout)
    assert "ACTIVE" == results[0]["Status"]
    events = [e["event"] for e in json_lines(done.stderr)]
    assert {"poll.retrying", "wait.succeeded"} <= set(events)
    # Then the rollout, each step waited on: a Region, ABAC, a provisioning, 5 assignments
    # (applied by poller.apply_account_assignments, as `poller assign` applies a plan).
    assert {"rollout.started", "rollout.finished"} <= set(events)
    arn = results[0]["InstanceArn"]
    assert {arn} == {r["InstanceArn"] for r in results}
    [region] = [r for r in results if "RegionName" in r]
    assert ("eu-west-1", "ACTIVE") == (region["RegionName"], region["Status"])
    [abac] = [r for r in results if "InstanceAccessControlAttributeConfiguration" in r]
    assert "ENABLED" == abac["Status"]
    requests = [r for r in results if "RequestId" in r]
    assert ({"SUCCEEDED"}, 6) == ({r["Status"] for r in requests}, len(requests))
    assert 5 == len({r["TargetId"] for r in requests if "TargetId" in r})
    assert {
        "instance.status_changed",
        "region.status_changed",
        "access_control_attributes.status_changed",
        "permission_set_provisioning.status_changed",
        "account_assignment.status_changed",
    } == {name for name in events if name.endswith(".status_changed")}


def test_describe_refuses_a_garbled_answer(center: Center) -> None:
    """An answer that is not an instance is an error (4) with network advice, never `{}`."""
    arn = center.simulator.create_instance("x")
    center.simulator.add_fault(Fault.malformed_body(count=None))

    done = run_poller("describe", arn, *center.options()[:4])

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("error", "MalformedResponse") == (result["Outcome"], result["Error"]["Code"])
    assert "--endpoint-url" in done.stderr
