"""``python -m poller.simulator`` and ``poller simulate``: options, fault specs, real runs."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from typing import Any

import click
import pytest
from botocore.exceptions import ClientError

import poller.simulator
from poller.simulator import Fault, Server, Simulator, simulate_command
from poller.simulator._cli import _ready_line, main
from poller.simulator._fault_specs import parse_fault

from .conftest import UNKNOWN_ARN, boto_client
from .running import TIMEOUT, Running, child_env

ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
REQUEST_ID = "0b5ee1a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b"
SIGNED_ANY_KEY = "requests must be SigV4-signed; any access key is accepted"


def test_public_names() -> None:
    """The package exports the library and the click command, no argument-parsing helpers."""
    assert [
        "Fault",
        "FaultKind",
        "LimitCounters",
        "RequestRecord",
        "Server",
        "ServiceError",
        "Simulator",
        "make_app",
        "serve",
        "serve_in_thread",
        "simulate_command",
    ] == poller.simulator.__all__
    assert isinstance(simulate_command, click.Command)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("throttling", (Fault.throttling(), {})),
        ("kms-throttling,count=forever", (Fault.throttling(None, kms=True), {})),
        (
            "http-error,status=502,count=2,operation=DescribeInstance",
            (Fault.http_error(502, count=2), {"operation": "DescribeInstance"}),
        ),
        ("http-error", (Fault.http_error(503), {})),
        ("slow,seconds=0.5", (Fault.slow(0.5), {})),
        (f"drop-connection,instance={ARN}", (Fault.drop_connection(), {"instance_arn": ARN})),
        ("malformed-body", (Fault.malformed_body(), {})),
        ("kms-access-denied", (Fault.access_denied(kms=True), {})),
        (
            "access-denied,operation=ListInstances",
            (Fault.access_denied(), {"operation": "ListInstances"}),
        ),
        ("internal-error", (Fault.internal_error(), {})),
        ("validation,message=no", (Fault.validation(message="no"), {})),
        (
            "error,code=ExpiredTokenException,status=403,message=old",
            (Fault.error("ExpiredTokenException", message="old", status=403), {}),
        ),
        (
            "throttling,operation=DescribeRegion,region=eu-west-1",
            (Fault.throttling(), {"operation": "DescribeRegion", "region_name": "eu-west-1"}),
        ),
        (
            f"internal-error,request={REQUEST_ID}",
            (Fault.internal_error(), {"request_id": REQUEST_ID}),
        ),
    ],
)
def test_parse_fault(spec: str, expected: tuple[Fault, dict[str, str]]) -> None:
    """Each fault kind has a spec, with count and filters."""
    assert expected == parse_fault(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nonsense", "unknown fault kind 'nonsense'; choose from throttling, "),
        ("throttling,count=abc", "count must be a positive integer or 'forever', not 'abc'"),
        ("throttling,count=0", "count must be a positive integer or 'forever', not '0'"),
        ("throttling,count=-2", "count must be a positive integer or 'forever', not '-2'"),
        ("throttling,colour=red", "a throttling fault takes no 'colour'; its keys are count, "),
        ("throttling,status=500", "a throttling fault takes no 'status'"),
        ("throttling,count", "'count' is not key=value"),
        ("http-error,status=abc", "status must be an HTTP error status from 400 to 599, not 'abc'"),
        ("http-error,status=200", "status must be an HTTP error status from 400 to 599, not '200'"),
        ("error,code=X,status=5xx", "status must be an HTTP error status from 400 to 599"),
        ("slow,seconds=soon", "seconds must be a number of seconds, 0 or more, not 'soon'"),
        ("slow,seconds=-1", "seconds must be a number of seconds, 0 or more, not '-1'"),
        ("slow,seconds=nan", "seconds must be a number of seconds, 0 or more, not 'nan'"),
        ("error", "an error fault needs code=<ErrorCode>"),
        ("throttling,operation=Describe", "unknown operation 'Describe'; choose from "),
        ("throttling,instance=arn:x", "instance must be an instance ARN, not 'arn:x'"),
        ("throttling,region=Mars", "region must be a Region name such as eu-west-1, not 'Mars'"),
        (
            f"throttling,request={REQUEST_ID.upper()}",
            "request must be a request ID (a lowercase UUID), not ",
        ),
    ],
)
def test_parse_fault_rejects(spec: str, message: str) -> None:
    """Unknown kinds, keys and operations, and bad values, are refused saying which."""
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_fault(spec)


def test_options_are_parsed() -> None:
    """Every option reaches the command's parameters, converted and checked."""
    argv = ["--time-scale", "50", "--create-seconds", "0", "--port", "65535"]
    argv += ["--fault", "throttling,count=2", "--instance", "a", "--instance", ""]
    argv += ["--update-fail-reason", "Key disabled", "--log-requests"]
    params = simulate_command.make_context("simulate", argv).params

    assert (50.0, 0.0, 65535, ("a", ""), "Key disabled", True) == (
        params["time_scale"],
        params["create_seconds"],
        params["port"],
        params["instances"],
        params["update_fail_reason"],
        params["log_requests"],
    )
    assert [(Fault.throttling(2), {})] == params["faults"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "65536"], "Invalid value for '--port': 65536 is not in the range"),
        (["--port", "-1"], "Invalid value for '--port': -1 is not in the range"),
        (["--time-scale", "0"], "'--time-scale': must be a finite number, more than 0; not 0"),
        (["--time-scale", "-2"], "'--time-scale': must be a finite number, more than 0; not -2"),
        (["--time-scale", "nan"], "'--time-scale': must be a finite number, more than 0; not nan"),
        (["--time-scale", "inf"], "'--time-scale': must be a finite number, more than 0; not inf"),
        (["--create-seconds", "-1"], "'--create-seconds': must be a finite number, 0 or more"),
        (["--delete-seconds", "-1"], "'--delete-seconds': must be a finite number, 0 or more"),
        (["--update-seconds", "-1"], "'--update-seconds': must be a finite number, 0 or more"),
        (["--request-log-size", "-1"], "'--request-log-size': -1 is not in the range x>=0"),
        (["--region", "Mars"], "'--region': 'Mars' does not look like a Region name"),
        (["--account-id", "42"], "'--account-id': '42' does not look like an account ID"),
        (["--fault", "throttling,count=abc"], "'--fault': count must be a positive integer or"),
        (["--fault", "nonsense"], "'--fault': unknown fault kind 'nonsense'"),
    ],
)
def test_bad_input_is_a_usage_error(argv: list[str], message: str) -> None:
    """Bad input is refused by click with exit status 2, before anything is served."""
    with pytest.raises(click.BadParameter) as refused:
        simulate_command.make_context("simulate", argv)

    assert 2 == refused.value.exit_code
    assert message in refused.value.format_message()


