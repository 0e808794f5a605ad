"""The async side of ``poller wait`` (and of ``poller demo``): one client, one fan-out.

The waiting is the library's: :func:`poller.wait_for_instances` runs every wait under one
deadline, with one rate limit for the client, and hands each outcome over as it ends, to be
printed at once. The deadline counts from the start of the command, so that opening the client
and ``--all``'s listing come out of the same ``--timeout``. A task listening for SIGINT and
SIGTERM cancels the fan-out, so that each wait sees a real cancellation (and emits
``wait.cancelled``) before the command exits 130 or 143.
"""

from __future__ import annotations

import dataclasses
import functools
import signal
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Final

import anyio
import structlog
from anyio.abc import TaskStatus

import poller
from poller._outcome import ExitCode
from poller._resources._listing import listed_instance_arns
from poller._settings import WaitSettings
from poller.cli._options import ClientOptions
from poller.cli._render import Console
from poller.cli._report import (
    Report,
    Reporter,
    cancelled,
    from_error,
    from_result,
    listing_failed,
    not_started,
)

if TYPE_CHECKING:
    from poller._waiters._instance import InstanceOutcome

__all__ = ["ClientFactory", "run_wait", "wait_all"]

ClientFactory = Callable[[], AbstractAsyncContextManager[Any]]
"""Opens the one ``sso-admin`` client of the command (the demo brings its own)."""

_REDRAW_EVERY: Final = 0.25
_logger = structlog.get_logger("poller")


def _report_of(outcome: InstanceOutcome) -> Report:
    if outcome.error is not None:
        return from_error(outcome.error)
    assert outcome.result is not None
    return from_result(outcome.result)


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
    until: str,
    settings: WaitSettings,
    reporter: Reporter,
    client_factory: ClientFactory,
) -> ExitCode:
    """Wait on every instance (or every listed one) under one deadline; return the exit code.

    Args:
        arns: The instances, checked and without repeats.
        all_instances: Wait on every instance ListInstances lists instead.
        until: The target of every wait.
        settings: The checked timeout and delays.
        reporter: Prints each outcome as it comes.
        client_factory: Opens the client.
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    # An absolute end, on the wall clock as the library's `deadline` takes it.
    deadline = time.time() + settings.budget()
    received: list[int] = []
    console = reporter.console

    async with anyio.create_task_group() as group:

        def on_signal(signum: int) -> None:
            received.append(signum)
            group.cancel_scope.cancel()

        await group.start(_watch_signals, on_signal)
        if console.live:
            group.start_soon(_redraw, console)
        try:
            async with client_factory() as client:
                if all_instances:
                    arns = await _listed(client, deadline, reporter)
                await poller.wait_for_instances(
                    [(client, arn) for arn in arns],
                    until=until,
                    deadline=deadline,
                    min_delay=settings.min_delay,
                    max_delay=settings.max_delay,
                    on_event=console.on_event,
                    on_outcome=lambda outcome: reporter.report(_report_of(outcome)),
                )
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for arn in arns or ["*"]:
                reporter.report(not_started(arn, error))
        group.cancel_scope.cancel()
    console.finish()
    if received:
        # Every wait not ended yet is cancelled; interrupted before --all had listed
        # anything, one line for all of them.
        for arn in arns or ["*"]:
            if arn not in reporter.reports:
                reporter.report(cancelled(arn, received[0]))
    return reporter.exit_code()


async def _listed(client: Any, deadline: float, reporter: Reporter) -> list[str]:
    """Every instance ListInstances lists, read within the command's deadline.

    A failure is reported once, for all of them (``"*"``), and leaves nothing to wait on.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy

    try:
        with anyio.fail_after(max(deadline - time.time(), 0.0)):
            arns = [arn async for arn in listed_instance_arns(client)]
    except (BotoCoreError, ClientError, TimeoutError) as error:
        reporter.report(listing_failed(error))
        return []
    if not arns:
        _logger.warning("cli.no_instances", message="ListInstances lists none.")
    return list(dict.fromkeys(arns))


def run_wait(
    arns: list[str],
    *,
    all_instances: bool,
    until: str,
    settings: WaitSettings,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
) -> ExitCode:
    """Run :func:`wait_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        wait_all,
        arns,
        all_instances=all_instances,
        until=until,
        settings=settings,
        reporter=reporter,
        client_factory=functools.partial(poller.open_client, **dataclasses.asdict(client_options)),
    )
    return anyio.run(run, backend=backend)
