"""Creating or deleting many account assignments, paced, and safe to run again after a crash.

In order, under one deadline:

1. **Adopt.** The requests of the kind IN_PROGRESS on the instance (one List…Status sweep,
   a Describe each) that are about an assignment of the plan are an earlier run's: each is
   waited on, holding an outstanding slot, and never sent again.
2. **Check.** The other assignments are looked up (:mod:`poller._rollout._in_place`): one
   already in place (absent, for a deletion) is ``unchanged``, with no write. The sweep comes
   first so that a request an earlier run started is either seen IN_PROGRESS, or done and
   seen in the listing.
3. **Write and wait.** Each remaining assignment takes a slot, is written (retried after
   throttling and conflicts), and its request is waited on; the slot is given back when the
   wait sees it end. A write whose answer was lost (a 5xx, a dropped line) is looked for
   among the requests in progress, then in the listing, before it is sent again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Unpack

import anyio
from anyio.abc import TaskGroup

from poller._engine._acceptors import Observation
from poller._outcome import Outcome
from poller._resources._request_description import RequestDescription
from poller._rollout._calls import Subject, call_error
from poller._rollout._in_place import AssignmentRollout
from poller._rollout._outcomes import AssignmentOutcome
from poller._rollout._plan import MAX_OUTSTANDING, Assignment, check_assignments, check_instance_arn
from poller._rollout._trace import traced
from poller._settings import Settings
from poller.events import RolloutUnchanged

__all__ = ["apply_account_assignments"]


def _key(description: RequestDescription) -> Assignment:
    """The assignment a request's status object is about."""
    return Assignment(
        str(description.target_id),
        str(description.permission_set_arn),
        str(description.principal_type),
        str(description.principal_id),
    )


class _Assignments(AssignmentRollout):
    """One run of :func:`apply_account_assignments`."""

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
            rest = [index for index in range(self.count) if index not in adopted]
            checked, to_write = self.check(group, rest)
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
        listed = await self.listed((item.account_id, item.permission_set_arn), index)
        if isinstance(listed, Observation):
            return self.call_failed(index, listed)
        if self.as_planned(index, listed):
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
    return await traced(rollout, rollout.run)
