"""Durations as the public API takes them: seconds, or a timedelta."""

from __future__ import annotations

import datetime as dt
import math

__all__ = ["Seconds", "to_seconds"]

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
