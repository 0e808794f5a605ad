"""Creating or deleting many account assignments, paced, and safe to run again after a crash.

In order, under one deadline:

1. **Adopt.** The requests of the kind IN_PROGRESS on the instance (one List…Status sweep,
   a Describe each) that are about an assignment of the plan are an earlier run's: each is
   waited on, holding an outstanding slot, and never sent again.
2. **Check.** The other assignments are looked up: a principal with several of them with
   ListAccountAssignmentsForPrincipal (paged: a hundred assignments a page, where one per
   account and permission set would cost a call each), the others, or all when that is
   denied, with ListAccountAssignments per account and permission set: one already in place
   (absent, for a deletion) is ``unchanged``, with no write. The sweep comes first so that a
   request an earlier run started is either seen IN_PROGRESS, or done and seen in the listing.
3. **Write and wait.** Each remaining assignment takes a slot, is written (retried after
   throttling and conflicts), and its request is waited on; the slot is given back when the
   wait sees it end. A write whose answer was lost (a 5xx, a dropped line) is looked for
   among the requests in progress, then in the listing, before it is sent again.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Unpack

import anyio
from anyio.abc import TaskGroup

from poller._engine._acceptors import Observation
from poller._outcome import Outcome
from poller._resources._request_description import RequestDescription
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION_KIND,
    ACCOUNT_ASSIGNMENT_DELETION_KIND,
)
from poller._rollout._calls import Subject, call_error
from poller._rollout._core import Rollout
from poller._rollout._outcomes import AssignmentOutcome
from poller._rollout._plan import MAX_OUTSTANDING, Assignment, check_assignments, check_instance_arn
from poller._settings import Settings
from poller.events import RolloutUnchanged
from poller.exceptions import PollerError

__all__ = ["apply_account_assignments"]

#: Account and permission set pairs listed at once (their pages go through the limiter too).
_LISTING_AT_ONCE: Final = 4
#: A principal with at least this many items of the plan is checked with one listing of its
#: own assignments (ListAccountAssignmentsForPrincipal) instead of one per pair.
_BY_PRINCIPAL_FROM: Final = 3

Pair = tuple[str, str]
"""An account and a permission set: what ListAccountAssignments lists the principals of."""


def _key(description: RequestDescription) -> Assignment:
    """The assignment a request's status object is about."""
    return Assignment(
        str(description.target_id),
        str(description.permission_set_arn),
        str(description.principal_type),
        str(description.principal_id),
    )


