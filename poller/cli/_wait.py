"""The async side of every waiting command (and of ``poller demo``): one client, one fan-out.

The waiting is the library's: each kind of resource waited on goes to :func:`poller.wait_many`
with the command's one :class:`poller.Settings`, which runs every wait under one deadline and
hands each outcome over as it ends, to be printed at once. Several kinds in one run
(assignment creations and deletions read from one stream) wait side by side, under the same
deadline and through the same client's one rate limiter. The deadline counts from the moment
the client is open: the command's start-up (imports, the service model, credentials) is not
taken from the user's ``--timeout``; ``--all``'s listing is a request to AWS, and is.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio

import poller
from poller import ResourceKind, WaitOutcome
from poller.cli._kinds import Awaited, Listing
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._report import ALL, Report, from_error, from_result, not_started
from poller.cli._run import end_run, listed_arns, run_until_signal
from poller.cli._startup import open_client

__all__ = ["ClientFactory", "budget", "ending_by", "run_wait", "wait_all", "wait_on"]

ClientFactory = Callable[[], AbstractAsyncContextManager[Any]]
"""Opens the one ``sso-admin`` client of the command (the demo brings its own)."""


def budget(settings: poller.Settings) -> float:
    """The seconds *settings* give the whole run (their timeout)."""
    timeout = settings.get("timeout")
    # wait_settings makes the timeout explicit, in the float seconds of the command's options.
    assert isinstance(timeout, float), timeout
    return timeout


def ending_by(settings: poller.Settings, deadline: float) -> poller.Settings:
    """*settings* ending at *deadline* (epoch seconds) instead of after their timeout.

    Every wait of a run ends by then, whenever it starts (``--all`` lists first; the demo
    waits on one step after another).
    """
    ending = settings.copy()
    ending["timeout"] = None
    ending["deadline"] = deadline
    return ending


def _report_of(kind: ResourceKind, ending: WaitOutcome) -> Report:
    """The report of one wait's ending, in *kind*'s words."""
    if ending.error is not None:
        return from_error(ending.error, hints=kind.advice, last_key=kind.document_key)
    assert ending.result is not None
    return from_result(ending.result)


def _groups(targets: list[Awaited]) -> dict[tuple[ResourceKind, str], list[Awaited]]:
    """The targets by kind and target, each group in input order."""
    groups: dict[tuple[ResourceKind, str], list[Awaited]] = {}
    for target in targets:
        groups.setdefault((target.kind, target.until), []).append(target)
    return groups


async def wait_on(
    client: Any, targets: list[Awaited], settings: poller.Settings, reporter: Reporter
) -> None:
    """Wait on *targets* through *client* under *settings* (with their deadline), printing each end.

    Each kind (and target) of *targets* goes to its own :func:`poller.wait_many`; several run
    side by side, through one rate limiter.
    """
    # One limiter, the one client's rate whatever the kinds waited on; it and the hook join
    # the run's settings, which go on whole.
    shared = settings | {"limiter": poller.RateLimiter(), "on_event": reporter.on_event}

    async def fan_out(kind: ResourceKind, until: str, members: list[Awaited]) -> None:
        """Wait on *members*, of one kind and target, printing each end."""
        await poller.wait_many(
            kind,
            [(client, member.identity) for member in members],
            until=until,
            on_outcome=lambda ending: reporter.report(_report_of(kind, ending)),
            **shared,
        )

    async with anyio.create_task_group() as group:
        for (kind, until), members in _groups(targets).items():
            group.start_soon(fan_out, kind, until, members)


async def wait_all(
    targets: list[Awaited],
    *,
    settings: poller.Settings,
    reporter: Reporter,
    client_factory: ClientFactory,
    listing: Listing | None = None,
) -> int:
    """Wait on every target (or every instance listed) under one deadline; the exit code.

    Args:
        targets: What to wait on, checked and without repeats.
        settings: The checked settings, their timeout not yet a deadline.
        reporter: Prints each outcome as it comes.
        client_factory: Opens the client.
        listing: Wait on every instance ListInstances lists instead (``--all``).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    async def body() -> None:
        """Open the client, list if asked, wait; botocore's own failures reported."""
        nonlocal targets
        try:
            async with client_factory() as client:
                # An absolute end, on the wall clock as the library's `deadline` takes it,
                # from now: the client is open, the first request is next.
                deadline = time.time() + budget(settings)
                if listing is not None:
                    arns = await listed_arns(
                        client, reporter, deadline=deadline, allow_empty=listing.allow_empty
                    )
                    targets = listing.targets(arns)
                reporter.expect(target.identity for target in targets)
                if targets:
                    await wait_on(client, targets, ending_by(settings, deadline), reporter)
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for target in targets:
                if target.identity not in reporter.reports:
                    last_key = target.kind.document_key
                    reporter.report(not_started(target.identity, error, last_key=last_key))
            if not targets:
                reporter.report(not_started(ALL, error))

    signum = await run_until_signal(body, reporter.console)
    return end_run(reporter, targets, signum)


def run_wait(
    targets: list[Awaited],
    *,
    settings: poller.Settings,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
    listing: Listing | None = None,
) -> int:
    """Run :func:`wait_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        wait_all,
        targets,
        settings=settings,
        reporter=reporter,
        listing=listing,
        client_factory=functools.partial(open_client, **dataclasses.asdict(client_options)),
    )
    return int(anyio.run(run, backend=backend))
