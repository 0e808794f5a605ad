"""What every command does with its shared options before the first request, and the hand-over.

The settings are checked by the library (a usage error names the option at fault), where to
connect is worked out, stderr and stdout are opened (a closed stdout ends the run before any
request), repeats are warned about; then the run's module is imported, and only then:
``--help`` and refused input never load aiobotocore.
"""

from __future__ import annotations

from typing import Any, Final

import structlog

from poller._outcome import ExitCode
from poller.cli import _options as options
from poller.cli._kinds import Kind
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._render import open_console
from poller.cli._targets import Targets

__all__ = ["EXIT_CODES", "WAIT_EXIT_CODES", "launch", "start"]

_CODES: Final = (
    "Exit codes: 0 target reached, 1 terminal failure state, 2 usage or bad input, "
    "3 timed out{once}, 4 denied, not found or other AWS error, 74 the results could not be "
    "written to stdout, 129 SIGHUP, 130 SIGINT, 143 SIGTERM (with several resources, the "
    "highest)."
)
#: The exit codes, for the ``--help`` of the group and of the instance commands.
EXIT_CODES: Final = _CODES.format(once=" (or, looking once, not yet)")
#: The exit codes of the commands that only wait (the rollout's).
WAIT_EXIT_CODES: Final = _CODES.format(once="")

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
    kind: Kind,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
    backend: str,
    all_instances: str | None = None,
    allow_empty: bool = False,
    **common: Any,
) -> int:
    """Check the settings, start (:func:`start`), and wait on *targets*; the exit code.

    Args:
        targets: What to wait on, checked.
        kind: What the command waits on (its default delays).
        timeout: ``--timeout`` (None: the library's default).
        min_delay: ``--min-delay``.
        max_delay: ``--max-delay``.
        backend: ``--backend``.
        all_instances: ``poller wait --all``: the target of every instance listed.
        allow_empty: ``--allow-empty``.
        common: Where to connect and what to show, as :func:`start` takes them.
    """
    settings = options.wait_settings(
        timeout=timeout, min_delay=min_delay, max_delay=max_delay, defaults=kind.resource.delays
    )
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
        all_instances=all_instances,
        allow_empty=allow_empty,
    )
