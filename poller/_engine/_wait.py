"""The loop: poll a resource's Describe operation until its state table decides.

It polls, judges, yields, pauses; :class:`~poller._engine._progress.Progress` keeps the books
and emits the events. No request and no sleep outlives the absolute deadline.
"""

from __future__ import annotations

import math
import random
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Any, Final, Unpack

import anyio

from poller._backoff import Uniform, delay_for
from poller._clock import loop_clock, loop_sleep
from poller._engine import _failures
from poller._engine._acceptors import (
    RETRY,
    Acceptor,
    Decision,
    Observation,
    Verdict,
    decide,
    fail,
)
from poller._engine._batch import Batch
from poller._engine._emit import emit
from poller._engine._failures import WaitState
from poller._engine._observe import attempt
from poller._engine._poll import Requests
from poller._engine._progress import Progress
from poller._engine._resource import Resource
from poller._identity import Identity
from poller._result import WaitResult
from poller._settings import Settings, WaitSettings
from poller.events import WaitTimedOut
from poller.exceptions import AccessDeniedError, ApiError, PollerError
from poller.tracing import NO_TRACES, Traces, tracers

__all__ = ["Wait"]

#: Below this, a pause is no pause: the clock may not even move (float resolution), so the
#: wait times out rather than poll again in the same instant.
_SHORTEST_PAUSE: Final = 1e-3
#: A pause no event loop can time (asyncio runs a timer due within its clock's resolution in
#: the pass that finds it): a shorter one is no pause, since the request just answered went
#: through the event loop already ...
_UNTIMED_PAUSE: Final = 1e-6
#: ... but every this many-th of them is one pass of the loop (a checkpoint), so that a client
#: that answers without ever suspending (a stub) still lets other tasks run, and is cancelled.
_CHECKPOINT_EVERY: Final = 8


