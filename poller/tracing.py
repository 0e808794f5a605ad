"""Hooks for tracing waits: what an instrumentation (OpenTelemetry's, in :mod:`poller.otel`) sees.

A :class:`Tracer` added with :func:`add_tracer` is asked, as each wait begins, for a
:class:`WaitTrace`; it hears the wait's events (not the debug ones: nothing per poll), and is
closed after the wait's last event. A wait run to its end (not watched) runs inside the trace's
:meth:`~WaitTrace.activate` context, so that what its requests record (aiobotocore's own
spans) has the wait for parent. A fan-out is one :class:`ManyTrace`, told each wait's outcome;
its waits ask for traces of their own with ``member=True``, and run inside the fan-out's
context. A tracer that raises never ends or alters a wait: its errors are dropped.

A paced rollout (``apply_account_assignments``, ``provision_permission_sets``) is one
:class:`RolloutTrace`, from a tracer's optional :meth:`~RolloutTracer.rollout` (a tracer
without that method, written before it, is left out of rollouts and traces their waits as
before). The rollout runs inside the trace's :meth:`~RolloutTrace.activate` context; the trace
hears every ``rollout.*`` event (not the debug ones) and each throttled ``poll.retrying`` of
the rollout's waits, is told each item's outcome, and is closed when the rollout ends, however
it ends. The rollout's waits ask for traces of their own with ``member=True``, as a fan-out's
do (``member=False`` of a tracer without ``rollout``, which sees them as before).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from poller._identity import Identity
    from poller.events import Event

__all__ = [
    "ManyTrace",
    "RolloutTrace",
    "RolloutTracer",
    "Tracer",
    "WaitTrace",
    "add_tracer",
    "remove_tracer",
    "tracers",
]


class WaitTrace(Protocol):
    """One wait, as a tracer follows it."""

    def activate(self) -> AbstractContextManager[object]:
        """A context in which the wait's requests run (the trace's span current)."""

    def event(self, event: Event) -> None:
        """One of the wait's events (``wait.started`` first, its end event last)."""

    def close(self) -> None:
        """The wait is over (after its end event)."""


class ManyTrace(Protocol):
    """One fan-out (``wait_many``, ``wait_for_requests`` ...), as a tracer follows it."""

    def activate(self) -> AbstractContextManager[object]:
        """A context in which every wait of the fan-out runs."""

    def outcome(self, outcome: str) -> None:
        """One wait ended so (``reached``, ``failed``, ``timed-out`` ...)."""

    def close(self) -> None:
        """The fan-out is over."""


class RolloutTrace(Protocol):
    """One paced rollout, as a tracer follows it."""

    def activate(self) -> AbstractContextManager[object]:
        """A context in which the whole rollout runs: its calls, and its waits."""

    def event(self, event: Event) -> None:
        """A ``rollout.*`` event, or a throttled ``poll.retrying`` of one of its waits."""

    def outcome(self, outcome: str) -> None:
        """One item ended so (``reached``, ``unchanged``, ``failed`` ...)."""

    def close(self) -> None:
        """The rollout is over (after ``rollout.finished``, or cut short)."""


class Tracer(Protocol):
    """Makes a trace for each wait and each fan-out, or None to leave one alone.

    A tracer may also make one for each paced rollout: see :class:`RolloutTracer`, whose
    method is optional (looked up on each tracer as a rollout begins).
    """

    def wait(
        self,
        resource: str,
        identity: Identity,
        until: str,
        *,
        member: bool,
        region: str | None = None,
    ) -> WaitTrace | None:
        """A trace for a wait on *resource* (its name in ``poller.resources``).

        *member* is True for a wait of a fan-out, whose trace the fan-out has; *region* is
        the AWS Region its client calls, where the client says.
        """

    def many(self, resource: str, until: str, count: int) -> ManyTrace | None:
        """A trace for a fan-out of *count* waits on *resource*."""


