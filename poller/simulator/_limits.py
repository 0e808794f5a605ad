"""IAM Identity Center's documented service limits, enforced when asked, and their counters.

AWS documents, for the Identity Center APIs, a collective throttle of 20 transactions per
second over every operation of an account, and at most 15 outstanding asynchronous write calls
(CreateAccountAssignment, DeleteAccountAssignment), a limit that cannot be raised. The
simulator applies the second to ProvisionPermissionSet too, the third asynchronous write of a
rollout. Both are off unless asked for (``Simulator(aws_limits=True)``); the counters run
either way, so that a benchmark can tell how close it came.

- The rate is a token bucket on the simulator's clock: *rate* tokens a simulated second, up to
  *burst*; a request that finds it empty answers ThrottlingException ``Rate exceeded``. A
  simulator running *time_scale* times faster than real time refills it as many times faster.
- An asynchronous write that finds *outstanding* requests of its instance IN_PROGRESS answers
  ThrottlingException. AWS does not document that answer; users of the service report
  ``There are too many requests processing. Please try again later.``, which is what is said.

DESIGN.md, "Service limits" gives the choices made where AWS is silent.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from poller.simulator._errors import ServiceError

if TYPE_CHECKING:
    from poller.simulator._clock import SimulatedClock
    from poller.simulator._requests import Request

#: AWS's documented collective throttle: transactions per second over every operation.
DEFAULT_RATE: Final = 20.0
#: How many requests may come at once after a quiet second: one second's worth.
DEFAULT_BURST: Final = 20.0
#: AWS's documented limit of outstanding asynchronous write calls per instance.
DEFAULT_OUTSTANDING: Final = 15

#: The message of a request refused by the rate, as the service words its throttling.
RATE_EXCEEDED: Final = "Rate exceeded"
#: The message of an asynchronous write refused by the outstanding limit (undocumented by AWS:
#: the words users of the service report).
TOO_MANY_PROCESSING: Final = "There are too many requests processing. Please try again later."
#: The message of a ConflictException from an asynchronous write, in the service's words.
CONFLICTING_OPERATION: Final = "There is a conflicting operation in process."


@dataclass(frozen=True, slots=True)
class LimitCounters:
    """What the limits did, counted since the simulator started or its counters were reset.

    Attributes:
        throttled_rate: Requests answered ThrottlingException by the token bucket.
        throttled_outstanding: Asynchronous writes answered ThrottlingException because their
            instance had as many requests IN_PROGRESS as the outstanding limit allows.
        conflicts: ConflictException answers of the asynchronous writes (a permission set
            already being provisioned, an assignment already being changed, an assignment
            change of a permission set being provisioned to its account).
        peak_outstanding: The most requests IN_PROGRESS at once on any one instance.
        peak_outstanding_by_instance: That peak for each instance that started a request.
    """

    throttled_rate: int = 0
    throttled_outstanding: int = 0
    conflicts: int = 0
    peak_outstanding: int = 0
    peak_outstanding_by_instance: Mapping[str, int] = field(default_factory=dict)


class OutstandingWrites:
    """The requests of one instance that may be IN_PROGRESS, counted without a scan.

    A request is IN_PROGRESS until its ``ready_at`` unless a status is forced on it. The
    unforced ones sit in a heap by ``ready_at`` and leave it once their time is up; the few
    with a forced status are corrected for one by one. Not thread-safe: the simulator's lock
    guards it.
    """

    __slots__ = ("_forced", "_heap", "_order")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Request]] = []
        self._order = itertools.count()
        self._forced: dict[str, Request] = {}

    def add(self, request: Request) -> None:
        """Count *request* while it is IN_PROGRESS."""
        heapq.heappush(self._heap, (request.ready_at, next(self._order), request))
        self.forced(request)

    def forced(self, request: Request) -> None:
        """Take note that a status was forced on *request*, or lifted."""
        if request.forced_status is None:
            self._forced.pop(request.request_id, None)
        else:
            self._forced[request.request_id] = request

    def count(self, now: float) -> int:
        """Return how many of the requests are IN_PROGRESS at *now*."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            heapq.heappop(heap)
        correction = sum(
            (request.status(now) == "IN_PROGRESS") - (now < request.ready_at)
            for request in self._forced.values()
        )
        return len(heap) + correction


