"""The async side of ``poller wait`` and ``poller describe``: waits, signals, outcomes.

Several waits run in one task group under one absolute deadline. A task listening for SIGINT
and SIGTERM cancels them, so that each wait sees a real cancellation (and emits
``wait.cancelled``) before the command exits 130 or 143.
"""

from __future__ import annotations

import dataclasses
import functools
import signal
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Final, TextIO

import anyio
import structlog
from anyio.abc import TaskStatus

import poller
from poller._cli_outcome import (
    EXIT_API_ERROR,
    EXIT_OK,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    Outcome,
    cancelled,
    from_error,
    from_other,
    from_result,
)
from poller._cli_render import Console, configure_logging, dump_json, log_level
from poller._instance import InstanceDescription
from poller._listing import listed_instance_arns
from poller._targets import Target
from poller.exceptions import PollerError

__all__ = [
    "ClientOptions",
    "Reporter",
    "WaitOptions",
    "describe",
    "run_describe",
    "run_wait",
    "setup",
    "wait_all",
]

_REDRAW_EVERY: Final = 0.25
_logger = structlog.get_logger("poller")


@dataclasses.dataclass(frozen=True, slots=True)
class ClientOptions:
    """Where to connect: passed on to :func:`poller.open_client`."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class WaitOptions:
    """What to wait for, and how long."""

    until: Target = Target.ACTIVE
    timeout: float = 1800.0
    min_delay: float = 2.0
    max_delay: float = 30.0


class Reporter:
    """Prints each outcome as it comes (stdout) and its error line (stderr, as an event).

    Args:
        output: ``json``, ``text`` or ``none``.
        console: The stderr writer, whose status line follows the events.
        out: stdout.
    """

    def __init__(self, output: str, console: Console, out: TextIO = sys.stdout) -> None:
        self.output = output
        self.console = console
        self.out = out
        self.outcomes: dict[str, Outcome] = {}

    def report(self, outcome: Outcome) -> None:
        """Record and print *outcome*."""
        self.outcomes[outcome.instance_arn] = outcome
        if outcome.message is not None:
            _logger.error(
                "cli.error",
                instance_arn=outcome.instance_arn,
                message=outcome.message,
                hint=outcome.hint,
                exit_code=outcome.exit_code,
            )
        if self.output == "none":
            return
        line = dump_json(outcome.document) if self.output == "json" else outcome.text
        # On a terminal stdout and stderr share the screen: keep the status line off the result.
        self.console.hide()
        self.out.write(line + "\n")
        self.out.flush()
        self.console.redraw()

    def exit_code(self) -> int:
        """The highest exit code of all outcomes (0 when there were none)."""
        return max((o.exit_code for o in self.outcomes.values()), default=EXIT_OK)


def _configuration_outcome(instance_arn: str, error: Exception) -> Outcome:
    """An error from botocore's own setup: missing region, profile or credentials."""
    from botocore.exceptions import NoRegionError, ProfileNotFound  # noqa: PLC0415 - lazy

    if isinstance(error, NoRegionError):
        return from_other(
            instance_arn,
            EXIT_USAGE,
            "No AWS Region is configured.",
            "Pass --region, or set AWS_REGION or a region in your profile.",
        )
    if isinstance(error, ProfileNotFound):
        return from_other(
            instance_arn,
            EXIT_USAGE,
            f"{error}.",
            "Check --profile against `aws configure list-profiles`.",
        )
    return from_other(
        instance_arn,
        EXIT_API_ERROR,
        f"{error}.",
        "Configure credentials (`aws configure`, AWS_PROFILE, `aws sso login`) and retry.",
    )


