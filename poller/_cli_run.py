"""The async side of ``poller wait`` and ``poller describe``: waits, signals, outcomes.

Several waits run in one task group under one absolute deadline. A task listening for SIGINT
and SIGTERM cancels them, so that each wait sees a real cancellation (and emits
``wait.cancelled``) before the command exits 130 or 143.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
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
from poller._listing import listed_instance_arns
from poller._targets import Observation, Target, Verdict, decide
from poller.exceptions import AccessDeniedError, ApiError, PollerError

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

    def __init__(self, output: str, console: Console, out: TextIO | None = None) -> None:
        self.output = output
        self.console = console
        # sys.stdout is None when the command runs with stdout closed (`>&-`).
        self.out = sys.stdout if out is None else out
        self.out_gone = False
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
        self.write(dump_json(outcome.document) if self.output == "json" else outcome.text)

    def write(self, line: str) -> None:
        """Print one result line, unless stdout is gone (closed, or a pipe nobody reads)."""
        if self.out is None or self.out_gone:
            return
        # On a terminal stdout and stderr share the screen: keep the status line off the result.
        self.console.hide()
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):
            # `poller wait ... | head -c0`: the reader left. The exit code still tells the
            # outcome; stop writing, and keep Python from failing on the final flush.
            self.out_gone = True
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.out.fileno())
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
    # One client, one account: every wait shares its request rate (10/s, halved on throttling).
    limiter = poller.RateLimiter()

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
                limiter=limiter,
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
        # Interrupted before --all had listed anything: still one line, and the signal's code.
        for arn in arns or ["*"]:
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
    """One DescribeInstance, printed as the API's JSON; return the exit code.

    Its answer is judged as the waiter judges a poll (the same errors, outcomes and exit
    codes), but nothing is retried beyond botocore's own retry.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy

    from poller import _observe  # noqa: PLC0415 - imports botocore

    try:
        async with poller.open_client(**dataclasses.asdict(client_options)) as client:
            response = await client.describe_instance(InstanceArn=arn)
    except ClientError as error:
        observation = _observe.from_client_error(error, deletion_seen=False)
    except _observe.TRANSPORT_ERRORS as error:
        observation = _observe.from_transport_error(error, deletion_seen=False)
    except BotoCoreError as error:  # no region, an unknown profile, no credentials
        outcome = _configuration_outcome(arn, error)
        reporter.report(outcome)
        return outcome.exit_code
    else:
        observation = _observe.from_response(response, deletion_seen=False)
    if observation.description is not None:
        reporter.write(dump_json(observation.description.to_api_json()))
        return EXIT_OK
    outcome = from_error(_describe_error(arn, observation))
    reporter.report(outcome)
    return outcome.exit_code


def _describe_error(arn: str, observation: Observation) -> PollerError:
    """The error for a DescribeInstance that did not describe, as the state table has it."""
    from poller import _failures  # noqa: PLC0415 - imports botocore

    _, decision = decide(observation, Target.ACTIVE)
    state = _failures.WaitState(arn, Target.ACTIVE, None, 1, 0.0)
    if decision.verdict is Verdict.FAIL and decision.error is not None:
        return _failures.failure(decision.error, observation, state)
    if decision.verdict is Verdict.RESOLVE:  # one answer cannot tell deleted from forbidden
        return AccessDeniedError(
            f"Access denied describing instance {arn} (AccessDeniedException): it was deleted, "
            "or the caller lacks "
            "sso:DescribeInstance; `poller wait ARN --until deleted` tells the two apart. "
            f"AWS said: {observation.error_message}",
            **state.context(observation.error_message or None),
        )
    return _failures.failure(ApiError, observation, state)


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
