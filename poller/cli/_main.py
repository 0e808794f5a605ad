"""The ``poller`` group, its commands' arguments, and :func:`main`.

Each command checks its input here, before any request (the settings by the library's own
check), then hands over to the module that runs it, imported only then: ``poller --help`` and
refused input never load aiobotocore.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Sequence
from typing import Any, Final

import click

from poller._outcome import ExitCode
from poller.cli import _options as options
from poller.cli._arns import Arns, check_arn
from poller.cli._group import LazyCommand, LazyGroup
from poller.cli._kinds import INSTANCES
from poller.cli._launch import EXIT_CODES, launch, start
from poller.cli._output import Reporter
from poller.cli._render import open_console
from poller.cli._report import signal_exit_code
from poller.cli._rollout import ROLLOUT_COMMANDS
from poller.cli._streams import STREAM_ERRORS, guard_standard_fds
from poller.cli._targets import Targets, instances

__all__ = ["cli", "main"]

_CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_EPILOG: Final = (
    f"{EXIT_CODES} stdout: one line per instance (JSON, or text on a terminal), the "
    "DescribeInstance answer on success, else an object with an Outcome key. ARN - reads "
    "the ARNs from stdin, one per line or separated by spaces."
)
_GROUP_EPILOG: Final = f"""{EXIT_CODES}

\b
Shell completion (bash, zsh, fish):
  eval "$(_POLLER_COMPLETE=bash_source poller)"   # in ~/.bashrc
  eval "$(_POLLER_COMPLETE=zsh_source poller)"    # in ~/.zshrc
  _POLLER_COMPLETE=fish_source poller > ~/.config/fish/completions/poller.fish
"""
#: The simulator's own command, which needs aiohttp: imported only when it runs.
_SIMULATE: Final = LazyCommand(
    "poller.simulator._cli:simulate_command",
    "Run a local Identity Center endpoint in the foreground.",
)
#: The signals that end the command before the event loop listens for them.
_EARLY_SIGNALS: Final = (signal.SIGTERM, signal.SIGHUP)


@click.group(
    cls=LazyGroup,
    lazy_commands={"simulate": _SIMULATE},
    context_settings=_CONTEXT,
    epilog=_GROUP_EPILOG,
)
@click.version_option(package_name="poller")
def cli() -> None:
    """Wait for AWS IAM Identity Center instances, and the rollout after them, to settle."""


for _command in ROLLOUT_COMMANDS:
    cli.add_command(_command)


def _check_targets(arns: Arns, *, all_instances: bool, allow_empty: bool) -> None:
    if not arns and not all_instances:
        raise click.UsageError("Give at least one instance ARN (or - to read them), or --all.")
    if arns and all_instances:
        raise click.UsageError("Give instance ARNs or --all, not both.")
    if allow_empty and not all_instances:
        raise click.UsageError("--allow-empty goes with --all.")


def _look(
    targets: Targets,
    *,
    all_instances: bool,
    allow_empty: bool,
    until: str,
    backend: str,
    **common: Any,
) -> int:
    """Look at each instance once (``poller check``, ``poller wait --timeout 0``)."""
    client_options, reporter = start(targets, **common)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._check import run_check  # noqa: PLC0415 - imports botocore

    return run_check(
        [target.identity.instance_arn for target in targets.unique],
        all_instances=all_instances,
        allow_empty=allow_empty,
        until=until,
        client_options=client_options,
        reporter=reporter,
        backend=backend,
    )


@cli.command(epilog=_EPILOG)
@options.arns
@options.all_instances
@options.until
@options.waiting(INSTANCES, look_once=True)
def wait(
    arns: Arns,
    *,
    all_instances: bool,
    allow_empty: bool,
    until: str,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
    **common: Any,
) -> int:
    """Wait until each instance ARN reaches a state (all at once, under one deadline)."""
    _check_targets(arns, all_instances=all_instances, allow_empty=allow_empty)
    targets = instances(arns, until=until)
    if timeout == 0:
        # The delays are never used looking once, but a bad pair is still bad input.
        options.wait_settings(timeout=None, min_delay=min_delay, max_delay=max_delay)
        return _look(
            targets, all_instances=all_instances, allow_empty=allow_empty, until=until, **common
        )
    return launch(
        targets,
        kind=INSTANCES,
        timeout=timeout,
        min_delay=min_delay,
        max_delay=max_delay,
        all_instances=until if all_instances else None,
        allow_empty=allow_empty,
        **common,
    )


@cli.command(epilog=_EPILOG)
@options.arns
@options.all_instances
@options.until
@options.region
@options.profile
@options.endpoint_url
@options.tls
@options.output
@options.query
@options.log_format
@options.quiet
@options.debug
@options.backend
def check(arns: Arns, *, all_instances: bool, allow_empty: bool, until: str, **common: Any) -> int:
    """Look at each instance once: exit 0 if it is at the state now, 3 if not yet."""
    _check_targets(arns, all_instances=all_instances, allow_empty=allow_empty)
    return _look(
        instances(arns, until=until),
        all_instances=all_instances,
        allow_empty=allow_empty,
        until=until,
        **common,
    )


@cli.command(epilog=_EPILOG)
@click.argument("arn", metavar="ARN", callback=lambda ctx, p, v: check_arn(v, ctx, p))
@options.region
@options.profile
@options.endpoint_url
@options.tls
@options.query
@options.log_format
@options.debug
def describe(arn: str, **common: Any) -> int:
    """Print one DescribeInstance answer as JSON (the API's key names, ISO 8601 dates)."""
    client_options, reporter = start(instances(Arns([arn], {})), output="json", **common)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._describe import run_describe  # noqa: PLC0415 - imports botocore

    return run_describe(arn, client_options=client_options, reporter=reporter)


@cli.command()
@options.log_format
def demo(log_format: str) -> int:
    """Create and roll out an instance on a local endpoint, waiting on each step: no AWS needed."""
    from poller.cli._demo import demo as run  # noqa: PLC0415 - aiohttp only when asked

    console = open_console(log_format=log_format, quiet=False, verbose=False)
    reporter = Reporter("json", console)
    if not reporter.stdout_usable():
        return ExitCode.OUTPUT_FAILED
    return run(reporter)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``poller`` command; return its exit code."""
    guard_standard_fds()
    # Until the event loop listens for them, SIGTERM and SIGHUP end the command as the shell
    # expects (SIGINT is Python's KeyboardInterrupt).
    for signum in _EARLY_SIGNALS:
        signal.signal(signum, _terminated)
    try:
        code = cli.main(args=argv, prog_name="poller", standalone_mode=False)
    except click.ClickException as exc:
        with contextlib.suppress(*STREAM_ERRORS):  # a broken stderr does not change the code
            exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return signal_exit_code(signal.SIGINT)
    except _Terminated as exc:
        return signal_exit_code(exc.signum)
    return int(code) if isinstance(code, int) else int(ExitCode.OK)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived before the waits could see it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated(signum)
