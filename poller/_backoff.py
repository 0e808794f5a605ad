"""The delay between two polls: Smithy's waiter schedule with full jitter, under a deadline."""

from __future__ import annotations

import random
from typing import Final, Protocol

__all__ = ["Uniform", "delay_for"]

_MAX_EXPONENT: Final = 1023


class Uniform(Protocol):
    """Where jitter comes from: ``random.Random().uniform`` or anything shaped like it."""

    def __call__(self, a: float, b: float, /) -> float: ...


def delay_for(
    attempt: int,
    *,
    min_delay: float,
    max_delay: float,
    remaining: float,
    uniform: Uniform = random.uniform,
    throttled: bool = False,
) -> float:
    """Seconds to sleep after poll number *attempt* (counted from 1).

    The Smithy waiter schedule (2024 revision) in float seconds: the upper bound doubles from
    *min_delay* until it reaches *max_delay*, the delay is drawn uniformly between *min_delay*
    and that bound, and when what would be left after sleeping is no more than *min_delay*, the
    delay becomes *remaining* so that one last poll lands at the deadline.

    Args:
        attempt: Polls made so far, 1 after the first.
        min_delay: The shortest delay, in seconds, >= 0.
        max_delay: The longest delay of the schedule, in seconds, >= min_delay.
        remaining: Seconds until the last moment a poll may be sent; never exceeded.
        uniform: The source of jitter.
        throttled: The last answer was throttling: the delay is doubled (and may then exceed
            *max_delay*, never *remaining*), because the service asked us to slow down.

    Returns:
        A delay in ``[min_delay, max_delay]`` (doubled if throttled), or *remaining* when
        the deadline is closer than that, and never below zero.
    """
    if min_delay <= 0:
        bound = max_delay  # nothing to double: the schedule starts at its top
    else:
        # Once the doubling passes max_delay this is max_delay (for any max/min ratio below
        # 2**1023); the exponent is clamped so that a long wait's attempts cannot overflow it.
        bound = min(max_delay, min_delay * 2.0 ** min(attempt - 1, _MAX_EXPONENT))
    delay = min(max(uniform(min_delay, bound), min_delay), bound)
    if throttled:
        delay *= 2
    if remaining - delay <= min_delay:
        delay = remaining
    return max(delay, 0.0)
