"""The tracer behind :func:`poller.otel.instrument`: spans and metrics from poller's hooks.

poller asks a :class:`poller.tracing.Tracer` for a trace as each wait and each fan-out begins
and tells it the wait's events (none per poll). Here a wait's trace is a span and its share
of the metrics; a fan-out's is one span counting its waits' outcomes, and so is a paced
rollout's, whose span events are its slots, retries and throttles. Every call into
OpenTelemetry is guarded on its own, so that a failing span still leaves the metrics, and
the reverse (poller drops what a trace raises, too).
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import importlib.metadata
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import ClassVar, Final

from opentelemetry import metrics, trace
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider
from opentelemetry.util.types import AttributeValue

import poller
from poller import exceptions
from poller.events import (
    Event,
    PollRetrying,
    WaitCancelled,
    WaitFailed,
    WaitStarted,
    WaitSucceeded,
    WaitTimedOut,
)

__all__ = ["BUCKETS", "OtelTracer", "RolloutTrace"]

#: The instrumentation scope of every span and metric.
SCOPE: Final = "poller"
#: ``poller.wait.duration``'s buckets, in seconds: a wait takes from a second to an hour.
BUCKETS: Final = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600)
#: Keys of every event that the wait's span carries already.
_SPAN_KEYS: Final = frozenset({"instance_arn", "until", "region_name", "request_id"})
#: Keys of every event that a rollout's span carries already.
_ROLLOUT_SPAN_KEYS: Final = frozenset({"instance_arn"})
#: The outcomes a fan-out counts, each an attribute ``poller.outcomes.<outcome>``.
_OUTCOMES: Final = tuple(str(outcome) for outcome in poller.Outcome)
#: Outcomes that are no success: a span ending on one has status ERROR.
_UNSUCCESSFUL: Final = frozenset(
    str(o)
    for o in poller.Outcome
    if o.exit_code not in (poller.ExitCode.OK, poller.ExitCode.SIGINT)
)
_END_EVENTS: Final = (WaitSucceeded, WaitFailed, WaitTimedOut, WaitCancelled)
_NO_CONTEXT: Final = contextlib.nullcontext()
#: True inside a fan-out of one wait, which has no span of its own: that wait has one.
_SOLO: contextvars.ContextVar[bool] = contextvars.ContextVar("poller_otel_solo", default=False)


def _version() -> str:
    try:
        return importlib.metadata.version("poller")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return ""


class _Instruments:
    """The four metrics of every wait."""

    def __init__(self, meter_provider: MeterProvider | None) -> None:
        meter = metrics.get_meter(SCOPE, _version(), meter_provider)
        self.duration = meter.create_histogram(
            "poller.wait.duration",
            unit="s",
            description="How long each wait took, from its start to its outcome.",
            explicit_bucket_boundaries_advisory=BUCKETS,
        )
        self.polls = meter.create_counter(
            "poller.polls", unit="{poll}", description="Describe requests sent by waits."
        )
        self.throttles = meter.create_counter(
            "poller.throttles",
            unit="{throttle}",
            description="Throttled requests of waits, each retried after a pause.",
        )
        self.active = meter.create_up_down_counter(
            "poller.waits.active", unit="{wait}", description="Waits under way."
        )


class OtelTracer:
    """A :class:`poller.tracing.Tracer` that makes OpenTelemetry spans and metrics.

    Args:
        tracer_provider: Where the spans go (None: the global provider).
        meter_provider: Where the metrics go (None: the global provider).
        member_spans: Whether each wait of a fan-out has a span of its own.
    """

    def __init__(
        self,
        tracer_provider: TracerProvider | None,
        meter_provider: MeterProvider | None,
        *,
        member_spans: bool,
    ) -> None:
        self.tracer = trace.get_tracer(SCOPE, _version(), tracer_provider)
        self.instruments = _Instruments(meter_provider)
        self.member_spans = member_spans

    def wait(
        self,
        resource: str,
        identity: poller.Identity,
        until: str,
        *,
        member: bool,
        region: str | None = None,
    ) -> WaitTrace:
        """A wait begins: its span (unless it is a fan-out's, and those have none)."""
        trace_ = WaitTrace(self.instruments, resource, until)
        if not member or self.member_spans or _SOLO.get():
            attributes: dict[str, AttributeValue] = {
                "poller.resource": resource,
                "poller.target": str(until),
                "poller.instance_arn": identity.instance_arn,
                "cloud.provider": "aws",
            }
            if region is not None:
                attributes["cloud.region"] = region
            if identity.region_name is not None:
                attributes["poller.region_name"] = identity.region_name
            if identity.request_id is not None:
                attributes["poller.request_id"] = identity.request_id
            with contextlib.suppress(Exception):
                trace_.span = self.tracer.start_span(
                    f"wait {resource}", kind=SpanKind.INTERNAL, attributes=attributes
                )
        return trace_

    def many(self, resource: str, until: str, count: int) -> ManyTrace:
        """A fan-out begins: its span (none for one wait, which has its own)."""
        many = ManyTrace()
        if count != 1:
            attributes: dict[str, AttributeValue] = {
                "poller.resource": resource,
                "poller.target": str(until),
                "poller.count": count,
                "cloud.provider": "aws",
            }
            with contextlib.suppress(Exception):
                many.span = self.tracer.start_span(
                    f"wait {resource} many", kind=SpanKind.INTERNAL, attributes=attributes
                )
        return many

    def rollout(
        self, resource: str, count: int, *, instance_arn: str, region: str | None = None
    ) -> RolloutTrace:
        """A paced rollout begins: its span, whose events are its slots and throttles."""
        rollout = RolloutTrace()
        attributes: dict[str, AttributeValue] = {
            "poller.resource": resource,
            "poller.instance_arn": instance_arn,
            "poller.count": count,
            "cloud.provider": "aws",
        }
        if region is not None:
            attributes["cloud.region"] = region
        with contextlib.suppress(Exception):
            rollout.span = self.tracer.start_span(
                f"rollout {resource}", kind=SpanKind.INTERNAL, attributes=attributes
            )
        return rollout


class WaitTrace:
    """One wait: its span (None for a fan-out's wait without one) and its metrics."""

    __slots__ = ("_ended", "_metric_keys", "instruments", "resource", "span", "until")

    def __init__(self, instruments: _Instruments, resource: str, until: str) -> None:
        self.instruments = instruments
        self.resource = resource
        self.until = until
        self.span: Span | None = None
        self._metric_keys: dict[str, AttributeValue] = {"poller.resource": resource}
        self._ended = False
        with contextlib.suppress(Exception):
            instruments.active.add(1, self._metric_keys)

    def activate(self) -> AbstractContextManager[object]:
        """The wait's span, current while the wait runs (its requests' spans nest under it)."""
        if self.span is None:
            return _NO_CONTEXT
        return trace.use_span(
            self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        )

    def event(self, event: Event) -> None:
        """A span event for each change, retry and unknown status; the outcome at the end."""
        if isinstance(event, _END_EVENTS):
            self._end(event)
            return
        if isinstance(event, WaitStarted):
            return  # the span's start
        if isinstance(event, PollRetrying) and event.throttled:
            with contextlib.suppress(Exception):
                self.instruments.throttles.add(1, self._throttle_keys(event))
        if self.span is not None:
            with contextlib.suppress(Exception):
                self.span.add_event(event.name, _attributes(event))

    def close(self) -> None:
        """The wait is over: end its span."""
        with contextlib.suppress(Exception):
            self.instruments.active.add(-1, self._metric_keys)
        if self.span is not None:
            with contextlib.suppress(Exception):
                if not self._ended:  # a defect ended the wait: no outcome, no end event
                    self.span.set_status(Status(StatusCode.ERROR, "the wait ended on a defect"))
                self.span.end()

    def _end(self, event: WaitSucceeded | WaitFailed | WaitTimedOut | WaitCancelled) -> None:
        self._ended = True
        outcome, error = self._outcome(event)
        keys: dict[str, AttributeValue] = {
            "poller.resource": self.resource,
            "poller.outcome": outcome,
        }
        if error is not None:
            keys["error.type"] = error
        with contextlib.suppress(Exception):
            self.instruments.duration.record(event.elapsed, keys)
        with contextlib.suppress(Exception):
            self.instruments.polls.add(event.attempts, self._metric_keys)
        span = self.span
        if span is None:
            return
        with contextlib.suppress(Exception):
            span.set_attribute("poller.outcome", outcome)
            span.set_attribute("poller.attempts", event.attempts)
            if error is not None:
                span.set_attribute("error.type", error)
                reason = event.reason if isinstance(event, WaitFailed) else None
                span.set_status(Status(StatusCode.ERROR, reason or error))

    def _outcome(
        self, event: WaitSucceeded | WaitFailed | WaitTimedOut | WaitCancelled
    ) -> tuple[str, str | None]:
        """The wait's outcome (a :class:`poller.Outcome`), and its error's class name."""
        if isinstance(event, WaitSucceeded):
            kind = poller.resources.get(self.resource)
            removal = kind is not None and self.until in kind.removals
            return str(poller.Outcome(self.until) if removal else poller.Outcome.REACHED), None
        if isinstance(event, WaitTimedOut):
            return str(poller.Outcome.TIMED_OUT), exceptions.WaitTimeoutError.__name__
        if isinstance(event, WaitCancelled):
            return str(poller.Outcome.CANCELLED), None
        error = getattr(exceptions, event.error, None)
        is_poller_error = isinstance(error, type) and issubclass(error, exceptions.PollerError)
        outcome = error.outcome if is_poller_error else poller.Outcome.ERROR  # type: ignore[union-attr]
        return str(outcome), event.error

    def _throttle_keys(self, event: PollRetrying) -> dict[str, AttributeValue]:
        # The service's Reason tells a throttle of the customer's KMS key
        # (KMS_ThrottlingException) from Identity Center's own, once the event carries it.
        reason = getattr(event, "error_reason", None)
        if reason is None:
            return self._metric_keys
        return {**self._metric_keys, "poller.throttle_reason": str(reason)}


class ManyTrace:
    """One fan-out: its span, counting its waits' outcomes (None for a fan-out of one)."""

    __slots__ = ("outcomes", "span")

    #: What the fan-out's status message counts.
    NOUN: ClassVar[str] = "waits"

    def __init__(self) -> None:
        self.span: Span | None = None
        self.outcomes: collections.Counter[str] = collections.Counter()

    def activate(self) -> AbstractContextManager[object]:
        """The fan-out's span, current while its waits run (their spans nest under it)."""
        if self.span is None:
            return _solo()
        return trace.use_span(
            self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        )

    def outcome(self, outcome: str) -> None:
        """One wait ended so."""
        self.outcomes[outcome] += 1

    def close(self) -> None:
        """The fan-out is over: its count per outcome, and its span ended."""
        span = self.span
        if span is None:
            return
        with contextlib.suppress(Exception):
            span.set_attributes(
                {f"poller.outcomes.{outcome}": self.outcomes[outcome] for outcome in _OUTCOMES}
            )
            unsuccessful = sum(self.outcomes[outcome] for outcome in _UNSUCCESSFUL)
            if unsuccessful:
                ended = self.outcomes.total()
                span.set_status(
                    Status(
                        StatusCode.ERROR,
                        f"{unsuccessful} of {ended} {self.NOUN} did not succeed",
                    )
                )
        with contextlib.suppress(Exception):
            span.end()


class RolloutTrace(ManyTrace):
    """One paced rollout: a fan-out's span, whose events are its own and its throttles."""

    __slots__ = ()

    NOUN: ClassVar[str] = "items"

    def activate(self) -> AbstractContextManager[object]:
        """The rollout's span, current while it runs (its calls' and waits' spans nest under it)."""
        if self.span is None:
            return _NO_CONTEXT
        return super().activate()

    def event(self, event: Event) -> None:
        """A span event: a slot taken (``rollout.request_started``), a retry, a throttle ..."""
        if self.span is not None:
            with contextlib.suppress(Exception):
                self.span.add_event(event.name, _attributes(event, _ROLLOUT_SPAN_KEYS))


@contextlib.contextmanager
def _solo() -> Iterator[None]:
    """Inside a fan-out of one wait: that wait has a span of its own."""
    token = _SOLO.set(True)
    try:
        yield
    finally:
        _SOLO.reset(token)


def _attributes(event: Event, span_keys: frozenset[str] = _SPAN_KEYS) -> dict[str, AttributeValue]:
    """An event's keys as a span event's attributes, less those its span has (and Nones).

    A mapping (``rollout.finished``'s ``calls``) is one attribute per key: ``calls.<key>``.
    """
    attributes: dict[str, AttributeValue] = {}
    for key, value in event.fields().items():
        if key in span_keys or value is None:
            continue
        if isinstance(value, dict):
            attributes.update({f"{key}.{inner}": count for inner, count in value.items()})
        else:
            attributes[key] = value  # type: ignore[assignment]  # str, int, float, bool
    return attributes
