"""``poller demo``: the local endpoint, an instance created over the wire, and a wait on it.

The wait is ``poller wait``'s own (:func:`poller.cli._wait.wait_all`), through a client with
dummy credentials. Needs aiohttp (through :mod:`poller.simulator`), so this module is imported
only when the demo runs.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio
import structlog

import poller
from poller._resources._instance import Target
from poller.cli._options import wait_settings
from poller.cli._output import Reporter
from poller.cli._wait import wait_all

__all__ = ["demo"]

#: The demo's instance takes a simulated minute to create: five real seconds at this scale.
DEMO_TIME_SCALE: Final = 12.0
DEMO_CREATE_SECONDS: Final = 60.0
#: Quick polls, so that the few seconds of the demo show a few of them.
DEMO_TIMEOUT: Final = 60.0
DEMO_MIN_DELAY: Final = 0.5
DEMO_MAX_DELAY: Final = 2.0
#: Dummy credentials for the demo's own client only: the local endpoint checks for a
#: signature, not for who signed. The user's AWS environment is never read or changed.
_DUMMY_KEY: Final = "poller-demo"
_DUMMY_SECRET: Final = "poller-demo"  # a placeholder, not a secret

_logger = structlog.get_logger("poller")


@asynccontextmanager
async def _local_client(endpoint_url: str, region: str) -> AsyncIterator[Any]:
    from aiobotocore.session import AioSession  # noqa: PLC0415 - heavy, only for the demo

    session = AioSession()
    session.set_credentials(_DUMMY_KEY, _DUMMY_SECRET)
    async with poller.open_client(region, endpoint_url=endpoint_url, session=session) as client:
        yield client


async def _demo(reporter: Reporter) -> int:
    from poller.simulator import Fault, Simulator, serve  # noqa: PLC0415 - aiohttp

    simulator = Simulator(time_scale=DEMO_TIME_SCALE, create_seconds=DEMO_CREATE_SECONDS)
    async with serve(simulator) as server:
        url, region = server.endpoint_url, simulator.region
        _logger.info("demo.endpoint", endpoint_url=url, time_scale=DEMO_TIME_SCALE)
        async with _local_client(url, region) as client:
            created = await client.create_instance(Name="poller-demo")
        arn = str(created["InstanceArn"])
        _logger.info("demo.created", instance_arn=arn, message="CreateInstance answered")
        # One burst of throttling, so that the demo shows a transient error being retried.
        simulator.add_fault(Fault.throttling(count=2), operation="DescribeInstance")
        return await wait_all(
            [arn],
            all_instances=False,
            until=Target.ACTIVE,
            settings=wait_settings(
                timeout=DEMO_TIMEOUT, min_delay=DEMO_MIN_DELAY, max_delay=DEMO_MAX_DELAY
            ),
            reporter=reporter,
            client_factory=functools.partial(_local_client, url, region),
        )


def demo(reporter: Reporter) -> int:
    """Run ``poller demo``; return the exit code of its wait (OK once the instance is ACTIVE)."""
    return int(anyio.run(_demo, reporter))
