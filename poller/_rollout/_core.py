"""What both rollouts share: one deadline, one limiter, the outstanding slots, the waits.

A rollout holds a slot for each of its requests from just before the write until its wait
sees it end, so that no more than ``max_outstanding`` of them are IN_PROGRESS at once; a
request of an earlier run that it adopts holds one too. The waits are the engine's, sharing
one :class:`~poller._engine._batch.Batch` per rollout (its client, instance and kind of
request), so that a request IN_PROGRESS is told so by a List…Status page rather than a
Describe of its own.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Generic, TypeVar

import anyio

from poller._clock import loop_clock
from poller._engine._acceptors import Observation
from poller._engine._batch import Batch
from poller._engine._emit import emit
from poller._engine._failures import seconds
from poller._engine._many import ending_time, in_flight
from poller._engine._wait import Wait
from poller._identity import Identity
from poller._outcome import Outcome
from poller._ratelimit import RateLimiter
from poller._resources._kind import ResourceKind
from poller._resources._request_description import RequestDescription
from poller._result import WaitResult
from poller._rollout._calls import NOBODY, Calls, CountingLimiter, Subject, call_error
from poller._rollout._plan import check_max_outstanding
from poller._settings import Settings, WaitSettings
from poller.events import (
    RolloutEvent,
    RolloutFinished,
    RolloutRequestAdopted,
    RolloutRequestStarted,
    RolloutStarted,
)
from poller.exceptions import PollerError, WaitTimeoutError
from poller.tracing import NO_TRACES

__all__ = ["DEFAULT_ROLLOUT_RATE", "Rollout"]

#: Requests per second of a rollout without a ``limiter`` of its caller's: Identity Center's
#: collective 20 transactions per second, halved by each throttle and recovering.
DEFAULT_ROLLOUT_RATE: Final = 20.0
#: The target of a rollout's requests, and ``until`` of its events.
UNTIL: Final = "succeeded"

OutcomeT = TypeVar("OutcomeT")


class Rollout(abc.ABC, Generic[OutcomeT]):
    """One rollout: its items' books, and the machinery every item uses.

    Every argument is checked when it is made, before any request.

    Args:
        client: The aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance (already checked).
        count: How many items.
        kind: The kind of the requests it starts.
        operation: The write that starts them.
        max_outstanding: Its requests IN_PROGRESS at once, at most.
        settings: :class:`poller.Settings` of the whole rollout.
        on_outcome: Called with each item's outcome as it ends.
    """

    def __init__(
        self,
        client: Any,
        instance_arn: str,
        count: int,
        *,
        kind: ResourceKind,
        operation: str,
        max_outstanding: int,
        settings: Settings,
        on_outcome: Callable[[OutcomeT], object] | None,
    ) -> None:
        self.client = client
        self.instance_arn = instance_arn
        self.kind = kind
        self.operation = operation
        self.count = count
        self.max_outstanding = check_max_outstanding(max_outstanding)
        checked = WaitSettings.of(defaults=kind.delays, **settings)
        given = checked.limiter
        self.limiter = CountingLimiter(
            given if given is not None else RateLimiter(rate=DEFAULT_ROLLOUT_RATE)
        )
        self.settings = dataclasses.replace(checked, limiter=self.limiter)
        if on_outcome is not None and not callable(on_outcome):
            raise TypeError(f"on_outcome must be callable, not {on_outcome!r}")
        self.on_outcome = on_outcome
        self.outcomes: list[OutcomeT | None] = [None] * count
        #: What each item was doing last, for the message of a timeout.
        self.stages = ["never started: the deadline came first"] * count
        #: The last failed call of each item, for the message of a timeout.
        self.last_errors: dict[int, Observation] = {}
        self.adopted = 0
        self.describes = 0
        self.in_use = 0
        self.peak = 0
        #: Gives back the slot of each item holding one, once (see holding_slot).
        self.releases: dict[int, Callable[[], None]] = {}
        self._described: dict[str, RequestDescription] = {}
        #: The tracers' traces of the rollout (:mod:`poller._rollout._trace`), told outcomes.
        self.traces = NO_TRACES

    # -- what each rollout says of its items -------------------------------------------------

    @abc.abstractmethod
    def subject(self, index: int) -> Subject:
        """Item *index*, for events and messages."""

    @abc.abstractmethod
    def outcome(
        self,
        index: int,
        outcome: Outcome,
        *,
        request_id: str | None = None,
        description: RequestDescription | None = None,
        error: PollerError | None = None,
        adopted: bool = False,
    ) -> OutcomeT:
        """The outcome of item *index*."""

    # -- the run ---------------------------------------------------------------------------

    def begin(self, *, announce: bool = True) -> None:
        """Start the clock: one end for every item, and the shared machinery (in the loop).

        Emits ``rollout.started``, if *announce* (a look writes nothing: it starts no rollout).
        """
        clock = self.clock = loop_clock()
        self.started = clock()
        self.budget = self.settings.budget()
        margin, _ = ending_time(self.max_outstanding, self.max_outstanding, max(self.budget, 0))
        #: Every call of the rollout ends by here; the waits a moment earlier, so that each
        #: ends on its own deadline (a WaitTimeoutError of its own) rather than be cut.
        self.end = self.started + self.budget - margin
        self.waits_end = self.end - margin
        self.slots = anyio.Semaphore(in_flight(self.client))
        self.outstanding = anyio.Semaphore(self.max_outstanding)
        self.calls = Calls(
            self.client,
            self.instance_arn,
            limiter=self.limiter,
            slots=self.slots,
            settings=self.settings,
            until=UNTIL,
            end=self.end,
            clock=clock,
        )
        self.calls.last_errors = self.last_errors
        listing = self.kind.table.batch
        self.batch = (
            None
            if listing is None
            else Batch(
                self.client,
                listing,
                self.instance_arn,
                limiter=self.limiter,
                slots=self.slots,
                clock=clock,
            )
        )
        if not announce:
            return
        emit(
            RolloutStarted(
                instance_arn=self.instance_arn,
                until=UNTIL,
                operation=self.operation,
                items=self.count,
                max_outstanding=self.max_outstanding,
                timeout=max(self.budget, 0.0),
            ),
            self.settings.on_event,
        )

    def finish(self, index: int, outcome: OutcomeT) -> None:
        """Item *index* has ended: keep its outcome and hand it on."""
        self.outcomes[index] = outcome
        if self.traces:
            self.traces.outcome(str(getattr(outcome, "outcome", Outcome.ERROR)))
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def results(self, *, tally: bool = True) -> list[OutcomeT]:
        """Every item's outcome, in input order (those never ended: timed out), and the tally.

        Emits ``rollout.finished``, if *tally*.
        """
        for index, outcome in enumerate(self.outcomes):
            if outcome is None:
                self.finish(index, self.never_ended(index))
        outcomes = [outcome for outcome in self.outcomes if outcome is not None]
        if not tally:
            return outcomes
        words = [getattr(outcome, "outcome", None) for outcome in outcomes]
        calls = dict(self.calls.counts)
        if self.describes:
            calls[self.kind.table.operation] = calls.get(self.kind.table.operation, 0)
            calls[self.kind.table.operation] += self.describes
        if self.batch is not None and self.batch.pages:
            operation = self.batch.operation
            calls[operation] = calls.get(operation, 0) + self.batch.pages
        emit(
            RolloutFinished(
                instance_arn=self.instance_arn,
                until=UNTIL,
                operation=self.operation,
                items=self.count,
                reached=words.count(Outcome.REACHED),
                unchanged=words.count(Outcome.UNCHANGED),
                adopted=self.adopted,
                failed=len(words) - words.count(Outcome.REACHED) - words.count(Outcome.UNCHANGED),
                calls=dict(sorted(calls.items())),
                throttled=self.limiter.throttles,
                conflicts=self.calls.conflicts,
                peak_outstanding=self.peak,
                elapsed=self.clock() - self.started,
            ),
            self.settings.on_event,
        )
        return outcomes

    def failed_all(self, error: PollerError, indexes: range | list[int]) -> None:
        """End every item of *indexes* on *error*."""
        for index in indexes:
            self.finish(index, self.outcome(index, error.outcome, error=error))

    def never_ended(self, index: int) -> OutcomeT:
        """The outcome of item *index*, cut by the rollout's deadline."""
        return self.outcome(index, Outcome.TIMED_OUT, error=self.timed_out(index))

    def timed_out(self, index: int) -> WaitTimeoutError:
        """The error of item *index*, which the rollout's deadline ended: where it stood."""
        elapsed = self.clock() - self.started
        last = self.last_errors.get(index)
        error = ""
        if last is not None and last.error_code is not None:
            error = f"; last error {last.error_code}"
            if last.error_message:
                error += f": {last.error_message.rstrip('.')}"
        return WaitTimeoutError(
            f"Timed out after {seconds(elapsed)} of the rollout's {seconds(max(self.budget, 0))}"
            f": {self.subject(index).label} was {self.stages[index]}{error}.",
            budget=max(self.budget, 0.0),
            stopped="deadline",
            last_error=None if last is None else last.error_code,
            instance_arn=self.instance_arn,
            elapsed=elapsed,
        )

    def call_failed(self, index: int, observation: Observation) -> OutcomeT:
        """The outcome of item *index* when one of its calls failed for good."""
        error = call_error(
            observation,
            self.subject(index),
            instance_arn=self.instance_arn,
            elapsed=self.clock() - self.started,
        )
        return self.outcome(index, error.outcome, error=error)

    def event(self, cls: type[RolloutEvent], index: int, **keys: Any) -> None:
        """Emit an event of item *index*."""
        emit(
            cls(
                instance_arn=self.instance_arn,
                until=UNTIL,
                operation=self.operation,
                **self.subject(index).keys(),
                **keys,
            ),
            self.settings.on_event,
        )

    # -- outstanding slots -------------------------------------------------------------------

    async def take_slot(self) -> None:
        """One of the ``max_outstanding`` slots: a request may be started (or adopted)."""
        await self.outstanding.acquire()
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)

    def give_slot(self) -> None:
        """Give a slot back: its request has ended (or was never started)."""
        self.in_use -= 1
        self.outstanding.release()

    def may_write(self) -> bool:
        """Whether a request started now could be seen to end before the deadline.

        Its wait's first poll comes ``min_delay`` after the write: a request started later
        than that before the deadline would outlive the rollout unseen, so none is.
        """
        return self.clock() + self.settings.min_delay < self.waits_end

    async def holding_slot(self, index: int, work: Callable[[], Awaitable[OutcomeT]]) -> None:
        """Run *work* for item *index* under the deadline, then give its slot back.

        The slot was taken before; *work* returns the item's outcome. Cut by the deadline, the
        item ends timed out, saying where it stood.
        """
        outcome: OutcomeT | None = None
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.give_slot()

        # Given back as soon as a sweep no longer lists the request in progress: the service
        # no longer counts it, and the next write need not wait for the Describe of its end.
        self.releases[index] = release
        try:
            with anyio.CancelScope(deadline=self.end):
                outcome = await work()
        finally:
            self.releases.pop(index, None)
            release()
        self.finish(index, outcome if outcome is not None else self.never_ended(index))

    # -- requests ----------------------------------------------------------------------------

    async def follow(self, index: int, request_id: str, *, adopted: bool) -> OutcomeT:
        """Wait on the request *request_id* of item *index*: its outcome."""
        self.stages[index] = f"waiting on request {request_id}"
        result, error = await self.wait_on(
            request_id, phase=0.0 if adopted else None, on_settled=self.releases.get(index)
        )
        if error is not None:
            last = error.last if isinstance(error.last, RequestDescription) else None
            return self.outcome(
                index,
                error.outcome,
                request_id=request_id,
                description=last,
                error=error,
                adopted=adopted,
            )
        assert result is not None
        return self.outcome(
            index,
            Outcome.REACHED,
            request_id=request_id,
            description=result.description,
            adopted=adopted,
        )

    async def wait_on(
        self,
        request_id: str,
        *,
        phase: float | None = None,
        on_settled: Callable[[], object] | None = None,
    ) -> tuple[WaitResult | None, PollerError | None]:
        """The engine's wait on one request, through the rollout's limiter, slots and batch.

        Args:
            request_id: The request.
            phase: Seconds before its first poll: ``min_delay`` by default (a request just
                started is IN_PROGRESS, nothing to ask yet).
            on_settled: Called once the batch no longer lists the request in progress.
        """
        try:
            wait = Wait(
                self.client,
                self.kind.table,
                Identity(self.instance_arn, request_id=request_id),
                UNTIL,
                self.settings,
                deadline=self.waits_end,
                phase=self.settings.min_delay if phase is None else phase,
                slots=self.slots,
                batch=self.batch,
                name=self.kind.name,
                member=True,  # followed by the rollout's trace, as a fan-out's waits are
                rollout=True,
                on_settled=on_settled,
            )
            result = await wait.finish()
        except PollerError as error:
            self.describes += error.attempts
            return None, error
        self.describes += result.attempts
        return result, None

    def started_request(self, index: int, answer: Mapping[str, Any], attempts: int) -> str | None:
        """The request ID a write answered (``rollout.request_started``), or None if garbled."""
        status = answer.get(str(self.kind.table.answer_key))
        request_id = status.get("RequestId") if isinstance(status, Mapping) else None
        if not isinstance(request_id, str):
            return None
        self.event(RolloutRequestStarted, index, request_id=request_id, attempts=attempts)
        return request_id

    def garbled(self, answer: Mapping[str, Any]) -> Observation:
        """A write's answer without a request ID, as the observation of a transient error."""
        return Observation(
            operation=self.operation,
            error_code="MalformedResponse",
            error_message=f"{self.operation} answered without a RequestId: {str(answer)[:200]}",
            transport_error=True,
        )

    def adopt(self, index: int, request_id: str) -> None:
        """Item *index* adopts the request *request_id*, IN_PROGRESS already."""
        self.adopted += 1
        self.event(RolloutRequestAdopted, index, request_id=request_id)

    async def in_progress(
        self, subject: Subject = NOBODY
    ) -> dict[str, RequestDescription] | Observation:
        """The requests of the rollout's kind IN_PROGRESS on the instance, each described.

        One sweep of the kind's List…Status operation (Filter IN_PROGRESS); each request it
        lists is described once per rollout (what it is about never changes), through the
        limiter. A request the Describe no longer finds is left out.

        Returns:
            By request ID, the description of each request listed IN_PROGRESS, or the
            observation of a call that failed for good.
        """
        table = self.kind.table
        listing = table.batch
        assert listing is not None
        entries = await self.calls.pages(
            listing.operation,
            {"InstanceArn": self.instance_arn, "Filter": {"Status": "IN_PROGRESS"}},
            listing.items,
            subject,
        )
        if isinstance(entries, Observation):
            return entries
        listed = [
            entry["RequestId"]
            for entry in entries
            if entry.get("Status") == "IN_PROGRESS" and isinstance(entry.get("RequestId"), str)
        ]
        failures: list[Observation] = []

        async def describe(request_id: str) -> None:
            identity = Identity(self.instance_arn, request_id=request_id)
            answer = await self.calls.read(table.operation, table.request(identity), subject)
            if isinstance(answer, Observation):
                if not answer.not_found:
                    failures.append(answer)
                return
            description = table.parse(answer)
            if isinstance(description, RequestDescription):
                self._described[request_id] = description

        async with anyio.create_task_group() as group:
            for request_id in dict.fromkeys(listed):
                if request_id not in self._described:
                    group.start_soon(describe, request_id)
        if failures:
            return failures[0]
        return {rid: self._described[rid] for rid in listed if rid in self._described}
