"""The ``poller`` command: wait for Identity Center instances from a shell script or CI.

A thin layer over the library: it checks its arguments (before any request), calls
:func:`poller.wait_for_instance`, prints results on stdout and events on stderr, and exits
with a code a script can branch on:

====  ===============================================================
0     every instance reached the target
1     an instance is in a terminal failure state
2     usage or bad input (refused before any request)
3     timed out
4     access denied, or another AWS error
130   interrupted (SIGINT); 143 terminated (SIGTERM)
====  ===============================================================

With several instances, the exit code is the highest of theirs. The stdout shapes are
described in :mod:`poller._cli_outcome`. aiobotocore is imported only once a command runs, so
``poller --help`` and refused arguments answer at once.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from typing import Any, Final

import click

from poller._arn import is_valid_instance_arn
from poller._cli_durations import parse_duration
from poller._cli_outcome import signal_exit_code
from poller._endpoint import check_endpoint_url
from poller._targets import Target

__all__ = ["cli", "main"]

_CONTEXT: Final = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_EPILOG: Final = (
    "Exit codes: 0 target reached, 1 terminal failure state, 2 usage or bad input, "
    "3 timed out, 4 access denied or other AWS error, 130 SIGINT, 143 SIGTERM "
    "(with several instances, the highest). stdout: one JSON line per instance, the "
    "DescribeInstance answer on success, else an object with an Outcome key."
)


class Duration(click.ParamType):  # type: ignore[type-arg]
    """A human duration (``90``, ``90s``, ``15m``, ``1h30m``, ``500ms``) in float seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse *value*, failing with a usage error."""
        if isinstance(value, int | float):
            return float(value)
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _check_arns(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    for arn in value:
        if not is_valid_instance_arn(arn):
            raise click.BadParameter(
                f"{arn!r} is not an Identity Center instance ARN "
                "(arn:aws:sso:::instance/ssoins-<16 characters>); "
                "`aws sso-admin list-instances` lists yours.",
                ctx,
                param,
            )
    return list(dict.fromkeys(value))


def _check_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        check_endpoint_url(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an http:// or https:// URL.", ctx, param
        ) from None
    return value


_region = click.option("--region", help="AWS Region of the instances (default: your AWS config).")
_profile = click.option("--profile", help="Named profile from your AWS config files.")
_endpoint = click.option(
    "--endpoint-url", callback=_check_endpoint, help="Another endpoint, e.g. `poller simulate`'s."
)
_log_format = click.option(
    "--log-format",
    type=click.Choice(["auto", "console", "json"]),
    default="auto",
    show_default=True,
    help="Events on stderr: a live display on a terminal and JSON lines elsewhere (auto).",
)


def _check_backend(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import importlib.util  # noqa: PLC0415 - only when given

    if value == "trio" and not all(importlib.util.find_spec(name) for name in ("trio", "httpx2")):
        raise click.BadParameter(
            "trio needs the trio extra: pip install 'poller[trio]'.", ctx, param
        )
    return value


_backend = click.option(
    "--backend",
    type=click.Choice(["asyncio", "trio"]),
    default="asyncio",
    show_default=True,
    callback=_check_backend,
    help="The event loop (trio talks HTTP through httpx).",
)
_quiet = click.option("-q", "--quiet", is_flag=True, help="Show only errors on stderr.")
_verbose = click.option("-v", "--verbose", is_flag=True, help="Show every poll on stderr.")
_output = click.option(
    "--output",
    type=click.Choice(["json", "text", "none"]),
    default="json",
    show_default=True,
    help="Results on stdout: JSON lines, a line of text per instance, or nothing.",
)


@click.group(context_settings=_CONTEXT)
@click.version_option(package_name="poller")
def cli() -> None:
    """Wait for AWS IAM Identity Center instances to settle."""


@cli.command(epilog=_EPILOG)
@click.argument("arns", metavar="ARN...", nargs=-1, callback=_check_arns)
@click.option("--all", "all_instances", is_flag=True, help="Wait on every instance listed.")
@click.option(
    "--until",
    type=click.Choice([t.value for t in Target]),
    default=Target.ACTIVE.value,
    show_default=True,
    help="The state to wait for.",
)
@click.option("--timeout", type=Duration(), default="30m", show_default=True, help="Deadline.")
@click.option("--min-delay", type=Duration(), default="2s", show_default=True, help="Least pause.")
@click.option("--max-delay", type=Duration(), default="30s", show_default=True, help="Most pause.")
@_region
@_profile
@_endpoint
@_output
@_log_format
@_quiet
@_verbose
@_backend
def wait(
    arns: list[str],
    *,
    all_instances: bool,
    until: str,
    timeout: float,
    min_delay: float,
    max_delay: float,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    output: str,
    log_format: str,
    quiet: bool,
    verbose: bool,
    backend: str,
) -> int:
    """Wait until each instance ARN reaches a state (all at once, under one deadline)."""
    if not arns and not all_instances:
        raise click.UsageError("Give at least one instance ARN, or --all.")
    if arns and all_instances:
        raise click.UsageError("Give instance ARNs or --all, not both.")
    if timeout <= 0:
        raise click.BadParameter("must be more than zero.", param_hint="--timeout")
    if max_delay <= 0:
        raise click.BadParameter("must be more than zero.", param_hint="--max-delay")
    if min_delay > max_delay:
        raise click.BadParameter(
            f"{min_delay:g}s is above --max-delay ({max_delay:g}s).", param_hint="--min-delay"
        )
    from poller import _cli_run  # noqa: PLC0415 - keeps --help quick

    reporter = _cli_run.setup(output=output, log_format=log_format, quiet=quiet, verbose=verbose)
    options = _cli_run.WaitOptions(Target(until), timeout, min_delay, max_delay)
    clients = _cli_run.ClientOptions(region, profile, endpoint_url)
    return _cli_run.run_wait(arns, all_instances, options, clients, reporter, backend=backend)


@cli.command(epilog=_EPILOG)
@click.argument("arn", metavar="ARN")
@_region
@_profile
@_endpoint
@_log_format
def describe(
    arn: str, *, region: str | None, profile: str | None, endpoint_url: str | None, log_format: str
) -> int:
    """Print one DescribeInstance answer as JSON (the API's key names, ISO 8601 dates)."""
    _check_arns(click.get_current_context(), click.Argument(["arn"]), (arn,))
    from poller import _cli_run  # noqa: PLC0415 - keeps --help quick

    reporter = _cli_run.setup(output="json", log_format=log_format, quiet=False, verbose=False)
    clients = _cli_run.ClientOptions(region, profile, endpoint_url)
    return _cli_run.run_describe(arn, clients, reporter)


@cli.command(
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def simulate(args: tuple[str, ...]) -> int:
    """Run a local Identity Center endpoint in the foreground (see `poller simulate --help`)."""
    from poller._cli_demo import simulate as run  # noqa: PLC0415 - aiohttp only when asked

    return run(list(args))


@cli.command()
@click.option("--log-format", type=click.Choice(["auto", "console", "json"]), default="auto")
def demo(log_format: str) -> int:
    """Create an instance on a local endpoint and wait for it: no AWS account needed."""
    from poller._cli_demo import demo as run  # noqa: PLC0415 - aiohttp only when asked

    return run(log_format=log_format)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``poller`` command; return its exit code."""
    # Until the event loop listens for it, SIGTERM ends the command as the shell expects.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(args=argv, prog_name="poller", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return signal_exit_code(signal.SIGINT)
    except _Terminated:
        return signal_exit_code(signal.SIGTERM)
    return code if isinstance(code, int) else 0


class _Terminated(BaseException):
    """SIGTERM arrived before the waits could see it."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated
