"""A client-side request rate per account: a token bucket that backs off when throttled (AIMD).

IAM Identity Center's APIs share one throttle limit per account (the service's quotas page
gives a collective 20 transactions per second), and every tool calling the account draws on it.
Waiters that poll many instances of one account at once would, without a limit of their own,
burst far beyond it and turn into a throttling storm that each waiter's backoff only slowly
undoes. So requests on one client pass through a :class:`RateLimiter`: a token bucket refilled
at ``rate`` tokens a second, holding at most ``burst``. A ThrottlingException halves the rate
(once per round of requests: answers to requests sent before the last halving do not count
again), and the rate then climbs back by ``recovery`` tokens a second, every second, up to
``rate`` (additive increase, multiplicative decrease).

:class:`TokenBucket` is the arithmetic, pure, with the time passed in; :class:`RateLimiter`
puts it on anyio's clock (so it runs in virtual time under trio's ``MockClock`` too) and queues
waiters fairly, so that only the first in line sleeps on the bucket.
"""

from __future__ import annotations

import collections
import itertools
import math
from collections.abc import Callable
from typing import Final, Protocol

import anyio

__all__ = [
    "DEFAULT_BURST",
    "DEFAULT_RATE",
    "RateLimiter",
    "RequestLimiter",
    "TokenBucket",
]

#: Requests per second per account: half of Identity Center's collective 20 TPS, leaving the
#: other half to whatever else calls the account (a console, Terraform, another job).
DEFAULT_RATE: Final = 10.0
#: Requests that may leave at once after a quiet spell.
DEFAULT_BURST: Final = 10.0
#: The floor a throttled rate halves down to: one request every ten seconds.
DEFAULT_MIN_RATE: Final = 0.1
#: Float error in the refill: a token short by less than this is a token (else a waiter
#: would sleep for a time too small to move the clock, and spin).
_ROUNDING: Final = 1e-9


class RequestLimiter(Protocol):
    """What the waiter asks before each request, and tells when the service throttles."""

    async def acquire(self) -> None:
        """Return when one request may be sent."""

    def throttled(self, sent_at: float) -> None:
        """The request sent at *sent_at* (``anyio.current_time()``) was throttled."""


def _check_positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, not {value!r}")
    return float(value)


