"""A kind of resource, described once for every face: :class:`ResourceKind`.

Each resource module builds its engine table (:class:`poller._engine._resource.Resource`: the
operation, the parser, the ordered acceptors) and, beside it, its :class:`ResourceKind`: the
table plus the words and shapes that the faces need (the command's name and help, Airflow's
per-instance, per-Region or per-request shape, what to advise after each outcome). Whatever the
table already knows (targets, delays, events, the answer key) is read from it, not said again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from poller._engine._acceptors import Observation, Verdict, decide
from poller._engine._failures import WaitState
from poller._identity import Identity
from poller._outcome import Outcome

if TYPE_CHECKING:
    from poller._engine._resource import Resource
    from poller._settings import Delays
    from poller.events import StatusChanged, UnknownStatus
    from poller.exceptions import ResourceFailedError

__all__ = ["Command", "ResourceKind", "Shape"]

Shape = Literal["instance", "region", "request"]
"""What one wait of a kind is about, besides its instance: nothing more (``instance``), one of
its Regions (``region``), or one request (``request``)."""

_KEY_OF_SHAPE: dict[str, str | None] = {
    "instance": None,
    "region": "region_name",
    "request": "request_id",
}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """How the ``poller`` command waits on a kind.

    Attributes:
        name: The command (``wait-region``). Several kinds may share one, told apart by
            ``flag`` (assignment creations and deletions: ``wait-assignment``).
        summary: The first line of its help.
        help: The paragraph after it.
        flag: The option that picks this kind on a shared command (``--deletion``); None for
            the command's default kind.
    """

    name: str
    summary: str
    help: str
    flag: str | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ResourceKind:
    """One kind of asynchronous Identity Center resource poller waits on, described once.

    Every face derives what it says and does about a kind from here: the command's
    subcommand, arguments and words, the Airflow operators' and triggers' tables, the
    OpenTelemetry attributes. ``poller.resources`` maps each kind's :attr:`name` to it.

    Attributes:
        name: Its name, kebab-case (``account-assignment-creation``): the key in
            ``poller.resources``, the Airflow trigger's ``resource``.
        noun: One of them in words (``Region``, ``assignment creation request``).
        nouns: Several of them in words.
        shape: What one wait is about besides its instance (:data:`Shape`).
        started_by: The operations whose asynchronous work a wait follows (``AddRegion``).
        description_type: The class of its descriptions (the parsed Describe answers).
        failure: The error of a state its targets can never be reached from, or None.
        command: How the ``poller`` command waits on it.
        reached_one: A person's line when the one waited on got there (``{who}``,
            ``{until}``).
        reached_many: The line when several did (``{count}``, ``{until}``).
        document_key: The key of the last state seen in a failure's JSON document
            (``Region``).
        advice: What to do, by outcome, where the generic advice would not fit.
        table: The engine's state table: operation, parser, ordered acceptors. Read by
            the engine; the faces need only the properties below.
    """

    name: str
    noun: str
    nouns: str
    shape: Shape
    started_by: tuple[str, ...]
    description_type: type[Any]
    failure: type[ResourceFailedError] | None
    command: Command
    reached_one: str
    reached_many: str
    document_key: str
    advice: Mapping[Outcome, str] = dataclasses.field(default_factory=dict)
    table: Resource = dataclasses.field(repr=False)

    # -- what the table knows -------------------------------------------------------------

    @property
    def operation(self) -> str:
        """The Describe operation polled (``DescribeRegion``)."""
        return self.table.operation

    @property
    def targets(self) -> tuple[str, ...]:
        """The targets a wait may have; the first is the default."""
        return self.table.targets

    @property
    def default_target(self) -> str:
        """The target of a wait that names none."""
        return self.table.targets[0]

    @property
    def removals(self) -> frozenset[str]:
        """The targets that are a removal: a wait for one returns no description."""
        return self.table.removals

    @property
    def delays(self) -> Delays:
        """The default pause between polls (``min_delay``, ``max_delay``)."""
        return self.table.delays

    @property
    def identity_key(self) -> str | None:
        """The identity's key besides ``instance_arn`` (``region_name``, ``request_id``)."""
        return _KEY_OF_SHAPE[self.shape]

    @property
    def identity_keys(self) -> tuple[str, ...]:
        """Every key of an identity of this kind, in events and errors."""
        key = self.identity_key
        return ("instance_arn",) if key is None else ("instance_arn", key)

    @property
    def event_prefix(self) -> str:
        """The prefix of its own events (``account_assignment``)."""
        return self.table.name

    @property
    def status_changed(self) -> type[StatusChanged]:
        """The class of its ``<prefix>.status_changed`` event."""
        return self.table.status_changed

    @property
    def unknown_status(self) -> type[UnknownStatus]:
        """The class of its ``<prefix>.unknown_status`` event."""
        return self.table.unknown_status

    @property
    def answer_key(self) -> str | None:
        """For requests, the key of their status object (``AccountAssignmentCreationStatus``).

        The key in the answer of the call that starts one, and in its Describe answer; None for
        the others.
        """
        return self.table.answer_key

    @property
    def aws_commands(self) -> tuple[str, ...]:
        """The AWS CLI's commands for :attr:`started_by` (``create-account-assignment``)."""
        return tuple(_kebab(operation) for operation in self.started_by)

    # -- judging ------------------------------------------------------------------------------

    def identity(self, instance_arn: str, key: str | None = None) -> Identity:
        """The identity of one resource of this kind (*key*: its Region or request ID).

        Raises:
            ValueError: *key* missing for a Region or a request, or given for an instance.
        """
        field = self.identity_key
        if (field is None) != (key is None):
            wanted = "no Region or request ID" if field is None else f"a {field}"
            raise ValueError(f"a {self.name} wait takes {wanted}, not {key!r}")
        return Identity(instance_arn, **({} if field is None else {field: key}))

    def check(self, identity: Identity) -> None:
        """Refuse a malformed identifier, before any request.

        Raises:
            InvalidArgumentError: A malformed ARN, Region name or request ID, naming it.
        """
        self.table.check(identity)

    def target(self, until: str | None = None) -> str:
        """*until* as one of :attr:`targets` (the default when None).

        Raises:
            ValueError: An unknown target, naming the known ones.
        """
        return self.table.target(self.default_target if until is None else until)

    def label(self, identity: Identity) -> str:
        """One resource in words: ``Region eu-west-1 of instance arn:…``."""
        return self.table.label(identity)

    def meets(
        self,
        description: Any,
        identity: Identity,
        until: str | None = None,
        *,
        attempts: int = 1,
        elapsed: float = 0.0,
    ) -> bool:
        """Whether *description* meets *until* now, by this kind's state table.

        For a look (:func:`poller.look`) that must also say whether the target is reached:
        True where a wait would succeed, False where it would go on waiting.

        Args:
            description: One Describe answer, parsed (a :attr:`description_type`).
            identity: Which resource it describes.
            until: The target (the default when None).
            attempts: Requests the look sent, for the error's context.
            elapsed: Seconds the look took, for the error's context.

        Raises:
            PollerError: The error the table gives *description* for *until*, where the
                target can never follow (a failed creation, a Region being removed ...).
            ValueError: An unknown target.
        """
        target = self.target(until)
        observation = Observation(description=description, operation=self.operation)
        _, decision = decide(self.table.acceptors, observation, target)
        if decision.verdict is Verdict.FAIL:
            assert decision.build is not None
            state = WaitState(self.table, identity, target, description, attempts, elapsed)
            raise decision.build(observation, state)
        return decision.verdict is Verdict.SUCCESS

    def __repr__(self) -> str:
        return f"<ResourceKind {self.name}>"


def _kebab(operation: str) -> str:
    """``CreateAccountAssignment`` as the AWS CLI spells it: ``create-account-assignment``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", operation).lower()
