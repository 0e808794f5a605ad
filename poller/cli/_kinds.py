"""The kinds the command waits on, read from ``poller.resources``, grouped by their command.

Each :class:`poller.ResourceKind` names its command (``wait-region``); kinds that share one
(assignment creations and deletions: ``wait-assignment``) are told apart by the option that
picks each but the first (``--deletion``). :func:`by_command` reads that grouping from any
mapping of kinds, checked, so that a kind added to the registry is a command with no edit
here. What one run waits on is a list of :class:`Awaited`.

Light to import: ``poller``'s light names only, no waiter (and no botocore).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import poller
from poller import Identity, ResourceKind
from poller.cli._status import label_of

__all__ = [
    "INSTANCE",
    "Awaited",
    "CommandKinds",
    "Listing",
    "by_answer",
    "by_command",
    "success_line",
]

#: The instance: what ``poller check``, ``poller describe`` and ``--all`` are about, and what
#: the ARN argument of every command names.
INSTANCE: Final = poller.resources["instance"]


@dataclasses.dataclass(frozen=True, slots=True)
class Awaited:
    """One resource a command waits on: what kind, which one, and for what."""

    kind: ResourceKind
    identity: Identity
    until: str


@dataclasses.dataclass(frozen=True, slots=True)
class Listing:
    """``--all``: every instance ListInstances lists, each awaited as *kind* for *until*.

    Attributes:
        kind: The kind of each (one whose identity is the instance ARN alone).
        until: The target of each.
        allow_empty: Whether none listed is a success (else not-found).
    """

    kind: ResourceKind
    until: str
    allow_empty: bool = False

    def targets(self, arns: Iterable[str]) -> list[Awaited]:
        """What to wait on (or look at) for the instances *arns*."""
        return [Awaited(self.kind, self.kind.identity(arn), self.until) for arn in arns]


@dataclasses.dataclass(frozen=True, slots=True)
class CommandKinds:
    """The kinds one command waits on: the one it waits on by default, and those picked by flag.

    Attributes:
        default: The kind of the command when no flag is given (its ``command.flag`` is None);
            its command's name, words and shape are the command's.
        flagged: The other kinds, by the option that picks each (``--deletion``).
    """

    default: ResourceKind
    flagged: Mapping[str, ResourceKind] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The command's name (``wait-assignment``)."""
        return self.default.command.name

    @property
    def kinds(self) -> tuple[ResourceKind, ...]:
        """Every kind of the command, the default first."""
        return (self.default, *self.flagged.values())


def by_command(kinds: Mapping[str, ResourceKind]) -> list[CommandKinds]:
    """The kinds of *kinds* grouped by their command's name, in the order first seen.

    Raises:
        ValueError: Kinds of one command that cannot share it: of different shapes, with no
            kind or two kinds without a flag, or two with the same flag.
    """
    members: dict[str, list[ResourceKind]] = {}
    for kind in kinds.values():
        members.setdefault(kind.command.name, []).append(kind)
    return [_group(name, group) for name, group in members.items()]


def _group(name: str, kinds: list[ResourceKind]) -> CommandKinds:
    """One command's kinds, checked: one shape, one default, a flag for each of the others."""
    shapes = {kind.shape for kind in kinds}
    if len(shapes) > 1:
        raise ValueError(f"the kinds of `{name}` have different shapes: {sorted(shapes)}")
    defaults = [kind for kind in kinds if kind.command.flag is None]
    if len(defaults) != 1:
        named = ", ".join(kind.name for kind in defaults) or "none"
        raise ValueError(f"`{name}` needs exactly one kind without a flag, not {named}")
    flagged: dict[str, ResourceKind] = {}
    for kind in kinds:
        flag = kind.command.flag
        if flag is None:
            continue
        if flag in flagged:
            raise ValueError(f"{flagged[flag].name} and {kind.name} share {flag} on `{name}`")
        flagged[flag] = kind
    return CommandKinds(defaults[0], flagged)


def by_answer(kinds: Mapping[str, ResourceKind]) -> dict[str, ResourceKind]:
    """The kinds of request, by the key of their status object in the answers that start them.

    Every one of *kinds*, not only a command's own: an answer of another command's kind is
    named, and sent to its command.
    """
    return {kind.answer_key: kind for kind in kinds.values() if kind.answer_key is not None}


def success_line(targets: Sequence[Awaited]) -> str:
    """One line for a person, when everything waited on got there (``✓ 3 Regions are active.``).

    Several kinds at once (a rollout) read as a sentence for each, in the order first seen;
    kinds that share their words (assignment creations and deletions) are counted together.
    """
    groups: dict[tuple[str, str], list[Awaited]] = {}
    for target in targets:
        groups.setdefault((target.kind.reached_many, target.until), []).append(target)
    sentences = []
    for (many, until), members in groups.items():
        if len(members) == 1:
            first = members[0]
            who = label_of(**first.identity.keys())
            sentences.append(first.kind.reached_one.format(who=who, until=until))
        else:
            sentences.append(many.format(count=len(members), until=until))
    return "✓ " + " ".join(sentences)
