"""The command's options, each defined once, and their conversion into the library's values.

Nothing here imports aiobotocore or botocore: ``--help`` and refused input answer at once.
Durations are parsed once, by :class:`Duration`; the wait's settings are then checked by the
library (:meth:`poller._settings.WaitSettings.of`), whose ValueError becomes a usage error
naming the options at fault.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from collections.abc import Callable
from typing import Any, Final, TypeVar

import click

from poller._endpoint import check_endpoint_url
from poller._engine._resource import Identity
from poller._resources._instance import INSTANCE, Target
from poller._settings import DEFAULT_TIMEOUT, WaitSettings
from poller.cli._durations import parse_duration, spell_duration

__all__ = [
    "ClientOptions",
    "Duration",
    "backend",
    "check_arn",
    "check_arns",
    "delays",
    "endpoint_url",
    "log_format",
    "output",
    "profile",
    "quiet",
    "region",
    "timeout",
    "until",
    "verbose",
    "wait_settings",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The library's setting names, as the options that set them are spelled.
_OPTION_OF_SETTING: Final = {
    "timeout": "--timeout",
    "min_delay": "--min-delay",
    "max_delay": "--max-delay",
}
_SETTING: Final = re.compile(r"\b(" + "|".join(_OPTION_OF_SETTING) + r")\b")


@dataclasses.dataclass(frozen=True, slots=True)
class ClientOptions:
    """Where to connect: passed on to :func:`poller.open_client`."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


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


def wait_settings(
    *, timeout: float | None, min_delay: float | None, max_delay: float | None
) -> WaitSettings:
    """The wait's settings, checked by the library; the instance's delays where not given.

    Raises:
        click.UsageError: A setting the library refuses, naming its option.
    """
    try:
        return WaitSettings.of(
            defaults=INSTANCE.delays, timeout=timeout, min_delay=min_delay, max_delay=max_delay
        )
    except ValueError as error:
        # The library names its settings; the user knows them as options.
        message = _SETTING.sub(lambda m: _OPTION_OF_SETTING[m.group(1)], str(error))
        raise click.UsageError(f"{message}.") from None


def check_arn(arn: str, ctx: click.Context | None, param: click.Parameter | None) -> str:
    """*arn*, if the library would accept it as an instance ARN.

    Raises:
        click.BadParameter: It would not (the library's message, and where to find ARNs).
    """
    try:
        INSTANCE.check(Identity(arn))
    except ValueError as error:
        raise click.BadParameter(
            f"{error} `aws sso-admin list-instances` lists yours.", ctx, param
        ) from None
    return arn


def check_arns(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    """Every ARN checked, repeats dropped (a repeated ARN is one wait, one result line)."""
    return list(dict.fromkeys(check_arn(arn, ctx, param) for arn in value))


def _check_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        check_endpoint_url(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an http:// or https:// URL.", ctx, param
        ) from None
    return value


def _check_backend(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value == "trio" and not all(importlib.util.find_spec(name) for name in ("trio", "httpx2")):
        raise click.BadParameter(
            "trio needs the trio extra: pip install 'poller[trio]'.", ctx, param
        )
    return value


region = click.option("--region", help="AWS Region of the instances (default: your AWS config).")
profile = click.option("--profile", help="Named profile from your AWS config files.")
endpoint_url = click.option(
    "--endpoint-url", callback=_check_endpoint, help="Another endpoint, e.g. `poller simulate`'s."
)
log_format = click.option(
    "--log-format",
    type=click.Choice(["auto", "console", "json"]),
    default="auto",
    show_default=True,
    help="Events on stderr: console lines (auto: under a live status line on a terminal), "
    "or JSON lines.",
)
backend = click.option(
    "--backend",
    type=click.Choice(["asyncio", "trio"]),
    default="asyncio",
    show_default=True,
    callback=_check_backend,
    help="The event loop (trio talks HTTP through httpx).",
)
quiet = click.option("-q", "--quiet", is_flag=True, help="Show only errors on stderr.")
verbose = click.option("-v", "--verbose", is_flag=True, help="Show every poll on stderr.")
output = click.option(
    "--output",
    type=click.Choice(["json", "text", "none"]),
    default="json",
    show_default=True,
    help="Results on stdout: JSON lines, a line of text per instance, or nothing.",
)
until = click.option(
    "--until",
    type=click.Choice([t.value for t in Target]),
    default=Target.ACTIVE.value,
    show_default=True,
    help="The state to wait for.",
)
# No defaults of the command's own: None lets the library's apply (shown, not repeated).
timeout = click.option(
    "--timeout",
    type=Duration(),
    default=None,
    help=f"The limit of the whole command: every wait ends by then.  "
    f"[default: {spell_duration(DEFAULT_TIMEOUT)}]",
)
_min_delay = click.option(
    "--min-delay",
    type=Duration(),
    default=None,
    help=f"Least pause between two polls of one instance.  "
    f"[default: {spell_duration(INSTANCE.delays.min_delay)}]",
)
_max_delay = click.option(
    "--max-delay",
    type=Duration(),
    default=None,
    help=f"Most pause between two polls of one instance.  "
    f"[default: {spell_duration(INSTANCE.delays.max_delay)}]",
)


def delays(function: F) -> F:
    """``--min-delay`` and ``--max-delay``."""
    return _min_delay(_max_delay(function))
