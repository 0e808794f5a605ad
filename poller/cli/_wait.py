"""The async side of every waiting command (and of ``poller demo``): one client, one fan-out.

The waiting is the library's: each kind of resource waited on goes to the library's fan-out
for its resource (:func:`poller._waiters._many.wait_for_each`, which
:func:`poller.wait_for_instances` and :func:`poller.wait_for_requests` are made of), which runs
every wait under one deadline and hands each outcome over as it ends, to be printed at once.
Several kinds in one run (assignment creations and deletions read from one stream) wait side by
side, under the same deadline and through the same client's one rate limiter. The deadline
counts from the moment the client is open: the command's start-up (imports, the service model,
credentials) is not taken from the user's ``--timeout``; ``--all``'s listing is a request to
AWS, and is.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio

from poller._identity import Identity
from poller._ratelimit import RateLimiter
from poller._settings import WaitSettings
from poller._waiters._many import WaitOutcome, wait_for_each
from poller.cli._kinds import INSTANCES, Awaited, Kind
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._process import open_client
from poller.cli._report import ALL, Report, from_error, from_result, not_started
from poller.cli._run import end_run, listed_arns, run_until_signal

__all__ = ["ClientFactory", "run_wait", "wait_all", "wait_on"]

ClientFactory = Callable[[], AbstractAsyncContextManager[Any]]
"""Opens the one ``sso-admin`` client of the command (the demo brings its own)."""


def _report_of(kind: Kind, ending: WaitOutcome) -> Report:
    if ending.error is not None:
        return from_error(ending.error, hints=kind.hints, last_key=kind.last_key)
    assert ending.result is not None
    return from_result(ending.result)


def _groups(targets: list[Awaited]) -> dict[tuple[Kind, str], list[Awaited]]:
    """The targets by kind and target, each group in input order."""
    groups: dict[tuple[Kind, str], list[Awaited]] = {}
    for target in targets:
        groups.setdefault((target.kind, target.until), []).append(target)
    return groups


async def wait_on(
    client: Any, targets: list[Awaited], deadline: float, settings: WaitSettings, reporter: Reporter
) -> None:
    """Wait on *targets* through *client* until *deadline* (epoch seconds), printing each end.

    Each kind (and target) of *targets* goes to its kind's fan-out; several run side by side,
    through one rate limiter.
    """
    limiter = RateLimiter()  # the one client's rate, whatever the kinds waited on

    async def fan_out(kind: Kind, until: str, members: list[Awaited]) -> None:
        await wait_for_each(
            kind.resource,
            [(client, member.identity) for member in members],
            until=until,
            deadline=deadline,
            min_delay=settings.min_delay,
            max_delay=settings.max_delay,
            limiter=limiter,
            on_event=reporter.on_event,
            on_outcome=lambda ending: reporter.report(_report_of(kind, ending)),
        )

    async with anyio.create_task_group() as group:
        for (kind, until), members in _groups(targets).items():
            group.start_soon(fan_out, kind, until, members)


async def wait_all(
    targets: list[Awaited],
    *,
    settings: WaitSettings,
    reporter: Reporter,
    client_factory: ClientFactory,
    all_instances: str | None = None,
    allow_empty: bool = False,
) -> int:
    """Wait on every target (or every instance listed) under one deadline; the exit code.

    Args:
        targets: What to wait on, checked and without repeats.
        settings: The checked timeout and delays.
        reporter: Prints each outcome as it comes.
        client_factory: Opens the client.
        all_instances: Wait for this target on every instance ListInstances lists instead.
        allow_empty: With *all_instances*, none listed is a success (else not-found).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    async def body() -> None:
        nonlocal targets
        try:
            async with client_factory() as client:
                # An absolute end, on the wall clock as the library's `deadline` takes it,
                # from now: the client is open, the first request is next.
                deadline = time.time() + settings.budget()
                if all_instances is not None:
                    arns = await listed_arns(
                        client, reporter, deadline=deadline, allow_empty=allow_empty
                    )
                    targets = [Awaited(INSTANCES, Identity(arn), all_instances) for arn in arns]
                if targets:
                    await wait_on(client, targets, deadline, settings, reporter)
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for target in targets:
                if target.identity not in reporter.reports:
                    last_key = target.kind.last_key
                    reporter.report(not_started(target.identity, error, last_key=last_key))
            if not targets:
                reporter.report(not_started(ALL, error))

    signum = await run_until_signal(body, reporter.console)
    return end_run(reporter, targets, signum)


def run_wait(
    targets: list[Awaited],
    *,
    settings: WaitSettings,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
    all_instances: str | None = None,
    allow_empty: bool = False,
) -> int:
    """Run :func:`wait_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        wait_all,
        targets,
        settings=settings,
        reporter=reporter,
        all_instances=all_instances,
        allow_empty=allow_empty,
        client_factory=functools.partial(open_client, **dataclasses.asdict(client_options)),
    )
    return int(anyio.run(run, backend=backend))
