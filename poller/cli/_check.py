"""``poller check`` (and ``--timeout 0`` on every waiting command): look once, by the table.

One Describe request per resource (:func:`poller.look`), judged for the target by the same
table a wait of its kind uses (:meth:`poller.ResourceKind.meets`): exit 0 if the target is
reached now, 3 if not yet (a wait given no time would have timed out there), and a failure's
own code otherwise (1 CREATE_FAILED or FAILED, 4 denied or not found ...). For a removal
(``--until deleted``, ``--until removed``) a resource that no longer exists is the target
reached. ``poller describe`` looks the same way, with its own judge (:data:`Judge`).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio

import poller
from poller import Outcome
from poller.cli._kinds import Awaited, Listing
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._report import ALL, Report, from_description, from_error, gone, not_started
from poller.cli._run import end_run, listed_arns, run_until_signal
from poller.cli._startup import open_client
from poller.cli._wait import ClientFactory
from poller.exceptions import PollerError, ResourceNotFoundError, WaitTimeoutError

__all__ = ["Judge", "check_all", "check_one", "run_check"]

Judge = Callable[[Any, Awaited], Awaitable[Report]]
"""Looks at one target through a client, and says what to report."""

#: Looks in flight at once, through the one client.
_CONCURRENT_LOOKS: Final = 10
_NOT_YET_HINT: Final = "Wait for it with `poller wait`, or look again later."


async def check_one(client: Any, target: Awaited) -> Report:
    """Look at one resource once; the report of what its kind's table makes of it."""
    kind, identity, until = target.kind, target.identity, target.until
    started = time.monotonic()
    try:
        description = await poller.look(client, kind, identity)
        elapsed = time.monotonic() - started
        if kind.meets(description, identity, until, attempts=1, elapsed=elapsed):
            return from_description(description, identity)
    except ResourceNotFoundError as error:
        if until in kind.removals:  # no such resource: gone is what was asked for
            return gone(identity, Outcome(until), attempts=error.attempts, elapsed=error.elapsed)
        return from_error(error, hints=kind.advice, last_key=kind.document_key)
    except PollerError as error:
        return from_error(error, hints=kind.advice, last_key=kind.document_key)
    state = f"Status {description.status}"
    encryption = getattr(description, "encryption_status", None)
    if encryption is not None:
        state += f", EncryptionStatus {encryption}"
    label = kind.label(identity)
    not_yet = WaitTimeoutError(
        f"{label[:1].upper()}{label[1:]} is not {until} yet ({state}): looked once, without "
        "waiting.",
        instance_arn=identity.instance_arn,
        region_name=identity.region_name,
        request_id=identity.request_id,
        last=description,
        attempts=1,
        elapsed=elapsed,
    )
    return from_error(not_yet, hint=_NOT_YET_HINT, last_key=kind.document_key)


async def check_all(
    targets: list[Awaited],
    *,
    listing: Listing | None,
    reporter: Reporter,
    client_factory: ClientFactory,
    judge: Judge = check_one,
) -> int:
    """Look at every target (or every listed instance) once; return the exit code.

    Args:
        targets: What to look at, checked and without repeats.
        listing: Look at every instance ListInstances lists instead (``--all``).
        reporter: Prints each report as it comes.
        client_factory: Opens the client.
        judge: What a look reports (:func:`check_one`: whether the target is reached).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    limiter = anyio.CapacityLimiter(_CONCURRENT_LOOKS)

    async def look(client: Any, target: Awaited) -> None:
        """Look at *target* once, with at most a few looks in flight."""
        async with limiter:
            reporter.report(await judge(client, target))

    async def body() -> None:
        """List the instances if asked, then look at each; botocore's own failures reported."""
        nonlocal targets
        try:
            async with client_factory() as client:
                if listing is not None:
                    listed = await listed_arns(
                        client, reporter, deadline=None, allow_empty=listing.allow_empty
                    )
                    targets = listing.targets(listed)
                reporter.expect(target.identity for target in targets)
                async with anyio.create_task_group() as group:
                    for target in targets:
                        group.start_soon(look, client, target)
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for target in targets:
                if target.identity not in reporter.reports:
                    last_key = target.kind.document_key
                    reporter.report(not_started(target.identity, error, last_key=last_key))
            if not targets:
                reporter.report(not_started(ALL, error))

    signum = await run_until_signal(body, reporter.console)
    return end_run(reporter, targets, signum)


def run_check(
    targets: list[Awaited],
    *,
    listing: Listing | None,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
    judge: Judge = check_one,
) -> int:
    """Run :func:`check_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        check_all,
        targets,
        listing=listing,
        reporter=reporter,
        client_factory=functools.partial(open_client, **dataclasses.asdict(client_options)),
        judge=judge,
    )
    return int(anyio.run(run, backend=backend))
