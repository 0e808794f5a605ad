"""``poller describe``: one DescribeInstance, judged as a poll of a wait would be."""

from __future__ import annotations

import dataclasses
import functools

import anyio

import poller
from poller import Identity
from poller.cli._kinds import INSTANCE
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._process import open_client
from poller.cli._report import from_description, from_error, not_started
from poller.exceptions import PollerError

__all__ = ["describe", "run_describe"]


async def describe(arn: str, *, client_options: ClientOptions, reporter: Reporter) -> int:
    """Print the instance's DescribeInstance answer as the API's JSON; return the exit code.

    The library judges the answer (:func:`poller.look`): the same errors, outcomes and exit
    codes as a wait, but nothing is retried.
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    identity = Identity(arn)
    try:
        async with open_client(**dataclasses.asdict(client_options)) as client:
            description = await poller.look(client, INSTANCE, identity)
    except PollerError as error:
        reporter.report(from_error(error, hints=INSTANCE.advice, last_key=INSTANCE.document_key))
    except BotoCoreError as error:  # no client: no region, an unknown profile ...
        reporter.report(not_started(identity, error, last_key=INSTANCE.document_key))
    else:
        reporter.report(from_description(description, identity))
    reporter.console.finish()
    return reporter.exit_code()


def run_describe(arn: str, *, client_options: ClientOptions, reporter: Reporter) -> int:
    """Run :func:`describe` in a new event loop; return the exit code."""
    return int(
        anyio.run(
            functools.partial(describe, arn, client_options=client_options, reporter=reporter)
        )
    )
