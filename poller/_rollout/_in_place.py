"""What is in place already: the items of an assignment plan checked against the listings.

Both :func:`poller.apply_account_assignments` and :func:`poller.look_account_assignments` check
each assignment of their plan the same way: a principal with several of them with
ListAccountAssignmentsForPrincipal (paged: a hundred assignments a page, where one per account
and permission set would cost a call each), the others, or all when that is denied, with
ListAccountAssignments per account and permission set. One already as planned (in place;
absent, for a deletion) is ``unchanged``; what becomes of the others is each one's to say
(:meth:`AssignmentRollout.needs_change`).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping
from typing import Any, Final

import anyio
from anyio.abc import TaskGroup

from poller._engine._acceptors import Observation
from poller._outcome import Outcome
from poller._resources._request_description import RequestDescription
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION_KIND,
    ACCOUNT_ASSIGNMENT_DELETION_KIND,
)
from poller._rollout._calls import Subject
from poller._rollout._core import Rollout
from poller._rollout._outcomes import AssignmentOutcome
from poller._rollout._plan import Assignment
from poller._settings import Settings
from poller.events import RolloutUnchanged
from poller.exceptions import PollerError

__all__ = ["AssignmentRollout", "Pair"]

#: Account and permission set pairs listed at once (their pages go through the limiter too).
_LISTING_AT_ONCE: Final = 4
#: A principal with at least this many items of the plan is checked with one listing of its
#: own assignments (ListAccountAssignmentsForPrincipal) instead of one per pair.
_BY_PRINCIPAL_FROM: Final = 3

Pair = tuple[str, str]
"""An account and a permission set: what ListAccountAssignments lists the principals of."""


class AssignmentRollout(Rollout[AssignmentOutcome]):
    """One run over a plan of assignments: its items, and how each is checked.

    Args:
        client: The aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance (already checked).
        items: The plan (already checked).
        delete: Whether the plan is to delete them.
        max_outstanding: Its requests IN_PROGRESS at once, at most.
        settings: :class:`poller.Settings` of the whole run.
        on_outcome: Called with each item's outcome as it ends.
    """

    def __init__(
        self,
        client: Any,
        instance_arn: str,
        items: list[Assignment],
        *,
        delete: bool,
        max_outstanding: int,
        settings: Settings,
        on_outcome: Callable[[AssignmentOutcome], object] | None,
    ) -> None:
        kind = ACCOUNT_ASSIGNMENT_DELETION_KIND if delete else ACCOUNT_ASSIGNMENT_CREATION_KIND
        super().__init__(
            client,
            instance_arn,
            len(items),
            kind=kind,
            operation="DeleteAccountAssignment" if delete else "CreateAccountAssignment",
            max_outstanding=max_outstanding,
            settings=settings,
            on_outcome=on_outcome,
        )
        self.items = items
        self.delete = delete
        self.index = {item: index for index, item in enumerate(items)}

    def subject(self, index: int) -> Subject:
        item = self.items[index]
        return Subject(
            index,
            item.permission_set_arn,
            item.account_id,
            item.principal_type,
            item.principal_id,
            label=f"the assignment of {item}",
        )

    def outcome(
        self,
        index: int,
        outcome: Outcome,
        *,
        request_id: str | None = None,
        description: RequestDescription | None = None,
        error: PollerError | None = None,
        adopted: bool = False,
    ) -> AssignmentOutcome:
        return AssignmentOutcome(
            self.items[index], outcome, request_id, description, error, adopted
        )

    def check(
        self, group: TaskGroup, indexes: list[int]
    ) -> tuple[dict[int, anyio.Event], set[int]]:
        """Start checking items *indexes* in *group*: by principal where one has several.

        Returns:
            An event per item, set once it is checked, and the items found to need a write
            (filled in as they are checked).
        """
        principals: dict[Pair, list[int]] = collections.defaultdict(list)
        for index in indexes:
            item = self.items[index]
            principals[(item.principal_type, item.principal_id)].append(index)
        checked = {index: anyio.Event() for index in indexes}
        to_write: set[int] = set()
        listing = anyio.CapacityLimiter(_LISTING_AT_ONCE)
        for principal, members in principals.items():
            for index in members:
                self.stages[index] = "not checked yet (listing what is in place)"
            if len(members) >= _BY_PRINCIPAL_FROM:
                group.start_soon(
                    self._check_principal, principal, members, listing, checked, to_write
                )
            else:
                self._check_pairs(group, members, listing, checked, to_write)
        return checked, to_write

    def as_planned(self, index: int, listed: set[tuple[str, str]]) -> bool:
        """Whether item *index* is as planned, by its pair's listing: in place, or absent."""
        item = self.items[index]
        present = (item.principal_type, item.principal_id) in listed
        return present != self.delete

    async def listed(self, pair: Pair, index: int) -> set[tuple[str, str]] | Observation:
        """The principals that hold the permission set in the account now, or the failure."""
        entries = await self.calls.pages(
            "ListAccountAssignments",
            {"InstanceArn": self.instance_arn, "AccountId": pair[0], "PermissionSetArn": pair[1]},
            "AccountAssignments",
            self.subject(index),
        )
        if isinstance(entries, Observation):
            return entries
        return {(str(e.get("PrincipalType")), str(e.get("PrincipalId"))) for e in entries}

    def _check_pairs(
        self,
        group: TaskGroup,
        indexes: list[int],
        listing: anyio.CapacityLimiter,
        checked: Mapping[int, anyio.Event],
        to_write: set[int],
    ) -> None:
        """Check *indexes* with one ListAccountAssignments per account and permission set."""
        pairs: dict[Pair, list[int]] = collections.defaultdict(list)
        for index in indexes:
            item = self.items[index]
            pairs[(item.account_id, item.permission_set_arn)].append(index)
        for pair, members in pairs.items():
            group.start_soon(self._check, pair, members, listing, checked, to_write)

    async def _check_principal(
        self,
        principal: Pair,
        indexes: list[int],
        listing: anyio.CapacityLimiter,
        checked: Mapping[int, anyio.Event],
        to_write: set[int],
    ) -> None:
        """Check one principal's items with one listing of its assignments (paged).

        Denied (a permission of its own), the items are checked pair by pair instead.
        """
        with anyio.CancelScope(deadline=self.end):
            async with listing:
                for index in indexes:
                    self.stages[index] = "being checked (ListAccountAssignmentsForPrincipal)"
                entries = await self.calls.pages(
                    "ListAccountAssignmentsForPrincipal",
                    {
                        "InstanceArn": self.instance_arn,
                        "PrincipalType": principal[0],
                        "PrincipalId": principal[1],
                    },
                    "AccountAssignments",
                    self.subject(indexes[0]),
                )
            if isinstance(entries, Observation) and entries.access_denied:
                async with anyio.create_task_group() as group:
                    self._check_pairs(group, indexes, listing, checked, to_write)
                return
            held = (
                entries
                if isinstance(entries, Observation)
                else {(str(e.get("AccountId")), str(e.get("PermissionSetArn"))) for e in entries}
            )
            for index in indexes:
                item = self.items[index]
                present = (
                    held
                    if isinstance(held, Observation)
                    else (item.account_id, item.permission_set_arn) in held
                )
                self._checked(index, present, checked, to_write)

    async def _check(
        self,
        pair: Pair,
        indexes: list[int],
        listing: anyio.CapacityLimiter,
        checked: Mapping[int, anyio.Event],
        to_write: set[int],
    ) -> None:
        """List one pair's assignments: those as planned are unchanged, the others to write."""
        with anyio.CancelScope(deadline=self.end):
            async with listing:
                for index in indexes:
                    self.stages[index] = "being checked (ListAccountAssignments)"
                listed = await self.listed(pair, indexes[0])
            for index in indexes:
                item = self.items[index]
                present = (
                    listed
                    if isinstance(listed, Observation)
                    else (item.principal_type, item.principal_id) in listed
                )
                self._checked(index, present, checked, to_write)

    def _checked(
        self,
        index: int,
        present: bool | Observation,
        checked: Mapping[int, anyio.Event],
        to_write: set[int],
    ) -> None:
        """Item *index* is checked: in place or not (or the listing failed); what follows."""
        if isinstance(present, Observation):
            self.finish(index, self.call_failed(index, present))
        elif present != self.delete:  # as planned: in place, or absent for a deletion
            self.event(RolloutUnchanged, index)
            self.finish(index, self.outcome(index, Outcome.UNCHANGED))
        else:
            self.needs_change(index, to_write)
        checked[index].set()

    def needs_change(self, index: int, to_write: set[int]) -> None:
        """Item *index* is not as planned: it is to be written (added to *to_write*)."""
        to_write.add(index)
        self.stages[index] = (
            f"not written: waiting for one of the {self.max_outstanding} outstanding slots"
        )
