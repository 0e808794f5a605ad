"""Run the real ``poller`` command in a subprocess against a simulator in this process."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from poller.simulator import Simulator, serve_in_thread

REPO = Path(__file__).resolve().parents[2]
#: Polling settings that keep a wait on a fast simulator short.
FAST = ("--min-delay", "10ms", "--max-delay", "50ms")
#: Events on stderr as JSON lines, which the tests read (off a terminal `auto` writes
#: console lines, for people).
JSON_EVENTS = ("--log-format", "json")
#: An instance ARN of the right shape that no simulator holds.
MISSING = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
#: No subprocess may hang a test run.
SUBPROCESS_TIMEOUT = 30


def command_env() -> dict[str, str]:
    """An environment with dummy credentials and no AWS config files, for the subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # a placeholder the local endpoint accepts
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=str(REPO),
    )
    return env


def poller_command(*args: str) -> list[str]:
    """The argv of ``python -m poller ARGS``."""
    return [sys.executable, "-m", "poller", *args]


def run_poller(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m poller ARGS`` to completion."""
    return subprocess.run(
        poller_command(*args),
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@dataclass(frozen=True)
class Typed:
    """A command run with stdin on a terminal: what it said before reading, and its end."""

    returncode: int
    prompt: str
    stdout: str
    stderr: str


def typed_on_a_terminal(*args: str, text: str) -> Typed:
    """Run ``poller ARGS`` with a terminal for stdin; type *text* and Ctrl-D once it asks.

    Nothing is typed until the command says on stderr that it reads (``cli.reading_stdin``);
    a command that never says so would hang the test: it is killed after the timeout.
    """
    leader, follower = pty.openpty()
    with subprocess.Popen(
        poller_command(*args),
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        os.close(follower)
        assert process.stderr is not None
        watchdog = threading.Timer(SUBPROCESS_TIMEOUT, process.kill)
        watchdog.start()
        seen = []
        for line in process.stderr:
            seen.append(line)
            if "cli.reading_stdin" in line:
                break
        os.write(leader, text.encode())
        os.write(leader, b"\x04")  # Ctrl-D: the end of the input
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
        watchdog.cancel()
    os.close(leader)
    return Typed(process.returncode, "".join(seen), stdout, stderr)


def json_lines(text: str) -> list[dict[str, Any]]:
    """Parse every line of *text* as JSON."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class Center:
    """A simulator served from a thread, and the options that point the command at it."""

    simulator: Simulator
    endpoint_url: str

    def options(self) -> tuple[str, ...]:
        """``--endpoint-url`` and ``--region`` for this endpoint, fast polling, JSON events."""
        return (
            "--endpoint-url",
            self.endpoint_url,
            "--region",
            self.simulator.region,
            *FAST,
            *JSON_EVENTS,
        )


@pytest.fixture
def center(request: pytest.FixtureRequest) -> Iterator[Center]:
    """A local Identity Center at time scale 1000 (a simulated minute takes 60 ms)."""
    options = {"time_scale": 1000.0, **getattr(request, "param", {})}
    simulator = Simulator(**options)
    with serve_in_thread(simulator) as server:
        yield Center(simulator, server.endpoint_url)
