"""What a waiting command waits on, from its arguments (or stdin), checked before any request.

Every identifier is checked by the library's own check for its resource (the service model's
patterns: an instance ARN, a Region name, a request ID), and refused with the library's
message and where it was read. Something given twice is waited on once, with a warning.
"""

from __future__ import annotations

import collections
import dataclasses
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

import click

from poller._identity import Identity
from poller.cli._answers import AnswersError, read_answers
from poller.cli._arns import STDIN, Arns
from poller.cli._kinds import INSTANCES, REGIONS, REQUESTS_BY_ANSWER, Awaited, Kind

__all__ = ["Targets", "instances", "regions", "requests"]


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
    counts = collections.Counter[str]()
    unique: dict[str, Awaited] = {}
    for given, target in targets:
        counts[given] += 1
        unique.setdefault(given, target)
    repeated = {given: (unique[given], n) for given, n in counts.items() if n > 1}
    return Targets(list(unique.values()), repeated, what)


def _checked(kind: Kind, identity: Identity, until: str, where: str = "") -> Awaited:
    """*identity*, if the library would wait on it; else a usage error with its message."""
    try:
        kind.resource.check(identity)
    except ValueError as error:
        raise click.BadParameter(f"{str(error).rstrip('.')}{where}.") from None
    return Awaited(kind, identity, until)


def instances(arns: Arns, kind: Kind = INSTANCES, until: str | None = None) -> Targets:
    """Instances (ARNs already checked), each waited on for *until* (the kind's only target)."""
    target = until or kind.resource.targets[0]
    given = [arn for arn in arns.unique for _ in range(arns.repeated.get(arn, 1))]
    return _once(((arn, Awaited(kind, Identity(arn), target)) for arn in given), "arn")


def regions(arn: str, names: Sequence[str], until: str) -> Targets:
    """The Regions *names* of instance *arn*.

    Raises:
        click.BadParameter: None given, or a name that is not a Region's.
    """
    if not names:
        raise click.BadParameter("give at least one Region name, such as eu-west-1.")
    return _once(
        ((name, _checked(REGIONS, Identity(arn, region_name=name), until)) for name in names),
        "region",
    )


def requests(
    arn: str,
    values: Sequence[str],
    *,
    kinds: Sequence[Kind],
    default: Kind,
    forced: bool = False,
    stdin: TextIO | None = None,
) -> Targets:
    """The requests *values* (request IDs, or ``-`` for the answers on stdin) of instance *arn*.

    Args:
        arn: The instance (checked).
        values: The arguments.
        kinds: The kinds the command waits on; an answer of another kind is refused.
        default: The kind of a bare request ID.
        forced: Whether *default* was asked for (``--deletion``): an answer of another kind
            then contradicts it.
        stdin: Where ``-`` reads (``sys.stdin`` by default).

    Raises:
        click.BadParameter: Nothing to wait on, ``-`` beside IDs, an answer of the wrong kind,
            or an ID that is not one.
    """
    if not values:
        raise click.BadParameter("give at least one request ID, or - to read them from stdin.")
    if STDIN not in values:
        return _once(
            (
                (value, _checked(default, Identity(arn, request_id=value), "succeeded"))
                for value in values
            ),
            "request_id",
        )
    if len(values) > 1:
        raise click.BadParameter("'-' (read the answers from stdin) must be the only request ID.")
    stream = sys.stdin if stdin is None else stdin
    if stream is None:
        raise click.BadParameter("'-' reads the answers from stdin, which is closed.")
    expected = _expected(kinds)
    try:
        answers = read_answers(stream.read(), keys=REQUESTS_BY_ANSWER, expected=expected)
    except AnswersError as error:
        raise click.BadParameter(f"{error}.") from None
    if not answers:
        raise click.BadParameter(f"stdin held nothing to wait on: '-' reads {expected}.")
    targets = []
    for answer in answers:
        kind = default if answer.key is None else REQUESTS_BY_ANSWER[answer.key]
        if kind not in kinds or (forced and kind is not default):
            raise click.BadParameter(_wrong_kind(kind, answer.where, forced=forced))
        identity = Identity(arn, request_id=answer.request_id)
        where = f" ({answer.where}; '-' reads {expected})"
        targets.append((answer.request_id, _checked(kind, identity, "succeeded", where)))
    return _once(targets, "request_id")


def _expected(kinds: Sequence[Kind]) -> str:
    commands = " or ".join(f"`aws sso-admin {kind.aws_command}`" for kind in kinds)
    return f"the JSON that {commands} prints, or request IDs one per line"


def _wrong_kind(kind: Kind, where: str, *, forced: bool) -> str:
    said = f"{where} is what `aws sso-admin {kind.aws_command}` prints ({kind.answer_key})"
    if forced:
        return f"{said}, not a deletion as --deletion says: leave it out, each answer says which."
    return f"{said}: wait on it with `poller {kind.command}`."
