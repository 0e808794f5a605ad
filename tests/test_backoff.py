"""The delay schedule: Smithy's waiter backoff with full jitter, under a deadline."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poller._backoff import delay_for

delays = st.floats(min_value=0.0, max_value=3600.0, allow_nan=False)
attempts = st.integers(min_value=1, max_value=10_000)
remaining_times = st.floats(min_value=0.0, max_value=100_000.0, allow_nan=False)
fractions = st.floats(min_value=0.0, max_value=1.0)


def _uniform_at(fraction: float):
    return lambda a, b: a + (b - a) * fraction


@given(attempts, delays, delays, remaining_times, fractions)
def test_within_bounds_and_deadline(
    attempt: int, low: float, high: float, remaining: float, fraction: float
) -> None:
    """Never below min (unless the deadline is closer), never above max, never past it."""
    min_delay, max_delay = sorted((low, high))
    if max_delay == 0:
        max_delay = 1.0

    delay = delay_for(
        attempt,
        min_delay=min_delay,
        max_delay=max_delay,
        remaining=remaining,
        uniform=_uniform_at(fraction),
    )

    assert 0 <= delay <= remaining or delay == remaining == 0
    assert delay <= max_delay or delay == remaining
    assert delay >= min_delay or delay == remaining


@given(attempts, delays, delays, fractions)
def test_throttling_doubles(attempt: int, low: float, high: float, fraction: float) -> None:
    """A throttled answer doubles the next delay, far from the deadline."""
    min_delay, max_delay = sorted((low, high))
    max_delay = max(max_delay, 0.001)
    settings = {"min_delay": min_delay, "max_delay": max_delay, "remaining": 1e9}

    plain = delay_for(attempt, uniform=_uniform_at(fraction), **settings)
    throttled = delay_for(attempt, uniform=_uniform_at(fraction), throttled=True, **settings)

    assert math.isclose(2 * plain, throttled)


def test_bound_doubles_up_to_max() -> None:
    """With the top of each jitter range, delays follow min·2^(n-1) up to max."""
    top = _uniform_at(1.0)

    got = [delay_for(n, min_delay=2, max_delay=30, remaining=1e9, uniform=top) for n in range(1, 8)]

    assert [2, 4, 8, 16, 30, 30, 30] == got


def test_jitter_draws_from_min_to_bound() -> None:
    """The jitter range of attempt n is [min, min·2^(n-1)]."""
    seen: list[tuple[float, float]] = []

    def record(a: float, b: float) -> float:
        seen.append((a, b))
        return a

    for n in (1, 2, 3):
        delay_for(n, min_delay=2, max_delay=30, remaining=1e9, uniform=record)

    assert [(2, 2), (2, 4), (2, 8)] == seen


def test_last_poll_lands_at_the_deadline() -> None:
    """When sleeping would leave no more than min_delay, sleep exactly what remains."""
    top = _uniform_at(1.0)

    assert 11.5 == delay_for(4, min_delay=2, max_delay=30, remaining=11.5, uniform=top)
    assert 0.5 == delay_for(1, min_delay=2, max_delay=30, remaining=0.5, uniform=top)


def test_zero_min_delay_is_full_jitter_over_max() -> None:
    """With min_delay 0 there is nothing to double: every delay draws from [0, max]."""
    seen: list[tuple[float, float]] = []

    def record(a: float, b: float) -> float:
        seen.append((a, b))
        return b

    delay_for(1, min_delay=0, max_delay=5, remaining=1e9, uniform=record)

    assert [(0, 5)] == seen


@pytest.mark.parametrize("attempt", [1, 100, 5000, 10**9])
def test_large_attempts_do_not_overflow(attempt: int) -> None:
    """Attempts far past the ceiling stay at max without overflow."""
    delay = delay_for(
        attempt, min_delay=1e-9, max_delay=1e9, remaining=1e12, uniform=_uniform_at(1.0)
    )

    assert delay <= 1e9
