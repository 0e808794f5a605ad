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
from typing import Any, Final, TypeVar

import anyio
import click

from poller.simulator._fault_specs import HELP as FAULT_HELP
from poller.simulator._fault_specs import FaultSpec, parse_fault
from poller.simulator._limits import DEFAULT_BURST, DEFAULT_OUTSTANDING, DEFAULT_RATE
from poller.simulator._log import RequestRecord
from poller.simulator._server import Server, serve
from poller.simulator._simulator import Simulator

_F = TypeVar("_F", bound=Callable[..., Any])

#: The program name when run as ``python -m poller.simulator``.
_PROG: Final = "python -m poller.simulator"
_ACCOUNT_ID: Final = r"\d{12}"
_REGION: Final = r"([a-z]+-){2,3}\d"
_DEFAULT_ASSIGNMENT_FAILURE: Final = "Simulated failure of the assignment"


def _check_faults(
    ctx: click.Context, param: click.Parameter, specs: tuple[str, ...]
) -> list[FaultSpec]:
    try:
        return [parse_fault(spec) for spec in specs]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _finite(
    *, zero: bool = False, low: float | None = None
) -> Callable[[click.Context, click.Parameter, float], float]:
    """Check that a number is finite, and above zero, at least zero (*zero*) or *low*."""
    bound = f"{low:g} or more" if low is not None else "0 or more" if zero else "more than 0"

    def check(ctx: click.Context, param: click.Parameter, number: float) -> float:
        fits = number >= low if low is not None else (number > 0 or (zero and number == 0))
        if math.isfinite(number) and fits:
            return number
        raise click.BadParameter(f"must be a finite number, {bound}; not {number:g}")

    return check


def _matching(pattern: str, example: str) -> Callable[[click.Context, click.Parameter, str], str]:
    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if re.fullmatch(pattern, value) is None:
            raise click.BadParameter(f"{value!r} does not look like {example}")
        return value

    return check


