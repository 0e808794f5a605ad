"""The loop: poll DescribeInstance until the state table decides."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import random
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any, Final

import anyio
from botocore.exceptions import BotoCoreError, ClientError

from poller import _failures, _observe
from poller._arn import is_valid_instance_arn
from poller._backoff import Uniform, delay_for
from poller._clock import loop_clock
from poller._durations import Seconds, check_timing
from poller._instance import EncryptionStatus, InstanceDescription, InstanceStatus
from poller._listing import listed_instance_arns
from poller._ratelimit import RequestLimiter
from poller._result import ObservedState, WaitResult
from poller._targets import RETRY, SUCCESS, Decision, Observation, Target, Verdict, decide
from poller.events import (
    Event,
    EventHook,
    InstanceStatusChanged,
    PollCompleted,
    PollRetrying,
    UnknownStatusSeen,
    WaitCancelled,
    WaitFailed,
    WaitStarted,
    WaitSucceeded,
    WaitTimedOut,
    emit,
    wanted,
)
from poller.exceptions import (
    ApiError,
    InstanceDeletedError,
    InvalidInstanceArnError,
    PollerError,
    WaitTimeoutError,
)

__all__ = ["wait_for_instance", "watch_instance"]

#: How many recent round trips decide how early the last poll must leave.
_LATENCY_WINDOW: Final = 8
_LATENCY_MARGIN: Final = 2.0
#: Never less room than this, so that the last poll is not sent at the deadline itself.
_MIN_MARGIN: Final = 0.01


def _target(until: Target | str) -> Target:
    try:
        return Target(until)
    except ValueError:
        choices = ", ".join(t.value for t in Target)
        raise ValueError(f"unknown target {until!r}: expected one of {choices}") from None


def check_settings(
    until: Target | str, timeout: Seconds, min_delay: Seconds, max_delay: Seconds
) -> tuple[Target, float, float, float]:
    """The settings of a wait, checked and in float seconds.

    Raises:
        ValueError: A setting is out of range, or the target unknown.
        TypeError: A duration is neither a number nor a timedelta.
    """
    target = _target(until)
    seconds, low, high = check_timing(timeout, min_delay, max_delay)
    return target, seconds, low, high


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class _Wait:
    """One wait: its settings, checked before any request, and its progress."""

    def __init__(
        self,
        client: Any,
        instance_arn: str,
        *,
        until: Target | str,
        timeout: Seconds,
        min_delay: Seconds,
        max_delay: Seconds,
        on_event: EventHook | None,
        uniform: Uniform = random.uniform,
        limiter: RequestLimiter | None = None,
        deadline: float | None = None,
    ) -> None:
        if not is_valid_instance_arn(instance_arn):
            raise InvalidInstanceArnError(
                f"{instance_arn!r} is not an Identity Center instance ARN: expected "
                "arn:aws:sso:::instance/ssoins-<16 characters> (the service model's pattern).",
                instance_arn=str(instance_arn),
            )
        self.until, self.timeout, self.min_delay, self.max_delay = check_settings(
            until, timeout, min_delay, max_delay
        )
        self.client = client
        self.instance_arn = instance_arn
        self.on_event = on_event
        self.uniform = uniform
        #: Paces requests shared with other waits (one account's rate); None: no pacing.
        self.limiter = limiter
        #: An absolute deadline (anyio time) shared with other waits; else start + timeout.
        self.shared_deadline = deadline
        self.attempts = 0
        self.last: InstanceDescription | None = None
        self.history: list[ObservedState] = []
        self.deletion_seen = False
        self.gone = False
        self.unknown_seen: set[str] = set()
        self.latencies: collections.deque[float] = collections.deque(maxlen=_LATENCY_WINDOW)
        self.now: Callable[[], float] = anyio.current_time
        self.started = 0.0
        self.deadline = 0.0
        self.finished = False

    async def run(self) -> AsyncGenerator[InstanceDescription, None]:
        """Poll until decided: yield each new state, return on success, raise on failure."""
        self.now = loop_clock()
        self.started = self.now()
        self.deadline = (
            self.started + self.timeout if self.shared_deadline is None else self.shared_deadline
        )
        self._emit(
            WaitStarted, timeout=self.timeout, min_delay=self.min_delay, max_delay=self.max_delay
        )
        cancelled = anyio.get_cancelled_exc_class()
        try:
            while True:
                observation = await self._poll()
                _, decision = decide(observation, self.until)
                if decision.verdict is not Verdict.RETRY and wanted(
                    PollCompleted.level, self.on_event
                ):
                    self._emit(
                        PollCompleted,
                        attempt=self.attempts,
                        elapsed=self._elapsed(),
                        status=_text(observation.status),
                        encryption_status=_text(observation.encryption_status),
                        latency=self.latencies[-1],
                    )
                new_state = observation.description is not None and self._observe(
                    observation.description
                )
                if decision.verdict is Verdict.RESOLVE:
                    decision, observation = await self._resolve(observation)
                elif observation.description is None and (
                    decision.verdict is Verdict.SUCCESS or decision.error is InstanceDeletedError
                ):
                    self._observe_gone()  # denied after the deletion was seen
                # The wait is decided, and its end event emitted, before a watcher sees the
                # state that decided it: one that stops reading there has seen the whole wait.
                error = None
                if decision.verdict is Verdict.SUCCESS:
                    self._end(WaitSucceeded)
                elif decision.verdict is Verdict.FAIL:
                    assert decision.error is not None
                    error = self._fail(
                        _failures.failure(decision.error, observation, self._state())
                    )
                if new_state:
                    assert observation.description is not None
                    yield observation.description
                if decision.verdict is Verdict.SUCCESS:
                    return
                if error is not None:
                    raise error
                await self._pause(observation, retrying=decision.verdict is Verdict.RETRY)
        except (cancelled, GeneratorExit):
            # Cancelled from outside, or a watcher stopped reading: the wait ends unfinished.
            # Nothing, not even a failing on_event hook, may stand in for the cancellation.
            if not self.finished:
                with contextlib.suppress(Exception):
                    self._end(WaitCancelled)
            raise

    async def finish(self) -> WaitResult:
        """Run to the end, without watching the states go by."""
        async with aclosing(self.run()) as states:
            async for _ in states:
                pass
        return self.result()

    def result(self) -> WaitResult:
        """The outcome of a wait that succeeded."""
        return WaitResult(
            instance_arn=self.instance_arn,
            until=self.until,
            instance=None if self.until is Target.DELETED else self.last,
            attempts=self.attempts,
            elapsed=self._elapsed(),
            history=tuple(self.history),
        )

    # -- requests --------------------------------------------------------------------------

    async def _poll(self) -> Observation:
        """Send one DescribeInstance; no answer outlives the deadline."""
        observation: Observation | None = None
        sent = self.now()
        with anyio.CancelScope(deadline=self.deadline):
            if self.limiter is not None:
                await self.limiter.acquire()
                sent = self.now()
            self.attempts += 1
            observation = await self._describe()
        if observation is None:
            raise self._fail(_failures.timed_out(self._state(), self.timeout))
        self.latencies.append(self.now() - sent)
        if observation.throttled and self.limiter is not None:
            self.limiter.throttled(sent)
        if observation.description is not None:
            self.last = observation.description
            if observation.description.status == InstanceStatus.DELETE_IN_PROGRESS:
                self.deletion_seen = True
        return observation

    async def _describe(self) -> Observation:
        try:
            response = await self.client.describe_instance(InstanceArn=self.instance_arn)
        except ClientError as error:
            return _observe.from_client_error(error, deletion_seen=self.deletion_seen)
        except _observe.TRANSPORT_ERRORS as error:
            return _observe.from_transport_error(error, deletion_seen=self.deletion_seen)
        except BotoCoreError as error:  # no credentials, an expired SSO token ...
            return _observe.from_botocore_error(error, deletion_seen=self.deletion_seen)
        return _observe.from_response(response, deletion_seen=self.deletion_seen)

    async def _resolve(self, denied: Observation) -> tuple[Decision, Observation]:
        """DescribeInstance was denied with no deletion seen: ask ListInstances once.

        Absent, the instance is gone; listed, or ListInstances denied too, it is a permission
        problem. Never reports a permission problem as a deletion.
        """
        answer: bool | Observation | None = None
        with anyio.CancelScope(deadline=self.deadline):
            answer = await self._is_listed()
        if answer is None:
            raise self._fail(_failures.timed_out(self._state(), self.timeout))
        if answer is True:
            raise self._fail(_failures.listed_but_denied(self._state(), denied))
        if answer is False:
            self._observe_gone()
            if self.until is Target.DELETED:
                return SUCCESS, denied
            raise self._fail(_failures.gone(self._state(), denied))
        if answer.access_denied:
            raise self._fail(_failures.ambiguous_denial(self._state(), denied))
        if decide(answer, self.until)[1].verdict is Verdict.RETRY:
            return RETRY, answer
        raise self._fail(_failures.failure(ApiError, answer, self._state()))

    async def _is_listed(self) -> bool | Observation:
        """Whether ListInstances lists this instance, or what went wrong asking."""
        pace = None if self.limiter is None else self.limiter.acquire
        try:
            async with aclosing(listed_instance_arns(self.client, before_page=pace)) as arns:
                async for arn in arns:
                    if arn == self.instance_arn:
                        return True
        except ClientError as error:
            return _observe.from_client_error(
                error, deletion_seen=self.deletion_seen, operation="ListInstances"
            )
        except _observe.TRANSPORT_ERRORS as error:
            return _observe.from_transport_error(
                error, deletion_seen=self.deletion_seen, operation="ListInstances"
            )
        except BotoCoreError as error:
            return _observe.from_botocore_error(
                error, deletion_seen=self.deletion_seen, operation="ListInstances"
            )
        return False

    # -- pacing ----------------------------------------------------------------------------

    async def _pause(self, observation: Observation, *, retrying: bool) -> None:
        """Sleep until the next poll, or time out when no poll can be answered in time."""
        # Leave room for twice the slowest recent round trip, so that the last poll's answer
        # arrives, and is judged, before the deadline.
        margin = max(_LATENCY_MARGIN * max(self.latencies, default=0.0), _MIN_MARGIN)
        remaining = self.deadline - self.now() - margin
        if remaining <= 0:
            raise self._fail(_failures.timed_out(self._state(), self.timeout))
        delay = delay_for(
            self.attempts,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            remaining=remaining,
            uniform=self.uniform,
            throttled=observation.throttled,
        )
        if retrying:
            self._emit(
                PollRetrying,
                error_code=observation.error_code or "Unknown",
                error_message=observation.error_message,
                attempt=self.attempts,
                delay=delay,
                elapsed=self._elapsed(),
            )
        await anyio.sleep(delay)

    # -- states and events -----------------------------------------------------------------

    def _observe(self, description: InstanceDescription) -> bool:
        """Record a described state; tell whether it is new."""
        status = description.status
        if (
            isinstance(status, str)
            and not isinstance(status, InstanceStatus)
            and (status not in self.unknown_seen)
        ):
            self.unknown_seen.add(status)
            self._emit(
                UnknownStatusSeen, status=status, attempt=self.attempts, elapsed=self._elapsed()
            )
        return self._record(
            status,
            description.encryption_status,
            description.status_reason,
            description.encryption_status_reason,
        )

    def _observe_gone(self) -> None:
        self.gone = True
        self._record(None, None, None, None)

    def _record(
        self,
        status: InstanceStatus | str | None,
        encryption_status: EncryptionStatus | str | None,
        status_reason: str | None,
        encryption_status_reason: str | None,
    ) -> bool:
        previous = self.history[-1] if self.history else None
        if previous is not None and (previous.status, previous.encryption_status) == (
            status,
            encryption_status,
        ):
            return False
        elapsed = self._elapsed()
        self.history.append(
            ObservedState(
                status, encryption_status, self.attempts, elapsed, dt.datetime.now(dt.UTC)
            )
        )
        self._emit(
            InstanceStatusChanged,
            previous_status=_text(previous.status) if previous else None,
            status=_text(status),
            previous_encryption_status=_text(previous.encryption_status) if previous else None,
            encryption_status=_text(encryption_status),
            status_reason=status_reason,
            encryption_status_reason=encryption_status_reason,
            attempt=self.attempts,
            elapsed=elapsed,
        )
        return True

    def _elapsed(self) -> float:
        return self.now() - self.started

    def _emit(self, event_type: type[Event], **fields: Any) -> None:
        event = event_type(instance_arn=self.instance_arn, until=self.until.value, **fields)
        emit(event, self.on_event)

    def _state(self) -> _failures.WaitState:
        return _failures.WaitState(
            self.instance_arn, self.until, self.last, self.attempts, self._elapsed()
        )

    def _end(self, event_type: type[Event], **fields: Any) -> None:
        """Emit the one event that closes this wait."""
        self.finished = True
        status = None if self.gone or self.last is None else _text(self.last.status)
        self._emit(
            event_type, status=status, attempts=self.attempts, elapsed=self._elapsed(), **fields
        )

    def _fail(self, error: PollerError) -> PollerError:
        if isinstance(error, WaitTimeoutError):
            self._end(WaitTimedOut)
        else:
            self._end(WaitFailed, error=type(error).__name__, reason=error.reason)
        return error


async def wait_for_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    timeout: Seconds = 1800.0,
    min_delay: Seconds = 2.0,
    max_delay: Seconds = 30.0,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until an Identity Center instance reaches *until*.

    Polls DescribeInstance with jittered exponential backoff under an absolute deadline and
    decides each answer by the state table (see the README). Transient errors (throttling,
    5xx, dropped connections) are retried inside the deadline.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it (poller never closes it).
        instance_arn: The instance to wait on.
        until: The target: ``Target.ACTIVE``, ``ENCRYPTION_ENABLED`` or ``DELETED`` (or their
            string values).
        timeout: The whole wait's limit, in seconds or as a timedelta.
        min_delay: The shortest pause between polls.
        max_delay: The longest pause between polls (throttling may stretch it).
        on_event: Called with each :mod:`poller.events` event, in order.
        limiter: Paces this wait's requests, shared with other waits on the same account
            (a :class:`poller.RateLimiter`); None sends each poll when it is due.

    Returns:
        The final description, the number of polls, the time taken and the states seen.

    Raises:
        InvalidInstanceArnError: *instance_arn* is malformed (before any request).
        ValueError: A setting is out of range (before any request).
        WaitTimeoutError: The deadline passed.
        InstanceFailedError: The instance reached a state the target cannot follow.
        AccessDeniedError: The caller may not describe the instance.
        ApiError: Any other error AWS will not change its mind about.
    """
    wait = _Wait(
        client,
        instance_arn,
        until=until,
        timeout=timeout,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        limiter=limiter,
    )
    return await wait.finish()


def watch_instance(
    client: Any,
    instance_arn: str,
    *,
    until: Target | str = Target.ACTIVE,
    timeout: Seconds = 1800.0,
    min_delay: Seconds = 2.0,
    max_delay: Seconds = 30.0,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[InstanceDescription, None]:
    """Yield each distinct state of an instance until it reaches *until*.

    Takes the same arguments as :func:`wait_for_instance`, checked right away. The iterator
    yields the first description and each change of (Status, EncryptionStatus), ends after
    the target is reached, and raises the same errors as :func:`wait_for_instance` on failure.
    Use it with ``contextlib.aclosing`` if you may stop reading early.
    """
    return _Wait(
        client,
        instance_arn,
        until=until,
        timeout=timeout,
        min_delay=min_delay,
        max_delay=max_delay,
        on_event=on_event,
        limiter=limiter,
    ).run()
