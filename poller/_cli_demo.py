"""``poller demo`` and ``poller simulate``: the local endpoint, for a first look and for tests.

Both need aiohttp (through :mod:`poller.simulator`), so this module is imported only when one
of them runs.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio
import structlog

from poller._cli_run import Reporter, WaitOptions, setup, wait_all
from poller._targets import Target

__all__ = ["demo", "simulate"]

#: The demo's instance takes a simulated minute to create: five real seconds at this scale.
DEMO_TIME_SCALE: Final = 12.0
DEMO_CREATE_SECONDS: Final = 60.0
#: Dummy credentials for the demo's own client only: the local endpoint checks for a
#: signature, not for who signed. The user's AWS environment is never read or changed.
_DUMMY_KEY: Final = "poller-demo"
_DUMMY_SECRET: Final = "poller-demo"  # a placeholder, not a secret

_logger = structlog.get_logger("poller")


@asynccontextmanager
async def _local_client(endpoint_url: str, region: str) -> AsyncIterator[Any]:
    from aiobotocore.session import AioSession  # noqa: PLC0415 - heavy, only for the demo

    import poller  # noqa: PLC0415 - poller.open_client loads aiobotocore

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
            wait=WaitOptions(Target.ACTIVE, timeout=60.0, min_delay=0.5, max_delay=2.0),
            reporter=reporter,
            client_factory=lambda: _local_client(url, region),
        )


def demo(*, log_format: str = "auto") -> int:
    """Run ``poller demo``: a local endpoint, an instance created over the wire, a wait.

    Returns:
        The exit code of the wait (0 when the instance became ACTIVE).
    """
    reporter = setup(output="json", log_format=log_format, quiet=False, verbose=False)
    return anyio.run(_demo, reporter)


async def _serve(args: argparse.Namespace) -> None:
    from poller.simulator import serve  # noqa: PLC0415 - aiohttp
    from poller.simulator._cli import simulator_from_args  # noqa: PLC0415 - aiohttp

    simulator = simulator_from_args(args)
    async with serve(simulator, host=args.host, port=args.port) as server:
        print(server.endpoint_url, flush=True)
        for name in args.instance:
            print(simulator.create_instance(name or None), flush=True)
        print(
            f"poller simulate: ready at {server.endpoint_url} (time x{simulator.time_scale:g}); "
            f"try `poller wait --endpoint-url {server.endpoint_url} --region {simulator.region} "
            "ARN` with any credentials. Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for _ in signals:
                print("poller simulate: stopped", file=sys.stderr, flush=True)
                return


def simulate(argv: list[str]) -> int:
    """Run ``poller simulate`` with the simulator's own options until Ctrl-C or SIGTERM.

    Prints the endpoint URL on stdout (then the ARN of each ``--instance``), and a ready line
    on stderr.

    Returns:
        0 after a clean stop; 2 for bad options.
    """
    from poller.simulator._cli import build_parser  # noqa: PLC0415 - aiohttp

    parser = build_parser(
        argparse.ArgumentParser(
            prog="poller simulate",
            description="Serve a local IAM Identity Center (SSO Admin) endpoint.",
        )
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    anyio.run(_serve, args)
    return 0
