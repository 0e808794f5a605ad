"""Every call of a rollout: through one limiter and the client's connection slots, counted.

A rollout sends its own calls (the writes, the listings that decide what to write, the
Describes that match requests already in progress) beside the waits' polls; all of them go
through the same :class:`~poller.RateLimiter` and the same connection slots, so that the
rollout keeps one rate. Throttling is fed to the limiter, whatever the call.
"""

from __future__ import annotations

import collections
import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import anyio

from poller._backoff import delay_for
from poller._engine._acceptors import Observation
from poller._engine._emit import emit
from poller._engine._failures import aws_said
from poller._engine._observe import OBSERVED_ERRORS, observed_error
from poller._engine._poll import UNREACHABLE_ATTEMPTS, UNREACHABLE_SECONDS
from poller._ratelimit import RequestLimiter
from poller._settings import WaitSettings
from poller.events import RolloutRetrying
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EndpointUnreachableError,
    InvalidArgumentError,
    PollerError,
    ResourceNotFoundError,
)

__all__ = ["CONFLICT", "PAGE_SIZE", "Calls", "CountingLimiter", "Subject", "call_error"]

#: The error code of a write that meets another change of the same thing.
CONFLICT: Final = "ConflictException"
#: Items per List page: the service model's most.
PAGE_SIZE: Final = 100


