"""What every command does with its shared options before the first request, and the hand-over.

In three steps, so that every usage error comes before anything is read or sent:
:func:`begin` checks the shared options (``-q`` beside ``-v``, both TLS options, where to
connect) and opens stderr; the command then reads its targets (stdin, if ``-``, with stderr
ready to say what it reads from a terminal); :func:`launch`, :func:`look`, :func:`describe`
and :func:`assign` open stdout (a closed stdout ends the run before any request), warn about
repeats, and import the run's module, and only then: ``--help`` and refused input never load
aiobotocore. The settings are checked before, by the library
(:func:`poller.cli._options.wait_settings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable

import structlog

import poller
from poller import ExitCode
from poller.cli import _options as options
from poller.cli._kinds import Listing
from poller.cli._options import ClientOptions
from poller.cli._output import Query, Reporter
from poller.cli._plan import Plan
from poller.cli._render import Console, open_console
from poller.cli._targets import Targets

__all__ = ["Run", "assign", "begin", "describe", "launch", "look", "open_reporter"]

_logger = structlog.get_logger("poller")


@dataclasses.dataclass(frozen=True, slots=True)
class Run:
    """A command's shared options, checked, and its stderr, open.

    Attributes:
        client_options: Where to connect.
        console: stderr.
        output: ``--output``.
        query: ``--query``, compiled.
        ordered: ``--ordered``.
        backend: ``--backend``.
        insecure: ``--no-verify-ssl``, said once the run starts.
    """

    client_options: ClientOptions
    console: Console
    output: str = "json"
    query: Query | None = None
    ordered: bool = False
    backend: str = "asyncio"
    insecure: bool = False


def begin(
    *,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    ca_bundle: str | None,
    no_verify_ssl: bool,
    log_format: str,
    output: str = "json",
    query: Query | None = None,
    ordered: bool = False,
    quiet: bool = False,
    verbose: bool = False,
    debug: bool = False,
    backend: str = "asyncio",
) -> Run:
    """The shared options checked, and stderr opened: every command starts here.

    Each command passes its options of these names (``poller check`` takes no ``-v``,
    ``describe`` no ``-q`` or ``--output``).

    Raises:
        click.UsageError: Options that contradict each other (``-q`` with ``-v`` or
            ``--debug``, ``--ca-bundle`` with ``--no-verify-ssl``).
    """
    options.check_verbosity(quiet=quiet, verbose=verbose, debug=debug)
    client_options = options.client_options(
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        ca_bundle=ca_bundle,
        no_verify_ssl=no_verify_ssl,
    )
    console = open_console(log_format=log_format, quiet=quiet, verbose=verbose, debug=debug)
    return Run(client_options, console, output, query, ordered, backend, no_verify_ssl)


def open_reporter(run: Run, expected: Iterable[Hashable]) -> Reporter | None:
    """The run's reporter, expecting *expected* (each what a report is about, in input order).

    ``--no-verify-ssl`` is said here. None means that stdout is closed and the results could
    not be written anyway (said on stderr): exit code 74.
    """
    reporter = Reporter(run.output, run.console, query=run.query, ordered=run.ordered)
    reporter.expect(expected)
    if run.insecure:
        _logger.warning(
            "cli.insecure",
            message="TLS certificates are not checked (--no-verify-ssl).",
        )
    return reporter if reporter.stdout_usable() else None


def _reporter(run: Run, targets: Targets) -> Reporter | None:
    """The run's reporter, repeats said (:func:`open_reporter`)."""
    for given, (target, count) in targets.repeated.items():
        _logger.warning(
            f"cli.duplicate_{targets.what}",
            **target.identity.keys(),
            message=f"{given} is given {count} times: it counts once.",
        )
    return open_reporter(run, (target.identity for target in targets.unique))


def launch(
    run: Run,
    targets: Targets,
    *,
    settings: poller.Settings,
    listing: Listing | None = None,
) -> int:
    """Wait on *targets* (or on every instance listed); the exit code.

    Args:
        run: The command's options and stderr (:func:`begin`).
        targets: What to wait on, checked.
        settings: The wait's settings, checked (:func:`poller.cli._options.wait_settings`).
        listing: ``--all``: wait on every instance listed instead.
    """
    reporter = _reporter(run, targets)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._wait import run_wait  # noqa: PLC0415 - keeps --help quick

    return run_wait(
        targets.unique,
        settings=settings,
        client_options=run.client_options,
        reporter=reporter,
        backend=run.backend,
        listing=listing,
    )


def look(run: Run, targets: Targets, *, listing: Listing | None = None) -> int:
    """Look at each target once (``poller check``, ``--timeout 0``); the exit code.

    Args:
        run: The command's options and stderr (:func:`begin`).
        targets: What to look at, checked.
        listing: ``--all``: look at every instance listed instead.
    """
    reporter = _reporter(run, targets)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._check import run_check  # noqa: PLC0415 - imports botocore

    return run_check(
        targets.unique,
        listing=listing,
        client_options=run.client_options,
        reporter=reporter,
        backend=run.backend,
    )


def describe(run: Run, targets: Targets) -> int:
    """Describe each target once (``poller describe``); the exit code."""
    reporter = _reporter(run, targets)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._describe import run_describe  # noqa: PLC0415 - imports botocore

    return run_describe(
        targets.unique,
        client_options=run.client_options,
        reporter=reporter,
        backend=run.backend,
    )


def assign(
    run: Run,
    instance_arn: str,
    plan: Plan,
    *,
    delete: bool,
    max_outstanding: int,
    settings: poller.Settings,
    look_once: bool = False,
) -> int:
    """Apply *plan* to the instance (``poller assign``), or look at it once; the exit code.

    Args:
        run: The command's options and stderr (:func:`begin`).
        instance_arn: The instance.
        plan: The assignments, checked.
        delete: Delete them rather than create them.
        max_outstanding: The rollout's requests in progress at once, at most.
        settings: The rollout's settings, checked.
        look_once: Look at the plan once, writing nothing (``--timeout 0``).
    """
    reporter = open_reporter(run, plan.items)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._apply import run_assign  # noqa: PLC0415 - imports botocore

    return run_assign(
        instance_arn,
        plan,
        delete=delete,
        max_outstanding=max_outstanding,
        settings=settings,
        look_once=look_once,
        client_options=run.client_options,
        reporter=reporter,
        backend=run.backend,
    )
