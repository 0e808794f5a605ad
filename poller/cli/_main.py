"""The ``poller`` group, its commands, and :func:`main`.

The waiting commands are made from ``poller.resources`` (:mod:`poller.cli._commands`),
``assign`` applies a plan of account assignments (:mod:`poller.cli._assign`); the instance's
other commands (``check``, ``describe``) and ``demo`` are here. Each command checks
its input before any request (the settings by the library's own check), then hands over to the
module that runs it, imported only then: ``poller --help`` and refused input never load
aiobotocore. A usage error is said as click says it, or, with ``--log-format json``, as one
JSON line (``cli.usage_error``) like every other line on stderr.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any, Final

import click
import structlog

import poller
from poller import ExitCode
from poller.cli import _options as options
from poller.cli._arns import ArnArguments, arns_of, read_arns
from poller.cli._assign import assign
from poller.cli._commands import argument, check_listing, wait_commands
from poller.cli._group import LazyCommand, LazyGroup
from poller.cli._help import DESCRIBE_EXIT_CODES, EXIT_CODES, INSTANCES_FROM_STDIN, ORDER, epilog
from poller.cli._hints import sentence
from poller.cli._kinds import INSTANCE, CommandKinds, Listing
from poller.cli._launch import begin, look
from poller.cli._launch import describe as describe_each
from poller.cli._output import Reporter
from poller.cli._render import Console, configure_logging, open_console
from poller.cli._report import signal_exit_code
from poller.cli._streams import STREAM_ERRORS, guard_standard_fds
from poller.cli._targets import instances

__all__ = ["cli", "main"]

_CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: ``poller check`` prints what ``poller wait`` does.
_CHECK_EPILOG: Final = epilog(CommandKinds(INSTANCE))
_DESCRIBE_EPILOG: Final = (
    f"{DESCRIBE_EXIT_CODES}\n\nstdout: one line of JSON per instance: its DescribeInstance "
    f"answer, else an object with an Outcome key. {ORDER} {INSTANCES_FROM_STDIN}"
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
cli.add_command(assign)


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
@options.ordered
@options.log_format
@options.quiet
@options.debug
@options.backend
def check(
    arns: ArnArguments, *, all_instances: bool, allow_empty: bool, until: str, **common: Any
) -> int:
    """Look at each instance once: exit 0 if it is at the state now, 3 if not yet."""
    check_listing(arns, all_instances=all_instances, allow_empty=allow_empty)
    listing = Listing(INSTANCE, until, allow_empty) if all_instances else None
    run = begin(**common)
    with argument("arns"):
        targets = instances(read_arns(arns, INSTANCE, sys.stdin), INSTANCE, until)
    return look(run, targets, listing=listing)


@cli.command(epilog=_DESCRIBE_EPILOG)
@arns_of(INSTANCE)
@options.region
@options.profile
@options.endpoint_url
@options.tls
@options.query
@options.ordered
@options.log_format
@options.debug
def describe(arns: ArnArguments, **common: Any) -> int:
    """Print each instance's DescribeInstance answer as JSON (the API's keys, ISO 8601 dates)."""
    if not arns:
        raise click.UsageError("Give at least one instance ARN (or - to read them).")
    run = begin(**common)
    with argument("arns"):
        targets = instances(read_arns(arns, INSTANCE, sys.stdin), INSTANCE)
    return describe_each(run, targets)


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
    # expects (SIGINT is Python's KeyboardInterrupt); one ignored from the start (`nohup`)
    # stays ignored.
    for signum in _EARLY_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _terminated)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = cli.main(args=args, prog_name="poller", standalone_mode=False)
    except click.ClickException as exc:
        with contextlib.suppress(*STREAM_ERRORS):  # a broken stderr does not change the code
            if _json_events(args):
                _show_json(exc)
            else:
                exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return signal_exit_code(signal.SIGINT)
    except _Terminated as exc:
        return signal_exit_code(exc.signum)
    return int(code) if isinstance(code, int) else int(ExitCode.OK)


def _json_events(args: Sequence[str]) -> bool:
    """Whether *args* ask for JSON events (the last ``--log-format`` before any ``--`` wins).

    Read from the arguments themselves: a usage error may come before click reads the option.
    """
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--log-format" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--log-format="):
            chosen = arg.partition("=")[2]
    return chosen == "json"


def _show_json(error: click.ClickException) -> None:
    """*error* as one JSON line on stderr, as ``--log-format json`` writes every line there."""
    console = Console(sys.stderr, live=False)
    configure_logging(json_lines=True, level=logging.ERROR, console=console)
    ctx = getattr(error, "ctx", None)
    hint = None
    if ctx is not None and ctx.help_option_names:
        # As click says it: the longest name (--help over -h) reads best.
        hint = f"Try '{ctx.command_path} {max(ctx.help_option_names, key=len)}' for help."
    structlog.get_logger("poller").error(
        "cli.usage_error",
        message=sentence(error.format_message()),
        hint=hint,
        exit_code=error.exit_code,
    )


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived before the waits could see it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminated(signum: int, frame: object) -> None:
    """The early handler of SIGTERM and SIGHUP: end the command."""
    raise _Terminated(signum)
