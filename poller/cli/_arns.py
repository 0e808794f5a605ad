"""The instance ARNs a command is given: as arguments, or from stdin when the only one is ``-``.

From stdin (read when the command runs, after its options are checked, one item at a time:
:mod:`._stdin`), ARNs come as the AWS CLI prints them: separated by any whitespace (``aws
sso-admin list-instances --query 'Instances[].InstanceArn' --output text``), or as JSON:
``list-instances``'s answer (``Instances[].InstanceArn``), ``create-instance``'s
(``InstanceArn``), an instance object, a JSON string, and any number of these, one after the
other or in arrays. Each is checked as an argument is, as soon as it is read: the first bad
one is refused before the rest is read. An ARN given twice is waited on once, with a warning.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any, Final, TextIO, TypeVar

import click

from poller import ResourceKind
from poller.cli._kinds import INSTANCE
from poller.cli._stdin import NOTHING_PIPED, Item, StdinError, announce, items, quote, shorten

__all__ = ["ARNS_READ", "STDIN", "ArnArguments", "Arns", "arns_of", "check_arn", "read_arns"]

F = TypeVar("F", bound=Callable[..., Any])

#: The argument that stands for "read them from stdin".
STDIN: Final = "-"
#: What ``-`` reads, in words.
ARNS_READ: Final = (
    "instance ARNs: separated by whitespace, or the JSON that `aws sso-admin list-instances` "
    "or `create-instance` prints"
)
#: The first word of ``aws sso-admin list-instances --output text``.
_TEXT_OUTPUT: Final = "INSTANCES"
_KEYS_NAMED: Final = 3


def check_arn(
    arn: str,
    ctx: click.Context | None,
    param: click.Parameter | None,
    *,
    kind: ResourceKind = INSTANCE,
    where: str = "",
) -> str:
    """*arn*, if the library would accept it as an instance ARN (for *kind*, by its check).

    Args:
        arn: The ARN.
        ctx: click's context, for the error.
        param: The argument, for the error.
        kind: Whose check judges it: a kind whose identity is the instance ARN alone (the
            instance for the ARN argument of the others).
        where: Where it came from, when not from the command line (`` (line 3 of stdin)``).

    Raises:
        click.BadParameter: It would not (the library's message, the ARN quoted short, and
            where to find ARNs).
    """
    try:
        kind.check(kind.identity(arn))
    except ValueError as error:
        message = shorten(str(error), arn).rstrip(".")
        raise click.BadParameter(
            f"{message}{where}. `aws sso-admin list-instances` lists yours.", ctx, param
        ) from None
    return arn


@dataclasses.dataclass(frozen=True, slots=True)
class ArnArguments:
    """The ARN arguments as given: checked ARNs, or ``-`` alone (stdin, read later)."""

    given: tuple[str, ...]

    @property
    def from_stdin(self) -> bool:
        """Whether the ARNs are to be read from stdin."""
        return self.given == (STDIN,)

    def __bool__(self) -> bool:
        """Whether any ARN (or ``-``) was given."""
        return bool(self.given)


@dataclasses.dataclass(frozen=True, slots=True)
class Arns:
    """The checked ARNs, each once, in the order given; and those given more than once."""

    unique: list[str]
    repeated: dict[str, int]

    def __bool__(self) -> bool:
        """Whether any ARN was given."""
        return bool(self.unique)


def _arguments(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...], *, kind: ResourceKind
) -> ArnArguments:
    """The ARN arguments (a click callback): each checked by *kind*, or ``-`` alone."""
    if STDIN in value:
        if len(value) > 1:
            raise click.BadParameter(
                "'-' (read ARNs from stdin) must be the only ARN argument.", ctx, param
            )
    else:
        for arn in value:
            check_arn(arn, ctx, param, kind=kind)
    return ArnArguments(value)


def arns_of(kind: ResourceKind) -> Callable[[F], F]:
    """The ``ARN...`` argument of a command that waits on *kind* (``-`` reads them from stdin)."""
    return click.argument(
        "arns", metavar="ARN...", nargs=-1, callback=functools.partial(_arguments, kind=kind)
    )


def read_arns(
    arguments: ArnArguments, kind: ResourceKind = INSTANCE, stdin: TextIO | None = None
) -> Arns:
    """The ARNs: the arguments, or those on *stdin* (for ``-``), each checked by *kind*.

    Raises:
        click.BadParameter: Something on stdin that is not an ARN, or no ARN there; the
            caller names the argument.
    """
    if arguments.from_stdin:
        if stdin is None:
            raise click.BadParameter("'-' reads ARNs from stdin, which is closed.")
        announce(stdin, ARNS_READ)
        try:
            given = list(_from_stdin(stdin, kind))
        except StdinError as error:
            raise click.BadParameter(f"{error}; '-' reads {ARNS_READ}.") from None
        if not given:
            raise click.BadParameter(
                f"'-' reads ARNs from stdin, which held none ({NOTHING_PIPED})."
            )
    else:
        given = list(arguments.given)
    counts = collections.Counter(given)
    return Arns(list(counts), {arn: n for arn, n in counts.items() if n > 1})


def _from_stdin(stdin: TextIO, kind: ResourceKind) -> Iterator[str]:
    """Each ARN on *stdin*, checked by *kind* as soon as it is read."""
    read = items(stdin)
    first = next(read, None)
    if first is None:
        return
    if first.value == _TEXT_OUTPUT:
        raise StdinError(
            f"stdin holds the AWS CLI's --output text ({_TEXT_OUTPUT} ...), whose fields "
            "cannot be told apart: give it --query 'Instances[].InstanceArn', or its JSON"
        )
    for item in itertools.chain([first], read):
        for arn, where in _arns_in(item):
            yield check_arn(arn, None, None, kind=kind, where=f" ({where})")


def _arns_in(item: Item) -> Iterator[tuple[str, str]]:
    """The ARNs of one item, each with where it was read."""
    value, where = item.value, item.where
    if isinstance(value, str):
        yield value, where
    elif isinstance(value, dict) and "InstanceArn" in value:
        yield _arn(value["InstanceArn"], f"InstanceArn of {where}"), where
    elif isinstance(value, dict) and isinstance(value.get("Instances"), list):
        for index, instance in enumerate(value["Instances"], start=1):
            inside = f"item {index} of Instances of {where}"
            found = instance.get("InstanceArn") if isinstance(instance, dict) else None
            yield _arn(found, inside), inside
    elif isinstance(value, dict):
        named = ", ".join(quote(str(k), 40)[1:-1] for k in sorted(value)[:_KEYS_NAMED])
        raise StdinError(f"{where} holds {named or 'nothing'}, no InstanceArn")
    else:
        raise StdinError(f"{where} is {quote(json.dumps(value))[1:-1]}, no instance ARN")


def _arn(value: Any, where: str) -> str:
    """*value*, if a string (an ARN to check); else a refusal naming *where*."""
    if not isinstance(value, str):
        raise StdinError(f"{where} has no InstanceArn string")
    return value
