"""What a waiting command waits on, from its arguments (or stdin), checked before any request.

Every identifier is checked by the library's own check for its resource (the service model's
patterns: an instance ARN, a Region name, a request ID), and refused with the library's
message and where it was read. Something given twice is waited on once, with a warning.
"""

from __future__ import annotations

import collections
import dataclasses
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TextIO

import click

from poller import Identity, ResourceKind
from poller.cli._answers import AnswersError, read_answers
from poller.cli._arns import STDIN, Arns
from poller.cli._kinds import Awaited
from poller.cli._stdin import announce, shorten

__all__ = ["Targets", "instances", "regions", "requests"]

#: The word for a repeat of each shape's identifier, in its event's name (``cli.duplicate_arn``).
_REPEATED: Final = {"instance": "arn", "region": "region", "request": "request_id"}


@dataclasses.dataclass(frozen=True, slots=True)
class Targets:
    """What to wait on, each once, in the order given; and what was given more than once.

    Attributes:
        unique: The targets.
        repeated: Each one given more than once, and how often, by what the user typed.
        what: The event name's word for a repeat (``arn``, ``region``, ``request_id``).
    """

    unique: list[Awaited]
    repeated: dict[str, tuple[Awaited, int]]
    what: str


def _once(targets: Iterable[tuple[str, Awaited]], what: str) -> Targets:
    """*targets*, each with what was typed for it: each once, the repeats counted."""
    counts = collections.Counter[str]()
    unique: dict[str, Awaited] = {}
    for given, target in targets:
        counts[given] += 1
        unique.setdefault(given, target)
    repeated = {given: (unique[given], n) for given, n in counts.items() if n > 1}
    return Targets(list(unique.values()), repeated, what)


def _checked(
    kind: ResourceKind, identity: Identity, until: str, given: str, where: str = ""
) -> Awaited:
    """*identity* (*given* by the user), if the library would wait on it; else a usage error.

    The error is the library's message, with what was given quoted short.
    """
    try:
        kind.check(identity)
    except ValueError as error:
        raise click.BadParameter(f"{shorten(str(error), given).rstrip('.')}{where}.") from None
    return Awaited(kind, identity, until)


def instances(arns: Arns, kind: ResourceKind, until: str | None = None) -> Targets:
    """Instances (ARNs already checked by *kind*), each waited on for *until* (or the default)."""
    target = until or kind.default_target
    given = [arn for arn in arns.unique for _ in range(arns.repeated.get(arn, 1))]
    awaited = ((arn, Awaited(kind, kind.identity(arn), target)) for arn in given)
    return _once(awaited, _REPEATED[kind.shape])


def regions(arn: str, names: Sequence[str], kind: ResourceKind, until: str) -> Targets:
    """The Regions *names* of instance *arn*, each waited on as *kind* for *until*.

    Raises:
        click.BadParameter: None given, or a name that is not a Region's.
    """
    if not names:
        raise click.BadParameter("give at least one Region name, such as eu-west-1.")
    return _once(
        ((name, _checked(kind, kind.identity(arn, name), until, name)) for name in names),
        _REPEATED[kind.shape],
    )


def requests(
    arn: str,
    values: Sequence[str],
    *,
    kinds: Sequence[ResourceKind],
    default: ResourceKind,
    answers: Mapping[str, ResourceKind],
    forced: bool = False,
    stdin: TextIO | None = None,
) -> Targets:
    """The requests *values* (request IDs, or ``-`` for the answers on stdin) of instance *arn*.

    Each is waited on for its kind's default target (a request's only one).

    Args:
        arn: The instance (checked).
        values: The arguments.
        kinds: The kinds the command waits on; an answer of another kind is refused.
        default: The kind of a bare request ID.
        answers: Every kind of request, by the key of its status object in the answers that
            start it (:func:`poller.cli._kinds.by_answer`): the command's and the others'.
        forced: Whether *default* was asked for (``--deletion``): an answer of another kind
            then contradicts it.
        stdin: Where ``-`` reads (``sys.stdin`` by default).

    Raises:
        click.BadParameter: Nothing to wait on, ``-`` beside IDs, an answer of the wrong kind,
            or an ID that is not one.
    """
    what = _REPEATED[default.shape]
    if not values:
        raise click.BadParameter("give at least one request ID, or - to read them from stdin.")
    if STDIN not in values:
        return _once(
            (
                (
                    value,
                    _checked(default, default.identity(arn, value), default.default_target, value),
                )
                for value in values
            ),
            what,
        )
    if len(values) > 1:
        raise click.BadParameter("'-' (read the answers from stdin) must be the only request ID.")
    stream = sys.stdin if stdin is None else stdin
    if stream is None:
        raise click.BadParameter("'-' reads the answers from stdin, which is closed.")
    expected = _expected(kinds)
    announce(stream, expected)
    targets = []
    try:
        # Each answer is checked as soon as it is read: the first bad one ends the reading.
        for answer in read_answers(stream, keys=answers, expected=expected):
            kind = default if answer.key is None else answers[answer.key]
            if kind not in kinds or (forced and kind is not default):
                raise click.BadParameter(_wrong_kind(kind, default, answer.where, forced=forced))
            identity = kind.identity(arn, answer.request_id)
            where = f" ({answer.where}; '-' reads {expected})"
            awaited = _checked(kind, identity, kind.default_target, answer.request_id, where)
            targets.append((answer.request_id, awaited))
    except AnswersError as error:
        raise click.BadParameter(f"{error}.") from None
    if not targets:
        raise click.BadParameter(f"stdin held nothing to wait on: '-' reads {expected}.")
    return _once(targets, what)


def _aws_commands(kind: ResourceKind) -> str:
    """The AWS CLI's commands that start *kind*, quoted: ```aws sso-admin provision-...```."""
    return " or ".join(f"`aws sso-admin {command}`" for command in kind.aws_commands)


def _expected(kinds: Sequence[ResourceKind]) -> str:
    """What ``-`` reads for *kinds*, in words."""
    commands = " or ".join(_aws_commands(kind) for kind in kinds)
    return f"the JSON that {commands} prints, or request IDs one per line"


def _wrong_kind(kind: ResourceKind, default: ResourceKind, where: str, *, forced: bool) -> str:
    """Why an answer of *kind* is refused where *default* is waited on."""
    said = f"{where} is what {_aws_commands(kind)} prints ({kind.answer_key})"
    flag = default.command.flag
    if forced and flag is not None:
        # The flag names what it picks: --deletion, a deletion.
        word = flag.lstrip("-").replace("-", " ")
        article = "an" if word[:1] in "aeiou" else "a"
        return f"{said}, not {article} {word} as {flag} says: leave it out, each answer says which."
    return f"{said}: wait on it with `poller {kind.command.name}`."
