"""What the command says when things go wrong: the right advice, once, in clean sentences."""

from __future__ import annotations

import re
import socket
import subprocess

import pytest

from poller.simulator import Fault

from .conftest import (
    MISSING,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

#: Two full stops in a row, but not an ellipsis written as three.
DOUBLE_PERIOD = re.compile(r"(?<!\.)\.\.(?!\.)")


def closed_port_url() -> str:
    """An http:// URL on a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def errors_of(stderr: str) -> list[dict[str, object]]:
    """The cli.error events of a run with JSON events."""
    return [e for e in json_lines(stderr) if e["event"] == "cli.error"]


def test_kms_denial_gets_a_kms_hint(center: Center) -> None:
    """A denial by the KMS key policy points at the key policy, not at IAM."""
    arn = center.simulator.create_instance("x")
    center.simulator.add_fault(Fault.access_denied(None, kms=True), operation="DescribeInstance")

    done = run_poller("wait", arn, *center.options())

    assert 4 == done.returncode, done.stderr
    [error] = errors_of(done.stderr)
    # The library's message says what the key policy must allow; the hint how to read it.
    assert "key policy" in str(error["message"])
    assert "aws kms get-key-policy" in str(error["hint"])
    assert "get-caller-identity" not in str(error["hint"])


def test_unreachable_listing_gets_network_advice() -> None:
    """--all against an endpoint nothing answers: network advice, never credentials advice."""
    done = run_poller(
        "wait", "--all", "--endpoint-url", closed_port_url(), "--region", "us-east-1",
        "--log-format", "json",
    )  # fmt: skip

    assert 4 == done.returncode, done.stderr
    [error] = errors_of(done.stderr)
    assert "network" in str(error["hint"])
    assert "credentials" not in str(error["hint"]).lower()


def test_a_timeout_against_a_closed_port_gets_network_advice() -> None:
    """Timed out before giving up on the endpoint: still network advice, never "wait longer"."""
    done = run_poller(
        "wait", MISSING, "--endpoint-url", closed_port_url(), "--region", "us-east-1",
        "--timeout", "2s", "--log-format", "json",
    )  # fmt: skip

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert "the endpoint answered none of its" in result["Error"]["Message"]
    [error] = errors_of(done.stderr)
    assert "network" in str(error["hint"])
    assert "longer" not in str(error["hint"])


def test_a_region_removal_timeout_gets_no_replication_advice(center: Center) -> None:
    """--until removed that times out: advice that fits a removal, not replication."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    center.simulator.add_region(arn, "eu-west-1", seconds=0)
    center.simulator.remove_region(arn, "eu-west-1", never_finish=True)

    done = run_poller(
        "wait-region", arn, "eu-west-1", "--until", "removed", *center.options(),
        "--timeout", "1s", "--log-format", "json",
    )  # fmt: skip

    assert 3 == done.returncode, done.stderr
    [error] = errors_of(done.stderr)
    assert "Replication" not in str(error["hint"])
    assert "removing a Region takes minutes" in str(error["hint"])


def test_endpoint_unreachable_gets_network_advice() -> None:
    """A wait that never connects ends as EndpointUnreachableError, with network advice."""
    # The engine gives up after 3 failed connections over 10 s: this takes that long.
    done = run_poller(
        "wait", MISSING, "--endpoint-url", closed_port_url(), "--region", "us-east-1",
        "--timeout", "5m", "--min-delay", "100ms", "--max-delay", "1s", "--log-format", "json",
    )  # fmt: skip

    assert 4 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert "EndpointUnreachableError" == result["Error"]["Type"]
    [error] = errors_of(done.stderr)
    # The library's message asks to check the network; the hint adds what may be in the way.
    assert "Check the network" in str(error["message"])
    assert "proxy" in str(error["hint"])
    assert "credentials" not in str(error["hint"]).lower()


def test_no_message_has_a_double_period(center: Center) -> None:
    """Messages and hints end once, whatever botocore and AWS put at the end of theirs."""
    failing = center.simulator.create_instance("bad", fail_reason="Quota exceeded.")
    denied = center.simulator.create_instance("denied")
    center.simulator.add_fault(Fault.access_denied(None), instance_arn=denied)
    expired = center.simulator.create_instance("expired")
    center.simulator.add_fault(
        Fault.error("ExpiredTokenException", message="The token expired.", status=403),
        instance_arn=expired,
    )
    runs = [
        ("wait", failing, denied, expired, MISSING, *center.options()),
        ("describe", MISSING, *center.options()[:4]),
        ("wait", failing, "--profile", "nobody", *center.options()),
        ("wait", failing, "--endpoint-url", center.endpoint_url),  # no Region
        ("wait", "--all", "--endpoint-url", closed_port_url(), "--region", "us-east-1"),
        ("wait", "--timeout", "soon", failing),
        ("wait", "--min-delay", "1m", "--max-delay", "5s", failing),
        ("wait", "--region", "us east 1", failing),
        ("wait", "not-an-arn."),
    ]
    for args in runs:
        done = run_poller(*args)

        assert done.returncode not in {0, 3}, (args, done.stderr)
        assert not DOUBLE_PERIOD.search(done.stderr), (args, done.stderr)
        assert not DOUBLE_PERIOD.search(done.stdout), (args, done.stdout)


@pytest.mark.parametrize("region", ["us east 1", "US-EAST-1", "useast1", "us-east-1a"])
def test_a_malformed_region_is_bad_input(center: Center, region: str) -> None:
    """A Region name the service would refuse is a usage error, before any request."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, "--endpoint-url", center.endpoint_url, "--region", region)

    assert 2 == done.returncode, done.stderr
    assert "not an AWS Region name" in done.stderr
    assert 0 == center.simulator.calls()


def run_with_region(center: Center, arn: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``poller wait ARN`` without --region, with *env* added."""
    return subprocess.run(
        poller_command("wait", arn, "--endpoint-url", center.endpoint_url, "--log-format", "json"),
        capture_output=True,
        text=True,
        env=command_env() | env,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def test_aws_region_is_honoured(center: Center) -> None:
    """AWS_REGION names the Region, as the AWS CLI reads it (botocore alone would not)."""
    arn = center.simulator.create_instance("x")

    done = run_with_region(center, arn, AWS_REGION=center.simulator.region)

    assert 0 == done.returncode, done.stderr
    assert arn == json_lines(done.stdout)[0]["InstanceArn"]


def test_a_malformed_aws_region_is_named(center: Center) -> None:
    """A bad AWS_REGION is bad input too, and the message says where it came from."""
    arn = center.simulator.create_instance("x")

    done = run_with_region(center, arn, AWS_REGION="us east 1")

    assert 2 == done.returncode, done.stderr
    assert "AWS_REGION='us east 1'" in done.stderr
    assert 0 == center.simulator.calls()


def test_the_no_region_hint_names_what_works() -> None:
    """Without any Region, the hint names --region and AWS_REGION, which poller honours."""
    done = run_poller("wait", MISSING, "--log-format", "json")

    assert 2 == done.returncode, done.stderr
    [error] = errors_of(done.stderr)
    assert "--region" in str(error["hint"])
    assert "AWS_REGION" in str(error["hint"])