class ServiceLimits:
    """The token bucket, the outstanding limit and the counters of one simulator.

    Safe to use from any thread. Settings are checked when set: *rate* a positive finite
    number of requests per simulated second, *burst* at least 1, *outstanding* a positive
    integer.
    """

    def __init__(
        self,
        clock: SimulatedClock,
        *,
        enabled: bool = False,
        rate: float = DEFAULT_RATE,
        burst: float = DEFAULT_BURST,
        outstanding: int = DEFAULT_OUTSTANDING,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.enabled = False
        self.rate = self.burst = 0.0
        self.outstanding = 0
        self._tokens = 0.0
        self._updated = clock.now()
        self._throttled_rate = 0
        self._throttled_outstanding = 0
        self._conflicts = 0
        self._peaks: dict[str, int] = {}
        self.configure(enabled=enabled, rate=rate, burst=burst, outstanding=outstanding)

    def configure(
        self,
        *,
        enabled: bool | None = None,
        rate: float | None = None,
        burst: float | None = None,
        outstanding: int | None = None,
    ) -> None:
        """Change what is given (``None``: keep it); turning the limits on fills the bucket.

        Raises:
            ValueError: For a rate, burst or outstanding limit out of range; nothing changes.
        """
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"the rate must be a positive finite number, not {rate!r}")
        if burst is not None and not (math.isfinite(burst) and burst >= 1):
            raise ValueError(f"the burst must be a finite number, 1 or more, not {burst!r}")
        if outstanding is not None and (
            isinstance(outstanding, bool) or not isinstance(outstanding, int) or outstanding < 1
        ):
            raise ValueError(
                f"the outstanding limit must be a positive integer, not {outstanding!r}"
            )
        with self._lock:
            self._refill()
            if rate is not None:
                self.rate = float(rate)
            if burst is not None:
                self.burst = float(burst)
                self._tokens = min(self._tokens, self.burst)
            if outstanding is not None:
                self.outstanding = outstanding
            if enabled is not None:
                if enabled and not self.enabled:
                    self._tokens = self.burst
                self.enabled = bool(enabled)

    def _refill(self) -> None:
        now = self._clock.now()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def admit(self) -> None:
        """Take a token for a request, when the limits are on.

        Raises:
            ServiceError: ThrottlingException ``Rate exceeded`` when the bucket is empty.
        """
        if not self.enabled:
            return
        with self._lock:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return
            self._throttled_rate += 1
        raise ServiceError("ThrottlingException", RATE_EXCEEDED)

    def check_outstanding(self, in_progress: int) -> None:
        """Refuse an asynchronous write whose instance has *in_progress* requests running.

        Raises:
            ServiceError: ThrottlingException when the limits are on and *in_progress* has
                reached the outstanding limit.
        """
        if not self.enabled or in_progress < self.outstanding:
            return
        with self._lock:
            self._throttled_outstanding += 1
        raise ServiceError("ThrottlingException", TOO_MANY_PROCESSING)

    def conflict(self) -> ServiceError:
        """Count a ConflictException of an asynchronous write, and return it."""
        with self._lock:
            self._conflicts += 1
        return ServiceError("ConflictException", CONFLICTING_OPERATION)

    def observe(self, instance_arn: str, in_progress: int) -> None:
        """Keep the peak of requests IN_PROGRESS on *instance_arn*."""
        with self._lock:
            if in_progress > self._peaks.get(instance_arn, 0):
                self._peaks[instance_arn] = in_progress

    def counters(self) -> LimitCounters:
        """Return the counters now."""
        with self._lock:
            peaks = dict(self._peaks)
            return LimitCounters(
                self._throttled_rate,
                self._throttled_outstanding,
                self._conflicts,
                max(peaks.values(), default=0),
                peaks,
            )

    def reset_counters(self, in_progress: Mapping[str, int]) -> None:
        """Zero the counters; each instance's peak starts again from *in_progress* now."""
        with self._lock:
            self._throttled_rate = self._throttled_outstanding = self._conflicts = 0
            self._peaks = {arn: count for arn, count in in_progress.items() if count}
