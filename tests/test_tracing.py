"""poller.tracing: what a tracer sees of a wait and of a fan-out, and that it never alters one."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import pytest

import poller
from poller import tracing
from poller.events import Event
from tests.fakes import ARN, OTHER_ARN, ScriptedClient, described

#: Which trace is current, as a tracer would make its span current.
CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("current", default=None)
FAST: dict[str, Any] = {"timeout": 10, "min_delay": 0, "max_delay": 0.001}


class Trace:
    """Records what it is told."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.events: list[str] = []
        self.outcomes: list[str] = []
        self.closed = 0

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        """Make this trace current."""
        token = CURRENT.set(self.name)
        try:
            yield
        finally:
            CURRENT.reset(token)

    def event(self, event: Event) -> None:
        """Note an event."""
        self.events.append(event.name)

    def outcome(self, outcome: str) -> None:
        """Note an outcome."""
        self.outcomes.append(outcome)

    def close(self) -> None:
        """Note the close."""
        self.closed += 1


class Recorder:
    """A tracer that keeps every trace it makes."""

    def __init__(self) -> None:
        self.waits: list[tuple[str, str, bool, Trace]] = []
        self.manies: list[tuple[str, int, Trace]] = []

    def wait(
        self, resource: str, identity: Any, until: str, *, member: bool, region: Any = None
    ) -> Trace:
        """A trace of a wait."""
        trace = Trace(f"wait {identity.instance_arn}")
        self.waits.append((resource, until, member, trace))
        return trace

    def many(self, resource: str, until: str, count: int) -> Trace:
        """A trace of a fan-out."""
        trace = Trace("many")
        self.manies.append((resource, count, trace))
        return trace


class Seeing(ScriptedClient):
    """A scripted client that notes which trace was current at each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current: list[str | None] = []

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance, noting the current trace."""
        self.current.append(CURRENT.get())
        return await super().describe_instance(**params)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A Recorder added as a tracer for one test."""
    recorder = Recorder()
    tracing.add_tracer(recorder)
    yield recorder
    tracing.remove_tracer(recorder)


async def test_a_wait_is_traced_from_start_to_end(recorder: Recorder) -> None:
    """Every event but the per-poll ones, in order; requests inside its context; closed once."""
    client = Seeing([described("CREATE_IN_PROGRESS"), described("ACTIVE")])

    await poller.wait_for_instance(client, ARN, **FAST)

    [(resource, until, member, trace)] = recorder.waits
    assert ("instance", "active", False) == (resource, until, member)
    assert ["wait.started", "instance.status_changed", "instance.status_changed"] == (
        trace.events[:3]
    )
    assert "wait.succeeded" == trace.events[-1]
    assert not any(name.startswith("poll.") for name in trace.events)
    assert {f"wait {ARN}"} == set(client.current)
    assert 1 == trace.closed


async def test_a_fan_out_is_one_trace_told_each_outcome(recorder: Recorder) -> None:
    """wait_many: one fan-out trace with each outcome; member traces; requests inside both."""
    client = Seeing([described("ACTIVE")])

    await poller.wait_for_instances([(client, ARN), (client, OTHER_ARN)], **FAST)

    [(resource, count, many)] = recorder.manies
    assert ("instance", 2) == (resource, count)
    assert ["reached", "reached"] == many.outcomes
    assert 1 == many.closed
    assert [True, True] == [member for _, _, member, _ in recorder.waits]
    assert set(client.current) <= {f"wait {ARN}", f"wait {OTHER_ARN}"}


async def test_a_watched_wait_hears_its_events_without_a_context(recorder: Recorder) -> None:
    """watch: the events and the close, but no context held across the watcher's yields."""
    client = Seeing([described("ACTIVE")])

    async with contextlib.aclosing(poller.watch_instance(client, ARN, **FAST)) as states:
        async for _ in states:
            pass

    [(_, _, _, trace)] = recorder.waits
    assert ["wait.started", "instance.status_changed", "wait.succeeded"] == trace.events
    assert [None] == client.current
    assert 1 == trace.closed


class Failing:
    """A tracer whose every method raises."""

    def wait(self, *args: Any, **kwargs: Any) -> Any:
        """Fail."""
        raise RuntimeError("tracer broke")

    def many(self, *args: Any, **kwargs: Any) -> Any:
        """Fail."""
        raise RuntimeError("tracer broke")


async def test_a_failing_tracer_never_alters_a_wait() -> None:
    """A tracer that raises: the wait ends as it would have, with the same attempts."""
    failing = Failing()
    tracing.add_tracer(failing)
    try:
        result = await poller.wait_for_instance(
            ScriptedClient([described("CREATE_IN_PROGRESS"), described("ACTIVE")]), ARN, **FAST
        )
    finally:
        tracing.remove_tracer(failing)

    assert (2, "ACTIVE") == (result.attempts, result.instance.status)


def test_a_tracer_is_added_once_and_removed() -> None:
    """add_tracer twice keeps one; remove_tracer of an absent one is harmless."""
    recorder = Recorder()
    tracing.add_tracer(recorder)
    tracing.add_tracer(recorder)
    assert 1 == tracing.tracers().count(recorder)
    tracing.remove_tracer(recorder)
    tracing.remove_tracer(recorder)
    assert recorder not in tracing.tracers()