async def _watch_signals(
    on_signal: Callable[[int], None], *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        task_status.started()
        async for signum in signals:
            on_signal(int(signum))
            return


async def _redraw(console: Console) -> None:
    while True:
        await anyio.sleep(_REDRAW_EVERY)
        console.redraw()


async def wait_all(
    arns: list[str],
    *,
    all_instances: bool,
    wait: WaitOptions,
    client_options: ClientOptions | None = None,
    reporter: Reporter,
    client_factory: Callable[[], AbstractAsyncContextManager[Any]] | None = None,
) -> int:
    """Wait on every instance concurrently under one deadline; return the exit code.

    The client comes from *client_factory* when given (the demo's), else from
    :func:`poller.open_client` with *client_options*.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy

    deadline = anyio.current_time() + wait.timeout
    received: list[int] = []
    console = reporter.console

    async def one(client: Any, arn: str) -> None:
        try:
            result = await poller.wait_for_instance(
                client,
                arn,
                until=wait.until,
                timeout=max(deadline - anyio.current_time(), 1e-3),
                min_delay=wait.min_delay,
                max_delay=wait.max_delay,
                on_event=console.on_event,
            )
        except PollerError as error:
            reporter.report(from_error(error))
        except BotoCoreError as error:
            reporter.report(_configuration_outcome(arn, error))
        else:
            reporter.report(from_result(result))

    async with anyio.create_task_group() as group:

        def on_signal(signum: int) -> None:
            received.append(signum)
            group.cancel_scope.cancel()

        await group.start(_watch_signals, on_signal)
        if console.live:
            group.start_soon(_redraw, console)
        try:
            if client_factory is None:
                client_factory = functools.partial(
                    poller.open_client, **dataclasses.asdict(client_options or ClientOptions())
                )
            async with client_factory() as client:
                if all_instances:
                    with anyio.fail_after(max(deadline - anyio.current_time(), 1e-3)):
                        arns = [arn async for arn in listed_instance_arns(client)]
                    if not arns:
                        _logger.warning("cli.no_instances", message="ListInstances lists none.")
                async with anyio.create_task_group() as waits:
                    for arn in arns:
                        waits.start_soon(one, client, arn)
        except (BotoCoreError, ClientError, TimeoutError) as error:
            # Before any wait began: every instance asked for ends the same way.
            for arn in arns or ["*"]:
                reporter.report(_setup_outcome(arn, error))
        group.cancel_scope.cancel()
    console.finish()
    if received:
        for arn in arns:
            if arn not in reporter.outcomes:
                reporter.report(cancelled(arn, received[0]))
    return reporter.exit_code()


def _setup_outcome(instance_arn: str, error: Exception) -> Outcome:
    """An error before any wait began: opening the client, or listing instances."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - lazy

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        return from_other(
            instance_arn,
            EXIT_API_ERROR,
            f"ListInstances failed with {code}: {error.response.get('Error', {}).get('Message')}",
            "Check your credentials and their sso:ListInstances permission.",
        )
    if isinstance(error, TimeoutError):
        return from_other(
            instance_arn,
            EXIT_TIMEOUT,
            "Timed out listing instances.",
            "Wait longer with --timeout.",
        )
    return _configuration_outcome(instance_arn, error)


async def describe(arn: str, *, client_options: ClientOptions, reporter: Reporter) -> int:
    """One DescribeInstance, printed as the API's JSON; return the exit code."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy

    try:
        async with poller.open_client(**dataclasses.asdict(client_options)) as client:
            response = await client.describe_instance(InstanceArn=arn)
    except ClientError as error:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "Unknown"))
        exit_code = EXIT_USAGE if code == "ValidationException" else EXIT_API_ERROR
        hint = (
            "`aws sso-admin list-instances` lists your instance ARNs."
            if exit_code == EXIT_USAGE
            else "Check which principal you are (`aws sts get-caller-identity`) and its "
            "sso:DescribeInstance permission; a deleted instance is denied too."
        )
        message = f"DescribeInstance on {arn} failed with {code}: {details.get('Message')}"
        reporter.report(from_other(arn, exit_code, message, hint))
        return exit_code
    except BotoCoreError as error:
        outcome = _configuration_outcome(arn, error)
        reporter.report(outcome)
        return outcome.exit_code
    description = InstanceDescription.from_api(response)
    reporter.out.write(dump_json(description.to_api_json()) + "\n")
    reporter.out.flush()
    return EXIT_OK


def setup(*, output: str, log_format: str, quiet: bool, verbose: bool) -> Reporter:
    """Configure structlog for stderr and return the reporter of results.

    Args:
        output: ``json``, ``text`` or ``none`` (stdout).
        log_format: ``auto`` (a live display on a terminal, JSON lines elsewhere),
            ``console`` or ``json``.
        quiet: Show only errors.
        verbose: Show every poll.
    """
    tty = sys.stderr.isatty()
    json_lines = log_format == "json" or (log_format == "auto" and not tty)
    live = log_format == "auto" and tty and not quiet
    console = Console(sys.stderr, live=live)
    configure_logging(
        json_lines=json_lines, level=log_level(verbose=verbose, quiet=quiet), console=console
    )
    return Reporter(output, console)


def run_wait(
    arns: list[str],
    all_instances: bool,
    wait: WaitOptions,
    client_options: ClientOptions,
    reporter: Reporter,
    *,
    backend: str = "asyncio",
) -> int:
    """Run :func:`wait_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        wait_all,
        arns,
        all_instances=all_instances,
        wait=wait,
        client_options=client_options,
        reporter=reporter,
    )
    return anyio.run(run, backend=backend)


def run_describe(arn: str, client_options: ClientOptions, reporter: Reporter) -> int:
    """Run :func:`describe` in a new event loop; return the exit code."""
    return anyio.run(
        functools.partial(describe, arn, client_options=client_options, reporter=reporter)
    )
