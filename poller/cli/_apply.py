"""The async side of ``poller assign``: one client, one rollout (or one look), each item reported.

The rollout is the library's, :func:`poller.apply_account_assignments`, with the command's one
:class:`poller.Settings` (its deadline counted from the moment the client is open, as for the
waits) and its ``--max-outstanding``; ``--timeout 0`` looks once instead, with
:func:`poller.look_account_assignments`, writing nothing. Each assignment is printed as it
ends (:func:`assignment_report`), through the reporter every command uses; the status line
counts the items (:class:`poller.cli._status.RolloutProgress`) from the rollout's events.

stdout gets one JSON object per assignment of the plan: on success the request's status object
with ``InstanceArn``, as ``poller wait-assignment`` prints it; an assignment that was as planned
already ``{"Outcome": "unchanged", "TargetId", ..., "InstanceArn"}``; any other ending the
error object of every command (``Outcome``, ``Error``, ``Attempts``, ``Elapsed``, ``Request``),
with the assignment's keys beside the identity's.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import time
from typing import Any, Final

import anyio

import poller
from poller import Assignment, AssignmentOutcome, Identity, Outcome, ResourceKind
from poller.cli._options import ClientOptions
from poller.cli._output import Reporter
from poller.cli._plan import Plan
from poller.cli._report import Report, api_keys, cancelled, from_description, from_error
from poller.cli._report import not_started as config_failed
from poller.cli._run import close_run, run_until_signal
from poller.cli._startup import open_client
from poller.cli._wait import ClientFactory, budget, ending_by

__all__ = ["HINTS", "assign_all", "assignment_report", "run_assign"]

#: What to do about an assignment that did not end as planned, by outcome (over the hints of
#: every command): the plan can always be run again, and leaves what is in place unchanged.
HINTS: Final = {
    Outcome.FAILED: (
        "Fix the cause in FailureReason, then run the same plan again: what is in place "
        "already is left unchanged."
    ),
    Outcome.TIMED_OUT: (
        "Run the same plan again, with a longer --timeout: what is in place is left unchanged, "
        "and a request still in progress is waited on, not sent again."
    ),
    Outcome.NOT_FOUND: (
        "Check that the permission set and the principal exist in the instance, and that "
        "--region and --profile point at its account and Region."
    ),
    Outcome.INVALID: "Check the plan's values: the service refused what the checks let through.",
}
#: After an assignment that a look (``--timeout 0``) found not as planned yet.
NOT_YET_HINT: Final = (
    "Apply the plan with `poller assign` without --timeout 0, or look again later."
)
#: The kinds of the rollout's requests, creations and deletions.
_CREATION: Final = poller.resources["account-assignment-creation"]
_DELETION: Final = poller.resources["account-assignment-deletion"]


def _event_keys(item: Assignment) -> dict[str, str]:
    """The assignment's keys on a line of stderr, as the rollout's events name them."""
    return {
        "account_id": item.account_id,
        "permission_set_arn": item.permission_set_arn,
        "principal_type": item.principal_type,
        "principal_id": item.principal_id,
    }


def _text(instance_arn: str, item: Assignment, *fields: object) -> str:
    """A line of ``--output text``: the instance, the assignment, then *fields*."""
    keys = (item.account_id, item.permission_set_arn, item.principal_type, item.principal_id)
    return "\t".join([instance_arn, *keys, *(str(field) for field in fields)])


def _about(report: Report, instance_arn: str, item: Assignment) -> Report:
    """*report* (an ending built as for any resource) about *item*: its keys in the document.

    The assignment's keys come after the identity's, in ``--output text`` too.
    """
    identity = api_keys(report.identity)
    rest = {key: value for key, value in report.document.items() if key not in identity}
    outcome = rest.get("Outcome", Outcome.CANCELLED.value)
    error = rest.get("Error") or {}
    fields = [outcome] if "Signal" in rest else [outcome, error.get("Type", "-")]
    return dataclasses.replace(
        report,
        document={**identity, **item.to_api(), **rest},
        text=_text(instance_arn, item, *fields),
        item=item,
        keys=_event_keys(item),
    )


def assignment_report(
    ending: AssignmentOutcome, instance_arn: str, kind: ResourceKind, *, looked: bool = False
) -> Report:
    """What one assignment's ending prints, and the exit code it asks for.

    Args:
        ending: How it ended.
        instance_arn: The instance.
        kind: The kind of its request (a creation's, or a deletion's).
        looked: Whether it was only looked at (``--timeout 0``): not yet is said so.
    """
    item = ending.assignment
    if ending.error is not None:
        hint = NOT_YET_HINT if looked and ending.outcome is Outcome.TIMED_OUT else None
        failed = from_error(ending.error, hint=hint, hints=HINTS, last_key=kind.document_key)
        return _about(failed, instance_arn, item)
    keys = _event_keys(item)
    if ending.description is not None:  # a request, this run's or an earlier one's, succeeded
        identity = Identity(instance_arn, request_id=ending.request_id)
        text = _text(instance_arn, item, ending.description.status, ending.request_id)
        reached = from_description(ending.description, identity)
        return dataclasses.replace(reached, text=text, item=item, keys=keys)
    # Unchanged (as planned already), or a write whose answer was lost found done: no request.
    document = {"Outcome": ending.outcome.value, **item.to_api(), "InstanceArn": instance_arn}
    text = _text(instance_arn, item, ending.outcome.value)
    code = ending.outcome.exit_code
    return Report(Identity(instance_arn), code, document, text, item=item, keys=keys)


def _success(endings: list[AssignmentOutcome], *, delete: bool) -> str:
    """One line for a person, when every assignment is as planned."""
    counts = collections.Counter(ending.outcome for ending in endings)
    parts = []
    if counts[Outcome.REACHED]:
        parts.append(f"{counts[Outcome.REACHED]} {'deleted' if delete else 'created'}")
    if counts[Outcome.UNCHANGED]:
        parts.append(f"{counts[Outcome.UNCHANGED]} unchanged")
    noun = "assignment" if len(endings) == 1 else "assignments"
    return f"✓ {len(endings)} {noun} as planned: {', '.join(parts)}."


async def assign_all(
    instance_arn: str,
    plan: Plan,
    *,
    delete: bool,
    max_outstanding: int,
    settings: poller.Settings,
    reporter: Reporter,
    client_factory: ClientFactory,
    look_once: bool = False,
) -> int:
    """Apply *plan* (or look at it once) under one deadline; the exit code.

    Args:
        instance_arn: The instance.
        plan: The assignments, checked, none twice.
        delete: Delete them rather than create them.
        max_outstanding: The rollout's requests in progress at once, at most.
        settings: The checked settings, their timeout not yet a deadline.
        reporter: Prints each ending as it comes.
        client_factory: Opens the client.
        look_once: Look once, writing nothing (``--timeout 0``).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - lazy

    kind = _DELETION if delete else _CREATION
    index = {item: position for position, item in enumerate(plan.items)}
    progress = reporter.console.follow_rollout(len(plan.items))
    endings: list[AssignmentOutcome] = []

    def on_outcome(ending: AssignmentOutcome) -> None:
        """Print *ending* at once, and count its item done."""
        endings.append(ending)
        reporter.report(assignment_report(ending, instance_arn, kind, looked=look_once))
        progress.ended(index[ending.assignment])

    async def body() -> None:
        """Open the client, then roll out (or look); botocore's own failures reported."""
        try:
            async with client_factory() as client:
                # From now: the client is open, the first request is next.
                deadline = time.time() + budget(settings)
                timed: dict[str, Any] = {**ending_by(settings, deadline)}
                timed["on_event"] = reporter.on_event
                if look_once:
                    await poller.look_account_assignments(
                        client, instance_arn, plan.items, delete=delete, on_outcome=on_outcome,
                        **timed,
                    )  # fmt: skip
                else:
                    await poller.apply_account_assignments(
                        client, instance_arn, plan.items, delete=delete,
                        max_outstanding=max_outstanding, on_outcome=on_outcome, **timed,
                    )  # fmt: skip
        except BotoCoreError as error:  # no client: no region, an unknown profile ...
            for item in plan.items:
                if item not in reporter.reports:
                    failed = config_failed(
                        Identity(instance_arn), error, last_key=kind.document_key
                    )
                    reporter.report(_about(failed, instance_arn, item))

    signum = await run_until_signal(body, reporter.console)
    if signum is not None:
        request_of = {position: request for request, position in progress.requests.items()}
        for item in plan.items:
            if item not in reporter.reports:
                # Its request's wait, if it had one: the Describes it sent, the time it took.
                identity = Identity(instance_arn, request_id=request_of.get(index[item]))
                stopped = cancelled(identity, signum, reporter.cancellations.get(identity))
                reporter.report(_about(stopped, instance_arn, item))
    ok = len(endings) == len(plan.items) and all(ending.ok for ending in endings)
    return close_run(reporter, _success(endings, delete=delete) if ok else None)


def run_assign(
    instance_arn: str,
    plan: Plan,
    *,
    delete: bool,
    max_outstanding: int,
    settings: poller.Settings,
    client_options: ClientOptions,
    reporter: Reporter,
    backend: str = "asyncio",
    look_once: bool = False,
) -> int:
    """Run :func:`assign_all` in a new event loop of *backend*; return the exit code."""
    run = functools.partial(
        assign_all,
        instance_arn,
        plan,
        delete=delete,
        max_outstanding=max_outstanding,
        settings=settings,
        reporter=reporter,
        look_once=look_once,
        client_factory=functools.partial(open_client, **dataclasses.asdict(client_options)),
    )
    return int(anyio.run(run, backend=backend))
