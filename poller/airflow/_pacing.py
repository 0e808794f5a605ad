"""How long a task waits and how often it polls, in poller's words and in the Amazon provider's.

poller takes a ``timeout`` (the whole wait's limit) and the pause between polls
(``min_delay``, ``max_delay``); the Amazon provider's operators and triggers take
``waiter_delay`` (seconds between attempts) and ``waiter_max_attempts``. Both are accepted:

- ``waiter_delay`` is the pause between polls: ``min_delay = max_delay = waiter_delay``.
- ``waiter_max_attempts`` bounds the wait: ``timeout = waiter_max_attempts * max_delay``
  (``waiter_delay`` when given, else the longest pause), so that at least about that many polls
  fit in it.
- Given together with poller's own, they must agree: ``waiter_delay`` with a different
  ``min_delay`` or ``max_delay``, or ``waiter_max_attempts`` with a ``timeout`` other than
  their product, is refused.

A deferred task also ends by its ``execution_timeout``, which Airflow does not apply to a
deferral: the wait's deadline is the earlier of its own and the task's start plus
``execution_timeout``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Literal

from poller import Delays, Seconds, WaitSettings

__all__ = ["Pace", "deadline_of", "pace_of"]


@dataclasses.dataclass(frozen=True, slots=True)
class Pace:
    """A wait's budget and pauses, in float seconds.

    Attributes:
        timeout: The whole wait's limit, from its start.
        min_delay: The shortest pause between two polls of one resource.
        max_delay: The longest pause between two polls of one resource.
    """

    timeout: float
    min_delay: float
    max_delay: float


def _attempts(value: object) -> int:
    """*value* as a number of attempts (a positive int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"waiter_max_attempts must be a whole number, not {value!r}")
    if value < 1:
        raise ValueError(f"waiter_max_attempts must be at least 1, not {value!r}")
    return value


def pace_of(
    delays: Delays,
    *,
    timeout: Seconds | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    waiter_delay: Seconds | None = None,
    waiter_max_attempts: int | None = None,
) -> Pace:
    """The budget and pauses of a wait, from poller's settings or the provider's.

    Args:
        delays: The resource's own pauses, for those not given.
        timeout: The whole wait's limit (default 30 min).
        min_delay: The shortest pause between polls.
        max_delay: The longest pause between polls.
        waiter_delay: The provider's pause between attempts: both *min_delay* and *max_delay*.
        waiter_max_attempts: The provider's number of attempts: the timeout is this many
            longest pauses.

    Raises:
        ValueError: A setting out of range, or two that contradict each other.
        TypeError: A duration or a count of the wrong type.
    """
    steady: float | None = None
    if waiter_delay is not None:
        steady = _seconds("waiter_delay", waiter_delay)
        if steady <= 0:
            raise ValueError(f"waiter_delay must be positive, not {waiter_delay!r}")
        for name, given in (("min_delay", min_delay), ("max_delay", max_delay)):
            if given is not None and _seconds(name, given) != steady:
                raise ValueError(
                    f"waiter_delay={waiter_delay!r} is the pause between polls, and {name}="
                    f"{given!r} says otherwise: pass one or the other"
                )
        min_delay = max_delay = steady
    settings = WaitSettings.of(
        defaults=delays, timeout=timeout, min_delay=min_delay, max_delay=max_delay
    )
    budget = settings.budget()
    if waiter_max_attempts is not None:
        product = _attempts(waiter_max_attempts) * settings.max_delay
        if timeout is not None and budget != product:
            raise ValueError(
                f"timeout={timeout!r} and waiter_max_attempts={waiter_max_attempts!r} "
                f"(x {settings.max_delay:g} s between polls = {product:g} s) disagree: pass "
                "one or the other"
            )
        budget = WaitSettings.of(defaults=delays, timeout=product).budget()
    return Pace(timeout=budget, min_delay=settings.min_delay, max_delay=settings.max_delay)


def _seconds(name: str, value: object) -> float:
    """A duration in float seconds, for comparing the provider's settings with poller's."""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise TypeError(f"{name} must be seconds or a timedelta, not {value!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds, not {value!r}")
    return seconds


def deadline_of(
    *,
    started_at: float,
    timeout: float,
    task_started_at: float,
    execution_timeout: dt.timedelta | None,
) -> tuple[float, Literal["timeout", "execution_timeout"]]:
    """When a wait that began at *started_at* must end, and which limit says so.

    Args:
        started_at: When the wait began (epoch seconds).
        timeout: The wait's own limit, in seconds.
        task_started_at: When the task's try started (epoch seconds).
        execution_timeout: The task's ``execution_timeout``, or None.

    Returns:
        The deadline in epoch seconds, and ``timeout`` or ``execution_timeout``.
    """
    own = started_at + timeout
    if execution_timeout is None:
        return own, "timeout"
    task_end = task_started_at + execution_timeout.total_seconds()
    return (task_end, "execution_timeout") if task_end < own else (own, "timeout")
