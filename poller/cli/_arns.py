"""The instance ARNs a command is given: as arguments, or from stdin when the only one is ``-``.

From stdin, ARNs are separated by any whitespace (one per line, or several on a line, as
``aws sso-admin list-instances --query 'Instances[].InstanceArn' --output text`` prints
them); blank lines are ignored. Each is checked as an argument is, before any request. An ARN
given twice is waited on once, with a warning. JSON (the AWS CLI's default output) is refused
with the way to print the ARNs as text.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import sys
from collections.abc import Callable
from typing import Any, Final, TextIO, TypeVar

import click

from poller import ResourceKind
from poller.cli._answers import BYTE_ORDER_MARK, NOTHING_PIPED
from poller.cli._kinds import INSTANCE

__all__ = ["STDIN", "Arns", "arns_of", "check_arn", "read_arns"]

F = TypeVar("F", bound=Callable[..., Any])

#: The argument that stands for "read the ARNs from stdin".
STDIN: Final = "-"
#: Where JSON starts: what the AWS CLI prints unless told ``--output text``.
_JSON_START: Final = ("{", "[", '"')
_READS: Final = (
    "'-' reads instance ARNs separated by whitespace, as `aws sso-admin list-instances "
    "--query 'Instances[].InstanceArn' --output text` prints them"
)


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
        click.BadParameter: It would not (the library's message, and where to find ARNs).
    """
    try:
        kind.check(kind.identity(arn))
    except ValueError as error:
        raise click.BadParameter(
            f"{str(error).rstrip('.')}{where}. `aws sso-admin list-instances` lists yours.",
            ctx,
            param,
        ) from None
    return arn


@dataclasses.dataclass(frozen=True, slots=True)
class Arns:
    """The checked ARNs, each once, in the order given; and those given more than once."""

    unique: list[str]
    repeated: dict[str, int]

    def __bool__(self) -> bool:
        """Whether any ARN was given."""
        return bool(self.unique)


def _from_stdin(
    stdin: TextIO | None, ctx: click.Context, param: click.Parameter, kind: ResourceKind
) -> list[str]:
    """The ARNs on *stdin*, each checked by *kind*'s check; JSON and nothing are refused."""
    if stdin is None:
        raise click.BadParameter("'-' reads ARNs from stdin, which is closed.", ctx, param)
    text = stdin.read().removeprefix(BYTE_ORDER_MARK)
    if text.lstrip().startswith(_JSON_START):
        raise click.BadParameter(f"stdin holds JSON: {_READS}.", ctx, param)
    arns = [
        check_arn(word, ctx, param, kind=kind, where=f" (line {number} of stdin)")
        for number, line in enumerate(text.splitlines(), start=1)
        for word in line.split()
    ]
    if not arns:
        raise click.BadParameter(
            f"'-' reads ARNs from stdin, which held none ({NOTHING_PIPED}).", ctx, param
        )
    return arns


def read_arns(
    ctx: click.Context,
    param: click.Parameter,
    value: tuple[str, ...],
    stdin: TextIO | None = None,
    *,
    kind: ResourceKind = INSTANCE,
) -> Arns:
    """The ARN arguments (a click callback), or the ARNs on stdin for a lone ``-``.

    Each is checked by *kind*'s check (a kind whose identity is the instance ARN alone).

    Raises:
        click.BadParameter: A malformed ARN, ``-`` beside other ARNs, or nothing on stdin.
    """
    if STDIN in value:
        if len(value) > 1:
            raise click.BadParameter(
                "'-' (read ARNs from stdin) must be the only ARN argument.", ctx, param
            )
        given = _from_stdin(sys.stdin if stdin is None else stdin, ctx, param, kind)
    else:
        given = [check_arn(arn, ctx, param, kind=kind) for arn in value]
    counts = collections.Counter(given)
    return Arns(list(counts), {arn: n for arn, n in counts.items() if n > 1})


def arns_of(kind: ResourceKind) -> Callable[[F], F]:
    """The ``ARN...`` argument of a command that waits on *kind* (``-`` reads them from stdin)."""
    return click.argument(
        "arns", metavar="ARN...", nargs=-1, callback=functools.partial(read_arns, kind=kind)
    )
