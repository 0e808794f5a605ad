"""The settings of a wait: one frozen, validated value, each default written once.

Times are float seconds, or a :class:`datetime.timedelta`; a deadline is absolute (an aware
datetime, or epoch seconds) so that a wait can resume after a restart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from typing import TYPE_CHECKING, Final, TypedDict, Unpack

if TYPE_CHECKING:
    from poller._ratelimit import RequestLimiter
    from poller.events import EventHook

__all__ = [
    "DEFAULT_TIMEOUT",
    "Delays",
    "Moment",
    "Seconds",
    "Settings",
    "WaitSettings",
    "to_seconds",
]

Seconds = float | dt.timedelta
"""A duration: seconds as a number, or a :class:`datetime.timedelta`."""

Moment = float | dt.datetime
"""An absolute time: epoch seconds, or a :class:`datetime.datetime` with a time zone."""

#: The whole wait's limit when neither ``timeout`` nor ``deadline`` is given.
DEFAULT_TIMEOUT: Final = 1800.0


def to_seconds(name: str, value: Seconds) -> float:
    """*value* in float seconds; *name* is the setting, for the error message.

    Raises:
        TypeError: *value* is neither a number nor a timedelta.
        ValueError: *value* is not finite.
    """
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(f"{name} must be seconds or a timedelta, not {value!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds, not {value!r}")
    return seconds


def to_epoch(value: Moment) -> float:
    """An absolute time in epoch seconds.

    Raises:
        TypeError: *value* is neither a number nor a datetime.
        ValueError: A naive datetime (ambiguous across machines), or a time that is not finite.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"deadline needs a time zone, such as datetime.UTC: {value!r}")
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"deadline must be finite epoch seconds, not {value!r}")
        return float(value)
    raise TypeError(f"deadline must be a datetime with a time zone or epoch seconds, not {value!r}")


class Settings(TypedDict, total=False):
    """The settings every wait takes, as keywords: declared here once, for every waiter.

    Each waiter takes them as ``**settings``; all are optional.

    Attributes:
        timeout: The whole wait's limit, in seconds or a timedelta (default 30 min); not with
            *deadline*.
        deadline: Instead of *timeout*, an absolute end: an aware datetime or epoch seconds
            (to resume a wait after a restart).
        min_delay: The shortest pause between polls (default: the resource's; 0 is full
            jitter).
        max_delay: The longest pause between polls (default: the resource's; throttling may
            stretch it, never past the deadline).
        on_event: Called with each :mod:`poller.events` event, in order.
        limiter: Paces the requests, shared with other waits on the same account (a
            :class:`poller.RateLimiter`); None sends each poll when it is due.
    """

    timeout: Seconds | None
    deadline: Moment | None
    min_delay: Seconds | None
    max_delay: Seconds | None
    on_event: EventHook | None
    limiter: RequestLimiter | None


_SETTING_NAMES: Final = frozenset(Settings.__annotations__)


@dataclasses.dataclass(frozen=True, slots=True)
class Delays:
    """A resource's default pause between polls: the Smithy schedule's bounds."""

    min_delay: float
    max_delay: float


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaitSettings:
    """How long and how often one wait (or a fan-out of many) polls, checked once.

    Build it with :meth:`of`, which converts and checks every argument; the fields are then in
    float seconds. Exactly one of ``timeout`` and ``deadline`` is set.

    Attributes:
        timeout: The wait's limit, counted from its start; None when ``deadline`` is set.
        deadline: The absolute end of the wait, in epoch seconds; None when ``timeout`` is set.
        min_delay: The shortest pause between polls (0: full jitter).
        max_delay: The longest pause of the schedule (throttling may stretch it).
        on_event: Called with each event, in order.
        limiter: Paces requests shared with other waits on one account.
    """

    timeout: float | None
    deadline: float | None
    min_delay: float
    max_delay: float
    on_event: EventHook | None = None
    limiter: RequestLimiter | None = None

    @classmethod
    def of(cls, *, defaults: Delays, **settings: Unpack[Settings]) -> WaitSettings:
        """Check and convert the settings a waiter was given (:class:`Settings`).

        Args:
            defaults: The resource's delays, for those not given.
            **settings: :class:`Settings`: ``timeout`` or ``deadline``, ``min_delay``,
                ``max_delay``, ``on_event``, ``limiter``.

        Raises:
            ValueError: A setting is out of range, or both *timeout* and *deadline* are given.
            TypeError: A duration or time of the wrong type, or a keyword that is no setting.
        """
        unknown = sorted(set(settings) - _SETTING_NAMES)
        if unknown:
            known = ", ".join(sorted(_SETTING_NAMES))
            raise TypeError(f"unexpected keyword argument {unknown[0]!r}: the settings are {known}")
        timeout = settings.get("timeout")
        deadline = settings.get("deadline")
        min_delay = settings.get("min_delay")
        max_delay = settings.get("max_delay")
        on_event = settings.get("on_event")
        limiter = settings.get("limiter")
        if timeout is not None and deadline is not None:
            raise ValueError("give timeout or deadline, not both")
        seconds: float | None = None
        epoch: float | None = None
        if deadline is not None:
            epoch = to_epoch(deadline)
        else:
            seconds = DEFAULT_TIMEOUT if timeout is None else to_seconds("timeout", timeout)
            if seconds <= 0:
                raise ValueError(f"timeout must be positive, not {timeout!r}")
        low = defaults.min_delay if min_delay is None else to_seconds("min_delay", min_delay)
        high = defaults.max_delay if max_delay is None else to_seconds("max_delay", max_delay)
        if low < 0:
            raise ValueError(f"min_delay must not be negative, not {min_delay!r}")
        if high <= 0:
            raise ValueError(f"max_delay must be positive, not {max_delay!r}")
        if low > high:
            raise ValueError(_order_message(low, high, min_given=min_delay is not None))
        if on_event is not None and not callable(on_event):
            raise TypeError(f"on_event must be callable, not {on_event!r}")
        return cls(
            timeout=seconds,
            deadline=epoch,
            min_delay=low,
            max_delay=high,
            on_event=on_event,
            limiter=limiter,
        )

    def budget(self, now: float | None = None) -> float:
        """Seconds the wait may take from *now* (epoch seconds; the wall clock by default).

        Zero or less when the deadline has already passed.
        """
        if self.deadline is None:
            assert self.timeout is not None
            return self.timeout
        return self.deadline - (time.time() if now is None else now)


def _order_message(low: float, high: float, *, min_given: bool) -> str:
    if min_given:
        return f"min_delay ({low:g} s) must not be above max_delay ({high:g} s)"
    return (
        f"max_delay ({high:g} s) is below this resource's default min_delay ({low:g} s): "
        "give a min_delay no larger than max_delay too"
    )
