"""What every waiting command and ``poller check`` share while they run.

A task listening for SIGINT, SIGTERM and SIGHUP cancels the work, so that each wait sees a
real cancellation (and emits ``wait.cancelled``) before the command exits with the shell's
code for the signal (128 plus its number: 130, 143, 129). Another redraws the live status
line. ``--all`` lists the instances here, and the end of a run is written here: a cancelled
line for each wait a signal stopped, the results ``--ordered`` still holds, what failed and
what to do (after every other line), and on a terminal one line for a person when all is well.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio
import structlog
from anyio.abc import TaskStatus

import poller
from poller import ExitCode
from poller.cli._kinds import Awaited, success_line
from poller.cli._output import Reporter
from poller.cli._render import Console
from poller.cli._report import ALL, cancelled, listing_failed, no_instances

__all__ = ["HANDLED_SIGNALS", "close_run", "end_run", "listed_arns", "run_until_signal"]

#: The signals that cancel the waits: Ctrl-C, `kill`, and a terminal that went away.
HANDLED_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_REDRAW_EVERY: Final = 0.25
_logger = structlog.get_logger("poller")


async def _watch_signals(
    on_signal: Callable[[int], None], *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """Call *on_signal* with the first handled signal, once listening.

    A signal ignored when the run starts (``nohup``'s SIGHUP, a background job's SIGINT) is
    left ignored: the process was meant to outlive it.
    """
    handled = [s for s in HANDLED_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]
    if not handled:
        task_status.started()
        await anyio.sleep_forever()
    with anyio.open_signal_receiver(*handled) as signals:
        task_status.started()
        async for signum in signals:
            on_signal(int(signum))
            return


async def _redraw(console: Console) -> None:
    """Redraw the live status line, every quarter of a second."""
    while True:
        await anyio.sleep(_REDRAW_EVERY)
        console.redraw()


async def run_until_signal(body: Callable[[], Awaitable[None]], console: Console) -> int | None:
    """Run *body* until it ends, or until a handled signal cancels it.

    Returns:
        The signal that cancelled *body*, or None.
    """
    received: list[int] = []
    async with anyio.create_task_group() as group:

        def on_signal(signum: int) -> None:
            """Note *signum* and cancel the work."""
            received.append(signum)
            group.cancel_scope.cancel()

        await group.start(_watch_signals, on_signal)
        if console.live:
            group.start_soon(_redraw, console)
        await body()
        group.cancel_scope.cancel()
    return received[0] if received else None


async def listed_arns(
    client: Any, reporter: Reporter, *, deadline: float | None, allow_empty: bool
) -> list[str]:
    """Every instance ListInstances lists, read by *deadline* (epoch seconds), if any.

    A failure is reported once, for all of them (``"*"``), and leaves nothing to wait on; so
    does an empty listing (``not-found``), unless *allow_empty*.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy

    limit = None if deadline is None else max(deadline - time.time(), 0.0)
    try:
        with anyio.fail_after(limit):
            arns = [arn async for arn in poller.list_instance_arns(client)]
    except (BotoCoreError, ClientError, TimeoutError) as error:
        reporter.report(listing_failed(error))
        return []
    if not arns:
        if allow_empty:
            _logger.warning("cli.no_instances", message="ListInstances lists none.")
        else:
            reporter.report(no_instances())
    return list(dict.fromkeys(arns))


def end_run(reporter: Reporter, targets: list[Awaited], signum: int | None) -> int:
    """Close a run: a cancelled line for each wait a signal stopped, the failures last; the code.

    Interrupted before ``--all`` had listed anything, one cancelled line stands for all.
    """
    if signum is not None:
        for identity in [t.identity for t in targets] or [ALL]:
            if identity not in reporter.reports:
                reporter.report(cancelled(identity, signum, reporter.cancellations.get(identity)))
    return close_run(reporter, success_line(targets) if targets else None)


def close_run(reporter: Reporter, success: str | None) -> int:
    """The results still held, the failures last, and on a terminal *success* if all went well.

    Returns:
        The run's exit code.
    """
    console = reporter.console
    reporter.close()
    code = reporter.exit_code()
    if code == ExitCode.OK and success is not None and reporter.reports and console.live:
        console.write_line(success)
    console.finish()
    return code
