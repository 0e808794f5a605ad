"""``poller wait`` end to end: every exit code, from a real subprocess against the simulator."""

from __future__ import annotations

import subprocess

import pytest

from poller.simulator import Fault

from .conftest import (
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

BAD_ARN = "arn:aws:sso:::instance/ssoins-short"


def test_active_exits_0_with_the_description_on_stdout(center: Center) -> None:
    """A wait that reaches ACTIVE prints the DescribeInstance answer and exits 0."""
    arn = center.simulator.create_instance("ok")

    done = run_poller("wait", arn, *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "ACTIVE") == (result["InstanceArn"], result["Status"])
    assert "T" in result["CreatedDate"]  # ISO 8601
    events = json_lines(done.stderr)  # off a terminal: JSON lines only
    assert "wait.succeeded" == events[-1]["event"]
    assert all("timestamp" in event for event in events)


def test_create_failed_exits_1(center: Center) -> None:
    """A terminal failure state exits 1 with a failure object and one error line."""
    arn = center.simulator.create_instance("bad", fail_reason="Quota exceeded")

    done = run_poller("wait", arn, *center.options())

    assert 1 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("failed", "InstanceCreateFailedError", "Quota exceeded") == (
        result["Outcome"],
        result["Error"]["Type"],
        result["Error"]["Reason"],
    )
    assert "CREATE_FAILED" == result["Instance"]["Status"]
    [error] = [e for e in json_lines(done.stderr) if e["event"] == "cli.error"]
    assert 1 == error["exit_code"]
    assert "Quota exceeded" in error["message"]


def test_service_validation_error_exits_2(center: Center) -> None:
    """An ARN the service rejects is bad input: exit 2."""
    arn = center.simulator.create_instance("x")
    center.simulator.add_fault(Fault.validation(), operation="DescribeInstance")

    done = run_poller("wait", arn, *center.options())

    assert 2 == done.returncode, done.stderr
    assert "invalid" == json_lines(done.stdout)[0]["Outcome"]


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
@pytest.mark.parametrize("timeout", ["1ms", "2s"])
def test_timeout_exits_3(center: Center, timeout: str) -> None:
    """An instance that is never ready times out with 3, however short the window."""
    # The window also covers opening the client: on a slow machine no poll may be answered
    # in it, so only the verdict is asserted, never what the polls saw.
    arn = center.simulator.create_instance("slow")

    done = run_poller("wait", arn, *center.options(), "--timeout", timeout)

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "timed-out") == (result["InstanceArn"], result["Outcome"])
    assert (result["Instance"] or {}).get("Status") in {None, "CREATE_IN_PROGRESS"}
    assert "wait.timed_out" in {e["event"] for e in json_lines(done.stderr)}


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        (Fault.access_denied(None), "denied"),
        (Fault.error("ExpiredTokenException", status=403), "error"),
    ],
)
def test_denied_or_api_error_exits_4(center: Center, fault: Fault, outcome: str) -> None:
    """Access denied (the instance is still listed) and other API errors exit 4."""
    arn = center.simulator.create_instance("x")
    center.simulator.add_fault(fault, operation="DescribeInstance")

    done = run_poller("wait", arn, *center.options())

    assert 4 == done.returncode, done.stderr
    assert outcome == json_lines(done.stdout)[0]["Outcome"]
    assert "Traceback" not in done.stderr


def test_no_such_instance_exits_4(center: Center) -> None:
    """A well-formed ARN that no instance has is not found: exit 4."""
    arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"

    done = run_poller("wait", arn, *center.options())

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "not-found", "ResourceNotFoundError") == (
        result["InstanceArn"],
        result["Outcome"],
        result["Error"]["Type"],
    )


def test_several_arns_each_get_their_outcome(center: Center) -> None:
    """Reached, failed and not found side by side: a line each, and the highest code (4)."""
    good = center.simulator.create_instance("good")
    bad = center.simulator.create_instance("bad", fail_reason="No")
    missing = "arn:aws:sso:::instance/ssoins-0123456789abcdef"

    done = run_poller("wait", good, bad, missing, *center.options())

    assert 4 == done.returncode, done.stderr
    results = {r["InstanceArn"]: r for r in json_lines(done.stdout)}
    assert {good: "ACTIVE", bad: "failed", missing: "not-found"} == {
        arn: r.get("Outcome", r.get("Status")) for arn, r in results.items()
    }


def test_several_arns_exit_with_the_highest_code(center: Center) -> None:
    """Instances are waited on together; the worst outcome decides the exit code."""
    good = center.simulator.create_instance("good")
    bad = center.simulator.create_instance("bad", fail_reason="No")

    done = run_poller("wait", good, bad, *center.options())

    assert 1 == done.returncode, done.stderr
    results = {r["InstanceArn"]: r for r in json_lines(done.stdout)}
    assert ("ACTIVE", "failed") == (results[good]["Status"], results[bad]["Outcome"])


def test_all_waits_on_every_listed_instance(center: Center) -> None:
    """--all pages through ListInstances and waits on each instance."""
    arns = {center.simulator.create_instance(f"i{n}") for n in range(3)}

    done = run_poller("wait", "--all", *center.options())

    assert 0 == done.returncode, done.stderr
    assert arns == {r["InstanceArn"] for r in json_lines(done.stdout)}