class _Assignments(Rollout[AssignmentOutcome]):
    """One run of :func:`apply_account_assignments`."""

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

    # -- the run ---------------------------------------------------------------------------

    async def run(self) -> list[AssignmentOutcome]:
        """Adopt, check, write and wait; every outcome, in input order."""
        self.begin()
        if self.budget <= 0 or not self.items:
            return self.results()
        adopted: dict[int, str] | None = None
        with anyio.CancelScope(deadline=self.end):
            for index in range(self.count):
                self.stages[index] = "not checked yet: the requests in progress were being listed"
            found = await self.in_progress()
            if isinstance(found, Observation):
                error = call_error(
                    found,
                    Subject(label="the rollout"),
                    instance_arn=self.instance_arn,
                    elapsed=self.clock() - self.started,
                )
                self.failed_all(error, range(self.count))
                return self.results()
            adopted = self._matched(found)
        if adopted is None:  # the deadline came first
            return self.results()
        async with anyio.create_task_group() as group:
            with anyio.CancelScope(deadline=self.end):
                for index, request_id in sorted(adopted.items()):
                    self.stages[index] = "waiting for one of the outstanding slots (adopted)"
                    await self.take_slot()
                    self.adopt(index, request_id)
                    group.start_soon(self._follow_adopted, index, request_id)
            principals: dict[Pair, list[int]] = collections.defaultdict(list)
            for index, item in enumerate(self.items):
                if index not in adopted:
                    principals[(item.principal_type, item.principal_id)].append(index)
            checked = {index: anyio.Event() for indexes in principals.values() for index in indexes}
            to_write: set[int] = set()
            listing = anyio.CapacityLimiter(_LISTING_AT_ONCE)
            for principal, indexes in principals.items():
                for index in indexes:
                    self.stages[index] = "not checked yet (listing what is in place)"
                if len(indexes) >= _BY_PRINCIPAL_FROM:
                    group.start_soon(
                        self._check_principal, principal, indexes, listing, checked, to_write
                    )
                else:
                    self._check_pairs(group, indexes, listing, checked, to_write)
            with anyio.CancelScope(deadline=self.end):
                await self._dispatch(sorted(checked), checked, to_write, group)
        return self.results()

    def _matched(self, found: Mapping[str, RequestDescription]) -> dict[int, str]:
        """The items of the plan that a request IN_PROGRESS is about, and that request."""
        adopted: dict[int, str] = {}
        for request_id, description in found.items():
            index = self.index.get(_key(description))
            if index is not None and index not in adopted:
                adopted[index] = request_id
        return adopted

    async def _follow_adopted(self, index: int, request_id: str) -> None:
        await self.holding_slot(index, lambda: self.follow(index, request_id, adopted=True))

    def _as_planned(self, index: int, listed: set[tuple[str, str]]) -> bool:
        """Whether item *index* is as planned, by its pair's listing: in place, or absent."""
        item = self.items[index]
        present = (item.principal_type, item.principal_id) in listed
        return present != self.delete

    async def _listed(self, pair: Pair, index: int) -> set[tuple[str, str]] | Observation:
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
                listed = await self._listed(pair, indexes[0])
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
            to_write.add(index)
            self.stages[index] = (
                f"not written: waiting for one of the {self.max_outstanding} outstanding slots"
            )
        checked[index].set()

    async def _dispatch(
        self,
        order: list[int],
        checked: Mapping[int, anyio.Event],
        to_write: set[int],
        group: TaskGroup,
    ) -> None:
        """Write the items that need it in input order, each once it has a slot.

        Items are checked (listed) ahead of their writes, a few pairs at a time; each is
        written in its turn. Too near the deadline for a request to be seen to end, the
        rest is not written: they end timed out.
        """
        for index in order:
            await checked[index].wait()
            if index not in to_write:
                continue
            await self.take_slot()
            if not self.may_write():
                self.give_slot()
                for late in order[order.index(index) :]:
                    if late in to_write:
                        self.stages[late] = (
                            "not written: too near the deadline for its request to be seen to end"
                        )
                return
            group.start_soon(self.holding_slot, index, functools.partial(self._change, index))

    async def _change(self, index: int) -> AssignmentOutcome:
        """Write item *index* and wait on its request (its slot is held)."""
        item = self.items[index]
        params = {"InstanceArn": self.instance_arn, **item.to_api()}
        subject = self.subject(index)
        lost = 0
        while True:
            self.stages[index] = "being written"
            answer, attempts = await self.calls.write(
                self.operation, params, subject, retry_conflicts=True
            )
            if not isinstance(answer, Observation):
                request_id = self.started_request(index, answer, attempts)
                if request_id is not None:
                    return await self.follow(index, request_id, adopted=False)
                answer = self.garbled(answer)
            if self.delete and answer.not_found:
                # Listed a moment ago, gone now (someone else deleted it): as planned.
                self.event(RolloutUnchanged, index)
                return self.outcome(index, Outcome.UNCHANGED)
            self.last_errors[index] = answer
            if not answer.transient or answer.unreachable:
                return self.call_failed(index, answer)
            # The answer was lost or garbled: the write may have been done. Look before
            # writing again, as a run after a crash does.
            self.stages[index] = "being looked for after a write whose answer was lost"
            found = await self._reconcile(index)
            if found is not None:
                return found
            lost += 1
            await self.calls.pause(lost, answer, subject)

    async def _reconcile(self, index: int) -> AssignmentOutcome | None:
        """Item *index* after a write whose answer was lost: its outcome, or None to write."""
        subject = self.subject(index)
        found = await self.in_progress(subject)
        if isinstance(found, Observation):
            return self.call_failed(index, found)
        for request_id, description in found.items():
            if _key(description) == self.items[index]:
                self.adopt(index, request_id)
                return await self.follow(index, request_id, adopted=True)
        item = self.items[index]
        listed = await self._listed((item.account_id, item.permission_set_arn), index)
        if isinstance(listed, Observation):
            return self.call_failed(index, listed)
        if self._as_planned(index, listed):
            # Done already: the lost write's request has run its course.
            return self.outcome(index, Outcome.REACHED)
        return None


async def apply_account_assignments(
    client: Any,
    instance_arn: str,
    assignments: Iterable[Assignment],
    *,
    delete: bool = False,
    max_outstanding: int = MAX_OUTSTANDING,
    on_outcome: Callable[[AssignmentOutcome], object] | None = None,
    **settings: Unpack[Settings],
) -> list[AssignmentOutcome]:
    """Create (or delete) account assignments, inside IAM Identity Center's limits.

    At most *max_outstanding* of the rollout's requests are IN_PROGRESS at once (AWS allows
    15 per instance), and every call it makes (writes, listings, the waits' polls) goes
    through one rate limiter: the ``limiter`` setting, or a ``poller.RateLimiter(rate=20)``
    that halves on each throttle. Throttling and conflicts are retried under the one
    deadline. Safe to run again after a crash: an assignment already in place (absent, for a
    deletion) is ``unchanged`` with no write, and a request of the plan still IN_PROGRESS is
    adopted (waited on, never sent again).

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        assignments: The plan: each :class:`poller.Assignment` once.
        delete: Delete the assignments rather than create them.
        max_outstanding: The rollout's requests IN_PROGRESS at once, from 1 to 15.
        on_outcome: Called with each :class:`poller.AssignmentOutcome` as it ends.
        **settings: :class:`poller.Settings` for the whole rollout: ``timeout`` or
            ``deadline``, ``min_delay`` and ``max_delay`` (the waits' and the retries'
            pauses; default 1 s / 10 s), ``on_event``, ``limiter``.

    Returns:
        One :class:`poller.AssignmentOutcome` per assignment, in input order.

    Raises:
        InvalidArgumentError: A malformed instance ARN, or bad assignments: every one listed,
            with its index (``error.problems``), before any request.
        ValueError: *max_outstanding* or a setting out of range (before any request).
    """
    check_instance_arn(instance_arn)
    items = check_assignments(instance_arn, assignments)
    rollout = _Assignments(
        client,
        instance_arn,
        items,
        delete=delete,
        max_outstanding=max_outstanding,
        settings=settings,
        on_outcome=on_outcome,
    )
    return await rollout.run()
