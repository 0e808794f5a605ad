"""The ``poller`` group, its commands, and :func:`main`.

The waiting commands are made from ``poller.resources`` (:mod:`poller.cli._commands`); the
instance's other commands (``check``, ``describe``) and ``demo`` are here. Each command checks
its input before any request (the settings by the library's own check), then hands over to the
module that runs it, imported only then: ``poller --help`` and refused input never load
aiobotocore.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Sequence
from typing import Any, Final

import click

import poller
from poller import ExitCode
from poller.cli import _options as options
from poller.cli._arns import Arns, arns_of, check_arn
from poller.cli._commands import check_listing, wait_commands
from poller.cli._group import LazyCommand, LazyGroup
from poller.cli._help import EXIT_CODES, epilog
from poller.cli._kinds import INSTANCE, CommandKinds, Listing
from poller.cli._launch import look, start
from poller.cli._output import Reporter
from poller.cli._render import open_console
from poller.cli._report import signal_exit_code
from poller.cli._streams import STREAM_ERRORS, guard_standard_fds
from poller.cli._targets import instances

__all__ = ["cli", "main"]

_CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: ``poller check`` prints what ``poller wait`` does.
_CHECK_EPILOG: Final = epilog(CommandKinds(INSTANCE), look_once=True)
_DESCRIBE_EPILOG: Final = (
    f"{EXIT_CODES}\n\nstdout: the DescribeInstance answer as one line of JSON, else an object "
    "with an Outcome key."
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
    "poller.simulator:simulate_command",
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


# `poller wait`, `wait-region` ...: one for each command the kinds of resource name.
for _command in wait_commands(poller.resources):
    cli.add_command(_command)


@cli.command(epilog=_CHECK_EPILOG)
@arns_of(INSTANCE)
@options.all_instances
@options.until(INSTANCE)
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
    check_listing(arns, all_instances=all_instances, allow_empty=allow_empty)
    listing = Listing(INSTANCE, until, allow_empty) if all_instances else None
    return look(instances(arns, INSTANCE, until), listing=listing, **common)


@cli.command(epilog=_DESCRIBE_EPILOG)
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
    targets = instances(Arns([arn], {}), INSTANCE)
    client_options, reporter = start(targets, output="json", **common)
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
    """The early handler of SIGTERM and SIGHUP: end the command."""
    raise _Terminated(signum)
