"""``python -m poller.simulator``: options, fault specs, and a real run."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from poller.simulator import Fault, build_parser, parse_fault, simulator_from_args

from .conftest import NO_RETRIES

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("throttling", (Fault.throttling(), None, None)),
        ("kms-throttling,count=forever", (Fault.throttling(None, kms=True), None, None)),
        (
            "http-error,status=502,count=2,operation=DescribeInstance",
            (Fault.http_error(502, count=2), "DescribeInstance", None),
        ),
        ("slow,seconds=0.5", (Fault.slow(0.5), None, None)),
        ("drop-connection,instance=arn:x", (Fault.drop_connection(), None, "arn:x")),
        ("malformed-body", (Fault.malformed_body(), None, None)),
        ("kms-access-denied", (Fault.access_denied(kms=True), None, None)),
        ("access-denied,operation=ListInstances", (Fault.access_denied(), "ListInstances", None)),
        ("internal-error", (Fault.internal_error(), None, None)),
        ("validation", (Fault.validation(), None, None)),
        (
            "error,code=ExpiredTokenException,status=403,message=old",
            (Fault.error("ExpiredTokenException", message="old", status=403), None, None),
        ),
    ],
)
def test_parse_fault(spec: str, expected: tuple[Fault, str | None, str | None]) -> None:
    """Each fault kind has a spec, with count, operation and instance filters."""
    assert expected == parse_fault(spec)


@pytest.mark.parametrize("spec", ["nonsense", "throttling,colour=red", "error", "slow,count=0"])
def test_parse_fault_rejects(spec: str) -> None:
    """Unknown kinds and keys, and impossible counts, are errors."""
    with pytest.raises((ValueError, KeyError)):
        parse_fault(spec)


def test_options_build_the_simulator() -> None:
    """The parsed options configure the simulator and arm its faults."""
    args = build_parser().parse_args(
        ["--time-scale", "50", "--create-seconds", "5", "--fault", "throttling,count=2"]
    )
    sim = simulator_from_args(args)

    assert (50.0, 5.0, 1) == (sim.time_scale, sim.create_seconds, len(sim.faults))


def test_bad_fault_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --fault spec exits with status 2 and says why."""
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--fault", "nonsense"])

    assert 2 == exited.value.code
    assert "unknown fault kind 'nonsense'" in capsys.readouterr().err


def test_module_serves_until_interrupted() -> None:
    """``python -m poller.simulator`` prints its URL and ARNs and answers boto3."""
    command = [sys.executable, "-m", "poller.simulator", "--time-scale", "1000"]
    command += ["--instance", "demo", "--fault", "throttling,operation=DescribeInstance"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        endpoint_url = process.stdout.readline().strip()
        arn = process.stdout.readline().strip()
        codes = _describe_twice(endpoint_url, arn)
    finally:
        process.send_signal(2)  # SIGINT, as Ctrl-C
        process.communicate(timeout=10)

    assert ["ThrottlingException", "ok"] == codes
    assert 0 == process.returncode


def _describe_twice(endpoint_url: str, arn: str) -> list[str]:
    client: Any = boto3.session.Session().client(
        "sso-admin",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )
    codes = []
    try:
        for _ in range(2):
            try:
                client.describe_instance(InstanceArn=arn)
                codes.append("ok")
            except ClientError as exc:
                codes.append(exc.response["Error"]["Code"])
    finally:
        client.close()
    return codes