def test_module_refuses_bad_input_with_status_2() -> None:
    """``python -m poller.simulator`` with a bad fault exits 2 with click's message only."""
    done = subprocess.run(
        [sys.executable, "-m", "poller.simulator", "--fault", "throttling,count=abc"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=child_env(),
        check=False,
    )

    assert (2, "") == (done.returncode, done.stdout)
    assert (
        "Error: Invalid value for '--fault': count must be a positive integer or 'forever', "
        "not 'abc'"
    ) == done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr


def test_main_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m poller.simulator --help`` names itself so, and exits 0."""
    code = main(["--help"])

    assert 0 == code
    assert capsys.readouterr().out.startswith("Usage: python -m poller.simulator [OPTIONS]")


def test_main_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """main() returns 2 for bad input and shows click's message on stderr."""
    code = main(["--port", "99999"])

    assert 2 == code
    assert "Error: Invalid value for '--port': 99999" in capsys.readouterr().err


def test_registered_as_poller_simulate(capsys: pytest.CaptureFixture[str]) -> None:
    """Registered in a ``poller`` group, its help and errors say ``poller simulate``."""
    group = click.Group("poller")
    group.add_command(simulate_command, name="simulate")

    with pytest.raises(click.UsageError) as refused:
        group.main(["simulate", "--port", "-1"], prog_name="poller", standalone_mode=False)
    group.main(["simulate", "--help"], prog_name="poller", standalone_mode=False)

    assert refused.value.ctx is not None
    assert "poller simulate" == refused.value.ctx.command_path
    assert capsys.readouterr().out.startswith("Usage: poller simulate [OPTIONS]")


def test_ready_line_names_an_instance_and_what_is_accepted() -> None:
    """The ready line gives commands to paste for the first instance, and says how to sign."""
    server = Server(Simulator(time_scale=1000, region="eu-west-1"), "127.0.0.1", 8080)
    where = "--endpoint-url http://127.0.0.1:8080 --region eu-west-1"

    assert (
        f"poller simulate: ready at http://127.0.0.1:8080 (time x1000); {SIGNED_ANY_KEY}. "
        f"Try `aws sso-admin describe-instance {where} --instance-arn {ARN}` or "
        f"`poller wait {where} {ARN}`; change it while it runs with "
        "`curl http://127.0.0.1:8080/_poller`. Ctrl-C stops it."
    ) == _ready_line("poller simulate", server, [ARN, UNKNOWN_ARN])


def test_ready_line_with_the_limits_on() -> None:
    """With --aws-limits, the ready line says which limits the endpoint enforces."""
    server = Server(Simulator(aws_limits=True, aws_outstanding=10), "127.0.0.1", 8080)

    line = _ready_line("poller simulate", server, [ARN])

    assert line.startswith(
        "poller simulate: ready at http://127.0.0.1:8080 (time x1, AWS limits: 20 requests a "
        "simulated second, 10 outstanding writes per instance); "
    )


def test_ready_line_without_instances() -> None:
    """Without --instance, the ready line suggests listing the instances."""
    server = Server(Simulator(), "127.0.0.1", 8080)
    where = "--endpoint-url http://127.0.0.1:8080 --region us-east-1"

    line = _ready_line("python -m poller.simulator", server, [])

    assert f"Try `aws sso-admin list-instances {where}` or `poller wait {where} ARN`" in line


def test_module_serves_until_interrupted() -> None:
    """It prints its URL and ARN, then the ready line; it answers, and SIGINT stops it (0)."""
    argv = ["--time-scale", "1000", "--instance", "demo"]
    with Running(*argv, "--fault", "throttling,operation=DescribeInstance") as child:
        endpoint_url, arn = child.line(), child.line()
        ready = child.line("stderr")
        codes = _describe_twice(endpoint_url, arn)
        code = child.stop(signal.SIGINT)
        rest = child.rest("stderr")

    assert ["ThrottlingException", "ok"] == codes
    assert 0 == code
    assert ready.startswith(f"python -m poller.simulator: ready at {endpoint_url} (time x1000)")
    assert f"--instance-arn {arn}" in ready
    assert SIGNED_ANY_KEY in ready
    assert "any credentials" not in ready
    assert ["python -m poller.simulator: stopped"] == rest  # no request log unless asked


def test_sigterm_stops_poller_simulate() -> None:
    """Run as ``poller simulate`` in a group, SIGTERM stops it cleanly, in that name."""
    script = (
        "import sys, click\n"
        "from poller.simulator import simulate_command\n"
        "group = click.Group('poller')\n"
        "group.add_command(simulate_command, name='simulate')\n"
        "sys.exit(group.main(['simulate'], prog_name='poller', standalone_mode=False))\n"
    )
    with Running(command=[sys.executable, "-c", script]) as child:
        endpoint_url = child.line()
        ready = child.line("stderr")
        code = child.stop(signal.SIGTERM)
        rest = child.rest("stderr")

    assert 0 == code
    assert ready.startswith(f"poller simulate: ready at {endpoint_url} ")
    assert "aws sso-admin list-instances" in ready
    assert ["poller simulate: stopped"] == rest


def test_port_in_use_is_one_clear_line() -> None:
    """A port already taken is said in one line, with a non-zero status and no traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "poller.simulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=child_env(),
            check=False,
        )

    assert (1, "") == (done.returncode, done.stdout)
    assert [f"Error: cannot listen on 127.0.0.1:{port}: port {port} is in use"] == (
        done.stderr.splitlines()
    )


def test_create_fail_reason_applies_to_instance_option() -> None:
    """--create-fail-reason makes the --instance instances end CREATE_FAILED too."""
    argv = ["--create-seconds", "0", "--create-fail-reason", "Quota reached", "--instance", "x"]
    with Running(*argv) as child:
        endpoint_url, arn = child.line(), child.line()
        described = _call(endpoint_url, "describe_instance", InstanceArn=arn)

    assert ("CREATE_FAILED", "Quota reached") == (
        described["Status"],
        described.get("StatusReason"),
    )


def test_update_fail_reason_option() -> None:
    """--update-fail-reason makes an encryption update over the wire end UPDATE_FAILED."""
    argv = ["--create-seconds", "0", "--update-seconds", "0", "--instance", "x"]
    with Running(*argv, "--update-fail-reason", "The KMS key is disabled") as child:
        endpoint_url, arn = child.line(), child.line()
        encryption = {"KeyType": "AWS_OWNED_KMS_KEY"}
        _call(endpoint_url, "update_instance", InstanceArn=arn, EncryptionConfiguration=encryption)
        described = _call(endpoint_url, "describe_instance", InstanceArn=arn)

    assert {
        "KeyType": "AWS_OWNED_KMS_KEY",
        "EncryptionStatus": "UPDATE_FAILED",
        "EncryptionStatusReason": "The KMS key is disabled",
    } == described["EncryptionConfigurationDetails"]


def test_log_requests() -> None:
    """--log-requests prints time, operation, ARN, HTTP status and error code per request."""
    with Running("--instance", "x", "--log-requests") as child:
        endpoint_url, arn = child.line(), child.line()
        child.line("stderr")  # ready
        _call(endpoint_url, "describe_instance", InstanceArn=arn)
        with pytest.raises(ClientError):
            _call(endpoint_url, "describe_instance", InstanceArn=UNKNOWN_ARN)
        logged = [child.line("stderr"), child.line("stderr")]

    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(f"{stamp} DescribeInstance {re.escape(arn)} 200 -", logged[0])
    assert re.fullmatch(
        f"{stamp} DescribeInstance {re.escape(UNKNOWN_ARN)} 400 AccessDeniedException", logged[1]
    )


def _call(endpoint_url: str, method: str, **kwargs: Any) -> Any:
    client = boto_client(endpoint_url)
    try:
        return getattr(client, method)(**kwargs)
    finally:
        client.close()


def _describe_twice(endpoint_url: str, arn: str) -> list[str]:
    codes = []
    for _ in range(2):
        try:
            _call(endpoint_url, "describe_instance", InstanceArn=arn)
            codes.append("ok")
        except ClientError as exc:
            codes.append(exc.response["Error"]["Code"])
    return codes
