"""The simulator's command line: ``python -m poller.simulator`` (and ``poller simulate``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable, Sequence
from typing import Final, TextIO

from poller.simulator._faults import Fault
from poller.simulator._server import serve
from poller.simulator._simulator import Simulator

FaultSpec = tuple[Fault, str | None, str | None]

_FOREVER: Final = frozenset({"forever", "inf", "none"})
_KINDS: Final[dict[str, Callable[[dict[str, str], int | None], Fault]]] = {
    "throttling": lambda o, n: Fault.throttling(n, kms=False),
    "kms-throttling": lambda o, n: Fault.throttling(n, kms=True),
    "internal-error": lambda o, n: Fault.internal_error(n),
    "http-error": lambda o, n: Fault.http_error(int(o.get("status", "503")), n),
    "slow": lambda o, n: Fault.slow(float(o.get("seconds", "1")), n),
    "drop-connection": lambda o, n: Fault.drop_connection(n),
    "malformed-body": lambda o, n: Fault.malformed_body(n),
    "access-denied": lambda o, n: Fault.access_denied(n, kms=False),
    "kms-access-denied": lambda o, n: Fault.access_denied(n, kms=True),
    "validation": lambda o, n: Fault.validation(n, message=o.get("message")),
    "error": lambda o, n: Fault.error(
        o["code"],
        message=o.get("message"),
        reason=o.get("reason"),
        status=int(o["status"]) if "status" in o else None,
        count=n,
    ),
}
_KEYS: Final = frozenset(
    {"count", "operation", "instance", "status", "seconds", "code", "message", "reason"}
)
_FAULT_HELP: Final = (
    "KIND[,key=value…]: KIND is one of " + ", ".join(_KINDS) + "; keys: count=N|forever "
    "(default 1), operation=DescribeInstance, instance=ARN, status=503 (http-error, error), "
    "seconds=2 (slow), code=ExpiredTokenException, message=…, reason=… (error). Repeatable."
)


def parse_fault(spec: str) -> FaultSpec:
    """Parse a ``--fault`` spec into the fault and its operation and instance filters.

    Example: ``"throttling,count=3,operation=DescribeInstance"``.

    Raises:
        ValueError: For an unknown kind or key, or a bad number.
    """
    kind, *pairs = (part.strip() for part in spec.split(","))
    if kind not in _KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; choose from {', '.join(_KINDS)}")
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in _KEYS:
            raise ValueError(f"bad fault option {pair!r}; keys are {', '.join(sorted(_KEYS))}")
        options[key] = value
    if kind == "error" and "code" not in options:
        raise ValueError("an 'error' fault needs code=<ErrorCode>")
    count_text = options.get("count", "1")
    count = None if count_text.lower() in _FOREVER else int(count_text)
    fault = _KINDS[kind](options, count)
    return fault, options.get("operation"), options.get("instance")


def _fault_argument(spec: str) -> FaultSpec:
    try:
        return parse_fault(spec)
    except (ValueError, KeyError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add the simulator's options to *parser* (a new one when ``None``) and return it."""
    if parser is None:
        parser = argparse.ArgumentParser(
            prog="python -m poller.simulator",
            description="Serve a local IAM Identity Center (SSO Admin) endpoint.",
        )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    add("--port", type=int, default=0, help="port to listen on; 0 picks a free one")
    add("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    add("--create-seconds", type=float, default=60.0, help="simulated CREATE_IN_PROGRESS time")
    add("--delete-seconds", type=float, default=30.0, help="simulated DELETE_IN_PROGRESS time")
    add("--update-seconds", type=float, default=30.0, help="simulated encryption UPDATING time")
    add("--create-fail-reason", help="make created instances end CREATE_FAILED with this reason")
    add("--account-id", default="123456789012", help="OwnerAccountId of created instances")
    add("--region", default="us-east-1", help="region the instances report")
    add("--seed", type=int, help="seed for generated identifiers")
    add("--request-log-size", type=int, default=10_000, help="recent requests to keep")
    add(
        "--instance",
        action="append",
        default=[],
        metavar="NAME",
        help="create an instance at start and print its ARN (repeatable)",
    )
    add("--fault", action="append", default=[], type=_fault_argument, help=_FAULT_HELP)
    return parser


def simulator_from_args(args: argparse.Namespace) -> Simulator:
    """Build the :class:`Simulator` that parsed *args* describe, with its faults armed."""
    simulator = Simulator(
        time_scale=args.time_scale,
        account_id=args.account_id,
        region=args.region,
        create_seconds=args.create_seconds,
        delete_seconds=args.delete_seconds,
        update_seconds=args.update_seconds,
        create_fail_reason=args.create_fail_reason,
        request_log_size=args.request_log_size,
        seed=args.seed,
    )
    for fault, operation, instance_arn in args.fault:
        simulator.add_fault(fault, operation=operation, instance_arn=instance_arn)
    return simulator


async def serve_from_args(args: argparse.Namespace, out: TextIO = sys.stdout) -> None:
    """Serve until cancelled: the endpoint URL, then created ARNs, each on a line of *out*."""
    simulator = simulator_from_args(args)
    async with serve(simulator, host=args.host, port=args.port) as server:
        print(server.endpoint_url, file=out, flush=True)
        for name in args.instance:
            print(simulator.create_instance(name or None), file=out, flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m poller.simulator``; returns the exit status (0 after Ctrl-C)."""
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_from_args(args))
    return 0
