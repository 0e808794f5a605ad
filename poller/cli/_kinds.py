"""What each waiting command waits on: the differences between the commands, as one table.

A :class:`Kind` is a resource as the command sees it: the library's resource (its targets,
default delays and identifier checks), the words for it, where its last state goes in a
failure's document, its hints, and the library call that waits on many of them at once.
Everything else (the options, the one deadline, the one client and its rate, signals, stdout
and stderr) is the same for every command, and written once.

Light to import: the library's waiters (and botocore) are imported only when a fan-out runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, Final

from poller._engine._resource import Identity, Resource
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
    "Shared",
    "success_line",
]


@dataclasses.dataclass(frozen=True, slots=True)
class Shared:
    """What every wait of one run shares: the end, the pacing and the hooks.

    Attributes:
        deadline: The end of every wait, in epoch seconds.
        min_delay: The shortest pause between two polls of one resource.
        max_delay: The longest pause.
        limiter: The one client's rate limiter, shared by every wait of the run.
        on_event: Every event of every wait.
        on_outcome: Each wait's outcome (an ``InstanceOutcome`` or ``WaitOutcome``), as it ends.
    """

    deadline: float
    min_delay: float
    max_delay: float
    limiter: Any
    on_event: Callable[[Any], object]
    on_outcome: Callable[[Any], object]

    def settings(self) -> dict[str, Any]:
        """The keyword arguments of the library's fan-outs."""
        return {
            "deadline": self.deadline,
            "min_delay": self.min_delay,
            "max_delay": self.max_delay,
            "limiter": self.limiter,
            "on_event": self.on_event,
            "on_outcome": self.on_outcome,
        }


FanOut = Callable[[Any, Sequence[Identity], str, Shared], Coroutine[Any, Any, None]]
"""Waits on every identity through the one client, for one target, under the shared settings."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Kind:
    """One kind of resource as the command waits on it.

    Attributes:
        command: The command that waits on it.
        resource: The library's resource: targets, default delays, identifier checks.
        noun: The word for one (``Region``), in help and messages.
        plural: The word for several.
        last_key: The key of the last state seen in a failure's document (``Region``).
        one: The line for a person when the only one waited on got there (``{who}``,
            ``{until}``).
        many: The line when several did (``{count}``, ``{until}``).
        hints: What to do, by outcome, where the generic hint would not fit.
        fan_out: The library call that waits on many at once.
        answer_key: For requests, the key of the status object in the answer of the
            operation that started them (``AccountAssignmentCreationStatus``).
        aws_command: The ``aws sso-admin`` command that prints that answer.
    """

    command: str
    resource: Resource
    noun: str
    plural: str
    last_key: str
    one: str
    many: str
    hints: Mapping[Outcome, str]
    fan_out: FanOut
    answer_key: str | None = None
    aws_command: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Awaited:
    """One resource a command waits on: what kind, which one, and for what."""

    kind: Kind
    identity: Identity
    until: str


async def _instances(client: Any, targets: Sequence[Identity], until: str, shared: Shared) -> None:
    from poller._waiters._instance import wait_for_instances  # noqa: PLC0415 - botocore

    pairs = [(client, identity.instance_arn) for identity in targets]
    await wait_for_instances(pairs, until=until, **shared.settings())


def _each(resource: Resource) -> FanOut:
    async def fan_out(client: Any, targets: Sequence[Identity], until: str, shared: Shared) -> None:
        from poller._waiters._many import wait_for_each  # noqa: PLC0415 - botocore

        pairs = [(client, identity) for identity in targets]
        await wait_for_each(resource, pairs, until=until, **shared.settings())

    return fan_out


def _requests(kind: str) -> FanOut:
    async def fan_out(client: Any, targets: Sequence[Identity], until: str, shared: Shared) -> None:
        from poller._waiters._requests import wait_for_requests  # noqa: PLC0415 - botocore

        # One instance per command: its ARN is the first argument of every one.
        arn = targets[0].instance_arn
        ids = [str(identity.request_id) for identity in targets]
        await wait_for_requests(client, arn, ids, kind=kind, **shared.settings())

    return fan_out


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


INSTANCES: Final = Kind(
    command="wait",
    resource=INSTANCE,
    noun="instance",
    plural="instances",
    last_key="Instance",
    one="{who} is {until}.",
    many="{count} instances are {until}.",
    hints={},
    fan_out=_instances,
)
REGIONS: Final = Kind(
    command="wait-region",
    resource=REGION,
    noun="Region",
    plural="Regions",
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
    fan_out=_each(REGION),
)
ACCESS_CONTROL: Final = Kind(
    command="wait-abac",
    resource=ACCESS_CONTROL_ATTRIBUTES,
    noun="instance",
    plural="instances",
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
    fan_out=_each(ACCESS_CONTROL_ATTRIBUTES),
)
PROVISIONING: Final = Kind(
    command="wait-provisioning",
    resource=PERMISSION_SET_PROVISIONING,
    noun="provisioning request",
    plural="provisioning requests",
    last_key="Request",
    one="Provisioning request {who} succeeded.",
    many="{count} provisioning requests succeeded.",
    hints=_request_hints(
        "provision-permission-set",
        "An assignment's request ID is waited on with `poller wait-assignment`",
    ),
    fan_out=_requests("permission-set-provisioning"),
    answer_key="PermissionSetProvisioningStatus",
    aws_command="provision-permission-set",
)
ASSIGNMENT_CREATION: Final = Kind(
    command="wait-assignment",
    resource=ACCOUNT_ASSIGNMENT_CREATION,
    noun="assignment request",
    plural="assignment requests",
    last_key="Request",
    one="Assignment creation request {who} succeeded.",
    many="{count} assignment requests succeeded.",
    hints=_request_hints(
        "create-account-assignment", "A bare request ID of DeleteAccountAssignment needs --deletion"
    ),
    fan_out=_requests("account-assignment-creation"),
    answer_key="AccountAssignmentCreationStatus",
    aws_command="create-account-assignment",
)
ASSIGNMENT_DELETION: Final = Kind(
    command="wait-assignment",
    resource=ACCOUNT_ASSIGNMENT_DELETION,
    noun="assignment request",
    plural="assignment requests",
    last_key="Request",
    one="Assignment deletion request {who} succeeded.",
    many="{count} assignment requests succeeded.",
    hints=_request_hints(
        "delete-account-assignment",
        "A bare request ID of CreateAccountAssignment is waited on without --deletion",
    ),
    fan_out=_requests("account-assignment-deletion"),
    answer_key="AccountAssignmentDeletionStatus",
    aws_command="delete-account-assignment",
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
