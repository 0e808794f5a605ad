"""The ``poller`` group, its commands' arguments, and :func:`main`.

Each command checks its input here, before any request (the settings by the library's own
check), then hands over to the module that runs it, imported only then: ``poller --help`` and
refused input never load aiobotocore.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from typing import Final

import click

from poller._outcome import ExitCode
from poller.cli import _options as options
from poller.cli._group import LazyCommand, LazyGroup
from poller.cli._render import open_console
from poller.cli._report import Reporter

__all__ = ["cli", "main"]

_CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_EPILOG: Final = (
    "Exit codes: 0 target reached, 1 terminal failure state, 2 usage or bad input, "
    "3 timed out, 4 denied, not found or other AWS error, 130 SIGINT, 143 SIGTERM "
    "(with several instances, the highest). stdout: one JSON line per instance, the "
    "DescribeInstance answer on success, else an object with an Outcome key."
)
#: The simulator's own command, which needs aiohttp: imported only when it runs.
_SIMULATE: Final = LazyCommand(
    "poller.simulator._cli:simulate_command",
    "Run a local Identity Center endpoint in the foreground.",
)


@click.group(cls=LazyGroup, lazy_commands={"simulate": _SIMULATE}, context_settings=_CONTEXT)
@click.version_option(package_name="poller")
def cli() -> None:
    """Wait for AWS IAM Identity Center instances to settle."""


@cli.command(epilog=_EPILOG)
@click.argument("arns", metavar="ARN...", nargs=-1, callback=options.check_arns)
@click.option("--all", "all_instances", is_flag=True, help="Wait on every instance listed.")
@options.until
@options.timeout
@options.delays
@options.region
@options.profile
@options.endpoint_url
@options.output
@options.log_format
@options.quiet
@options.verbose
@options.backend
def wait(
    arns: list[str],
    *,
    all_instances: bool,
    until: str,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    output: str,
    log_format: str,
    quiet: bool,
    verbose: bool,
    backend: str,
) -> int:
    """Wait until each instance ARN reaches a state (all at once, under one deadline)."""
    if not arns and not all_instances:
        raise click.UsageError("Give at least one instance ARN, or --all.")
    if arns and all_instances:
        raise click.UsageError("Give instance ARNs or --all, not both.")
    settings = options.wait_settings(timeout=timeout, min_delay=min_delay, max_delay=max_delay)
    from poller.cli._wait import run_wait  # noqa: PLC0415 - keeps --help quick

    console = open_console(log_format=log_format, quiet=quiet, verbose=verbose)
    return run_wait(
        arns,
        all_instances=all_instances,
        until=until,
        settings=settings,
        client_options=options.ClientOptions(region, profile, endpoint_url),
        reporter=Reporter(output, console),
        backend=backend,
    )


@cli.command(epilog=_EPILOG)
@click.argument("arn", metavar="ARN", callback=lambda ctx, p, v: options.check_arn(v, ctx, p))
@options.region
@options.profile
@options.endpoint_url
@options.log_format
def describe(
    arn: str, *, region: str | None, profile: str | None, endpoint_url: str | None, log_format: str
) -> int:
    """Print one DescribeInstance answer as JSON (the API's key names, ISO 8601 dates)."""
    from poller.cli._describe import run_describe  # noqa: PLC0415 - imports botocore

    console = open_console(log_format=log_format, quiet=False, verbose=False)
    return run_describe(
        arn,
        client_options=options.ClientOptions(region, profile, endpoint_url),
        reporter=Reporter("json", console),
    )


@cli.command()
@options.log_format
def demo(log_format: str) -> int:
    """Create an instance on a local endpoint and wait for it: no AWS account needed."""
    from poller.cli._demo import demo as run  # noqa: PLC0415 - aiohttp only when asked

    console = open_console(log_format=log_format, quiet=False, verbose=False)
    return run(Reporter("json", console))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``poller`` command; return its exit code."""
    # Until the event loop listens for it, SIGTERM ends the command as the shell expects.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(args=argv, prog_name="poller", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return int(ExitCode.SIGINT)
    except _Terminated:
        return int(ExitCode.SIGTERM)
    return int(code) if isinstance(code, int) else int(ExitCode.OK)


class _Terminated(BaseException):
    """SIGTERM arrived before the waits could see it."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated
