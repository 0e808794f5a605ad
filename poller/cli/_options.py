"""The command's options, each defined once, and their conversion into the library's values.

Nothing here imports aiobotocore or botocore: ``--help`` and refused input answer at once.
Durations are parsed once, by :class:`Duration`; the wait's settings (one
:class:`poller.Settings`) are then checked once by the library
(:meth:`poller.WaitSettings.of`), whose ValueError becomes a usage error naming the options at
fault. A Region name is checked against the service's pattern, and a ``--query`` compiled,
before any request. The instance ARNs are read by :mod:`._arns`.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from collections.abc import Callable
from typing import Any, Final, TypeVar

import click
from click.core import ParameterSource

import poller
from poller import ResourceKind, check_endpoint_url
from poller.cli._durations import parse_duration, spell_duration
from poller.cli._hints import sentence
from poller.cli._output import OUTPUT_FORMS
from poller.cli._stdin import QUOTE, quote

__all__ = [
    "REGION_PATTERN",
    "ClientOptions",
    "Duration",
    "all_instances",
    "backend",
    "check_verbosity",
    "client_options",
    "debug",
    "endpoint_url",
    "log_format",
    "ordered",
    "output",
    "profile",
    "query",
    "quiet",
    "region",
    "targets_of",
    "tls",
    "until",
    "verbose",
    "wait_settings",
    "waiting",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The library's setting names, as the options that set them are spelled.
_OPTION_OF_SETTING: Final = {
    "timeout": "--timeout",
    "min_delay": "--min-delay",
    "max_delay": "--max-delay",
}
_SETTING: Final = re.compile(r"\b(" + "|".join(_OPTION_OF_SETTING) + r")\b")
#: An AWS Region name: the service model's ``([a-z]+-){2,3}\d`` (us-east-1, us-gov-west-1,
#: us-isob-east-1), with any number of digits at the end.
REGION_PATTERN: Final = re.compile(r"[a-z]{2,}(-[a-z]+){1,2}-\d+")
#: A token jmespath quotes in its message, longer than a message quotes.
_LONG_TOKEN: Final = re.compile(rf'"([^"]{{{QUOTE // 2}}})[^"]+"')


@dataclasses.dataclass(frozen=True, slots=True)
class ClientOptions:
    """Where to connect: passed on to :func:`poller.open_client`."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    verify: bool | str | None = None
    """A CA bundle's path, False not to check certificates, None for botocore's default."""


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
    kind: ResourceKind,
    *,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
) -> poller.Settings:
    """The wait's settings from the options, checked once by the library for *kind*.

    The delays not given stay None (the kind's own apply); the timeout comes back explicit
    (the library's default when not given), since the command counts it from the moment its
    client is open: start-up is not the user's time.

    Raises:
        click.UsageError: A setting the library refuses, naming its option.
    """
    settings: poller.Settings = {"timeout": timeout, "min_delay": min_delay, "max_delay": max_delay}
    try:
        checked = poller.WaitSettings.of(defaults=kind.delays, **settings)
    except ValueError as error:
        # The library names its settings; the user knows them as options.
        message = _SETTING.sub(lambda m: _OPTION_OF_SETTING[m.group(1)], str(error))
        raise click.UsageError(sentence(message)) from None
    settings["timeout"] = checked.timeout
    return settings


def _check_region(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--region``'s callback: a Region name, or a usage error naming where it came from."""
    if value is None or REGION_PATTERN.fullmatch(value):
        return value
    source = ctx.get_parameter_source(param.name) if param.name else None
    given = "AWS_REGION" if source is ParameterSource.ENVIRONMENT else "--region"
    raise click.BadParameter(
        f"{given}={quote(value)} is not an AWS Region name, such as us-east-1 or eu-west-2.",
        ctx,
        param,
    )


def _compile_query(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--query``'s callback: the compiled JMESPath expression, or a usage error."""
    if value is None:
        return None
    # jmespath ships no type hints (botocore brings it); imported only with --query.
    import jmespath  # type: ignore[import-untyped]  # noqa: PLC0415
    from jmespath.exceptions import JMESPathError  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        return jmespath.compile(value)
    except JMESPathError as error:
        # jmespath's message ends with the whole expression again, on lines of its own.
        said = str(error).splitlines()[0].removesuffix(", for expression:").rstrip(":")
        message = _LONG_TOKEN.sub(r'"\1…"', said)  # the token at fault, quoted short too
        raise click.BadParameter(
            f"{quote(value)} is not a JMESPath expression ({message.rstrip('.')}).", ctx, param
        ) from None


def _check_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--endpoint-url``'s callback: an http:// or https:// URL, or a usage error."""
    try:
        check_endpoint_url(value)
    except ValueError:
        raise click.BadParameter(
            f"{quote(str(value))} is not an http:// or https:// URL.", ctx, param
        ) from None
    return value


def _check_backend(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--backend``'s callback: trio only with its extra installed."""
    if value == "trio" and not all(importlib.util.find_spec(name) for name in ("trio", "httpx2")):
        raise click.BadParameter(
            "trio needs the trio extra: pip install 'poller[trio]'.", ctx, param
        )
    return value


region = click.option(
    "--region",
    envvar="AWS_REGION",
    callback=_check_region,
    help="AWS Region to call, the instance's (else AWS_REGION, then AWS_DEFAULT_REGION, then "
    "your AWS config).",
)
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
quiet = click.option(
    "-q", "--quiet", is_flag=True, help="Show only errors on stderr (not with -v or --debug)."
)
verbose = click.option("-v", "--verbose", is_flag=True, help="Show every poll on stderr.")
ordered = click.option(
    "--ordered",
    is_flag=True,
    help="Print the results in the order given (arguments, stdin, --all's listing), each once "
    "those before it have printed.  [default: as each ends]",
)
query = click.option(
    "--query",
    callback=_compile_query,
    metavar="JMESPATH",
    help="Print what this JMESPath expression finds in each result, as the AWS CLI does "
    "(e.g. Status); with --output text, an object or a list prints as the AWS CLI's text "
    "output does, its values tab-separated.",
)
debug = click.option(
    "--debug",
    is_flag=True,
    help="Show every poll and botocore's wire log on stderr (credentials and signatures removed).",
)
_ca_bundle = click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False),
    help="Check the endpoint's TLS certificate against this CA bundle.",
)
_no_verify_ssl = click.option(
    "--no-verify-ssl",
    is_flag=True,
    help="Do not check the endpoint's TLS certificate (a local endpoint).",
)
_all = click.option(
    "--all", "all_instances", is_flag=True, help="Every instance ListInstances lists."
)
_allow_empty = click.option(
    "--allow-empty",
    is_flag=True,
    help="With --all, none listed is a success (else exit 4, as kubectl does).",
)


def targets_of(*kinds: ResourceKind) -> list[str]:
    """Every target of *kinds*, each once, in order."""
    return list(dict.fromkeys(target for kind in kinds for target in kind.targets))


def until(*kinds: ResourceKind) -> Callable[[F], F]:
    """``--until``, over the targets of *kinds*: the first kind's default is the default."""
    return click.option(
        "--until",
        type=click.Choice(targets_of(*kinds)),
        default=kinds[0].default_target,
        show_default=True,
        help="The state to wait for.",
    )


def tls(function: F) -> F:
    """``--ca-bundle`` and ``--no-verify-ssl``."""
    return _ca_bundle(_no_verify_ssl(function))


def all_instances(function: F) -> F:
    """``--all`` and ``--allow-empty``."""
    return _all(_allow_empty(function))


# No defaults of the command's own: None lets the library's apply (shown, not repeated).
def _timeout(kind: ResourceKind) -> Callable[[F], F]:
    """``--timeout``, with the library's default for *kind* shown; 0 looks once."""
    default = poller.WaitSettings.of(defaults=kind.delays).budget()
    return click.option(
        "--timeout",
        type=Duration(),
        default=None,
        help="The limit of the waits, from the first request: every wait ends by then. 0 looks "
        f"once: exit 0 if there now, 3 if not yet.  [default: {spell_duration(default)}]",
    )


def _delay(name: str, word: str, seconds: float, noun: str) -> Callable[[F], F]:
    """*name* (``--min-delay``, ``--max-delay``): the pause of one *noun*, *seconds* by default."""
    return click.option(
        name,
        type=Duration(),
        default=None,
        help=f"{word} pause between two polls of one {noun}.  [default: {spell_duration(seconds)}]",
    )


def _output(noun: str) -> Callable[[F], F]:
    """``--output``, a line of text per *noun*."""
    return click.option(
        "--output",
        type=click.Choice(OUTPUT_FORMS),
        default="auto",
        show_default=True,
        help=f"Results on stdout: JSON lines, a line of text per {noun}, or nothing "
        "(auto: text on a terminal, JSON elsewhere).",
    )


#: ``--output`` of the instance commands that do not wait (``poller check``).
output = _output("instance")


def waiting(kind: ResourceKind, noun: str | None = None) -> Callable[[F], F]:
    """The options every waiting command takes: time, delays (*kind*'s), where, what to show.

    Args:
        kind: What the command waits on, for the default delays and the words of the help.
        noun: What stdout has a line for, if not one of *kind* (``poller assign``: an
            assignment of its plan).
    """
    delays = kind.delays
    decorators = (
        _timeout(kind),
        _delay("--min-delay", "Least", delays.min_delay, kind.noun),
        _delay("--max-delay", "Most", delays.max_delay, kind.noun),
        region,
        profile,
        endpoint_url,
        tls,
        _output(noun or kind.noun),
        query,
        ordered,
        log_format,
        quiet,
        verbose,
        debug,
        backend,
    )

    def apply(function: F) -> F:
        """*function* with every option, in order."""
        for decorator in reversed(decorators):  # the first is listed first in --help
            function = decorator(function)
        return function

    return apply


def check_verbosity(*, quiet: bool, verbose: bool = False, debug: bool = False) -> None:
    """Refuse ``-q`` beside ``-v`` or ``--debug``: only errors, or every poll, not both.

    Raises:
        click.UsageError: Which.
    """
    if quiet and (verbose or debug):
        louder = "-v" if verbose else "--debug"
        raise click.UsageError(f"Give -q or {louder}, not both.")


def client_options(
    *,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
    ca_bundle: str | None = None,
    no_verify_ssl: bool = False,
) -> ClientOptions:
    """Where and how to connect, from the options.

    Raises:
        click.UsageError: Both --ca-bundle and --no-verify-ssl.
    """
    if ca_bundle is not None and no_verify_ssl:
        raise click.UsageError("Give --ca-bundle or --no-verify-ssl, not both.")
    verify: bool | str | None = False if no_verify_ssl else ca_bundle
    return ClientOptions(region, profile, endpoint_url, verify)
