"""The command in a process of its own: the collector off while it starts, on for the wait.

Each test runs the console script's function in a fresh interpreter (the collector is
process-wide state) and reads what it printed of the collector at the moments that matter.
"""

from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any

import pytest

from poller.cli import main
from tests.cli.conftest import SUBPROCESS_TIMEOUT, Center, command_env

#: Runs script() with argv from the command line and prints, as JSON, the collector's state
#: when the first request leaves (the client is open) and at the end.
_PROBE = """
import gc, json, sys
from aiobotocore.client import AioBaseClient
from poller.cli._process import script

seen = {}
send = AioBaseClient._make_api_call

async def probe(self, *args, **kwargs):
    seen.setdefault("requesting", [gc.isenabled(), gc.get_freeze_count() > 0])
    return await send(self, *args, **kwargs)

AioBaseClient._make_api_call = probe
sys.argv = ["poller", *sys.argv[1:]]
code = script()
seen["end"] = [gc.isenabled(), gc.get_freeze_count() > 0]
seen["code"] = code
print(json.dumps(seen))
"""


def _probe(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.stdout, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return seen


@pytest.mark.parametrize(
    "command",
    [
        ["wait", "ARN", "-q"],
        ["wait", "--all", "-q"],
        ["check", "ARN", "--until", "active"],
        ["describe", "ARN"],
    ],
    ids=["wait", "wait --all", "check", "describe"],
)
def test_requests_leave_with_the_collector_on_and_the_start_up_heap_frozen(
    center: Center, command: list[str]
) -> None:
    """Off while the command starts; on, the start-up heap frozen, once the client is open."""
    arn = center.simulator.create_instance("probe")
    url, region = center.endpoint_url, center.simulator.region
    where = ["--endpoint-url", url, "--region", region]

    seen = _probe(*[arn if word == "ARN" else word for word in command], *where)

    assert {"requesting": [True, True], "end": [True, True], "code": 0} == seen


#: The signals the command's process takes.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@pytest.fixture
def own_signals() -> Iterator[None]:
    """The test process's own signal handlers, back after a test imports the command's entry.

    Importing the console script's module (or ``poller.__main__``) makes the process the
    command's: it takes SIGINT, SIGTERM and SIGHUP.
    """
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.mark.usefixtures("own_signals")
def test_the_console_script_and_python_m_poller_run_script() -> None:
    """Both ways of running the command go through script(), the collector's handling.

    The console script is a module outside the package, which takes the signals before poller
    is imported (tests/cli/test_startup.py).
    """
    import poller.__main__ as module_main  # noqa: PLC0415 - what `python -m poller` runs
    from poller.cli import _process  # noqa: PLC0415 - the command's process

    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "poller"]

    assert "_poller_command:script" == entry.value
    assert _process.script is entry.load() is module_main.script


def test_refused_input_leaves_the_collector_on(center: Center) -> None:
    """A command that ends before any client is opened still turns the collector back on."""
    seen = _probe("wait", "not-an-arn", *center.options())

    assert {"end": [True, True], "code": 2} == seen


def test_simulate_turns_the_collector_back_on() -> None:
    """``poller simulate`` serves until stopped: loading it ends the start-up."""
    probe = (
        "import gc, sys\n"
        "from poller.cli import _startup, cli\n"
        "_startup.pause()\n"
        "import click\n"
        "cli.get_command(click.Context(cli), 'simulate')\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert "True True" == done.stdout.strip(), done.stderr


def test_main_in_a_program_leaves_the_collector_alone(capsys: pytest.CaptureFixture[str]) -> None:
    """:func:`poller.cli.main` in someone's own process neither pauses nor freezes."""
    frozen = gc.get_freeze_count()

    code = main(["wait", "not-an-arn"])

    assert (2, True, frozen) == (code, gc.isenabled(), gc.get_freeze_count())
