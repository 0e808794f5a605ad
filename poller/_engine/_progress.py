"""The books of one wait: attempts, the last answer, the states seen, and the events they make.

Synchronous and free of I/O: the loop tells it what was sent and what came back, and it keeps
count, records each distinct state, and emits the events that follow from the bookkeeping.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Final

from poller._engine import _failures
from poller._engine._acceptors import Observation
from poller._engine._emit import emit, wanted
from poller._engine._failures import Stopped, WaitState
from poller._engine._resource import Resource
from poller._identity import Identity
from poller._outcome import Outcome
from poller._result import ObservedState, WaitResult
from poller._settings import WaitSettings
from poller.events import (
    Event,
    PollCompleted,
    PollRetrying,
    PollScheduled,
    WaitCancelled,
    WaitFailed,
    WaitStarted,
    WaitSucceeded,
    WaitTimedOut,
)
from poller.exceptions import PollerError, WaitTimeoutError
from poller.tracing import NO_TRACES

__all__ = ["Progress"]

#: Round trips remembered for the margin the last poll leaves before the deadline.
_LATENCY_WINDOW: Final = 16
#: The margin is this many times a high percentile of recent round trips ...
_LATENCY_MARGIN: Final = 2.0
#: ... and never less than this, so that the last poll is not sent at the deadline itself ...
_MIN_MARGIN: Final = 0.01
#: ... nor more than this share of the wait's budget: one slow answer never costs a wait most
#: of its time.
_MARGIN_SHARE: Final = 0.25


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class Progress:
    """Where one wait stands, and the events that mark it.

    Args:
        resource: What is waited on.
        identity: Which one.
        until: The target (a value of ``resource.targets``).
        settings: The wait's settings (only ``on_event`` and the delays are read here).
        clock: The loop's clock, in seconds.
    """

    def __init__(
        self,
        resource: Resource,
        identity: Identity,
        until: str,
        settings: WaitSettings,
        clock: Callable[[], float],
    ) -> None:
        self.resource = resource
        self.identity = identity
        self.until = until
        self.settings = settings
        self.clock = clock
        #: The tracers' traces of this wait (none by default).
        self.traces = NO_TRACES
        self.started = clock()
        self.attempts = 0
        #: Requests answered (not timed out, dropped or refused): none means the endpoint
        #: never answered this wait.
        self.answers = 0
        self.last: Any = None
        self.last_error: Observation | None = None
        self.history: list[ObservedState] = []
        self.removal_seen = False
        self.gone = False
        self.finished = False
        self._unknown_seen: set[str | None] = {None}
        # A list, not a deque: a deque's first block alone is half a kilobyte, and a fan-out
        # holds one window per wait (BENCHMARKS.md, memory per waiting instance).
        self._latencies: list[float] = []
        #: The wait's whole budget in seconds, once it has begun.
        self.budget = math.inf
        #: The most :meth:`margin` may be: a quarter of the budget.
        self._margin_cap = math.inf
        #: The most :meth:`margin` can be, kept without sorting: twice the slowest round trip.
        self.margin_ceiling = _MIN_MARGIN
        #: Whether anyone listens to debug events: asked at the start, then once a poll, when
        #: it is answered (poll.completed and poll.scheduled share the level).
        self._listening = wanted(PollCompleted.level, settings.on_event)
        self._keys = {**identity.keys(), "until": str(until)}

    # -- what the loop reports ---------------------------------------------------------------

    def begin(self, budget: float) -> None:
        """The wait starts, with *budget* seconds to go."""
        self.budget = budget
        self._margin_cap = _MARGIN_SHARE * budget
        self.margin_ceiling = min(self.margin_ceiling, self._margin_cap)
        self.emit(
            WaitStarted,
            timeout=budget,
            min_delay=self.settings.min_delay,
            max_delay=self.settings.max_delay,
        )

    def sent(self) -> None:
        """A request left."""
        self.attempts += 1

    def unsent(self) -> None:
        """The request counted by :meth:`sent` never left: refused by botocore, or cut first."""
        self.attempts -= 1

    def answered(self, observation: Observation, latency: float | None, *, retrying: bool) -> Any:
        """A request was answered (or failed): count it and record its state.

        Only an answered request is a round trip for the margin: one that timed out, was
        dropped or never connected says how long the network failed, not how long an answer
        takes (counted, a 15 s read timeout would make the wait give up 30 s early). A
        request a batch listed IN_PROGRESS (*latency* None) was not described: no round trip,
        and no ``poll.completed``.

        Returns:
            The description, when it shows a state this wait has not just seen; else None.
        """
        if observation.answered:
            self.answers += 1
        if latency is not None and observation.answered:
            latencies = self._latencies
            latencies.append(latency)
            if len(latencies) > _LATENCY_WINDOW:
                del latencies[0]
            ceiling = max(self.margin_ceiling, _LATENCY_MARGIN * latency)
            self.margin_ceiling = min(ceiling, self._margin_cap)
        self._listening = listening = wanted(PollCompleted.level, self.settings.on_event)
        description = observation.description
        if description is None:
            self.last_error = observation  # kept: a timeout's message names the last error seen
            return None
        if description is self.last and not self.gone:
            # The very answer of the last poll (the loop reuses its parse): no new state, no
            # status left to warn of; only poll.completed, if anyone listens.
            if listening and not retrying and latency is not None:
                self._completed(description, latency)
            return None
        self.last = description
        if description.status == self.resource.removal_status:
            self.removal_seen = True
        if listening and not retrying and latency is not None:
            self._completed(description, latency)
        status = None if description.status is None else str(description.status)
        if status not in self.resource.known_statuses and status not in self._unknown_seen:
            self._unknown_seen.add(status)
            self.emit(
                self.resource.unknown_status,
                status=status,
                attempt=self.attempts,
                elapsed=self.elapsed(),
            )
        return (
            description if self._record(*self.resource.state_of(description), description) else None
        )

    def vanished(self) -> None:
        """The resource is gone: recorded once, as status None."""
        if not self.gone:
            self.gone = True
            self._record(None, None, None)

    def pausing(self, delay: float, observation: Observation, *, retrying: bool) -> None:
        """The loop sleeps *delay* seconds before the next poll (after a retry's warning)."""
        if retrying:
            self.emit(
                PollRetrying,
                error_code=observation.error_code or "Unknown",
                error_reason=observation.error_reason,
                error_message=observation.error_message,
                attempt=self.attempts,
                delay=delay,
                elapsed=self.elapsed(),
            )
        if self._listening:  # poll.scheduled is at poll.completed's level
            self.emit(PollScheduled, attempt=self.attempts, delay=delay, elapsed=self.elapsed())

    # -- how it ends -------------------------------------------------------------------------

    def succeeded(self) -> WaitResult:
        """The target is reached: emit ``wait.succeeded`` and return the result."""
        self._end(WaitSucceeded)
        removal = self.until in self.resource.removals
        return WaitResult(
            instance_arn=self.identity.instance_arn,
            until=self.until,
            description=None if removal else self.last,
            attempts=self.attempts,
            elapsed=self.elapsed(),
            history=tuple(self.history),
            region_name=self.identity.region_name,
            request_id=self.identity.request_id,
            outcome=Outcome(self.until) if removal else Outcome.REACHED,
        )

    def failed(self, error: PollerError) -> PollerError:
        """The wait ends on *error*: emit its end event and return it, to be raised."""
        if isinstance(error, WaitTimeoutError):
            self._end(WaitTimedOut)
        else:
            self._end(WaitFailed, error=type(error).__name__, reason=error.reason)
        return error

    def timed_out(
        self,
        *,
        left: float | None = None,
        last_error: Observation | None = None,
        queued_behind: int | None = None,
    ) -> PollerError:
        """The wait ends on its deadline: emit ``wait.timed_out``, return the error to raise.

        Args:
            left: The seconds that remained, when the wait gave up on its margin (less time
                than an answer takes); None when the deadline itself came.
            last_error: The failed observation to name, instead of the last one seen.
            queued_behind: For a wait its fan-out never started: how many held the slots.
        """
        stopped: Stopped = "deadline" if left is None else "margin"
        if self.attempts and not self.answers:
            stopped = "unanswered"
        error = _failures.timed_out(
            self.state(),
            self.last_error if last_error is None else last_error,
            budget=self.budget,
            stopped=stopped,
            left=left or 0.0,
            needed=self.margin() if left is not None else 0.0,
            queued_behind=queued_behind,
        )
        return self.failed(error)

    def cancelled(self) -> None:
        """Cancelled from outside, or a watcher stopped reading (once, and only if unfinished)."""
        if not self.finished:
            self._end(WaitCancelled)

    # -- what the loop reads -----------------------------------------------------------------

    def elapsed(self) -> float:
        """Seconds since the wait began."""
        return self.clock() - self.started

    def margin(self) -> float:
        """Room the last poll leaves before the deadline: twice a high answered round trip.

        The 90th percentile (nearest rank) of recent answered round trips, so that one slow
        answer among many quick ones does not end the wait early; with fewer than ten, the
        slowest. Never more than a quarter of the wait's budget.
        """
        if not self._latencies:
            return min(_MIN_MARGIN, self._margin_cap)
        ordered = sorted(self._latencies)
        high = ordered[(len(ordered) * 9) // 10] if len(ordered) >= 10 else ordered[-1]  # noqa: PLR2004 - a percentile needs some samples
        return min(max(_LATENCY_MARGIN * high, _MIN_MARGIN), self._margin_cap)

    def state(self) -> WaitState:
        """The context of an error ending the wait now."""
        return WaitState(
            self.resource, self.identity, self.until, self.last, self.attempts, self.elapsed()
        )

    def emit(self, event_type: type[Event], **fields: Any) -> None:
        """Emit an event of this wait, with its identity and target."""
        event = event_type(**self._keys, **fields)
        emit(event, self.settings.on_event)
        if self.traces and event.level != "debug":  # nothing per poll reaches a tracer
            self.traces.event(event)

    # -- inside ------------------------------------------------------------------------------

    def _completed(self, description: Any, latency: float) -> None:
        status, second = self.resource.state_of(description)
        self.emit(
            PollCompleted,
            attempt=self.attempts,
            elapsed=self.elapsed(),
            status=_text(status),
            encryption_status=_text(second),
            latency=latency,
        )

    def _record(self, status: Any, second: Any, description: Any) -> bool:
        previous = self.history[-1] if self.history else None
        if previous is not None and (previous.status, previous.encryption_status) == (
            status,
            second,
        ):
            return False
        state = ObservedState(
            status, second, self.attempts, self.elapsed(), dt.datetime.now(dt.UTC)
        )
        self.history.append(state)
        if previous is None and status is None:
            return True  # gone before it was ever seen: no change from nothing to nothing
        resource = self.resource
        extra = {}
        if resource.change_fields is not None:
            extra = resource.change_fields(previous, state, description)
        event = resource.status_changed(
            **self._keys,
            attempt=self.attempts,
            elapsed=state.elapsed,
            previous_status=None if previous is None else _text(previous.status),
            status=_text(state.status),
            reasons=() if description is None or status is None else resource.reasons(description),
            **extra,
        )
        emit(event, self.settings.on_event)
        if self.traces:
            self.traces.event(event)
        return True

    def _end(self, event_type: type[Event], **fields: Any) -> None:
        self.finished = True
        status = None if self.gone or self.last is None else _text(self.last.status)
        self.emit(
            event_type, status=status, attempts=self.attempts, elapsed=self.elapsed(), **fields
        )
