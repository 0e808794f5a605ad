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
    targets: Targets, *, output: str, query: Any, console_options: dict[str, Any], insecure: bool
) -> Reporter | None:
    """Open stderr and stdout for a run; None when results could not be written anyway."""
    console = open_console(**console_options)
    reporter = Reporter(output, console, query=query)
    for given, (target, count) in targets.repeated.items():
        _logger.warning(
            f"cli.duplicate_{targets.what}",
            **target.identity.keys(),
            message=f"{given} is given {count} times: it counts once.",
        )
    if insecure:
        _logger.warning(
            "cli.insecure",
            message="TLS certificates are not checked (--no-verify-ssl).",
        )
    return reporter if reporter.stdout_usable() else None


def launch(
    targets: Targets,
    *,
    kind: Kind,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    ca_bundle: str | None,
    no_verify_ssl: bool,
    output: str,
    query: Any,
    log_format: str,
    quiet: bool,
    verbose: bool,
    debug: bool,
    backend: str,
    all_instances: str | None = None,
    allow_empty: bool = False,
) -> int:
    """Check the shared options, open the streams, and wait on *targets*; the exit code.

    Args:
        targets: What to wait on, checked.
        kind: What the command waits on (its default delays).
        timeout: ``--timeout`` (None: the library's default).
        min_delay: ``--min-delay``.
        max_delay: ``--max-delay``.
        region: ``--region``.
        profile: ``--profile``.
        endpoint_url: ``--endpoint-url``.
        ca_bundle: ``--ca-bundle``.
        no_verify_ssl: ``--no-verify-ssl``.
        output: ``--output``.
        query: ``--query``, compiled.
        log_format: ``--log-format``.
        quiet: ``-q``.
        verbose: ``-v``.
        debug: ``--debug``.
        backend: ``--backend``.
        all_instances: ``poller wait --all``: the target of every instance listed.
        allow_empty: ``--allow-empty``.
    """
    settings = options.wait_settings(
        timeout=timeout, min_delay=min_delay, max_delay=max_delay, defaults=kind.resource.delays
    )
    client_options = options.client_options(
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
        ca_bundle=ca_bundle,
        no_verify_ssl=no_verify_ssl,
    )
    reporter = start(
        targets,
        output=output,
        query=query,
        console_options={
            "log_format": log_format,
            "quiet": quiet,
            "verbose": verbose,
            "debug": debug,
        },
        insecure=no_verify_ssl,
    )
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
