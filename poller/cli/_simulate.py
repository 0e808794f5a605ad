"""A stopgap ``poller simulate``, used only while the simulator has no click command.

NOTE: the simulator's command line is being turned into a click command,
``poller.simulator._cli.simulate_command``; :mod:`poller.cli._group` registers that one as
``poller simulate`` as soon as it exists, and this module can then be deleted. Until then this
wraps the simulator's argparse options (``build_parser``, ``simulator_from_args``). Imported
only when ``poller simulate`` runs: it needs aiohttp.
"""

from __future__ import annotations

import argparse
import signal
import sys

import anyio
import click

from poller.simulator import serve
from poller.simulator._cli import build_parser, simulator_from_args

__all__ = ["simulate"]


async def _serve(args: argparse.Namespace) -> None:
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


@click.command(
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("argv", nargs=-1, type=click.UNPROCESSED)
def simulate(argv: tuple[str, ...]) -> int:
    """Run a local Identity Center endpoint in the foreground (see `poller simulate --help`)."""
    parser = build_parser(
        argparse.ArgumentParser(
            prog="poller simulate",
            description="Serve a local IAM Identity Center (SSO Admin) endpoint.",
        )
    )
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    anyio.run(_serve, args)
    return 0
