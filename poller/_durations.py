"""Durations as the public API takes them: seconds, or a timedelta."""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["Seconds", "check_timing", "to_seconds"]

Seconds = float | dt.timedelta
"""A duration: seconds as a number, or a :class:`datetime.timedelta`."""


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


def check_timing(
    timeout: Seconds, min_delay: Seconds, max_delay: Seconds
) -> tuple[float, float, float]:
    """A wait's timeout and delay range, checked and in float seconds.

    Raises:
        ValueError: The timeout is not positive, or the delays are not 0 <= min <= max, max > 0.
        TypeError: A duration is neither a number nor a timedelta.
    """
    seconds = to_seconds("timeout", timeout)
    low = to_seconds("min_delay", min_delay)
    high = to_seconds("max_delay", max_delay)
    if seconds <= 0:
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    if low < 0:
        raise ValueError(f"min_delay must not be negative, not {min_delay!r}")
    if high <= 0 or low > high:
        raise ValueError(
            f"max_delay must be positive and at least min_delay ({min_delay!r}), not {max_delay!r}"
        )
    return seconds, low, high
