"""The simulator's command line: ``python -m poller.simulator``, and ``poller simulate``.

:data:`simulate_command` is a click command; the ``poller`` group registers it with
``cli.add_command(simulate_command, name="simulate")`` and :func:`main` runs it on its own. Its
messages name it by the context's command path, so that they read right either way. Every
option is checked before anything listens: bad input is a usage error (exit status 2).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import math
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final

import anyio
import click

from poller._arn import is_valid_instance_arn
from poller.simulator._faults import Fault
from poller.simulator._operations import OPERATIONS
from poller.simulator._server import Server, serve
from poller.simulator._simulator import RequestRecord, Simulator

FaultSpec = tuple[Fault, str | None, str | None]
_Builder = Callable[[dict[str, str], int | None], Fault]

#: The program name when run as ``python -m poller.simulator``.
_PROG: Final = "python -m poller.simulator"
_FOREVER: Final = frozenset({"forever", "inf", "none"})
#: Keys every fault kind takes: how often, and which requests it applies to.
_FILTER_KEYS: Final = frozenset({"count", "operation", "instance"})
_ACCOUNT_ID: Final = r"\d{12}"
_REGION: Final = r"([a-z]+-){2,3}\d"


def _status(options: dict[str, str]) -> int | None:
    text = options.get("status")
    if text is None:
        return None
    if not text.isdecimal() or not 400 <= int(text) <= 599:  # noqa: PLR2004 - HTTP errors
        raise ValueError(f"status must be an HTTP error status from 400 to 599, not {text!r}")
    return int(text)


def _seconds(options: dict[str, str]) -> float:
    text = options.get("seconds", "1")
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"seconds must be a number of seconds, 0 or more, not {text!r}")
    return seconds


def _count(text: str) -> int | None:
    if text.lower() in _FOREVER:
        return None
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"count must be a positive integer or 'forever', not {text!r}")
    return int(text)


#: Each kind: the keys it takes beyond the filters, and how it is built from them and the count.
_KINDS: Final[dict[str, tuple[frozenset[str], _Builder]]] = {
    "throttling": (frozenset(), lambda o, n: Fault.throttling(n)),
    "kms-throttling": (frozenset(), lambda o, n: Fault.throttling(n, kms=True)),
    "internal-error": (frozenset(), lambda o, n: Fault.internal_error(n)),
    "http-error": (frozenset({"status"}), lambda o, n: Fault.http_error(_status(o) or 503, n)),
    "slow": (frozenset({"seconds"}), lambda o, n: Fault.slow(_seconds(o), n)),
    "drop-connection": (frozenset(), lambda o, n: Fault.drop_connection(n)),
    "malformed-body": (frozenset(), lambda o, n: Fault.malformed_body(n)),
    "access-denied": (frozenset(), lambda o, n: Fault.access_denied(n)),
    "kms-access-denied": (frozenset(), lambda o, n: Fault.access_denied(n, kms=True)),
    "validation": (
        frozenset({"message"}),
        lambda o, n: Fault.validation(n, message=o.get("message")),
    ),
    "error": (
        frozenset({"code", "message", "reason", "status"}),
        lambda o, n: Fault.error(
            o["code"], message=o.get("message"), reason=o.get("reason"), status=_status(o), count=n
        ),
    ),
}
_FAULT_HELP: Final = (
    "Misbehave: KIND[,key=value...], repeatable. KIND is one of "
    + ", ".join(_KINDS)
    + ". Every kind takes count=N|forever (default 1), operation=NAME and instance=ARN; "
    "http-error takes status=503; slow takes seconds=1 (real seconds); error needs "
    "code=ExpiredTokenException and takes message=, reason= and status=; validation takes "
    "message=."
)


def _parse_fault(spec: str) -> FaultSpec:
    """Parse a ``--fault`` spec into the fault and its operation and instance filters.

    Example: ``"throttling,count=3,operation=DescribeInstance"``.

    Raises:
        ValueError: For an unknown kind, operation or key, or a bad value, saying which.
    """
    kind, *pairs = (part.strip() for part in spec.split(","))
    if kind not in _KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; choose from {', '.join(_KINDS)}")
    keys, build = _KINDS[kind]
    allowed = sorted(_FILTER_KEYS | keys)
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = (part.strip() for part in pair.partition("="))
        if not sep:
            raise ValueError(f"{pair!r} is not key=value")
        if key not in allowed:
            raise ValueError(f"a {kind} fault takes no {key!r}; its keys are {', '.join(allowed)}")
        options[key] = value
    if kind == "error" and not options.get("code"):
        raise ValueError("an error fault needs code=<ErrorCode>, e.g. code=ExpiredTokenException")
    operation = options.get("operation")
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; choose from {', '.join(OPERATIONS)}")
    instance_arn = options.get("instance")
    if instance_arn is not None and not is_valid_instance_arn(instance_arn):
        raise ValueError(f"instance must be an instance ARN, not {instance_arn!r}")
    return build(options, _count(options.get("count", "1"))), operation, instance_arn


def _check_faults(
    ctx: click.Context, param: click.Parameter, specs: tuple[str, ...]
) -> list[FaultSpec]:
    try:
        return [_parse_fault(spec) for spec in specs]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _finite(*, zero: bool) -> Callable[[click.Context, click.Parameter, float], float]:
    """Check that a number is finite, and above zero or (with *zero*) at least zero."""
    bound = "0 or more" if zero else "more than 0"

    def check(ctx: click.Context, param: click.Parameter, number: float) -> float:
        if math.isfinite(number) and (number > 0 or (zero and number == 0)):
            return number
        raise click.BadParameter(f"must be a finite number, {bound}; not {number:g}")

    return check


def _matching(pattern: str, example: str) -> Callable[[click.Context, click.Parameter, str], str]:
    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if re.fullmatch(pattern, value) is None:
            raise click.BadParameter(f"{value!r} does not look like {example}")
        return value

    return check


@click.command(
    "simulate",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "stdout: the endpoint URL, then the ARN of each --instance, a line each; then it serves "
        "until SIGINT or SIGTERM (exit status 0). Requests must be SigV4-signed; any access "
        "key is accepted."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port to listen on; 0 (the default) picks a free one.",
)
@click.option(
    "--time-scale",
    type=float,
    callback=_finite(zero=False),
    default=1.0,
    show_default=True,
    help="Simulated seconds per real second (1000 turns a minute into 60 ms).",
)
@click.option(
    "--create-seconds",
    type=float,
    callback=_finite(zero=True),
    default=60.0,
    show_default=True,
    help="Simulated time an instance is CREATE_IN_PROGRESS.",
)
@click.option(
    "--delete-seconds",
    type=float,
    callback=_finite(zero=True),
    default=30.0,
    show_default=True,
    help="Simulated time an instance is DELETE_IN_PROGRESS before it is gone.",
)
@click.option(
    "--update-seconds",
    type=float,
    callback=_finite(zero=True),
    default=30.0,
    show_default=True,
    help="Simulated time an encryption update is UPDATING.",
)
@click.option(
    "--create-fail-reason",
    metavar="TEXT",
    help="Make every instance (--instance ones too) end CREATE_FAILED with this StatusReason.",
)
@click.option(
    "--update-fail-reason",
    metavar="TEXT",
    help="Make encryption updates (UpdateInstance) end UPDATE_FAILED with this reason.",
)
@click.option(
    "--account-id",
    default="123456789012",
    show_default=True,
    callback=_matching(_ACCOUNT_ID, "an account ID (12 digits)"),
    help="OwnerAccountId of the instances.",
)
@click.option(
    "--region",
    default="us-east-1",
    show_default=True,
    callback=_matching(_REGION, "a Region name such as us-east-1"),
    help="Region the instances report (it also picks the ARN partition).",
)
@click.option("--seed", type=int, help="Seed for generated identifiers, for repeatable ARNs.")
@click.option(
    "--request-log-size",
    type=click.IntRange(min=0),
    default=10_000,
    show_default=True,
    help="How many recent requests the simulator keeps.",
)
@click.option(
    "--instance",
    "instances",
    multiple=True,
    metavar="NAME",
    help="Create an instance at start and print its ARN (repeatable; '' for no name).",
)
@click.option(
    "--fault", "faults", multiple=True, callback=_check_faults, metavar="SPEC", help=_FAULT_HELP
)
@click.option(
    "--log-requests",
    is_flag=True,
    help="Print a line on stderr per request answered: time, operation, ARN, status, error.",
)
@click.pass_context
def simulate_command(
    ctx: click.Context,
    /,
    *,
    host: str,
    port: int,
    instances: tuple[str, ...],
    faults: list[FaultSpec],
    log_requests: bool,
    **settings: Any,  # the Simulator's own keyword arguments, named alike
) -> int:
    """Serve a local IAM Identity Center (SSO Admin) endpoint in the foreground.

    Instances created over the wire, or with --instance, run their lifecycles on a simulated
    clock; faults make the endpoint misbehave as AWS and its proxies can.
    """
    simulator = Simulator(**settings, on_request=_print_request if log_requests else None)
    for fault, operation, instance_arn in faults:
        simulator.add_fault(fault, operation=operation, instance_arn=instance_arn)
    anyio.run(_serve, simulator, host, port, instances, ctx.command_path, backend="asyncio")
    return 0


async def _serve(
    simulator: Simulator, host: str, port: int, names: Sequence[str], command_path: str
) -> None:
    """Serve until SIGINT or SIGTERM, saying where on stdout and how to use it on stderr."""
    # Listening for the signals first: one that comes during start-up stops cleanly too.
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with contextlib.AsyncExitStack() as stack:
            try:
                server = await stack.enter_async_context(serve(simulator, host=host, port=port))
            except OSError as exc:
                raise click.ClickException(_listen_error(host, port, exc)) from None
            print(server.endpoint_url, flush=True)
            arns = [
                simulator.create_instance(name or None, fail_reason=simulator.create_fail_reason)
                for name in names
            ]
            for arn in arns:
                print(arn, flush=True)
            _say(_ready_line(command_path, server, arns))
            async for _ in signals:
                break
    _say(f"{command_path}: stopped")


def _listen_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"cannot listen on {host}:{port}: port {port} is in use"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def _ready_line(command_path: str, server: Server, arns: Sequence[str]) -> str:
    """Say that the endpoint is up, and give commands to paste."""
    where = f"--endpoint-url {server.endpoint_url} --region {server.simulator.region}"
    if arns:
        aws = f"aws sso-admin describe-instance {where} --instance-arn {arns[0]}"
    else:
        aws = f"aws sso-admin list-instances {where}"
    wait = f"poller wait {where} {arns[0] if arns else 'ARN'}"
    return (
        f"{command_path}: ready at {server.endpoint_url} "
        f"(time x{server.simulator.time_scale:g}); requests must be SigV4-signed; any access "
        f"key is accepted. Try `{aws}` or `{wait}`. Ctrl-C stops it."
    )


def _print_request(record: RequestRecord) -> None:
    """Print one answered request on stderr (``dropped`` for a dropped connection)."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status = str(record.status) if record.status else "dropped"
    fields = (now, record.operation or "-", record.instance_arn or "-", status)
    _say(" ".join((*fields, record.error_code or "-")))


def _say(line: str) -> None:
    # A closed stderr must not stop the endpoint, nor fail the request being logged.
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m poller.simulator``; return its exit status.

    0 after SIGINT or SIGTERM, 2 for bad input (click's message on stderr), 1 when it cannot
    listen, 130 when interrupted before it was listening for signals.
    """
    args = None if argv is None else list(argv)
    try:
        code = simulate_command.main(args=args, prog_name=_PROG, standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        _say("Aborted!")
        return 130
    return code if isinstance(code, int) else 0
