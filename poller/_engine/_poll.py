"""One wait's requests: sent through the limiter and slots, answered, observed.

The loop (:mod:`poller._engine._wait`) asks for one poll at a time; this sends it (or reads it
off the batch's List page), judges what came back into an :class:`Observation`, and keeps
what the next poll reuses: the last parse, and whether the endpoint has ever answered.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, Final

import anyio

from poller._engine._acceptors import Observation
from poller._engine._batch import Batch
from poller._engine._observe import OBSERVED_ERRORS, from_response, observed_error
from poller._engine._progress import Progress
from poller._engine._resource import Resource
from poller._engine._sends import SENDING, announces_sends
from poller._identity import Identity
from poller._ratelimit import RequestLimiter

__all__ = ["UNREACHABLE_ATTEMPTS", "UNREACHABLE_SECONDS", "Requests"]

#: An endpoint that has never answered is given up on after this many failed connections ...
UNREACHABLE_ATTEMPTS: Final = 3
#: ... spread over at least this many seconds.
UNREACHABLE_SECONDS: Final = 10.0


async def _take(slots: anyio.Semaphore) -> None:
    """One of *slots*, without a pass through the event loop when one is free."""
    try:
        slots.acquire_nowait()
    except anyio.WouldBlock:
        await slots.acquire()


class Requests:
    """The requests of one wait.

    Args:
        client: An aiobotocore ``sso-admin`` client.
        resource: What kind of resource.
        identity: Which one.
        limiter: Paces the requests, shared with other waits.
        slots: Requests that may be on the wire at once, shared by the waits of a fan-out on
            one client (its connection pool): a poll waits for a slot before it is built.
        batch: Says, for the many requests of a fan-out, which are still IN_PROGRESS.
        on_settled: Called once the batch no longer lists the request in progress.
    """

    def __init__(
        self,
        client: Any,
        resource: Resource,
        identity: Identity,
        limiter: RequestLimiter | None,
        *,
        slots: anyio.Semaphore | None = None,
        batch: Batch | None = None,
        on_settled: Callable[[], object] | None = None,
    ) -> None:
        self.client = client
        self.resource = resource
        self.identity = identity
        self.limiter = limiter
        self.slots = slots
        self.batch = batch
        #: Called when the batch no longer lists the request in progress (each time it is
        #: seen so, before the Describe that reads its end).
        self.on_settled = on_settled
        self._request = dict(resource.request(identity))
        #: Whether the client announces each request as it leaves (a stand-in cannot).
        self._announces = announces_sends(client)
        #: When this wait last looked (a batch's sweep must have begun since to be news).
        self._looked = -math.inf
        self._unreachable_since: float | None = None
        self._unreachable_count = 0
        #: The last answer as observed (its parse inside): most polls see the same answer
        #: again, and reuse it while it stays the same.
        self._observed: Observation | None = None

    async def poll(
        self, progress: Progress, clock: Callable[[], float]
    ) -> tuple[Observation, float | None]:
        """Send one Describe request, guarded by the caller's cancel scope.

        A request that the batch lists IN_PROGRESS is not described.

        Returns:
            What it observed, and the round trip in seconds (None: no Describe was sent).
        """
        resource, limiter, slots = self.resource, self.limiter, self.slots
        sent = clock()
        if self.batch is not None:
            listed = await self._listed(progress, sent)
            if listed is not None:
                return listed, None
        if slots is not None:
            await _take(slots)
        try:
            if limiter is not None:
                await limiter.acquire()
            if slots is not None or limiter is not None:
                sent = clock()
            progress.sent()
            sending = [False] if self._announces else None
            token = SENDING.set(sending)
            try:
                answer = await getattr(self.client, resource.method)(**self._request)
            except OBSERVED_ERRORS as error:
                answer = observed_error(
                    error, operation=resource.operation, removal_seen=progress.removal_seen
                )
            except BaseException:
                # Cut (the deadline, or cancelled) before it reached the wire: no attempt.
                if sending is not None and not sending[0]:
                    progress.unsent()
                raise
            finally:
                SENDING.reset(token)
        finally:
            if slots is not None:
                slots.release()
        answered = clock()
        if isinstance(answer, Observation):
            return self._failed(answer, progress, sent, answered), answered - sent
        return self._observe(answer, progress), answered - sent

    def _failed(
        self, observation: Observation, progress: Progress, sent: float, answered: float
    ) -> Observation:
        """A request that raised: counted, fed to the limiter, judged for reachability."""
        if not observation.sent:
            progress.unsent()
        if observation.throttled and self.limiter is not None:
            self.limiter.throttled(sent)
        return self._unreachable(observation, answered)

    async def _listed(self, progress: Progress, now: float) -> Observation | None:
        """IN_PROGRESS, if the batch's sweep lists the request; None: describe it."""
        assert self.batch is not None
        since = max(self._looked, progress.started)
        self._looked = now
        request_id = str(self.identity.request_id)
        entry = await self.batch.in_progress(request_id, since)
        if entry is None:
            if self.on_settled is not None and self.batch.settled(request_id, since):
                self.on_settled()
            return None
        observed = self._observed
        if observed is not None and observed.listed and observed.description.raw == entry:
            return observed
        resource = self.resource
        answer = {str(resource.answer_key): entry}
        observed = dataclasses.replace(
            from_response(
                resource.parse(answer),
                answer,
                operation=self.batch.operation,
                removal_seen=progress.removal_seen,
            ),
            listed=True,
        )
        self._observed = observed
        return observed

    def _observe(self, answer: dict[str, Any], progress: Progress) -> Observation:
        """An answered Describe as an observation; the last one again if nothing changed."""
        answer.pop("ResponseMetadata", None)
        # Most polls see the same answer again: parse and observe it only when it changed
        # (compared with the raw answer the last description keeps: no second copy held).
        observed = self._observed
        if (
            observed is None
            or observed.listed
            or observed.removal_seen != progress.removal_seen
            or answer != observed.description.raw
        ):
            resource = self.resource
            description = resource.parse(answer)
            observed = from_response(
                description,
                answer,
                operation=resource.operation,
                removal_seen=progress.removal_seen,
            )
            self._observed = observed if description is not None else None
            if description is None:  # garbled: it says nothing of the resource, nor the endpoint
                return observed
        self._unreachable_count = -1  # an answer came: the endpoint exists
        return observed

    def _unreachable(self, observation: Observation, now: float) -> Observation:
        """Mark a failed connection as unreachable once failures have gone on long enough."""
        if not observation.connect_failed:
            if observation.error_code is None or observation.http_status is not None:
                self._unreachable_count = -1  # an answer came: the endpoint exists
            return observation
        if self._unreachable_count < 0:
            return observation
        if self._unreachable_since is None:
            self._unreachable_since = now
        self._unreachable_count += 1
        if (
            self._unreachable_count >= UNREACHABLE_ATTEMPTS
            and now - self._unreachable_since >= UNREACHABLE_SECONDS
        ):
            return dataclasses.replace(observation, unreachable=True)
        return observation
