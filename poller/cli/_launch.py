"""What every command does with its shared options before the first request, and the hand-over.

Where to connect is worked out, stderr and stdout are opened (a closed stdout ends the run
before any request), repeats are warned about; then the run's module is imported, and only
then: ``--help`` and refused input never load aiobotocore. The settings are checked before, by
the library (:func:`poller.cli._options.wait_settings`).
"""

from __future__ import annotations

from typing import Any

import structlog

import poller
from poller import ExitCode
from poller.cli import _options as options
from poller.cli._kinds import Listing
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._render import open_console
from poller.cli._targets import Targets

__all__ = ["launch", "look", "start"]

_logger = structlog.get_logger("poller")


def start(
    targets: Targets,
    *,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    ca_bundle: str | None,
    no_verify_ssl: bool,
    output: str,
    query: Any,
    log_format: str,
    quiet: bool = False,
    verbose: bool = False,
    debug: bool = False,
) -> tuple[ClientOptions, Reporter | None]:
    """Where to connect, checked; stderr and stdout opened; repeats and ``--no-verify-ssl`` said.

    Every command that sends a request starts here, with its options of the same names
    (``poller check`` and ``poller describe`` take no ``-v``, ``describe`` no ``-q``).

    Returns:
        Where to connect, and the reporter of the run: None when the results could not be
        written anyway (a closed stdout, said on stderr), which is exit code 74.

    Raises:
        click.UsageError: Both --ca-bundle and --no-verify-ssl.
    """
    client_options = options.client_options(
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        ca_bundle=ca_bundle,
        no_verify_ssl=no_verify_ssl,
    )
    console = open_console(log_format=log_format, quiet=quiet, verbose=verbose, debug=debug)
    reporter = Reporter(output, console, query=query)
    for given, (target, count) in targets.repeated.items():
        _logger.warning(
            f"cli.duplicate_{targets.what}",
            **target.identity.keys(),
            message=f"{given} is given {count} times: it counts once.",
        )
    if no_verify_ssl:
        _logger.warning(
            "cli.insecure",
            message="TLS certificates are not checked (--no-verify-ssl).",
        )
    return client_options, reporter if reporter.stdout_usable() else None


def launch(
    targets: Targets,
    *,
    settings: poller.Settings,
    backend: str,
    listing: Listing | None = None,
    **common: Any,
) -> int:
    """Start (:func:`start`), and wait on *targets*; the exit code.

    Args:
        targets: What to wait on, checked.
        settings: The wait's settings, checked (:func:`poller.cli._options.wait_settings`).
        backend: ``--backend``.
        listing: ``poller wait --all``: wait on every instance listed instead.
        common: Where to connect and what to show, as :func:`start` takes them.
    """
    client_options, reporter = start(targets, **common)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._wait import run_wait  # noqa: PLC0415 - keeps --help quick

    return run_wait(
        targets.unique,
        settings=settings,
        client_options=client_options,
        reporter=reporter,
        backend=backend,
        listing=listing,
    )


def look(
    targets: Targets,
    *,
    backend: str,
    listing: Listing | None = None,
    **common: Any,
) -> int:
    """Start (:func:`start`), and look at each target once; the exit code.

    ``poller check`` and ``poller wait --timeout 0``.

    Args:
        targets: What to look at, checked.
        backend: ``--backend``.
        listing: ``--all``: look at every instance listed instead.
        common: Where to connect and what to show, as :func:`start` takes them.
    """
    client_options, reporter = start(targets, **common)
    if reporter is None:
        return ExitCode.OUTPUT_FAILED
    from poller.cli._check import run_check  # noqa: PLC0415 - imports botocore

    return run_check(
        targets.unique,
        listing=listing,
        client_options=client_options,
        reporter=reporter,
        backend=backend,
    )
