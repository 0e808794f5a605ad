"""Command start-up: ``poller wait ARN`` against a bare aiobotocore script and the AWS CLI.

The bare script and ``aws sso-admin describe-instance`` describe the same instance.

All three describe the same ACTIVE instance on the same local endpoint. The bare script is
what any Python tool on aiobotocore pays at the least: import it, make a client, send one
request, print the answer as JSON.

Each run is a fresh process, timed from spawn to exit with ``time.perf_counter``; the two
commands alternate, and medians are compared. The AWS CLI pins its own botocore, so it lives in
a virtual environment of its own: ``$POLLER_BENCH_AWS_CLI`` or ``$POLLER_TEST_AWS_CLI`` if set,
else the one the test suite caches (``.pytest_cache/d/awscli-venv``), else one installed into
the temporary directory on first use (``pip install awscli``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import median, report
from benchmarks._endpoint import RemoteEndpoint

__all__ = ["aws_cli", "run"]

_ROOT = Path(__file__).resolve().parent.parent


def aws_cli(*, install: bool = True) -> Path | None:
    """The ``aws`` executable to compare against (installed on first use if *install*)."""
    for variable in ("POLLER_BENCH_AWS_CLI", "POLLER_TEST_AWS_CLI"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    for venv in (
        _ROOT / ".pytest_cache" / "d" / "awscli-venv",
        Path(tempfile.gettempdir()) / "poller-test-awscli-venv",
    ):
        if (venv / "bin" / "aws").exists():
            return venv / "bin" / "aws"
    venv = Path(tempfile.gettempdir()) / "poller-bench-awscli-venv"
    if not (venv / "bin" / "aws").exists():
        if not install:
            return None
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "awscli"],
            check=True,
            timeout=900,
        )
    return venv / "bin" / "aws"


#: The least a Python program on aiobotocore does to describe an instance once.
BARE_SCRIPT = """
import asyncio, json, sys
from aiobotocore.session import AioSession

async def main():
    session = AioSession()
    async with session.create_client("sso-admin", endpoint_url=sys.argv[2]) as client:
        answer = await client.describe_instance(InstanceArn=sys.argv[1])
    answer.pop("ResponseMetadata", None)
    print(json.dumps(answer, default=str))

asyncio.run(main())
"""


#: ``poller wait`` through :func:`poller.cli.main`, without the console script's handling of
#: the garbage collector.
_MAIN_SCRIPT = "import sys; from poller.cli import main; sys.exit(main())"

#: Where poller's extra start-up goes: each line imports what the one before it did, and more.
#: The garbage collector is off, so that a full collection (the heap is large once botocore is
#: in) lands on no one package: with it on, both commands spend about 30 ms in it.
IMPORTS: dict[str, str] = {
    "the bare script's modules": (
        "import gc; gc.disable(); import asyncio, json, sys; "
        "from aiobotocore.session import AioSession"
    ),
    "+ click": "; import click",
    "+ structlog": "; import structlog",
    "+ poller (the package)": "; import poller",
    "+ the command and its wait path": (
        "; import poller.cli._main, poller._client, poller._waiters._instance"
    ),
}


def _imports(runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds to start Python and import each line of :data:`IMPORTS` (cumulative)."""
    commands: dict[str, list[str]] = {}
    code = ""
    for name, more in IMPORTS.items():
        code += more
        commands[name] = [sys.executable, "-c", code]
    for command in commands.values():
        _time(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for index in range(runs):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            samples[name].append(_time(commands[name], env))
    return {name: median(values) for name, values in samples.items()}


def _poller_command() -> list[str]:
    """``poller`` from this environment's scripts, else ``python -m poller``."""
    script = Path(sys.executable).parent / "poller"
    if script.exists():
        return [str(script)]
    found = shutil.which("poller")
    return [found] if found else [sys.executable, "-m", "poller"]


def _environment(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": "benchmark",
        "AWS_SECRET_ACCESS_KEY": "benchmark",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def run(*, quick: bool = False) -> dict[str, float]:
    """Time both commands, interleaved; print and return the medians in seconds."""
    runs = 1 if quick else 15
    aws = aws_cli()
    assert aws is not None
    with RemoteEndpoint() as endpoint, tempfile.TemporaryDirectory() as home:
        (arn,) = endpoint.create(0.0)
        env = _environment(Path(home))
        arguments = [
            "wait",
            arn,
            "--endpoint-url",
            endpoint.endpoint_url,
            "--region",
            "us-east-1",
            "--output",
            "json",
            "-q",
        ]
        commands = {
            "poller": [*_poller_command(), *arguments],
            # The same command through poller.cli.main, as a program of one's own would call
            # it: the collector left as Python starts it (what the console script changes).
            "poller-main": [sys.executable, "-c", _MAIN_SCRIPT, *arguments],
            "bare": [sys.executable, "-c", BARE_SCRIPT, arn, endpoint.endpoint_url],
            "aws": [
                str(aws),
                "sso-admin",
                "describe-instance",
                "--instance-arn",
                arn,
                "--endpoint-url",
                endpoint.endpoint_url,
                "--output",
                "json",
            ],
        }
        for command in commands.values():  # warm the file cache and .pyc files, untimed
            _time(command, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for index in range(runs):
            turn = index % len(names)
            for name in names[turn:] + names[:turn]:  # each goes first in turn
                samples[name].append(_time(commands[name], env))
        imports = _imports(runs, env)
    medians = {name: median(values) for name, values in samples.items()}
    report(
        f"command start-up ({runs} interleaved runs each, ACTIVE instance, local endpoint)",
        [
            (
                "poller wait ARN",
                f"{medians['poller'] * 1e3:6.0f} ms  ({' '.join(commands['poller'][:1])})",
            ),
            ("poller.cli.main, collector as usual", f"{medians['poller-main'] * 1e3:6.0f} ms"),
            ("bare aiobotocore one-shot script", f"{medians['bare'] * 1e3:6.0f} ms"),
            ("aws sso-admin describe-instance", f"{medians['aws'] * 1e3:6.0f} ms  ({aws})"),
            ("poller / bare script", f"{medians['poller'] / medians['bare']:6.3f}"),
            ("poller / aws", f"{medians['poller'] / medians['aws']:6.3f}"),
            (
                "poller.cli.main / bare script",
                f"{medians['poller-main'] / medians['bare']:6.3f}",
            ),
        ],
    )
    previous = None
    rows = []
    for name, seconds in imports.items():
        added = "" if previous is None else f"  (+{(seconds - previous) * 1e3:5.1f} ms)"
        rows.append((name, f"{seconds * 1e3:6.0f} ms{added}"))
        previous = seconds
    report(f"where it goes: python -c 'import ...' without gc, spawn to exit ({runs} runs)", rows)
    return medians


if __name__ == "__main__":
    run()
