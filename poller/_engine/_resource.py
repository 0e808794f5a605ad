"""What the engine needs to know about a resource, as data."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from poller._identity import Identity
from poller._result import Description
from poller._settings import Delays

if TYPE_CHECKING:
    from poller._engine._acceptors import Acceptor, Decision
    from poller._result import ObservedState
    from poller.events import StatusChanged, UnknownStatus

__all__ = ["BatchListing", "ChangeFields", "Listing", "Resource"]

ChangeFields = Callable[["ObservedState | None", "ObservedState", Any], dict[str, Any]]
"""A status-changed event's fields beyond the Status: (state before, state after, description)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """How an ambiguous absence is resolved: one List operation, read page by page.

    Attributes:
        operation: The List operation's name, for messages.
        listed: Yields the identities' distinguishing values (ARNs, Region names) of what is
            listed; awaits ``before_page`` before each request.
        when_listed: The decision when the resource is listed, per target.
        when_absent: The decision when it is not, per target and whether this wait saw it.
    """

    operation: str
    listed: Callable[
        [Any, Identity, Callable[[], Awaitable[object]] | None], AsyncGenerator[str, None]
    ]
    key: Callable[[Identity], str]
    when_listed: Callable[[str], Decision]
    when_absent: Callable[[str, bool], Decision]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class BatchListing:
    """A kind of request's List…Status operation.

    Attributes:
        operation: Its name (``ListAccountAssignmentCreationStatus``).
        method: The aiobotocore client method that sends it.
        items: The key of the answer's list of status entries.
    """

    operation: str
    method: str
    items: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One kind of asynchronous Identity Center resource, as the engine polls it.

    Attributes:
        name: The event prefix (``instance``) and the word for it in messages.
        operation: The Describe operation (``DescribeInstance``).
        method: The aiobotocore client method that sends it (``describe_instance``).
        request: The operation's parameters for an identity.
        parse: The answer as a frozen description, or None when it has no Status (garbled).
        targets: The target values; the first is the default.
        acceptors: The ordered state table.
        listing: How an ambiguous absence is resolved, if the table ever asks.
        removal_status: The Status after which an absence means the resource is gone.
        delays: The default pause between polls.
        state_of: The part of a description whose change is a new state: (Status, a second
            status such as the instance's EncryptionStatus, or None).
        status_changed: The ``<name>.status_changed`` event class.
        reasons: AWS's reasons for a state, read off its description (StatusReason ...).
        change_fields: The status-changed event's fields beyond the Status, from the state
            before, the state after and its description (the instance's encryption status).
        unknown_status: The ``<name>.unknown_status`` event class.
        known_statuses: The Status values this version knows.
        label: The resource in words, for messages (``instance arn:…``).
        check: Refuses a malformed identity before any request.
        target_type: Makes a target value of a checked string (the instance's ``Target``).
        removals: The targets that are a removal: their result has no description.
        answer_key: A request's: the key of its status object, in the Describe answer and in
            the answer of the call that started it (``AccountAssignmentCreationStatus``).
        change_fields: See :data:`ChangeFields`.
        batch: A request's List…Status operation, which says of many at once which are
            still IN_PROGRESS (:mod:`poller._engine._batch`).
    """

    name: str
    operation: str
    method: str
    request: Callable[[Identity], Mapping[str, Any]]
    parse: Callable[[Mapping[str, Any]], Description | None]
    targets: tuple[str, ...]
    acceptors: tuple[Acceptor, ...]
    listing: Listing | None
    removal_status: str | None
    delays: Delays
    state_of: Callable[[Any], tuple[str | None, str | None]]
    status_changed: type[StatusChanged]
    reasons: Callable[[Any], tuple[str, ...]]
    unknown_status: type[UnknownStatus]
    known_statuses: frozenset[str]
    label: Callable[[Identity], str]
    check: Callable[[Identity], None]
    target_type: Callable[[str], str] = str
    removals: frozenset[str] = frozenset()
    answer_key: str | None = None
    change_fields: ChangeFields | None = None
    batch: BatchListing | None = None

    def target(self, until: str) -> str:
        """*until* as one of this resource's targets.

        Raises:
            ValueError: An unknown target, naming the known ones.
        """
        value = str(until)
        if value not in self.targets:
            choices = ", ".join(self.targets)
            raise ValueError(f"unknown target {until!r} for {self.name}: expected one of {choices}")
        return self.target_type(value)