def _all_matching(
    pattern: str, example: str
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[str, ...]]:
    one = _matching(pattern, example)

    def check(
        ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[str, ...]:
        return tuple(one(ctx, param, value) for value in values)

    return check


def _duration(flag: str, default: float, what: str) -> Callable[[_F], _F]:
    """A simulated duration option: a finite number of seconds, 0 or more."""
    return click.option(
        flag,
        type=float,
        callback=_finite(zero=True),
        default=default,
        show_default=True,
        help=f"Simulated time {what}.",
    )


@click.command(
    "simulate",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "stdout: the endpoint URL, then the ARN of each --instance, a line each; then it serves "
        "until SIGINT or SIGTERM (exit status 0). Requests must be SigV4-signed; any access "
        "key is accepted.\n\n"
        "While it runs, JSON over HTTP under URL/_poller changes it: create, delete and fail "
        "instances, force a status, arm faults and failures, move the clock, read the request "
        "log, turn the service limits on or off and read their counters (/_poller/limits), "
        "change how long requests take (/_poller/lifecycles). GET URL/_poller lists the "
        "routes. Admin requests are not signed, not subject to faults and not in the request "
        "log (it is a local test endpoint, on loopback by default). For example:\n\n"
        "\b\n"
        '  curl URL/_poller/instances -d \'{"name": "demo", "fail_reason": "Quota"}\'\n'
        '  curl URL/_poller/faults -d \'{"fault": "throttling,count=3"}\'\n'
        "  curl URL/_poller/time -d '{\"advance\": 60}'\n"
        "  curl 'URL/_poller/requests?limit=20'\n"
        "  curl URL/_poller/limits -d '{\"enabled\": true}'\n"
        '  curl URL/_poller/lifecycles -d \'{"assignment_seconds": 10, "assignment_sigma": 0.5}\''
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
@_duration("--create-seconds", 60.0, "an instance is CREATE_IN_PROGRESS")
@_duration("--delete-seconds", 30.0, "an instance is DELETE_IN_PROGRESS before it is gone")
@_duration("--update-seconds", 30.0, "an encryption update is UPDATING")
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
@_duration("--add-region-seconds", 300.0, "an added Region is ADDING")
@_duration("--remove-region-seconds", 120.0, "a Region is REMOVING before it is gone")
@click.option(
    "--region-quota",
    type=click.IntRange(min=0),
    help="Regions an instance may have besides its primary one (AddRegion); no limit by default.",
)
@_duration(
    "--access-control-seconds",
    10.0,
    "an attribute-based access control configuration is CREATION_IN_PROGRESS",
)
@click.option(
    "--access-control-fail-reason",
    metavar="TEXT",
    help="Make attribute-based access control configurations end CREATION_FAILED with this "
    "StatusReason.",
)
@_duration(
    "--provisioning-seconds",
    15.0,
    "a ProvisionPermissionSet request is IN_PROGRESS (the median, with --provisioning-sigma)",
)
@click.option(
    "--provisioning-sigma",
    type=float,
    callback=_finite(zero=True),
    default=0.0,
    show_default=True,
    help="Draw each provisioning's duration from a log-normal of median --provisioning-seconds "
    "and this sigma (the standard deviation of its logarithm); 0 keeps it fixed.",
)
@click.option(
    "--provisioning-fail-reason",
    metavar="TEXT",
    help="Make ProvisionPermissionSet requests end FAILED with this FailureReason.",
)
@_duration(
    "--assignment-seconds",
    10.0,
    "an account assignment creation or deletion is IN_PROGRESS (the median, with "
    "--assignment-sigma)",
)
@click.option(
    "--assignment-sigma",
    type=float,
    callback=_finite(zero=True),
    default=0.0,
    show_default=True,
    help="Draw each assignment creation's or deletion's duration from a log-normal of median "
    "--assignment-seconds and this sigma; 0 keeps it fixed.",
)
@click.option(
    "--lifecycle-seed",
    type=int,
    help="Seed of the drawn durations (default: --seed), for the same durations on every run.",
)
@click.option(
    "--assignment-fail-reason",
    metavar="TEXT",
    help="Make account assignment creations and deletions end FAILED with this FailureReason "
    "(only those of the --assignment-fail-account accounts, when given).",
)
@click.option(
    "--assignment-fail-account",
    "assignment_fail_accounts",
    multiple=True,
    metavar="ACCOUNT_ID",
    callback=_all_matching(_ACCOUNT_ID, "an account ID (12 digits)"),
    help="Make the assignments to this account fail (repeatable), with --assignment-fail-reason "
    f"or '{_DEFAULT_ASSIGNMENT_FAILURE}'.",
)
@click.option(
    "--assignment-quota",
    type=click.IntRange(min=0),
    help="Account assignments an instance may have (CreateAccountAssignment); no limit by default.",
)
@click.option(
    "--aws-limits",
    is_flag=True,
    help="Enforce IAM Identity Center's documented limits: --aws-rate requests a (simulated) "
    "second over every operation, and --aws-outstanding asynchronous writes IN_PROGRESS per "
    "instance (CreateAccountAssignment, DeleteAccountAssignment, ProvisionPermissionSet); "
    "beyond either, ThrottlingException. An assignment change of a permission set being "
    "provisioned to its account is a ConflictException. GET URL/_poller/limits reads the "
    "counters.",
)
@click.option(
    "--aws-rate",
    type=float,
    callback=_finite(zero=False),
    default=DEFAULT_RATE,
    show_default=True,
    help="Requests a simulated second under --aws-limits; --time-scale multiplies it in real time.",
)
@click.option(
    "--aws-burst",
    type=float,
    callback=_finite(low=1.0),
    default=DEFAULT_BURST,
    show_default=True,
    help="Requests the --aws-limits token bucket holds, answered at once after a quiet time.",
)
@click.option(
    "--aws-outstanding",
    type=click.IntRange(min=1),
    default=DEFAULT_OUTSTANDING,
    show_default=True,
    help="Asynchronous writes IN_PROGRESS per instance under --aws-limits.",
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
    "--fault", "faults", multiple=True, callback=_check_faults, metavar="SPEC", help=FAULT_HELP
)
@click.option(
    "--log-requests",
    is_flag=True,
    help="Print a line on stderr per request answered: time, operation, ARN, status, error, "
    "and the Region or request asked about.",
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
    assignment_fail_accounts: tuple[str, ...],
    **settings: Any,  # the Simulator's own keyword arguments, named alike
) -> int:
    """Serve a local IAM Identity Center (SSO Admin) endpoint in the foreground.

    Instances created over the wire, or with --instance, run their lifecycles on a simulated
    clock, and so do what a rollout starts in them: Regions, attribute-based access control,
    permission-set provisioning and account assignments. Faults make the endpoint misbehave as
    AWS and its proxies can.
    """
    simulator = _build(settings, faults, assignment_fail_accounts, log_requests=log_requests)
    anyio.run(_serve, simulator, host, port, instances, ctx.command_path, backend="asyncio")
    return 0


def _build(
    settings: dict[str, Any],
    faults: list[FaultSpec],
    assignment_fail_accounts: tuple[str, ...],
    *,
    log_requests: bool,
) -> Simulator:
    """Make the simulator the options describe, its faults and failures armed."""
    simulator = Simulator(**settings, on_request=_print_request if log_requests else None)
    for fault, filters in faults:
        simulator.add_fault(fault, **filters)
    if assignment_fail_accounts:
        reason = simulator.assignment_fail_reason or _DEFAULT_ASSIGNMENT_FAILURE
        simulator.assignment_fail_reason = None  # for those accounts only
        for account_id in assignment_fail_accounts:
            simulator.fail_assignments(reason, account_id=account_id)
    return simulator


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
    limits = server.simulator.limits
    enforced = (
        f", AWS limits: {limits.rate:g} requests a simulated second, {limits.outstanding} "
        "outstanding writes per instance"
        if limits.enabled
        else ""
    )
    return (
        f"{command_path}: ready at {server.endpoint_url} "
        f"(time x{server.simulator.time_scale:g}{enforced}); requests must be SigV4-signed; "
        f"any access key is accepted. Try `{aws}` or `{wait}`; change it while it runs with "
        f"`curl {server.endpoint_url}/_poller`. Ctrl-C stops it."
    )


def _print_request(record: RequestRecord) -> None:
    """Print one answered request on stderr (``dropped`` for a dropped connection).

    The Region or request the input names, if any, follows as ``region=`` or ``request=``.
    """
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status = str(record.status) if record.status else "dropped"
    fields = [now, record.operation or "-", record.instance_arn or "-", status]
    fields.append(record.error_code or "-")
    if record.region_name is not None:
        fields.append(f"region={record.region_name}")
    if record.request_id is not None:
        fields.append(f"request={record.request_id}")
    _say(" ".join(fields))


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
