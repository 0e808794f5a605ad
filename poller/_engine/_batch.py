"""Many requests of one kind on one instance, seen at once: which are still IN_PROGRESS.

A fan-out over hundreds of requests would spend the account's request rate on one Describe per
request per round, while most answers only say IN_PROGRESS again. The List…Status operation
of their kind says the same of a hundred requests per page. Each wait of the fan-out asks its
:class:`Batch` first: a request that a recent enough sweep lists IN_PROGRESS is still in
progress, and costs no Describe; one that it does not list is described, to read its final
state (or to find it still in progress, between two pages). A List operation that is denied,
or absent from the client, leaves each wait describing its request, as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import anyio

from poller._engine._observe import OBSERVED_ERRORS, observed_error
from poller._engine._resource import BatchListing
from poller._ratelimit import RequestLimiter

__all__ = ["Batch"]

_PAGE_SIZE: Final = 100


class Batch:
    """The requests of one kind on one instance that are IN_PROGRESS, listed for many waits.

    Args:
        client: The aiobotocore client of every wait of the batch.
        listing: The kind's List…Status operation.
        instance_arn: The instance.
        limiter: The fan-out's limiter, which every page goes through too.
        slots: The client's connection slots, shared with the waits' Describes.
        clock: The loop's clock.
    """

    def __init__(
        self,
        client: Any,
        listing: BatchListing,
        instance_arn: str,
        *,
        limiter: RequestLimiter | None,
        slots: anyio.Semaphore | None,
        clock: Callable[[], float],
    ) -> None:
        self._client = client
        self._listing = listing
        self.operation = listing.operation
        self._instance_arn = instance_arn
        self._limiter = limiter
        self._slots = slots
        self._clock = clock
        #: False once the List operation is denied or missing: every wait describes.
        self.usable = callable(getattr(client, listing.method, None))
        #: When the last complete sweep began, and what it listed IN_PROGRESS by request ID.
        self._latest: tuple[float, Mapping[str, Mapping[str, Any]]] = (-math.inf, {})
        #: The sweep under way: when it began, and the event set when it ends.
        self._running: tuple[float, anyio.Event] | None = None
        #: List requests sent, for the books (a wait's attempts count its Describes only).
        self.pages = 0
        #: Set when a sweep no longer lists the request, by request ID: its wait, pausing,
        #: wakes then rather than at its next poll.
        self._gone: dict[str, anyio.Event] = {}

    def gone(self, request_id: str) -> anyio.Event:
        """An event set once a later sweep no longer lists *request_id* IN_PROGRESS.

        Asked by a wait that has just seen it listed: an event set by an earlier sweep is
        stale (the request was listed again since), and is replaced.
        """
        event = self._gone.get(request_id)
        if event is None or event.is_set():
            event = self._gone[request_id] = anyio.Event()
        return event

    def forget(self, request_id: str) -> None:
        """Stop watching *request_id* (its wait is over)."""
        self._gone.pop(request_id, None)

    async def in_progress(self, request_id: str, since: float) -> Mapping[str, Any] | None:
        """The listing entry of *request_id*, if a sweep begun at *since* or later lists it.

        Joins the sweep under way, or begins one, when the last is older than *since*.

        Returns:
            The entry (``Status`` IN_PROGRESS, ``RequestId``, ``CreatedDate``), or None: not
            listed (:meth:`settled` then says so), or nothing could be listed; the request is
            then described.
        """
        if not self.usable:
            return None
        began, listed = self._latest
        if began < since:
            running = self._running
            if running is not None and running[0] >= since:
                await running[1].wait()
            else:
                await self._sweep()
            began, listed = self._latest
            if began < since:
                return None
        return listed.get(request_id)

    def settled(self, request_id: str, since: float) -> bool:
        """Whether a sweep begun at *since* or later no longer lists *request_id* in progress.

        The service then no longer counts it among the requests in progress.
        """
        began, listed = self._latest
        return self.usable and began >= since and request_id not in listed

    async def _sweep(self) -> None:
        """List every request IN_PROGRESS, page by page; waits joining it wait for its end."""
        began, ended = self._clock(), anyio.Event()
        self._running = (began, ended)
        try:
            listed = await self._pages()
            if listed is not None:
                self._latest = (began, listed)
                for request_id, event in self._gone.items():
                    if request_id not in listed:
                        event.set()
        finally:
            # Cancelled (the deadline of the wait that began it) or failed: those who joined
            # find the sweep older than they need, and describe their requests.
            ended.set()
            if self._running is not None and self._running[1] is ended:
                self._running = None

    async def _pages(self) -> dict[str, Mapping[str, Any]] | None:
        listing, limiter = self._listing, self._limiter
        params: dict[str, Any] = {
            "InstanceArn": self._instance_arn,
            "Filter": {"Status": "IN_PROGRESS"},
            "MaxResults": _PAGE_SIZE,
        }
        listed: dict[str, Mapping[str, Any]] = {}
        while True:
            if limiter is not None:
                await limiter.acquire()
            sent = self._clock()
            page = await self._page(params)
            if not isinstance(page, Mapping):
                if page.throttled and limiter is not None:
                    limiter.throttled(sent)
                if not page.transient:  # denied, or not a List this endpoint knows
                    self.usable = False
                return None
            for entry in page.get(listing.items) or ():
                request_id = entry.get("RequestId")
                if isinstance(request_id, str) and entry.get("Status") == "IN_PROGRESS":
                    listed[request_id] = entry
            token = page.get("NextToken")
            if not token:
                return listed
            params["NextToken"] = token

    async def _page(self, params: dict[str, Any]) -> Any:
        """One page, or the observation of its failure."""
        slots = self._slots
        if slots is not None:
            await slots.acquire()
        try:
            self.pages += 1
            return await getattr(self._client, self._listing.method)(**params)
        except OBSERVED_ERRORS as error:
            return observed_error(error, operation=self._listing.operation, removal_seen=False)
        finally:
            if slots is not None:
                slots.release()
