"""The pause after a poll: the margin's ceiling changes neither the delay nor a timeout.

The ceiling stands in for the margin only far from the deadline. Each case pits
``Wait._pause`` against the schedule computed with the exact margin (the percentile of recent
round trips), around the point where ``_pause`` switches between the two.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import poller
from poller._backoff import delay_for
from poller._engine._acceptors import RETRY, WAIT, Decision, Observation
from poller._engine._progress import Progress
from poller._engine._wait import _SHORTEST_PAUSE, Wait
from poller._identity import Identity
from poller._resources._instance import INSTANCE
from poller._settings import WaitSettings
from poller.events import Event, PollScheduled
from tests.fakes import ARN
from tests.test_progress import Clock, seen

THROTTLED = Observation(error_code="ThrottlingException", operation="DescribeInstance")


def _case(generator: random.Random) -> dict[str, Any]:
    """Delays, recent round trips, where the jitter falls, and time left to the deadline."""
    min_delay = generator.choice([0.0, generator.uniform(0.001, 5)])
    max_delay = max(min_delay, 0.001) + generator.choice([0.0, generator.uniform(0.001, 20)])
    if generator.random() < 0.2:  # no pause to speak of, as the overhead benchmark's
        min_delay, max_delay = 0.0, 1e-9
    latencies = [generator.expovariate(2) for _ in range(generator.randint(1, 30))]
    if generator.random() < 0.5:  # one slow answer somewhere
        latencies[generator.randrange(len(latencies))] = generator.uniform(5, 30)
    ceiling = max(2 * max(latencies), 0.01)
    switch = ceiling + 2 * max_delay + min_delay + _SHORTEST_PAUSE
    return {
        "min_delay": min_delay,
        "max_delay": max_delay,
        "latencies": latencies,
        "fraction": generator.random(),
        "throttled": generator.random() < 0.3,
        # Around the switch, and around where the exact margin times out.
        "left": generator.choice([switch, ceiling, 0.0])
        + generator.uniform(-2, 2) * max_delay
        + generator.choice([generator.uniform(-0.05, 0.05), generator.uniform(-2e-3, 2e-3)]),
    }


async def _paused(case: dict[str, Any]) -> tuple[float | None, float | None]:
    """The delay _pause takes (None: it timed out), and the one the exact margin gives."""
    clock = Clock()
    events: list[Event] = []
    settings = WaitSettings.of(
        defaults=INSTANCE.delays,
        min_delay=case["min_delay"],
        max_delay=case["max_delay"],
        on_event=events.append,
    )

    def uniform(a: float, b: float) -> float:
        return a + (b - a) * case["fraction"]

    wait = Wait(object(), INSTANCE, Identity(ARN), "active", settings, uniform=uniform)

    async def sleep(delay: float) -> None:
        pass

    wait._sleep = sleep
    progress = Progress(INSTANCE, Identity(ARN), "active", settings, clock)
    for latency in case["latencies"]:
        progress.sent()
        progress.answered(seen("CREATE_IN_PROGRESS"), latency, retrying=False)
    observation = THROTTLED if case["throttled"] else seen("CREATE_IN_PROGRESS")
    decision: Decision = RETRY if case["throttled"] else WAIT
    deadline = clock() + case["left"]

    exact = deadline - clock() - progress.margin()
    expected = (
        None
        if exact < _SHORTEST_PAUSE
        else delay_for(
            progress.attempts,
            min_delay=case["min_delay"],
            max_delay=case["max_delay"],
            remaining=exact,
            uniform=uniform,
            throttled=case["throttled"],
        )
    )
    try:
        await wait._pause(progress, observation, deadline, decision, clock)
    except poller.WaitTimeoutError:
        return None, expected
    (scheduled,) = [event for event in events if isinstance(event, PollScheduled)]
    return scheduled.delay, expected


@pytest.mark.parametrize("seed", range(20))
async def test_the_margins_ceiling_changes_no_pause(seed: int) -> None:
    """Delays and timeouts are the exact margin's, far from the deadline and near it."""
    generator = random.Random(seed)
    for _ in range(100):
        case = _case(generator)
        taken, expected = await _paused(case)
        assert taken == expected, case