class TokenBucket:
    """A token bucket whose refill rate halves when throttled and recovers linearly.

    Times are seconds on any monotonic clock, passed in by the caller. The bucket starts full.

    Args:
        rate: Tokens (requests) added per second, and the ceiling the rate recovers to.
        burst: The most tokens the bucket holds (at least 1).
        min_rate: The floor below which throttling does not halve the rate.
        recovery: Tokens per second by which the rate grows back each second after a
            halving; by default a tenth of *rate*, so a halved rate is whole in 5 s.
        now: The time at creation.

    Attributes:
        rate: The current refill rate (between *min_rate* and the configured *rate*).
        tokens: Tokens available right now (as of the last call).
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float = DEFAULT_BURST,
        *,
        min_rate: float = DEFAULT_MIN_RATE,
        recovery: float | None = None,
        now: float = 0.0,
    ) -> None:
        self.max_rate = _check_positive("rate", rate)
        self.burst = _check_positive("burst", burst)
        if self.burst < 1:
            raise ValueError(f"burst must be at least 1, not {burst!r}")
        self.min_rate = min(_check_positive("min_rate", min_rate), self.max_rate)
        self.recovery = (
            self.max_rate / 10 if recovery is None else _check_positive("recovery", recovery)
        )
        self.rate = self.max_rate
        self.tokens = self.burst
        self.updated = now
        #: When the rate was last halved: throttled answers to earlier requests don't count.
        self.decreased_at = -math.inf

    def _advance(self, now: float) -> None:
        elapsed = now - self.updated
        if elapsed <= 0:
            return
        # The rate climbs linearly while tokens accrue; the tokens gained over the interval
        # are the area under that line (a trapezoid, then flat once the ceiling is reached).
        start = self.rate
        end = min(self.max_rate, start + self.recovery * elapsed)
        ramp = (end - start) / self.recovery
        gained = (start + end) / 2 * ramp + end * (elapsed - ramp)
        self.rate = end
        self.tokens = min(self.burst, self.tokens + gained)
        self.updated = now

    def try_take(self, now: float) -> float:
        """Take one token if there is one.

        Returns:
            0.0 when a token was taken; otherwise the seconds until one will be there at the
            current rate (ask again then: the rate may have changed).
        """
        self._advance(now)
        if self.tokens >= 1 - _ROUNDING:
            self.tokens = max(self.tokens - 1, 0.0)
            return 0.0
        return (1 - self.tokens) / self.rate

    def throttled(self, now: float, sent_at: float | None = None) -> bool:
        """The service throttled a request: halve the rate and empty the bucket.

        Args:
            now: The time of the throttled answer.
            sent_at: When that request was sent. Throttled answers to requests sent before the
                last halving were already accounted for by it, and change nothing.

        Returns:
            Whether the rate was halved.
        """
        self._advance(now)
        if sent_at is not None and sent_at < self.decreased_at:
            return False
        self.rate = max(self.min_rate, self.rate / 2)
        self.tokens = min(self.tokens, 0.0)
        self.decreased_at = now
        return True


class RateLimiter:
    """A :class:`TokenBucket` on anyio's clock, shared by every request to one account.

    Waiters queue in order; only the first sleeps on the bucket, so a thousand waiters cost
    one wake-up per request, not a thousand; one that is cancelled leaves the queue at once
    (a fan-out's deadline cancels them all together). Use it from one event loop at a time.

    Args:
        rate: Requests per second, at most (the ceiling the rate recovers to).
        burst: Requests that may leave at once after a quiet spell.
        min_rate: The floor for the rate when throttled.
        recovery: How fast (requests per second, per second) a halved rate climbs back.
        clock: The time source; ``anyio.current_time`` by default.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float = DEFAULT_BURST,
        *,
        min_rate: float = DEFAULT_MIN_RATE,
        recovery: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._clock = clock or anyio.current_time
        # Born full, and the clock is first read at the first request: the limiter may be
        # created outside the event loop.
        self.bucket = TokenBucket(rate, burst, min_rate=min_rate, recovery=recovery, now=-math.inf)
        #: Whether a waiter has the turn (takes a token, sleeping on the bucket if need be).
        self._busy = False
        #: Those waiting for the turn, in order, by ticket: each leaves in O(1) if cancelled.
        self._waiting: collections.OrderedDict[int, anyio.Event] = collections.OrderedDict()
        self._tickets = itertools.count()

    @property
    def rate(self) -> float:
        """The current rate, in requests per second."""
        return self.bucket.rate

    async def acquire(self) -> None:
        """Return when one request may be sent (first come, first served)."""
        if self._busy or self._waiting:
            ticket, turn = next(self._tickets), anyio.Event()
            self._waiting[ticket] = turn
            try:
                await turn.wait()
            except BaseException:
                if self._waiting.pop(ticket, None) is None:
                    self._pass_on()  # cancelled as it was handed the turn: hand it on
                raise
        else:
            self._busy = True
        try:
            # Sleep, then ask again: the rate may have been halved in the meantime.
            wait = self.bucket.try_take(self._clock())
            while wait > 0:
                await anyio.sleep(wait)
                wait = self.bucket.try_take(self._clock())
        finally:
            self._pass_on()

    def _pass_on(self) -> None:
        """Give the turn to the first waiter, if any; else nobody has it."""
        if self._waiting:
            _, turn = self._waiting.popitem(last=False)
            turn.set()
        else:
            self._busy = False

    def throttled(self, sent_at: float) -> None:
        """The request sent at *sent_at* was throttled: halve the rate."""
        self.bucket.throttled(self._clock(), sent_at)
