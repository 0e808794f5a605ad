"""The async side of ``poller wait`` (and of ``poller demo``): one client, one fan-out.

The waiting is the library's: :func:`poller.wait_for_instances` runs every wait under one
deadline, with one rate limit for the client, and hands each outcome over as it ends, to be
printed at once. The deadline counts from the moment the client is open: the command's
start-up (imports, the service model, credentials) is not taken from the user's
``--timeout``; ``--all``'s listing is a request to AWS, and is.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import anyio

import poller
from poller._settings import WaitSettings
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._report import Report, from_error, from_result, not_started
from poller.cli._run import end_run, listed_arns, run_until_signal

if TYPE_CHECKING:
    from poller._waiters._instance import InstanceOutcome

__all__ = ["ClientFactory", "run_wait", "wait_all"]

ClientFactory = Callable[[], AbstractAsyncContextManager[Any]]
"""Opens the one ``sso-admin`` client of the command (the demo brings its own)."""


def _report_of(outcome: InstanceOutcome) -> Report:
    if outcome.error is not None:
        return from_error(outcome.error)
    assert outcome.result is not None
    return from_result(outcome.result)


async def wait_all(
    arns: list[str],
    *,
    all_instances: bool,
    until: str,
    settings: WaitSettings,
    reporter: Reporter,
    client_factory: ClientFactory,
    allow_empty: bool = False,
) -> int:
    """Wait on every instance (or every listed one) under one deadline; return the exit code.

    Args:
        arns: The instances, checked and without repeats.
        all_instances: Wait on every instance ListInstances lists instead.
        until: The target of every wait.
        settings: The checked timeout and delays.
        reporter: Prints each outcome as it comes.
        client_factory: Opens the client.
        allow_empty: With *all_instances*, none listed is a success (else not-found).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    targets = list(arns)

    async def body() -> None:
        nonlocal targets
        try:
            async with client_factory() as client:
                # An absolute end, on the wall clock as the library's `deadline` takes it,
                # from now: the client is open, the first request is next.
                deadline = time.time() + settings.budget()
                if all_instances:
                    targets = await listed_arns(
                        client, reporter, deadline=deadline, allow_empty=allow_empty
                    )
                await poller.wait_for_instances(
                    [(client, arn) for arn in targets],
                    until=until,
                    deadline=deadline,
                    min_delay=settings.min_delay,
                    max_delay=settings.max_delay,
                    on_event=reporter.on_event,
                    on_outcome=lambda outcome: reporter.report(_report_of(outcome)),
                )
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for arn in targets or ["*"]:
                reporter.report(not_started(arn, error))

    signum = await run_until_signal(body, reporter.console)
    return end_run(reporter, targets, signum, until=until)


def run_wait(
    arns: list[str],
    *,
    all_instances: bool,
    allow_empty: bool,
    until: str,
    settings: WaitSettings,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
) -> int:
    """Run :func:`wait_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        wait_all,
        arns,
        all_instances=all_instances,
        allow_empty=allow_empty,
        until=until,
        settings=settings,
        reporter=reporter,
        client_factory=functools.partial(poller.open_client, **dataclasses.asdict(client_options)),
    )
    return int(anyio.run(run, backend=backend))