class RolloutTracer(Tracer, Protocol):
    """A :class:`Tracer` that follows paced rollouts too."""

    def rollout(
        self, resource: str, count: int, *, instance_arn: str, region: str | None = None
    ) -> RolloutTrace | None:
        """A trace for a rollout of *count* items whose requests are of kind *resource*.

        *resource* is the kind's name in ``poller.resources``
        (``account-assignment-creation`` ...); *region* the AWS Region its client calls,
        where the client says.
        """


_tracers: list[Tracer] = []


def add_tracer(tracer: Tracer) -> None:
    """Trace every wait that begins from now on with *tracer* (once, however often added)."""
    if tracer not in _tracers:
        _tracers.append(tracer)


def remove_tracer(tracer: Tracer) -> None:
    """Stop tracing with *tracer* (waits already traced keep their traces)."""
    with contextlib.suppress(ValueError):
        _tracers.remove(tracer)


def tracers() -> tuple[Tracer, ...]:
    """The tracers added, in order."""
    return tuple(_tracers)


class Traces:
    """The traces of one wait or fan-out from every tracer, told each thing once, safely.

    The engine's side of the hooks: empty (and free) when no tracer was added.
    """

    __slots__ = ("_traces",)

    def __init__(self, traces: list[WaitTrace] | list[ManyTrace] | list[RolloutTrace]) -> None:
        self._traces = traces

    @classmethod
    def of_wait(
        cls,
        resource: str,
        identity: Identity,
        until: str,
        *,
        member: bool,
        region: str | None = None,
        rollout: bool = False,
    ) -> Traces:
        """Every tracer's trace of a wait.

        A wait of a rollout (*rollout*) is a member for the tracers that follow rollouts, and
        a wait of its own for the others, which have no trace of the rollout.
        """
        traces: list[WaitTrace] = []
        for tracer in _tracers:
            with contextlib.suppress(Exception):  # a tracer must not end a wait
                one = member and (not rollout or getattr(tracer, "rollout", None) is not None)
                trace = tracer.wait(resource, identity, until, member=one, region=region)
                if trace is not None:
                    traces.append(trace)
        return cls(traces)

    @classmethod
    def of_many(cls, resource: str, until: str, count: int) -> Traces:
        """Every tracer's trace of a fan-out."""
        traces: list[ManyTrace] = []
        for tracer in _tracers:
            with contextlib.suppress(Exception):
                trace = tracer.many(resource, until, count)
                if trace is not None:
                    traces.append(trace)
        return cls(traces)

    @classmethod
    def of_rollout(
        cls, resource: str, count: int, *, instance_arn: str, region: str | None = None
    ) -> Traces:
        """Every tracer's trace of a rollout (from those that follow rollouts)."""
        traces: list[RolloutTrace] = []
        for tracer in _tracers:
            with contextlib.suppress(Exception):
                make = getattr(tracer, "rollout", None)
                if make is None:  # a tracer written before rollouts had traces
                    continue
                trace = make(resource, count, instance_arn=instance_arn, region=region)
                if trace is not None:
                    traces.append(trace)
        return cls(traces)

    def __bool__(self) -> bool:
        return bool(self._traces)

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        """Every trace's context, entered in order (none entered if one fails)."""
        with contextlib.ExitStack() as stack:
            for trace in self._traces:
                with contextlib.suppress(Exception):
                    stack.enter_context(trace.activate())
            yield

    def event(self, event: Event) -> None:
        """Hand *event* to every wait (or rollout) trace."""
        for trace in self._traces:
            with contextlib.suppress(Exception):
                trace.event(event)  # type: ignore[union-attr]

    def outcome(self, outcome: str) -> None:
        """Hand a fan-out member's (a rollout item's) outcome to every fan-out (rollout) trace."""
        for trace in self._traces:
            with contextlib.suppress(Exception):
                trace.outcome(outcome)  # type: ignore[union-attr]

    def close(self) -> None:
        """Close every trace."""
        for trace in self._traces:
            with contextlib.suppress(Exception):
                trace.close()


#: The traces of what no tracer follows.
NO_TRACES = Traces([])
