"""A rollout as tracers follow it (:mod:`poller.tracing`): one trace for the whole run.

The rollout runs inside its traces' context, so that the spans of its own calls (the writes,
the listings) and of its waits nest under the rollout's. Its ``rollout.*`` events (not the
debug ones) and its waits' throttled ``poll.retrying`` reach the traces through the rollout's
``on_event``, ahead of the caller's hook, which sees the same events as untraced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from poller.events import (
    Event,
    EventHook,
    PollRetrying,
    RolloutEvent,
    RolloutFinished,
    RolloutStarted,
)
from poller.tracing import Traces, tracers

if TYPE_CHECKING:
    from poller._rollout._core import Rollout

__all__ = ["traced"]

OutcomeT = TypeVar("OutcomeT")

#: The rollout's own events, besides those about one item.
_ROLLOUT_EVENTS = (RolloutEvent, RolloutStarted, RolloutFinished)


async def traced(
    rollout: Rollout[OutcomeT], run: Callable[[], Awaitable[list[OutcomeT]]]
) -> list[OutcomeT]:
    """*run* (the rollout's), followed by every tracer that follows rollouts."""
    if not tracers():
        return await run()
    region = getattr(getattr(rollout.client, "meta", None), "region_name", None)
    traces = Traces.of_rollout(
        rollout.kind.name,
        rollout.count,
        instance_arn=rollout.instance_arn,
        region=region if isinstance(region, str) else None,
    )
    if not traces:
        return await run()
    rollout.traces = traces
    on_event = _told(traces, rollout.settings.on_event)
    rollout.settings = dataclasses.replace(rollout.settings, on_event=on_event)
    try:
        with traces.activate():
            return await run()
    finally:
        traces.close()


def _told(traces: Traces, on_event: EventHook | None) -> EventHook:
    """*on_event*, telling *traces* first the events a rollout's trace hears."""

    def told(event: Event) -> None:
        if isinstance(event, _ROLLOUT_EVENTS):
            if event.level != "debug":
                traces.event(event)
        elif isinstance(event, PollRetrying) and event.throttled:
            traces.event(event)
        if on_event is not None:
            on_event(event)

    return told