def test_until_deleted_prints_the_outcome(center: Center) -> None:
    """A wait for deletion prints an Outcome object, as there is no description left."""
    arn = center.simulator.create_instance("doomed")
    center.simulator.advance(3600)
    center.simulator.delete_instance(arn)

    done = run_poller("wait", arn, "--until", "deleted", *center.options())

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "deleted") == (result["InstanceArn"], result["Outcome"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("wait", BAD_ARN), "not an Identity Center instance ARN"),
        (("wait",), "at least one instance ARN"),
        (("wait", "--all", "x"), "not both"),
        (("wait", "--until", "gone", "x"), "'gone' is not one of"),
        (("wait", "--timeout", "-5s", "x"), "cannot be negative"),
        (("wait", "--timeout", "soon", "x"), "not a duration"),
        (("wait", "--allow-empty", "x"), "--allow-empty goes with --all"),
        (("wait", "--max-delay", "0", "x"), "--max-delay must be positive"),
        (("wait", "--min-delay", "1m", "--max-delay", "5s", "x"), "above --max-delay"),
        (("wait", "--max-delay", "1s", "x"), "below this resource's default --min-delay"),
        (("wait", "--endpoint-url", "ftp://host", "x"), "not an http:// or https:// URL"),
        (("describe", BAD_ARN), "not an Identity Center instance ARN"),
        (("frobnicate",), "No such command"),
    ],
)
def test_bad_input_exits_2_before_any_request(args: tuple[str, ...], words: str) -> None:
    """Bad arguments are refused with exit 2 and a clear message (no simulator needed)."""
    args = tuple("arn:aws:sso:::instance/ssoins-0123456789abcdef" if a == "x" else a for a in args)

    done = run_poller(*args)

    assert 2 == done.returncode
    assert words in " ".join(done.stderr.split())
    assert "" == done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["wait", "describe"])
def test_no_region_exits_2(command: str) -> None:
    """Without a region, the command and the hint name --region."""
    arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"

    done = run_poller(command, arn)

    assert 2 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "invalid", "ConfigurationError") == (
        result["InstanceArn"],
        result["Outcome"],
        result["Error"]["Type"],
    )
    assert "--region" in done.stderr


def test_unknown_profile_exits_2(center: Center) -> None:
    """A profile the AWS config does not have is bad input; the hint names --profile."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--profile", "nobody")

    assert 2 == done.returncode, done.stderr
    assert "invalid" == json_lines(done.stdout)[0]["Outcome"]
    assert "--profile" in done.stderr
    assert 0 == center.simulator.calls()


def test_all_denied_listing_exits_4_once(center: Center) -> None:
    """--all whose ListInstances is denied: one line for all instances ("*"), exit 4."""
    center.simulator.create_instance("x")
    center.simulator.add_fault(Fault.access_denied(None), operation="ListInstances")

    done = run_poller("wait", "--all", *center.options())

    assert 4 == done.returncode, done.stderr
    assert [("*", "error")] == [(r["InstanceArn"], r["Outcome"]) for r in json_lines(done.stdout)]
    assert "sso:ListInstances" in done.stderr


def test_all_listing_past_the_deadline_exits_3(center: Center) -> None:
    """--all whose ListInstances outlasts --timeout: timed out (3), one line for all."""
    center.simulator.add_fault(Fault.slow(SUBPROCESS_TIMEOUT, count=1), operation="ListInstances")

    done = run_poller("wait", "--all", *center.options(), "--timeout", "1s")

    assert 3 == done.returncode, done.stderr
    assert [("*", "timed-out")] == [
        (r["InstanceArn"], r["Outcome"]) for r in json_lines(done.stdout)
    ]


def test_all_with_no_instances_exits_4(center: Center) -> None:
    """--all when ListInstances lists none: nothing was waited on, which is no success (4)."""
    done = run_poller("wait", "--all", *center.options())

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("*", "not-found", 0) == (result["InstanceArn"], result["Outcome"], result["Attempts"])
    [error] = [e for e in json_lines(done.stderr) if e["event"] == "cli.error"]
    assert "No instances" in error["message"]
    assert "--allow-empty" in error["hint"]


def test_all_allow_empty_with_no_instances_exits_0(center: Center) -> None:
    """--all --allow-empty when ListInstances lists none: nothing to wait on, a warning, 0."""
    done = run_poller("wait", "--all", "--allow-empty", *center.options())

    assert 0 == done.returncode, done.stderr
    assert "" == done.stdout
    assert ["cli.no_instances"] == [e["event"] for e in json_lines(done.stderr)]


def test_no_credentials_exits_4(center: Center) -> None:
    """Without credentials no request is sent: an error (4) whose code says why."""
    arn = center.simulator.create_instance("x")
    env = {
        k: v
        for k, v in command_env().items()
        if k not in {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    }

    done = subprocess.run(
        poller_command("wait", arn, *center.options()),
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("error", "NoCredentialsError") == (result["Outcome"], result["Error"]["Code"])
    assert 0 == center.simulator.calls() == result["Attempts"]