class Wait:
    """One wait on one resource: checked when made, run by :meth:`run` or :meth:`finish`.

    Args:
        client: An aiobotocore ``sso-admin`` client.
        resource: What kind of resource.
        identity: Which one.
        until: The target.
        settings: How long and how often.
        uniform: The source of jitter.
        deadline: The end on the event loop's clock, shared with other waits started at other
            moments (a fan-out's); by default *settings* decide it when the wait starts.
        phase: Seconds to wait before the first poll (a fan-out spreads its first polls).
        slots: Requests that may be on the wire at once, shared by the waits of a fan-out on
            one client (its connection pool): a poll waits for a slot before it is built.
        since: When the fan-out of this wait began, on the loop's clock (for the time spent
            by a wait it could not start).
        queued_until: When its fan-out gives it up if it is still queued for a slot.
        batch: Says, for the many requests of a fan-out, which are still IN_PROGRESS: a
            request it lists is not described (:mod:`poller._engine._batch`).
        name: The resource's name in ``poller.resources``, for tracers (:mod:`poller.tracing`).
        member: Whether the wait is one of a fan-out's, which tracers follow as a whole.
        rollout: Whether it is one of a paced rollout's (a member for the tracers that
            follow rollouts: :meth:`poller.tracing.Traces.of_wait`).
        on_settled: Called when *batch* no longer lists the request in progress, before the
            Describe that reads its end (a rollout gives its slot back then).

    Raises:
        InvalidArgumentError: A malformed identifier (before any request).
        ValueError: An unknown target.
    """

    @classmethod
    def of(
        cls,
        client: Any,
        resource: Resource,
        identity: Identity,
        until: str,
        **settings: Unpack[Settings],
    ) -> Wait:
        """A checked wait with the resource's default delays, as every public waiter starts."""
        return cls(
            client,
            resource,
            identity,
            until,
            WaitSettings.of(defaults=resource.delays, **settings),
        )

    def __init__(
        self,
        client: Any,
        resource: Resource,
        identity: Identity,
        until: str,
        settings: WaitSettings,
        *,
        uniform: Uniform = random.uniform,
        deadline: float | None = None,
        phase: float = 0.0,
        slots: anyio.Semaphore | None = None,
        since: float | None = None,
        queued_until: float = math.inf,
        batch: Batch | None = None,
        name: str = "",
        member: bool = False,
        rollout: bool = False,
        on_settled: Callable[[], object] | None = None,
    ) -> None:
        resource.check(identity)
        self.until = resource.target(until)
        self.client = client
        self.resource = resource
        self.identity = identity
        self.settings = settings
        self.uniform = uniform
        self.result: WaitResult | None = None
        self.deadline = deadline
        self.phase = phase
        self.since = since
        self.queued_until = queued_until
        self.name = name or resource.name
        self.member = member
        self.rollout = rollout
        #: The tracers' traces, made when the wait begins (none when nobody traces).
        self.traces = NO_TRACES
        #: Sends its requests and observes their answers.
        self.requests = Requests(
            client,
            resource,
            identity,
            settings.limiter,
            slots=slots,
            batch=batch,
            on_settled=on_settled,
        )
        self._untimed = 0  # pauses too short to time, for _CHECKPOINT_EVERY
        self._sleep: Callable[[float], Awaitable[None]] = anyio.sleep
        #: The end on the loop's clock, once the wait has begun.
        self._ends_at = math.inf
        #: finish()'s one cancel scope for the whole wait; None: a scope per request (watch).
        self._scope: anyio.CancelScope | None = None
        self._timed_out: PollerError | None = None
        #: The last observation and the table's verdict on it: most polls see the same answer
        #: again (the requests reuse its parse), and reuse the verdict too.
        self._decided: tuple[Observation, Acceptor, Decision] | None = None

    async def run(self) -> AsyncGenerator[Any, None]:
        """Poll until decided: yield each new state, return on success, raise on failure."""
        clock = loop_clock()
        self._sleep = loop_sleep()
        progress = Progress(self.resource, self.identity, self.until, self.settings, clock)
        progress.traces = self._traced()
        deadline, budget = self._deadline(progress.started)
        if self._scope is not None:
            self._scope.deadline = deadline
        progress.begin(max(budget, 0.0))
        try:
            if budget <= 0:
                raise progress.timed_out()
            if self.phase > 0:
                await self._sleep(min(self.phase, budget / 2))
            self._ends_at = deadline
            poll = self.requests.poll if self._scope is not None else self._guarded_poll
            while True:
                observation, latency = await poll(progress, clock)
                acceptor, decision = self._decide(observation)
                verdict = decision.verdict
                new_state = progress.answered(
                    observation, latency, retrying=verdict is Verdict.RETRY
                )
                if verdict is Verdict.RESOLVE:
                    decision, observation = await self._resolve(progress, observation, deadline)
                    verdict = decision.verdict
                elif acceptor.gone:
                    progress.vanished()
                # The wait is decided, and its end event emitted, before a watcher sees the
                # state that decided it: one that stops reading there has seen the whole wait.
                error = (
                    self._end(progress, decision, observation)
                    if verdict is Verdict.SUCCESS or verdict is Verdict.FAIL
                    else None
                )
                if new_state is not None:
                    yield new_state
                if self.result is not None:
                    return
                if error is not None:
                    raise error
                await self._pause(progress, observation, deadline, decision, clock)
        except (anyio.get_cancelled_exc_class(), GeneratorExit):
            self._interrupted(progress, at_deadline=clock() >= deadline)
            raise
        finally:
            self.traces.close()
            if self.requests.batch is not None:
                self.requests.batch.forget(str(self.identity.request_id))

    def _interrupted(self, progress: Progress, *, at_deadline: bool) -> None:
        """The wait was cancelled: by finish()'s scope at the deadline, or from outside."""
        if self._scope is not None and self._scope.cancel_called and at_deadline:
            # finish()'s scope reached the deadline while a request was in flight.
            self._timed_out = progress.timed_out()
        else:
            # Cancelled from outside, or a watcher stopped reading: the wait is unfinished.
            progress.cancelled()

    def _traced(self) -> Traces:
        """The tracers' traces of this wait, made once (none when nobody traces)."""
        if not self.traces and tracers():
            region = getattr(getattr(self.client, "meta", None), "region_name", None)
            self.traces = Traces.of_wait(
                self.name,
                self.identity,
                self.until,
                member=self.member,
                region=region if isinstance(region, str) else None,
                rollout=self.rollout,
            )
        return self.traces

    def _decide(self, observation: Observation) -> tuple[Acceptor, Decision]:
        """The table's row and cell for *observation* (the last verdict, if it is the same)."""
        decided = self._decided
        if decided is not None and decided[0] is observation:
            return decided[1], decided[2]
        acceptor, decision = decide(self.resource.acceptors, observation, self.until)
        self._decided = (observation, acceptor, decision)
        return acceptor, decision

    def _deadline(self, started: float) -> tuple[float, float]:
        """The wait's end on the loop's clock, and the seconds from *started* to it."""
        if self.deadline is None:
            budget = self.settings.budget()
            return started + budget, budget
        return self.deadline, self.deadline - started

    def _end(
        self, progress: Progress, decision: Decision, observation: Observation
    ) -> PollerError | None:
        """Close the books on a deciding verdict (SUCCESS or FAIL): the result, or the error."""
        if decision.verdict is Verdict.SUCCESS:
            self.result = progress.succeeded()
            return None
        assert decision.build is not None
        return progress.failed(decision.build(observation, progress.state()))

    async def finish(self) -> WaitResult:
        """Run to the end, without watching the states go by.

        One cancel scope, ending at the deadline, guards the whole wait instead of one per
        request (a measured share of the per-poll cost, BENCHMARKS.md).
        """
        with self._traced().activate(), anyio.CancelScope() as self._scope:
            async with aclosing(self.run()) as states:
                async for _ in states:
                    pass
        if self._timed_out is not None:
            raise self._timed_out
        assert self.result is not None
        return self.result

    def never_started(self, *, ahead: int, now: float, listening: bool) -> PollerError:
        """The error of this wait, which its fan-out could not start before the deadline.

        Emits ``wait.timed_out`` if anyone listens; no request was sent. Light: a fan-out
        makes thousands of these at once.

        Args:
            ahead: The waits that held every slot until then.
            now: The loop's clock.
            listening: Whether anyone listens to error events (asked once for them all).
        """
        since = now if self.since is None else self.since
        budget = (now if self.deadline is None else self.deadline) - since
        state = WaitState(self.resource, self.identity, self.until, None, 0, now - since)
        error = _failures.timed_out(
            state, None, budget=budget, stopped="deadline", queued_behind=ahead
        )
        if listening:
            keys = self.identity.keys()
            elapsed = now - since
            event = WaitTimedOut(**keys, until=self.until, status=None, attempts=0, elapsed=elapsed)
            emit(event, self.settings.on_event)
        return error

    async def look(self) -> Any:
        """One request, judged by the table: the description, or the error it stands for.

        Whatever the target's verdict on a description, it is returned (a look does not
        wait); an error is decided as a poll's would be, an absence resolved by the List
        operation, and a transient error, which a wait would retry, raised as ApiError.
        """
        clock = loop_clock()
        progress = Progress(self.resource, self.identity, self.until, self.settings, clock)
        progress.budget = self.settings.budget()
        deadline = self._ends_at = progress.started + progress.budget
        observation, _ = await self._guarded_poll(progress, clock)
        if observation.description is not None:
            progress.last = observation.description
            return observation.description
        _, decision = decide(self.resource.acceptors, observation, self.until)
        if decision.verdict is Verdict.RESOLVE:
            decision, observation = await self._resolve(progress, observation, deadline)
        build = decision.build or _failures.api_error  # a retry, or gone: nothing to describe
        raise build(observation, progress.state())

    # -- requests ----------------------------------------------------------------------------

    async def _guarded_poll(
        self, progress: Progress, clock: Callable[[], float]
    ) -> tuple[Observation, float | None]:
        """One poll in a cancel scope of its own that ends at the deadline.

        A watcher's generator may not hold a scope across its yields, so each of its requests
        has one; under finish() one scope guards the whole wait.
        """
        with anyio.CancelScope(deadline=self._ends_at):
            return await self.requests.poll(progress, clock)
        raise progress.timed_out()

    async def _resolve(
        self, progress: Progress, denied: Observation, deadline: float
    ) -> tuple[Decision, Observation]:
        """An ambiguous absence: ask the List operation once whether the resource is listed.

        Absent, it is gone; listed, the table says what that means. Never reports a permission
        problem as a deletion.
        """
        listing = self.resource.listing
        assert listing is not None, f"{self.resource.name}'s table resolves, with no listing"
        limiter = self.settings.limiter
        pace = None if limiter is None else limiter.acquire
        key = listing.key(self.identity)

        async def is_listed() -> bool:
            async with aclosing(listing.listed(self.client, self.identity, pace)) as keys:
                async for listed in keys:
                    if listed == key:
                        return True
            return False

        answer: bool | Observation | None = None
        with anyio.CancelScope(deadline=deadline):
            answer = await attempt(is_listed(), operation=listing.operation)
        if answer is None:
            raise progress.timed_out(last_error=denied)
        if answer is True:
            return listing.when_listed(self.until), denied
        if answer is False:
            seen = progress.last is not None
            progress.vanished()
            return listing.when_absent(self.until, seen), denied
        if answer.access_denied:
            return fail(AccessDeniedError, _failures.ambiguous_denial), denied
        if answer.transient:
            return RETRY, answer
        return fail(ApiError, _failures.api_error), answer

    # -- pacing ------------------------------------------------------------------------------

    async def _pause(
        self,
        progress: Progress,
        observation: Observation,
        deadline: float,
        decision: Decision,
        clock: Callable[[], float],
    ) -> None:
        """Sleep until the next poll, or time out when no poll can be answered in time."""
        left, settings = deadline - clock(), self.settings
        # Far from the deadline the margin changes nothing: delay_for reads *remaining* only
        # within min_delay of a delay (at most twice max_delay), so its bound will do.
        remaining = left - progress.margin_ceiling
        if remaining <= 2 * settings.max_delay + settings.min_delay + _SHORTEST_PAUSE:
            remaining = left - progress.margin()
        if remaining < _SHORTEST_PAUSE:
            raise progress.timed_out(left=max(left, 0.0) if left >= _SHORTEST_PAUSE else None)
        delay = delay_for(
            progress.attempts,
            min_delay=settings.min_delay,
            max_delay=settings.max_delay,
            remaining=remaining,
            uniform=self.uniform,
            throttled=observation.throttled,
        )
        progress.pausing(delay, observation, retrying=decision.verdict is Verdict.RETRY)
        batch = self.requests.batch
        if observation.listed and batch is not None:
            # Woken early when a sweep another wait began no longer lists the request.
            with anyio.move_on_after(delay):
                await batch.gone(str(self.identity.request_id)).wait()
            return
        if delay > _UNTIMED_PAUSE:
            await self._sleep(delay)
            return
        self._untimed += 1
        if self._untimed % _CHECKPOINT_EVERY == 0:
            await self._sleep(0)
