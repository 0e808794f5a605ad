"""A signal while the command starts ends it with the shell's code, never with a traceback.

Each test runs the real console script (or ``python -m poller``) with a test-only import hook
that stops the process inside one import, says so on stderr, and stays there until a signal
ends it: the signal arrives while that import is under way, whatever the machine's speed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .conftest import SUBPROCESS_TIMEOUT, command_env

ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
#: Where the command would send its requests, had it started: nothing listens there.
NOWHERE = ("--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1")
#: The console script, as installed beside this interpreter.
CONSOLE_SCRIPT = Path(sys.executable).parent / "poller"
#: Stops the process when it first imports the module named by argv[1], until a signal comes;
#: then runs the console script (a path) or `python -m poller` (`-m`) with the rest of argv.
HOOK = """
import runpy, sys, time

class Stop:
    def __init__(self, name):
        self.name = name

    def find_spec(self, name, path=None, target=None):
        if name == self.name:
            sys.meta_path.remove(self)
            sys.stderr.write("stopped in import " + name + "\\n")
            sys.stderr.flush()
            for _ in range(600):  # until a signal ends the process (a minute at most)
                time.sleep(0.1)
        return None

sys.meta_path.insert(0, Stop(sys.argv[1]))
entry = sys.argv[2]
sys.argv = [entry, *sys.argv[3:]]
if entry == "-m":
    runpy.run_module("poller", run_name="__main__", alter_sys=True)
else:
    runpy.run_path(entry, run_name="__main__")
"""


def interrupted(entry: str, module: str, signum: int) -> subprocess.CompletedProcess[str]:
    """Run *entry* stopped in the import of *module*, send *signum* there; how it ended."""
    with subprocess.Popen(
        [sys.executable, "-c", HOOK, module, entry, "wait", ARN, *NOWHERE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=command_env(),
    ) as process:
        assert process.stderr is not None
        watchdog = threading.Timer(SUBPROCESS_TIMEOUT, process.kill)  # a hang fails, not waits
        watchdog.start()
        first = process.stderr.readline()
        assert f"stopped in import {module}\n" == first, first + process.stderr.read()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
        watchdog.cancel()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize(
    "module", ["poller", "poller.events", "poller.cli", "click", "structlog", "poller.cli._main"]
)
def test_ctrl_c_at_any_import_of_the_console_script_exits_130(module: str) -> None:
    """From the console script's first import, Ctrl-C exits 130: no traceback, no signal death."""
    done = interrupted(str(CONSOLE_SCRIPT), module, signal.SIGINT)

    assert 130 == done.returncode, done.stderr
    assert "Traceback" not in done.stderr
    assert "" == done.stdout


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
@pytest.mark.parametrize("module", ["poller", "click"])
def test_other_signals_at_start_up_exit_with_their_codes(
    module: str, signum: int, expected: int
) -> None:
    """SIGTERM and SIGHUP while starting: 143 and 129, as once the waits run."""
    done = interrupted(str(CONSOLE_SCRIPT), module, signum)

    assert expected == done.returncode, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("module", ["click", "structlog", "poller.cli._main"])
def test_ctrl_c_while_python_m_poller_starts_exits_130(module: str) -> None:
    """`python -m poller` takes the signals first thing too (once the package is imported)."""
    done = interrupted("-m", module, signal.SIGINT)

    assert 130 == done.returncode, done.stderr
    assert "Traceback" not in done.stderr
