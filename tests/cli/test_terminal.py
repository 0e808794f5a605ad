"""On a terminal: text results, a line for a person, and a live status line that fits.

What the tests wait for is drawn on the terminal, and they act when they see it (interrupt the
command, move the simulator's clock on): no verdict rests on how fast the machine is.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable

import pytest

from .conftest import FAST, SUBPROCESS_TIMEOUT, Center, command_env, poller_command

COLUMNS = 80
#: What the live status line draws: a clear, the line, and the next clear's carriage return.
STATUS_LINE = re.compile(r"\x1b\[K([^\r\n]*)\r")


def run_on_terminal(
    *args: str,
    columns: int = COLUMNS,
    react: Callable[[str, subprocess.Popen[bytes]], None] | None = None,
) -> tuple[int, str]:
    """Run ``python -m poller ARGS`` with stdout and stderr on a terminal (80 columns).

    *react* is called with the screen so far and the process each time more is drawn.
    """
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    attributes = termios.tcgetattr(follower)
    attributes[1] &= ~termios.OPOST  # "\n" as written, not "\r\n"
    termios.tcsetattr(follower, termios.TCSANOW, attributes)
    with subprocess.Popen(
        poller_command(*args),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=command_env(),
    ) as process:
        os.close(follower)
        chunks = []
        deadline = time.monotonic() + SUBPROCESS_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
            if react is not None:
                react(b"".join(chunks).decode(errors="replace"), process)
        code = process.wait(SUBPROCESS_TIMEOUT)
    os.close(leader)
    return code, b"".join(chunks).decode()


def test_a_terminal_gets_text_and_a_success_line(center: Center) -> None:
    """--output auto prints text on a terminal, and the end says so in words."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    url, region = center.endpoint_url, center.simulator.region

    code, screen = run_on_terminal("wait", arn, "--endpoint-url", url, "--region", region, *FAST)

    assert 0 == code, screen
    assert f"{arn}\tACTIVE\tencryption ENABLED\n" in screen
    assert '{"InstanceArn"' not in screen
    assert f"✓ {arn.rpartition('/')[2]} is active." in screen


#: The status line of three waits that have each seen their instance being created.
THREE_WAITING = "3 waiting: 3 CREATE_IN_PROGRESS"


def interrupt_once_drawn(prefix: str) -> Callable[[str, subprocess.Popen[bytes]], None]:
    """A reaction: Ctrl-C (once) when a status line starting with *prefix* has been drawn."""
    sent: list[bool] = []

    def react(screen: str, process: subprocess.Popen[bytes]) -> None:
        drawn = any(line.startswith(prefix) for line in STATUS_LINE.findall(screen))
        if drawn and not sent:
            sent.append(True)
            process.send_signal(signal.SIGINT)

    return react


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_several_waits_share_one_status_line_that_fits(center: Center) -> None:
    """Three waits on 80 columns: one compact status line, never wider than the terminal.

    The waits never end by themselves: once the line is drawn, Ctrl-C ends them.
    """
    arns = [center.simulator.create_instance(f"i{n}") for n in range(3)]
    url, region = center.endpoint_url, center.simulator.region

    code, screen = run_on_terminal(
        "wait", *arns, "--endpoint-url", url, "--region", region,
        "--min-delay", "1s", "--max-delay", "2s", react=interrupt_once_drawn(THREE_WAITING),
    )  # fmt: skip

    assert 130 == code, screen
    lines = STATUS_LINE.findall(screen)
    assert any(line.startswith(THREE_WAITING) for line in lines), lines
    assert all(len(line) < COLUMNS for line in lines), lines
    after_the_end = screen.rpartition("wait.cancelled")[2]
    assert "next poll" not in after_the_end


@pytest.mark.parametrize("center", [{"create_seconds": 10_000_000}], indirect=True)
def test_a_terminal_of_no_size_gets_a_status_line_of_80_columns(center: Center) -> None:
    """A terminal that says 0 columns (`script`, some containers' ttys) means "unknown": 80."""
    arns = [center.simulator.create_instance(f"i{n}") for n in range(3)]
    url, region = center.endpoint_url, center.simulator.region

    code, screen = run_on_terminal(
        "wait", *arns, "--endpoint-url", url, "--region", region, "--min-delay", "1s",
        "--max-delay", "2s", columns=0, react=interrupt_once_drawn(THREE_WAITING),
    )  # fmt: skip

    assert 130 == code, screen
    lines = STATUS_LINE.findall(screen)
    assert any(line.startswith(THREE_WAITING) for line in lines), lines
    assert all(len(line) < COLUMNS for line in lines), lines
