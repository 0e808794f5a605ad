"""Fixtures for the simulator's tests: a server in a thread, boto3, and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from poller.simulator import Server, Simulator, serve_in_thread

KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
UNKNOWN_ARN = "arn:aws:sso:::instance/ssoins-0000000000000000"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
GROUP = "906723b8-1234-5678-9abc-def012345678"
UNKNOWN_REQUEST = "00000000-0000-4000-8000-000000000000"
#: No retries: every fault must reach the test as the client parsed it.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture
def sim() -> Simulator:
    """A simulator whose clock only moves when a test advances it (scale 1e-6)."""
    return Simulator(time_scale=1e-6, seed=7)


@pytest.fixture
def arn(sim: Simulator) -> str:
    """An ACTIVE instance of the simulator."""
    created = sim.create_instance("rollout", create_seconds=0)
    sim.advance(0.001)
    return created


@pytest.fixture
def ps_arn(sim: Simulator, arn: str) -> str:
    """A permission set of the instance."""
    return sim.create_permission_set(arn, "Admin")


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The error response that *call* with *kwargs* raised (it must raise ClientError)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response  # type: ignore[no-any-return]


def code_of(call: Any, **kwargs: Any) -> str:
    """The error code that *call* with *kwargs* answered."""
    return str(error_of(call, **kwargs)["Error"]["Code"])


@pytest.fixture
def server(sim: Simulator) -> Iterator[Server]:
    """The simulator served from a background thread."""
    with serve_in_thread(sim) as running:
        yield running


def boto_client(server: Server | str) -> Any:
    """A boto3 sso-admin client for *server* (or an endpoint URL), without retries."""
    endpoint_url = server if isinstance(server, str) else server.endpoint_url
    return boto3.session.Session().client(
        "sso-admin",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )


@pytest.fixture
def boto(server: Server) -> Iterator[Any]:
    """A boto3 sso-admin client for the server, without retries."""
    client = boto_client(server)
    yield client
    client.close()


def _install_awscli(venv: Path) -> Path:
    aws = venv / "bin" / "aws"
    done = venv / ".installed"
    if done.exists() and aws.exists():
        return aws
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "awscli"],
        check=True,
        timeout=900,
    )
    done.write_text("awscli\n")
    return aws


@pytest.fixture(scope="session")
def aws_executable(request: pytest.FixtureRequest) -> Path:
    """The ``aws`` command: ``$POLLER_TEST_AWS_CLI``, else one in a cached venv of its own.

    awscli pins its own botocore, so it cannot share the project's environment. The venv lives
    in pytest's cache directory (else the temp directory) and is installed once. When it
    cannot be had, the tests skip on a developer's machine and fail in CI (``$CI`` set).
    """
    configured = os.environ.get("POLLER_TEST_AWS_CLI")
    if configured:
        return Path(configured)
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    venv = (
        cache.mkdir("awscli-venv")
        if cache is not None
        else Path(tempfile.gettempdir()) / "poller-test-awscli-venv"
    )
    try:
        return _install_awscli(venv)
    except (OSError, subprocess.SubprocessError) as exc:
        message = f"the AWS CLI could not be installed: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class CliResult:
    """What one ``aws`` run printed and returned."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON document the command printed."""
        return json.loads(self.stdout)


@dataclass(frozen=True)
class AwsCli:
    """Runs ``aws sso-admin ...`` against the server, isolated from the user's AWS config."""

    executable: Path
    endpoint_url: str
    home: Path

    def __call__(self, *args: str, signed: bool = True) -> CliResult:
        """Run ``aws sso-admin ARGS`` and return what it printed."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(self.home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.home / "credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "AWS_PAGER": "",
        }
        command = [str(self.executable), "sso-admin", *args]
        command += ["--endpoint-url", self.endpoint_url, "--output", "json"]
        if not signed:
            command.append("--no-sign-request")
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def aws(aws_executable: Path, server: Server, tmp_path: Path) -> AwsCli:
    """The AWS CLI pointed at the server."""
    return AwsCli(aws_executable, server.endpoint_url, tmp_path)


# The fixture that users get from `pytest_plugins = ["poller.testing"]`, registered by import
# here because pytest_plugins may only be declared in the root conftest.
from poller.testing import identity_center  # noqa: E402, F401
