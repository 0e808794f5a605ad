"""``poller describe``: one Describe of each instance, judged as a poll of a wait would be."""

from __future__ import annotations

from typing import Any

import poller
from poller.cli._check import run_check
from poller.cli._kinds import Awaited
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._report import Report, from_description, from_error
from poller.exceptions import PollerError

__all__ = ["describe_one", "run_describe"]


async def describe_one(client: Any, target: Awaited) -> Report:
    """The Describe answer of *target*, as the API's JSON; or the error a poll would raise.

    The library judges the answer (:func:`poller.look`): the same errors, outcomes and exit
    codes as a wait, but nothing is retried, and no target is asked for.
    """
    kind, identity = target.kind, target.identity
    try:
        description = await poller.look(client, kind, identity)
    except PollerError as error:
        return from_error(error, hints=kind.advice, last_key=kind.document_key)
    return from_description(description, identity)


def run_describe(
    targets: list[Awaited],
    *,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
) -> int:
    """Describe each of *targets* once, in a new event loop; return the exit code."""
    return run_check(
        targets,
        listing=None,
        client_options=client_options,
        reporter=reporter,
        backend=backend,
        judge=describe_one,
    )
