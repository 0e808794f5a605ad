"""``poller check`` (and ``poller wait --timeout 0``): look once, judged by the state table.

One DescribeInstance per instance (:func:`poller._waiters._instance.look_at_instance`), judged
for the target by the same table a wait uses (:func:`poller._waiters._instance.meets_target`):
exit 0 if the target is reached now, 3 if not yet (a wait given no time would have timed out
there), and a failure's own code otherwise (1 CREATE_FAILED, 4 denied or not found ...). For
``--until deleted`` an instance that no longer exists is the target reached.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from typing import Any, Final

import anyio

from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._instance import Target
from poller.cli._kinds import INSTANCES, Awaited
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._process import open_client
from poller.cli._report import ALL, Report, from_description, from_error, gone, not_started
from poller.cli._run import end_run, listed_arns, run_until_signal
from poller.cli._wait import ClientFactory
from poller.exceptions import PollerError, ResourceNotFoundError, WaitTimeoutError

__all__ = ["check_all", "run_check"]

#: Looks in flight at once, through the one client.
_CONCURRENT_LOOKS: Final = 10
_NOT_YET_HINT: Final = "Wait for it with `poller wait`, or look again later."


async def check_one(client: Any, arn: str, until: str) -> Report:
    """Look at one instance once; the report of what the table makes of it."""
    from poller._waiters._instance import look_at_instance, meets_target  # noqa: PLC0415

    started = time.monotonic()
    try:
        description = await look_at_instance(client, arn)
        elapsed = time.monotonic() - started
        if meets_target(description, until, attempts=1, elapsed=elapsed):
            return from_description(description, Identity(arn))
    except ResourceNotFoundError as error:
        if until == Target.DELETED:  # no such instance: gone is what was asked for
            gone_now = Outcome.DELETED
            return gone(Identity(arn), gone_now, attempts=error.attempts, elapsed=error.elapsed)
        return from_error(error)
    except PollerError as error:
        return from_error(error)
    state = f"Status {description.status}"
    if description.encryption_status is not None:
        state += f", EncryptionStatus {description.encryption_status}"
    not_yet = WaitTimeoutError(
        f"Instance {arn} is not {until} yet ({state}): looked once, without waiting.",
        instance_arn=arn,
        last=description,
        attempts=1,
        elapsed=elapsed,
    )
    return from_error(not_yet, hint=_NOT_YET_HINT)


async def check_all(
    arns: list[str],
    *,
    all_instances: bool,
    allow_empty: bool,
    until: str,
    reporter: Reporter,
    client_factory: ClientFactory,
) -> int:
    """Look at every instance (or every listed one) once; return the exit code.

    Args:
        arns: The instances, checked and without repeats.
        all_instances: Look at every instance ListInstances lists instead.
        allow_empty: With *all_instances*, none listed is a success (else not-found).
        until: The target to judge against.
        reporter: Prints each report as it comes.
        client_factory: Opens the client.
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    targets = [Awaited(INSTANCES, Identity(arn), until) for arn in arns]
    limiter = anyio.CapacityLimiter(_CONCURRENT_LOOKS)

    async def look(client: Any, arn: str) -> None:
        async with limiter:
            reporter.report(await check_one(client, arn, until))

    async def body() -> None:
        nonlocal targets
        try:
            async with client_factory() as client:
                if all_instances:
                    listed = await listed_arns(
                        client, reporter, deadline=None, allow_empty=allow_empty
                    )
                    targets = [Awaited(INSTANCES, Identity(arn), until) for arn in listed]
                async with anyio.create_task_group() as group:
                    for target in targets:
                        group.start_soon(look, client, target.identity.instance_arn)
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for identity in [t.identity for t in targets] or [ALL]:
                if identity not in reporter.reports:
                    reporter.report(not_started(identity, error))

    signum = await run_until_signal(body, reporter.console)
    return end_run(reporter, targets, signum)


def run_check(
    arns: list[str],
    *,
    all_instances: bool,
    allow_empty: bool,
    until: str,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
) -> int:
    """Run :func:`check_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        check_all,
        arns,
        all_instances=all_instances,
        allow_empty=allow_empty,
        until=until,
        reporter=reporter,
        client_factory=functools.partial(open_client, **dataclasses.asdict(client_options)),
    )
    return int(anyio.run(run, backend=backend))
