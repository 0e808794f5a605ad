"""What the engine needs to know about a resource, as data."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from poller._settings import Delays

if TYPE_CHECKING:
    from poller._engine._acceptors import Acceptor, Decision
    from poller._result import ObservedState
    from poller.events import Event

__all__ = ["Description", "Identity", "Listing", "Resource"]


class Description(Protocol):
    """A parsed Describe answer: a frozen dataclass with a ``status`` and the raw answer."""

    @property
    def status(self) -> str | None:
        """The resource's Status (an enum member, or a plain string from a newer API)."""

    @property
    def raw(self) -> Mapping[str, Any]:
        """The answer itself, without botocore's ``ResponseMetadata``."""

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's key names and ISO 8601 dates."""


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    """Which resource a wait is about: its instance, and the Region or request within it."""

    instance_arn: str
    region_name: str | None = None
    request_id: str | None = None

    def keys(self) -> dict[str, str]:
        """The identity as event and error keys: only those the resource has."""
        keys = {"instance_arn": self.instance_arn}
        if self.region_name is not None:
            keys["region_name"] = self.region_name
        if self.request_id is not None:
            keys["request_id"] = self.request_id
        return keys


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
        status_changed: Builds the ``<name>.status_changed`` event.
        unknown_status: The ``<name>.unknown_status`` event class.
        known_statuses: The Status values this version knows.
        label: The resource in words, for messages (``instance arn:…``).
        check: Refuses a malformed identity before any request.
        target_type: Makes a target value of a checked string (the instance's ``Target``).
        removals: The targets that are a removal: their result has no description.
        answer_key: A request's: the key of its status object, in the Describe answer and in
            the answer of the call that started it (``AccountAssignmentCreationStatus``).
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
    status_changed: Callable[[ObservedState | None, ObservedState, Any, dict[str, Any]], Event]
    unknown_status: type[Event]
    known_statuses: frozenset[str]
    label: Callable[[Identity], str]
    check: Callable[[Identity], None]
    target_type: Callable[[str], str] = str
    removals: frozenset[str] = frozenset()
    answer_key: str | None = None

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