def method_of(operation: str) -> str:
    """The aiobotocore client method that sends *operation*."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


class CountingLimiter:
    """The rollout's one limiter, counting the requests and throttles that pass through it.

    The waits' polls and the batch's pages go through it too, so its counts are the
    rollout's.
    """

    def __init__(self, limiter: RequestLimiter) -> None:
        self.limiter = limiter
        #: Requests let through.
        self.sent = 0
        #: Throttled answers reported.
        self.throttles = 0

    async def acquire(self) -> None:
        """Return when one request may be sent."""
        await self.limiter.acquire()
        self.sent += 1

    def throttled(self, sent_at: float) -> None:
        """The request sent at *sent_at* was throttled."""
        self.throttles += 1
        self.limiter.throttled(sent_at)


@dataclasses.dataclass(frozen=True, slots=True)
class Subject:
    """What a call is about, for its events and errors: an item of the rollout, or nothing."""

    index: int | None = None
    permission_set_arn: str | None = None
    account_id: str | None = None
    principal_type: str | None = None
    principal_id: str | None = None
    label: str = "the rollout"
    """The item in words, for messages."""

    def keys(self) -> dict[str, Any]:
        """The event keys of the item."""
        return {
            "index": self.index,
            "permission_set_arn": self.permission_set_arn,
            "account_id": self.account_id,
            "principal_type": self.principal_type,
            "principal_id": self.principal_id,
        }


NOBODY: Final = Subject()


def call_error(
    observation: Observation, subject: Subject, *, instance_arn: str, elapsed: float
) -> PollerError:
    """The error that ends an item, from the answer to one of its calls no retry fixes."""
    operation, code = observation.operation, observation.error_code or "Unknown"
    said = aws_said(observation.error_message)
    context: dict[str, Any] = {
        "instance_arn": instance_arn,
        "elapsed": elapsed,
        "reason": observation.error_message or None,
    }
    if observation.unreachable:
        return EndpointUnreachableError(
            f"Cannot reach the endpoint for {subject.label}: {operation} never got an answer "
            f"({code}: {observation.error_message.rstrip('.')}). Check the network, the Region "
            "and the endpoint URL.",
            code=code,
            retryable=True,
            **context,
        )
    if observation.access_denied:
        return AccessDeniedError(
            f"Access denied: {operation} for {subject.label}. Check the caller's permissions "
            f"(sso:{operation}).{said}",
            **context,
        )
    if observation.not_found:
        return ResourceNotFoundError(
            f"{operation} for {subject.label} answered {code}: check the instance and the "
            f"permission set.{said}",
            **context,
        )
    if code == "ValidationException":
        return InvalidArgumentError(
            f"{operation} for {subject.label} was refused as invalid.{said}", **context
        )
    speaker = "AWS" if observation.http_status else "botocore"
    return ApiError(
        f"{operation} for {subject.label} failed with {code}."
        f"{aws_said(observation.error_message, by=speaker)}",
        code=code,
        aws_request_id=observation.aws_request_id,
        retryable=observation.transient,
        **context,
    )


class Calls:
    """The calls of one rollout, sent through its limiter and slots, retried, counted.

    Args:
        client: The aiobotocore ``sso-admin`` client.
        instance_arn: The instance, for events.
        limiter: The rollout's limiter.
        slots: The client's connection slots, shared with the waits.
        settings: The rollout's settings: its delays pace the retries, ``on_event`` hears them.
        until: The events' ``until``.
        end: The rollout's end, on the loop's clock: no pause reaches past it.
        clock: The loop's clock.
    """

    def __init__(
        self,
        client: Any,
        instance_arn: str,
        *,
        limiter: CountingLimiter,
        slots: anyio.Semaphore,
        settings: WaitSettings,
        until: str,
        end: float,
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.instance_arn = instance_arn
        self.limiter = limiter
        self.slots = slots
        self.settings = settings
        self.until = until
        self.end = end
        self.clock = clock
        #: Requests sent, by operation (the waits' own are counted apart).
        self.counts: collections.Counter[str] = collections.Counter()
        #: Writes answered ConflictException.
        self.conflicts = 0
        #: The last failed call of each item (by index) that was sent again, for its timeout.
        self.last_errors: dict[int, Observation] = {}
        self._answered = False
        self._unreachable_since: float | None = None
        self._unreachable_count = 0

    async def send(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any] | Observation:
        """One request: its answer, or the observation of its failure (throttles fed)."""
        await self.slots.acquire()
        try:
            await self.limiter.acquire()
            sent = self.clock()
            self.counts[operation] += 1
            try:
                answer: dict[str, Any] = await getattr(self.client, method_of(operation))(**params)
            except OBSERVED_ERRORS as error:
                observed = observed_error(error, operation=operation, removal_seen=False)
                if observed.throttled:
                    self.limiter.throttled(sent)
                return self._reachable(observed)
        finally:
            self.slots.release()
        self._answered = True
        answer.pop("ResponseMetadata", None)
        return answer

    def _reachable(self, observation: Observation) -> Observation:
        """*observation*, marked unreachable once connecting has failed long enough."""
        if not observation.connect_failed:
            if observation.answered:
                self._answered = True
            return observation
        if self._answered:
            return observation
        now = self.clock()
        if self._unreachable_since is None:
            self._unreachable_since = now
        self._unreachable_count += 1
        if (
            self._unreachable_count >= UNREACHABLE_ATTEMPTS
            and now - self._unreachable_since >= UNREACHABLE_SECONDS
        ):
            return dataclasses.replace(observation, unreachable=True)
        return observation

    async def pause(self, attempt: int, observation: Observation, subject: Subject) -> None:
        """Sleep before sending again, and say so (``rollout.retrying``).

        The Smithy schedule of the rollout's delays, doubled after a throttle, never past the
        rollout's end (whose cancel scope then ends the call).
        """
        if subject.index is not None:
            self.last_errors[subject.index] = observation
        remaining = max(self.end - self.clock(), 0.0)
        delay = delay_for(
            attempt,
            min_delay=self.settings.min_delay,
            max_delay=self.settings.max_delay,
            remaining=remaining,
            throttled=observation.throttled,
        )
        emit(
            RolloutRetrying(
                instance_arn=self.instance_arn,
                until=self.until,
                operation=observation.operation,
                **subject.keys(),
                error_code=observation.error_code or "Unknown",
                error_message=observation.error_message,
                attempt=attempt,
                delay=delay,
            ),
            self.settings.on_event,
        )
        # A pause of zero still passes through the event loop, so that the deadline's
        # cancellation reaches a call retried at its very end.
        await anyio.sleep(delay)

    async def read(
        self, operation: str, params: Mapping[str, Any], subject: Subject = NOBODY
    ) -> dict[str, Any] | Observation:
        """A call that changes nothing, retried on throttling and transient errors.

        Returns:
            The answer, or the observation of an error no retry fixes (or of an endpoint
            that never answered).
        """
        attempt = 0
        while True:
            attempt += 1
            answer = await self.send(operation, params)
            if not isinstance(answer, Observation):
                return answer
            if not answer.transient or answer.unreachable:
                return answer
            await self.pause(attempt, answer, subject)

    async def pages(
        self, operation: str, params: Mapping[str, Any], key: str, subject: Subject = NOBODY
    ) -> list[Mapping[str, Any]] | Observation:
        """Every item of a List operation under *key*, page by page (each page a :meth:`read`)."""
        request = {**params, "MaxResults": PAGE_SIZE}
        items: list[Mapping[str, Any]] = []
        while True:
            page = await self.read(operation, request, subject)
            if isinstance(page, Observation):
                return page
            items.extend(item for item in page.get(key) or () if isinstance(item, Mapping))
            token = page.get("NextToken")
            if not token:
                return items
            request["NextToken"] = token

    async def write(
        self,
        operation: str,
        params: Mapping[str, Any],
        subject: Subject,
        *,
        retry_conflicts: bool,
    ) -> tuple[dict[str, Any] | Observation, int]:
        """A write, sent again after throttling (and conflicts, if *retry_conflicts*).

        Any other failure is returned for the caller to judge: a transient one (a 5xx, a
        dropped line) may or may not have reached the service, and is not sent blindly again.

        Returns:
            The answer or the observation of the last failure, and the writes sent.
        """
        attempt = 0
        while True:
            attempt += 1
            answer = await self.send(operation, params)
            if not isinstance(answer, Observation):
                return answer, attempt
            conflict = answer.error_code == CONFLICT
            if conflict:
                self.conflicts += 1
            if not (answer.throttled or (conflict and retry_conflicts)):
                return answer, attempt
            await self.pause(attempt, answer, subject)
