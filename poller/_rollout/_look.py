"""A plan of account assignments looked at once: which are as planned now, with no write.

What :func:`poller.apply_account_assignments` checks before it writes, and nothing more: each
assignment is looked up in the listings (:mod:`poller._rollout._in_place`) and is ``unchanged``
when it is as planned already (in place; absent, for a deletion). One that is not is
``timed-out``: not there yet, as a rollout given no time would end it. A look sends no
write, adopts no request and waits on none: a request still IN_PROGRESS leaves its assignment
not as planned yet (ListAccountAssignments lists an assignment once it is created, and until
it is deleted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Unpack

import anyio

from poller._outcome import Outcome
from poller._rollout._in_place import AssignmentRollout
from poller._rollout._outcomes import AssignmentOutcome
from poller._rollout._plan import MAX_OUTSTANDING, Assignment, check_assignments, check_instance_arn
from poller._settings import Settings
from poller.exceptions import WaitTimeoutError

__all__ = ["look_account_assignments"]


class _Look(AssignmentRollout):
    """One run of :func:`look_account_assignments`."""

    async def run(self) -> list[AssignmentOutcome]:
        """Check every item once; every outcome, in input order."""
        self.begin(announce=False)
        if self.budget <= 0 or not self.items:
            return self.results(tally=False)
        async with anyio.create_task_group() as group:
            self.check(group, list(range(self.count)))
        return self.results(tally=False)

    def needs_change(self, index: int, to_write: set[int]) -> None:
        """Item *index* is not as planned: not yet, and nothing is written."""
        state = "still in place" if self.delete else "not in place yet"
        not_yet = WaitTimeoutError(
            f"{self.subject(index).label[:1].upper()}{self.subject(index).label[1:]} is "
            f"{state}: looked once, without writing.",
            instance_arn=self.instance_arn,
            attempts=1,
            elapsed=self.clock() - self.started,
        )
        self.finish(index, self.outcome(index, Outcome.TIMED_OUT, error=not_yet))


async def look_account_assignments(
    client: Any,
    instance_arn: str,
    assignments: Iterable[Assignment],
    *,
    delete: bool = False,
    on_outcome: Callable[[AssignmentOutcome], object] | None = None,
    **settings: Unpack[Settings],
) -> list[AssignmentOutcome]:
    """Look once at whether each assignment of a plan is as planned, writing nothing.

    The check :func:`poller.apply_account_assignments` makes before it writes, alone: each
    assignment is looked up with ListAccountAssignmentsForPrincipal (a principal with several)
    or ListAccountAssignments (per account and permission set), through one rate limiter, and
    throttling is retried under the deadline. No write is sent and no request waited on: what
    ``poller assign --timeout 0`` runs.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        assignments: The plan: each :class:`poller.Assignment` once.
        delete: Whether the plan is to delete them: as planned then means absent.
        on_outcome: Called with each :class:`poller.AssignmentOutcome` as it is known.
        **settings: :class:`poller.Settings`: ``timeout`` or ``deadline`` bounds the look,
            ``min_delay`` and ``max_delay`` pace its retries, ``on_event`` hears
            ``rollout.unchanged`` and ``rollout.retrying``, ``limiter`` paces its calls.

    Returns:
        One :class:`poller.AssignmentOutcome` per assignment, in input order: ``unchanged``
        when it is as planned now; ``timed-out`` when it is not yet (a
        :class:`~poller.exceptions.WaitTimeoutError` that says so, as a rollout given no time
        would end it); or the error of a listing that failed (``denied`` ...).

    Raises:
        InvalidArgumentError: A malformed instance ARN, or bad assignments: every one listed,
            with its index (``error.problems``), before any request.
        ValueError: A setting out of range (before any request).
    """
    check_instance_arn(instance_arn)
    items = check_assignments(instance_arn, assignments)
    look = _Look(
        client,
        instance_arn,
        items,
        delete=delete,
        max_outstanding=MAX_OUTSTANDING,
        settings=settings,
        on_outcome=on_outcome,
    )
    return await look.run()
