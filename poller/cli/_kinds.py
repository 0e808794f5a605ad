"""What each waiting command waits on: the differences between the commands, as one table.

A :class:`Kind` is a resource as the command sees it: the library's resource (its targets,
default delays, identifier checks, and so the fan-out that waits on many:
:func:`poller._waiters._many.wait_for_each`), the words for it, where its last state goes in a
failure's document, and its hints. Everything else (the options, the one deadline, the one
client and its rate, signals, stdout and stderr) is the same for every command, and written
once. The three kinds of request differ only in their names: :func:`_request_kind` makes them.

Light to import: no waiter (and no botocore) is imported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Final

from poller._engine._resource import Resource
from poller._identity import Identity
from poller._outcome import Outcome
from poller._resources._access_control import ACCESS_CONTROL_ATTRIBUTES
from poller._resources._instance import INSTANCE
from poller._resources._region import REGION
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION,
    ACCOUNT_ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
)
from poller.cli._status import label_of

__all__ = [
    "ACCESS_CONTROL",
    "ASSIGNMENT_CREATION",
    "ASSIGNMENT_DELETION",
    "INSTANCES",
    "PROVISIONING",
    "REGIONS",
    "REQUESTS_BY_ANSWER",
    "Awaited",
    "Kind",
    "success_line",
]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Kind:
    """One kind of resource as the command waits on it.

    Attributes:
        command: The command that waits on it.
        resource: The library's resource: targets, default delays, identifier checks.
        noun: The word for one (``Region``), in help and messages.
        last_key: The key of the last state seen in a failure's document (``Region``).
        one: The line for a person when the only one waited on got there (``{who}``,
            ``{until}``).
        many: The line when several did (``{count}``, ``{until}``).
        hints: What to do, by outcome, where the generic hint would not fit.
        answer_key: For requests, the key of the status object in the answer of the
            operation that started them (``AccountAssignmentCreationStatus``).
        aws_command: The ``aws sso-admin`` command that prints that answer.
    """

    command: str
    resource: Resource
    noun: str
    last_key: str
    one: str
    many: str
    hints: Mapping[Outcome, str] = dataclasses.field(default_factory=dict)
    answer_key: str | None = None
    aws_command: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Awaited:
    """One resource a command waits on: what kind, which one, and for what."""

    kind: Kind
    identity: Identity
    until: str


def _request_hints(aws_command: str, mix_up: str) -> dict[Outcome, str]:
    """The hints of a kind of request, started by *aws_command*; *mix_up* is its likely twin."""
    # The library's not-found message already says that AWS keeps a status only for a while.
    return {
        Outcome.FAILED: "Fix the cause in FailureReason, then start the request again.",
        Outcome.INVALID: (
            f"Give the RequestId that `aws sso-admin {aws_command}` printed, and the ARN of "
            "its instance (`aws sso-admin list-instances`)."
        ),
        Outcome.NOT_FOUND: (
            f"{mix_up}; else check that --region and --profile point at the instance's "
            "account and Region."
        ),
        Outcome.TIMED_OUT: "Wait longer with --timeout.",
    }


def _request_kind(
    command: str,
    resource: Resource,
    *,
    noun: str,
    one: str,
    aws_command: str,
    mix_up: str,
) -> Kind:
    """A kind of request: what differs between them is their names."""
    return Kind(
        command=command,
        resource=resource,
        noun=noun,
        last_key="Request",
        one=f"{one} {{who}} succeeded.",
        many=f"{{count}} {noun}s succeeded.",
        hints=_request_hints(aws_command, mix_up),
        answer_key=resource.answer_key,
        aws_command=aws_command,
    )


INSTANCES: Final = Kind(
    command="wait",
    resource=INSTANCE,
    noun="instance",
    last_key="Instance",
    one="{who} is {until}.",
    many="{count} instances are {until}.",
)
REGIONS: Final = Kind(
    command="wait-region",
    resource=REGION,
    noun="Region",
    last_key="Region",
    one="Region {who} is {until}.",
    many="{count} Regions are {until}.",
    hints={
        Outcome.FAILED: "The Region is being removed: wait for that with --until removed.",
        Outcome.INVALID: (
            "Check the instance ARN (`aws sso-admin list-instances`) and the Region name "
            "(`aws sso-admin list-regions --instance-arn ARN`)."
        ),
        Outcome.NOT_FOUND: (
            "`aws sso-admin list-regions --instance-arn ARN` lists the instance's Regions."
        ),
        Outcome.TIMED_OUT: "Replication takes minutes: wait longer with --timeout.",
    },
)
ACCESS_CONTROL: Final = Kind(
    command="wait-abac",
    resource=ACCESS_CONTROL_ATTRIBUTES,
    noun="instance",
    last_key="Configuration",
    one="ABAC of {who} is enabled.",
    many="ABAC of {count} instances is enabled.",
    hints={
        Outcome.FAILED: "Fix the cause in StatusReason, then create the configuration again.",
        Outcome.NOT_FOUND: (
            "Create one first: `aws sso-admin "
            "create-instance-access-control-attribute-configuration`."
        ),
        Outcome.TIMED_OUT: "Wait longer with --timeout.",
    },
)
PROVISIONING: Final = _request_kind(
    "wait-provisioning",
    PERMISSION_SET_PROVISIONING,
    noun="provisioning request",
    one="Provisioning request",
    aws_command="provision-permission-set",
    mix_up="An assignment's request ID is waited on with `poller wait-assignment`",
)
ASSIGNMENT_CREATION: Final = _request_kind(
    "wait-assignment",
    ACCOUNT_ASSIGNMENT_CREATION,
    noun="assignment request",
    one="Assignment creation request",
    aws_command="create-account-assignment",
    mix_up="A bare request ID of DeleteAccountAssignment needs --deletion",
)
ASSIGNMENT_DELETION: Final = _request_kind(
    "wait-assignment",
    ACCOUNT_ASSIGNMENT_DELETION,
    noun="assignment request",
    one="Assignment deletion request",
    aws_command="delete-account-assignment",
    mix_up="A bare request ID of CreateAccountAssignment is waited on without --deletion",
)
#: The kinds of request, by the key of their status object in the answers that start them.
REQUESTS_BY_ANSWER: Final = {
    kind.answer_key: kind
    for kind in (PROVISIONING, ASSIGNMENT_CREATION, ASSIGNMENT_DELETION)
    if kind.answer_key is not None
}


def success_line(targets: Sequence[Awaited]) -> str:
    """One line for a person, when everything waited on got there (``✓ 3 Regions are active.``).

    Several kinds at once (a rollout) read as a sentence for each, in the order first seen;
    kinds that share their words (assignment creations and deletions) are counted together.
    """
    groups: dict[tuple[str, str], list[Awaited]] = {}
    for target in targets:
        groups.setdefault((target.kind.many, target.until), []).append(target)
    sentences = []
    for (many, until), members in groups.items():
        if len(members) == 1:
            first = members[0]
            who = label_of(**first.identity.keys())
            sentences.append(first.kind.one.format(who=who, until=until))
        else:
            sentences.append(many.format(count=len(members), until=until))
    return "✓ " + " ".join(sentences)
