"""poller.otel: a span per wait and per fan-out, the metrics, and waits left as they were.

Scripted clients in virtual time; the SDK's in-memory span exporter and metric reader. Over
HTTP, with aiobotocore's own instrumentation and under ``opentelemetry-instrument``:
tests/test_otel_http.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from importlib.metadata import entry_points
from typing import Any

import anyio
import pytest
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import StatusCode
from trio.testing import MockClock

import poller
import poller.otel
from poller import tracing
from poller.events import Event, PollRetrying, WaitFailed
from poller.otel import _tracer
from tests.fakes import ARN, OTHER_ARN, ScriptedClient, client_error, described

FAST: dict[str, Any] = {"timeout": 60, "min_delay": 1, "max_delay": 2}
THIRD_ARN = "arn:aws:sso:::instance/ssoins-1111111111111111"


@dataclasses.dataclass
class Telemetry:
    """What poller.otel recorded: finished spans and metric points."""

    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader
    tracer_provider: TracerProvider
    meter_provider: MeterProvider

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        """The finished spans, in the order they ended (only those called *name*)."""
        spans = self.exporter.get_finished_spans()
        return [span for span in spans if name is None or span.name == name]

    def span(self, name: str) -> ReadableSpan:
        """The one finished span called *name*."""
        [span] = self.spans(name)
        return span

    def points(self, metric: str) -> dict[tuple[tuple[str, Any], ...], Any]:
        """Each data point of *metric*, by its attributes: a sum's value, a histogram's point."""
        data = self.reader.get_metrics_data()
        points: dict[tuple[tuple[str, Any], ...], Any] = {}
        for resource_metrics in data.resource_metrics if data is not None else ():
            for scope in resource_metrics.scope_metrics:
                for found in scope.metrics:
                    if found.name == metric:
                        for point in found.data.data_points:
                            key = tuple(sorted(point.attributes.items()))
                            points[key] = getattr(point, "value", point)
        return points

    def unit(self, metric: str) -> str:
        """The unit *metric* was created with."""
        data = self.reader.get_metrics_data()
        assert data is not None
        return next(
            found.unit
            for resource_metrics in data.resource_metrics
            for scope in resource_metrics.scope_metrics
            for found in scope.metrics
            if found.name == metric
        )


class _OwnIds(RandomIdGenerator):
    """Span and trace IDs from a generator of their own, not the random module's.

    The SDK's IDs come from ``random.getrandbits``, the stream poller's jitter draws from:
    the tests that compare waits with and without telemetry seed that stream.
    """

    def __init__(self) -> None:
        self._random = random.Random()

    def generate_span_id(self) -> int:
        """A span ID."""
        return self._random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        """A trace ID."""
        return self._random.getrandbits(128) or 1


def _telemetry() -> Telemetry:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider(id_generator=_OwnIds())
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    return Telemetry(exporter, reader, tracer_provider, MeterProvider(metric_readers=[reader]))


@pytest.fixture
def otel() -> Iterator[Telemetry]:
    """Poller instrumented for one test, into in-memory telemetry."""
    telemetry = _telemetry()
    poller.otel.instrument(telemetry.tracer_provider, telemetry.meter_provider)
    yield telemetry
    poller.otel.uninstrument()


def _key(**attributes: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(attributes.items()))


class Seeing(ScriptedClient):
    """A scripted client that notes the span current at each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current: list[str] = []

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance, noting the current span's name."""
        span = trace.get_current_span()
        self.current.append(getattr(span, "name", "(none)"))
        return await super().describe_instance(**params)


# -- one wait --------------------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_a_wait_is_one_span_with_its_identity_outcome_and_changes(otel: Telemetry) -> None:
    """The span `wait instance`: INTERNAL, its keys and outcome, an event per change (not poll)."""
    client = Seeing([described("CREATE_IN_PROGRESS")] * 3 + [described("ACTIVE")])

    await poller.wait_for_instance(client, ARN, **FAST)

    span = otel.span("wait instance")
    assert trace.SpanKind.INTERNAL == span.kind
    assert {
        "poller.resource": "instance",
        "poller.target": "active",
        "poller.instance_arn": ARN,
        "cloud.provider": "aws",
        "poller.outcome": "reached",
        "poller.attempts": 4,
    } == dict(span.attributes or {})
    assert StatusCode.UNSET == span.status.status_code
    assert ["instance.status_changed", "instance.status_changed"] == [e.name for e in span.events]
    first, second = (dict(event.attributes or {}) for event in span.events)
    assert {"status": "CREATE_IN_PROGRESS", "reasons": (), "attempt": 1, "elapsed": 0.0} == first
    assert ("CREATE_IN_PROGRESS", "ACTIVE", 4) == (
        second["previous_status"],
        second["status"],
        second["attempt"],
    )
    assert 1 == len(otel.spans())
    assert ["wait instance"] * 4 == client.current  # every request inside the wait's span


@pytest.mark.virtual_time
async def test_a_wait_nests_under_the_callers_span(otel: Telemetry) -> None:
    """The wait's span is a child of whatever span is current where it is awaited."""
    tracer = otel.tracer_provider.get_tracer("caller")

    with tracer.start_as_current_span("rollout") as outer:
        await poller.wait_for_instance(ScriptedClient([described("ACTIVE")]), ARN, **FAST)

    span = otel.span("wait instance")
    assert span.parent is not None
    assert outer.get_span_context().span_id == span.parent.span_id


@pytest.mark.virtual_time
async def test_a_failure_is_an_error_with_its_class_and_reason(otel: Telemetry) -> None:
    """CREATE_FAILED: status ERROR with AWS's reason, error.type the class, outcome failed."""
    client = ScriptedClient([described("CREATE_FAILED", reason="Quota reached")])

    with pytest.raises(poller.InstanceCreateFailedError):
        await poller.wait_for_instance(client, ARN, **FAST)

    span = otel.span("wait instance")
    attributes = dict(span.attributes or {})
    assert ("failed", "InstanceCreateFailedError", 1) == (
        attributes["poller.outcome"],
        attributes["error.type"],
        attributes["poller.attempts"],
    )
    assert (StatusCode.ERROR, "Quota reached") == (span.status.status_code, span.status.description)
    key = {"poller.resource": "instance", "poller.outcome": "failed"}
    key["error.type"] = "InstanceCreateFailedError"
    assert 1 == otel.points("poller.wait.duration")[_key(**key)].count


@pytest.mark.virtual_time
async def test_a_timeout_is_an_error(otel: Telemetry) -> None:
    """The deadline passes: ERROR, error.type WaitTimeoutError, outcome timed-out."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])

    with pytest.raises(poller.WaitTimeoutError) as caught:
        await poller.wait_for_instance(client, ARN, timeout=30, min_delay=5, max_delay=5)

    attributes = dict(otel.span("wait instance").attributes or {})
    assert ("timed-out", "WaitTimeoutError", caught.value.attempts) == (
        attributes["poller.outcome"],
        attributes["error.type"],
        attributes["poller.attempts"],
    )
    assert StatusCode.ERROR == otel.span("wait instance").status.status_code


@pytest.mark.virtual_time
async def test_a_cancelled_wait_is_no_error(otel: Telemetry) -> None:
    """Cancelled from outside: outcome cancelled, status left unset, the wait no longer active."""
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])

    with anyio.move_on_after(10):
        await poller.wait_for_instance(client, ARN, **FAST)

    span = otel.span("wait instance")
    assert "cancelled" == (span.attributes or {})["poller.outcome"]
    assert StatusCode.UNSET == span.status.status_code
    assert 0 == otel.points("poller.waits.active")[_key(**{"poller.resource": "instance"})]


@pytest.mark.virtual_time
async def test_a_deletion_ends_deleted(otel: Telemetry) -> None:
    """A removal target reached: outcome deleted, as the result's."""
    client = ScriptedClient(
        [described("DELETE_IN_PROGRESS"), client_error("AccessDeniedException")],
        listing=[{"Instances": []}],
    )

    result = await poller.wait_for_instance(client, ARN, until="deleted", **FAST)

    assert "deleted" == result.outcome
    assert "deleted" == (otel.span("wait instance").attributes or {})["poller.outcome"]


@pytest.mark.virtual_time
async def test_retries_and_unknown_statuses_are_span_events(otel: Telemetry) -> None:
    """poll.retrying with its error code, an unknown status: span events named as poller's."""
    client = ScriptedClient(
        [
            client_error("ThrottlingException", "Rate exceeded"),
            client_error("InternalServerException", status=500),
            described("WARMING_UP"),
            described("ACTIVE"),
        ]
    )

    await poller.wait_for_instance(client, ARN, **FAST)

    events = otel.span("wait instance").events
    assert [
        "poll.retrying",
        "poll.retrying",
        "instance.unknown_status",
        "instance.status_changed",
        "instance.status_changed",
    ] == [event.name for event in events]
    throttled = dict(events[0].attributes or {})
    assert ("ThrottlingException", "Rate exceeded", 1) == (
        throttled["error_code"],
        throttled["error_message"],
        throttled["attempt"],
    )
    assert {"delay", "elapsed"} < set(throttled)
    assert "instance_arn" not in throttled  # the span's own keys are not repeated
    assert {"status": "WARMING_UP", "attempt": 3} == {
        k: v for k, v in (events[2].attributes or {}).items() if k != "elapsed"
    }
    # Throttles are counted; a 500 is retried but is no throttle.
    assert {_key(**{"poller.resource": "instance"}): 1} == otel.points("poller.throttles")


def test_a_throttles_reason_is_kept_once_the_event_carries_it() -> None:
    """A poll.retrying with the service's Reason (KMS_ThrottlingException) counts it apart."""

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class WithReason(PollRetrying):
        error_reason: str | None = None

    telemetry = _telemetry()
    otel = _tracer.OtelTracer(
        telemetry.tracer_provider, telemetry.meter_provider, member_spans=False
    )
    trace_ = otel.wait("instance", poller.Identity(ARN), "active", member=False)
    common: dict[str, Any] = {"instance_arn": ARN, "until": "active", "error_message": ""}
    common |= {"attempt": 1, "delay": 1.0, "elapsed": 0.0}

    kms = "KMS_ThrottlingException"  # the customer's KMS key, not Identity Center, throttled
    trace_.event(WithReason(error_code="ThrottlingException", error_reason=kms, **common))
    trace_.event(WithReason(error_code="ThrottlingException", **common))
    trace_.close()

    resource = {"poller.resource": "instance"}
    assert {
        _key(**resource): 1,
        _key(**resource, **{"poller.throttle_reason": kms}): 1,
    } == telemetry.points("poller.throttles")
    [span] = telemetry.spans()
    assert kms == (span.events[0].attributes or {})["error_reason"]


def test_a_failure_of_a_class_poller_does_not_name_is_an_error_outcome() -> None:
    """A wait.failed naming an unknown class: outcome error, error.type that name."""
    telemetry = _telemetry()
    otel = _tracer.OtelTracer(telemetry.tracer_provider, None, member_spans=False)
    trace_ = otel.wait("instance", poller.Identity(ARN), "active", member=False)

    trace_.event(
        WaitFailed(
            instance_arn=ARN,
            until="active",
            error="SomethingNewError",
            reason=None,
            status=None,
            attempts=2,
            elapsed=1.0,
        )
    )
    trace_.close()

    [span] = telemetry.spans()
    attributes = dict(span.attributes or {})
    assert ("error", "SomethingNewError") == (
        attributes["poller.outcome"],
        attributes["error.type"],
    )
    assert "SomethingNewError" == span.status.description


@pytest.mark.virtual_time
async def test_a_wait_ended_by_a_defect_is_an_error_without_outcome(otel: Telemetry) -> None:
    """A client that raises what no botocore call raises: the span ends ERROR, no outcome."""
    client = ScriptedClient([RuntimeError("a bug")])

    with pytest.raises(RuntimeError):
        await poller.wait_for_instance(client, ARN, **FAST)

    span = otel.span("wait instance")
    assert StatusCode.ERROR == span.status.status_code
    assert "poller.outcome" not in (span.attributes or {})
    assert 0 == otel.points("poller.waits.active")[_key(**{"poller.resource": "instance"})]


@pytest.mark.virtual_time
async def test_a_watched_wait_has_its_span_without_holding_it_current(otel: Telemetry) -> None:
    """watch: the span and its events, but no context held across the watcher's yields."""
    client = Seeing([described("CREATE_IN_PROGRESS"), described("ACTIVE")])

    async with contextlib.aclosing(poller.watch_instance(client, ARN, **FAST)) as states:
        async for _ in states:
            pass

    span = otel.span("wait instance")
    assert "reached" == (span.attributes or {})["poller.outcome"]
    assert 2 == len(span.events)
    assert "wait instance" not in client.current


async def test_regions_and_requests_carry_their_own_key(
    otel: Telemetry, stubbed: tuple[Any, Any]
) -> None:
    """poller.region_name for a Region, poller.request_id for a request; others absent."""
    client, stubber = stubbed
    request_id = "b2a1c3d4-5678-4abc-9def-0123456789ab"
    stubber.add_response("describe_region", {"RegionName": "eu-west-1", "Status": "ACTIVE"})
    stubber.add_response(
        "describe_account_assignment_creation_status",
        {"AccountAssignmentCreationStatus": {"RequestId": request_id, "Status": "SUCCEEDED"}},
    )

    await poller.wait_for_region(client, ARN, "eu-west-1", timeout=5)
    await poller.wait_for_account_assignment_creation(client, ARN, request_id, timeout=5)

    region = dict(otel.span("wait region").attributes or {})
    assignment = dict(otel.span("wait account-assignment-creation").attributes or {})
    assert ("eu-west-1", "region", "active") == (
        region["poller.region_name"],
        region["poller.resource"],
        region["poller.target"],
    )
    assert "poller.request_id" not in region
    assert (request_id, "succeeded") == (
        assignment["poller.request_id"],
        assignment["poller.target"],
    )
    assert "poller.region_name" not in assignment


# -- fan-outs --------------------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_a_fan_out_is_one_span_counting_outcomes(otel: Telemetry) -> None:
    """The span `wait instance many`: the count, an integer per outcome, ERROR as one failed."""
    failing = ScriptedClient([described("CREATE_FAILED", reason="Quota reached")])
    good = Seeing([described("CREATE_IN_PROGRESS"), described("ACTIVE")])

    outcomes = await poller.wait_for_instances(
        [(good, ARN), (failing, OTHER_ARN), (good, THIRD_ARN)], **FAST
    )

    assert [True, False, True] == [o.ok for o in outcomes]
    assert ["wait instance many"] == [span.name for span in otel.spans()]  # no member spans
    attributes = dict(otel.span("wait instance many").attributes or {})
    assert {
        "poller.resource": "instance",
        "poller.target": "active",
        "poller.count": 3,
        "cloud.provider": "aws",
    }.items() <= attributes.items()
    counts = {
        k.removeprefix("poller.outcomes."): v for k, v in attributes.items() if "outcomes" in k
    }
    assert {str(outcome): 0 for outcome in poller.Outcome} | {"reached": 2, "failed": 1} == counts
    status = otel.span("wait instance many").status
    assert (StatusCode.ERROR, "1 of 3 waits did not succeed") == (
        status.status_code,
        status.description,
    )
    assert {"wait instance many"} == set(good.current)  # members' requests under the fan-out
    # Every member wait is measured all the same.
    durations = otel.points("poller.wait.duration")
    assert (
        2 == durations[_key(**{"poller.resource": "instance", "poller.outcome": "reached"})].count
    )


@pytest.mark.virtual_time
async def test_a_fan_out_that_all_succeeds_is_no_error(otel: Telemetry) -> None:
    """Every wait reached: the fan-out's status is left unset."""
    client = ScriptedClient([described("ACTIVE")])

    await poller.wait_for_instances([(client, ARN), (client, OTHER_ARN)], **FAST)

    span = otel.span("wait instance many")
    assert StatusCode.UNSET == span.status.status_code
    assert 2 == (span.attributes or {})["poller.outcomes.reached"]


@pytest.mark.virtual_time
async def test_member_spans_nest_under_the_fan_out() -> None:
    """member_spans=True: a span per wait, a child of the fan-out's, its requests under it."""
    telemetry = _telemetry()
    poller.otel.instrument(telemetry.tracer_provider, telemetry.meter_provider, member_spans=True)
    client = Seeing([described("ACTIVE")])
    try:
        await poller.wait_for_instances([(client, ARN), (client, OTHER_ARN)], **FAST)
    finally:
        poller.otel.uninstrument()

    many = telemetry.span("wait instance many")
    members = telemetry.spans("wait instance")
    assert 2 == len(members)
    assert {many.context.span_id} == {span.parent.span_id for span in members if span.parent}
    assert {ARN, OTHER_ARN} == {(span.attributes or {})["poller.instance_arn"] for span in members}
    assert {"wait instance"} == set(client.current)


@pytest.mark.virtual_time
async def test_member_spans_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """OTEL_PYTHON_POLLER_MEMBER_SPANS=true does what member_spans=True does."""
    monkeypatch.setenv(poller.otel.MEMBER_SPANS_ENV, "true")
    telemetry = _telemetry()
    poller.otel.instrument(telemetry.tracer_provider, telemetry.meter_provider)
    client = ScriptedClient([described("ACTIVE")])
    try:
        await poller.wait_for_instances([(client, ARN), (client, OTHER_ARN)], **FAST)
    finally:
        poller.otel.uninstrument()

    assert 2 == len(telemetry.spans("wait instance"))


@pytest.mark.virtual_time
async def test_a_fan_out_of_one_is_that_waits_span(otel: Telemetry) -> None:
    """One wait (the command's poller wait ARN): its own span, no fan-out span."""
    client = Seeing([described("ACTIVE")])

    await poller.wait_for_instances([(client, ARN)], **FAST)

    assert ["wait instance"] == [span.name for span in otel.spans()]
    assert ["wait instance"] == client.current


# -- metrics ---------------------------------------------------------------------------------


@pytest.mark.virtual_time
async def test_metrics_of_waits(otel: Telemetry) -> None:
    """Duration (s) by resource and outcome; polls sent; active waits, up then down."""
    seen_active: list[Any] = []

    def active() -> dict[str, Any]:
        seen_active.append(otel.points("poller.waits.active"))
        return described("ACTIVE")

    client = ScriptedClient(
        [described("CREATE_IN_PROGRESS"), client_error("ThrottlingException"), active]
    )

    result = await poller.wait_for_instance(client, ARN, timeout=60, min_delay=5, max_delay=5)
    other = ScriptedClient([described("ACTIVE")])
    await poller.wait_for_instances([(other, ARN), (other, OTHER_ARN)], **FAST)

    resource = _key(**{"poller.resource": "instance"})
    reached = _key(**{"poller.resource": "instance", "poller.outcome": "reached"})
    duration = otel.points("poller.wait.duration")[reached]
    assert 3 == duration.count
    assert result.elapsed == pytest.approx(duration.max)  # the first wait, in virtual time
    assert "s" == otel.unit("poller.wait.duration")
    assert list(_tracer.BUCKETS) == list(duration.explicit_bounds)
    assert 3 + 1 + 1 == otel.points("poller.polls")[resource]
    assert 1 == otel.points("poller.throttles")[resource]
    assert [{resource: 1}] == seen_active
    assert 0 == otel.points("poller.waits.active")[resource]
    assert ("{poll}", "{throttle}", "{wait}") == (
        otel.unit("poller.polls"),
        otel.unit("poller.throttles"),
        otel.unit("poller.waits.active"),
    )


# -- instrumenting changes nothing -----------------------------------------------------------


Scenario = Callable[[list[Event]], Awaitable[Any]]


async def _single(events: list[Event]) -> Any:
    client = ScriptedClient(
        [
            described("CREATE_IN_PROGRESS"),
            client_error("ThrottlingException", reason="KMS_ThrottlingException"),
            described("WARMING_UP"),
            described("ACTIVE"),
        ]
    )
    result = await poller.wait_for_instance(client, ARN, on_event=events.append, **FAST)
    return (result.outcome, result.attempts, _history(result))


async def _failing(events: list[Event]) -> Any:
    client = ScriptedClient([described("CREATE_IN_PROGRESS"), described("CREATE_FAILED")])
    try:
        await poller.wait_for_instance(client, ARN, on_event=events.append, **FAST)
    except poller.PollerError as error:
        return (type(error), error.outcome, error.attempts, str(error))
    raise AssertionError("the wait should have failed")


async def _timing_out(events: list[Event]) -> Any:
    client = ScriptedClient([described("CREATE_IN_PROGRESS")])
    try:
        await poller.wait_for_instance(
            client, ARN, on_event=events.append, timeout=20, min_delay=2, max_delay=4
        )
    except poller.WaitTimeoutError as error:
        return (error.outcome, error.attempts, str(error))
    raise AssertionError("the wait should have timed out")


async def _fan_out(events: list[Event]) -> Any:
    good = ScriptedClient([described("CREATE_IN_PROGRESS"), described("ACTIVE")])
    bad = ScriptedClient([client_error("ThrottlingException"), described("CREATE_FAILED")])
    # Fixed pauses: trio runs ready tasks in an order of its own choosing, so that which wait
    # draws which jitter would differ from run to run.
    outcomes = await poller.wait_for_instances(
        [(good, ARN), (bad, OTHER_ARN), (good, THIRD_ARN)],
        on_event=events.append,
        timeout=60,
        min_delay=1.5,
        max_delay=1.5,
    )
    return [
        (o.result.attempts, _history(o.result)) if o.result else (type(o.error), str(o.error))
        for o in outcomes
    ]


def _history(result: poller.WaitResult) -> list[tuple[Any, ...]]:
    """The states seen, less the wall-clock moment of each (the rest is in virtual time)."""
    return [(s.status, s.encryption_status, s.attempt, s.elapsed) for s in result.history]


def _run(scenario: Scenario) -> tuple[Any, dict[str, list[tuple[str, dict[str, object]]]]]:
    """*scenario* in virtual time from 0, jitter seeded: its result and each wait's events."""
    events: list[Event] = []
    random.seed(20261125)
    result = anyio.run(
        scenario,
        events,
        backend="trio",
        backend_options={"clock": MockClock(autojump_threshold=0)},
    )
    by_wait: dict[str, list[tuple[str, dict[str, object]]]] = {}
    for event in events:  # in order within each wait (the waits of a fan-out interleave)
        by_wait.setdefault(event.instance_arn, []).append((event.name, event.fields()))
    return result, by_wait


@pytest.mark.parametrize(
    "scenario", [_single, _failing, _timing_out, _fan_out], ids=lambda s: s.__name__.strip("_")
)
@pytest.mark.parametrize("member_spans", [False, True], ids=["fan-out-span", "member-spans"])
def test_instrumenting_changes_no_wait(scenario: Scenario, member_spans: bool) -> None:
    """Outcomes, attempts, histories, messages and every event (debug ones too): identical."""
    bare = _run(scenario)
    telemetry = _telemetry()
    poller.otel.instrument(
        telemetry.tracer_provider, telemetry.meter_provider, member_spans=member_spans
    )
    try:
        instrumented = _run(scenario)
    finally:
        poller.otel.uninstrument()

    assert bare == instrumented
    assert telemetry.spans()  # it did trace


class _Raising:
    """Whatever is asked of it, raises."""

    def __getattr__(self, name: str) -> Any:
        def raising(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"{name} broke")

        return raising


class _BrokenTracerProvider(TracerProvider):
    """A provider whose tracers fail to start any span."""

    def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
        """A tracer that raises."""
        return _Raising()


class _BrokenMeterProvider(MeterProvider):
    """A provider whose meter's instruments raise on every measurement."""

    def get_meter(self, *args: Any, **kwargs: Any) -> Any:
        """A meter whose instruments raise."""

        class Meter:
            def __getattr__(self, name: str) -> Any:
                return lambda *args, **kwargs: _Raising()

        return Meter()


class _FailingExporter(SpanExporter):
    """An exporter that raises on every export, as one whose collector is down may."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Fail."""
        raise ConnectionError("collector down")


class _FailingProcessor(SimpleSpanProcessor):
    """A span processor that raises when a span starts or ends."""

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        """Fail."""
        raise RuntimeError("processor broke")

    def on_end(self, span: ReadableSpan) -> None:
        """Fail."""
        raise RuntimeError("processor broke")


def _failing_exporter() -> TracerProvider:
    provider = TracerProvider(id_generator=_OwnIds())
    provider.add_span_processor(SimpleSpanProcessor(_FailingExporter()))
    return provider


def _failing_processor() -> TracerProvider:
    provider = TracerProvider(id_generator=_OwnIds())
    provider.add_span_processor(_FailingProcessor(InMemorySpanExporter()))
    return provider


@pytest.mark.parametrize(
    ("tracer_provider", "meter_provider"),
    [
        (_BrokenTracerProvider, None),
        (None, _BrokenMeterProvider),
        (_failing_exporter, None),
        (_failing_processor, _BrokenMeterProvider),
    ],
    ids=["tracer-raises", "meter-raises", "exporter-raises", "processor-and-meter-raise"],
)
@pytest.mark.parametrize("scenario", [_single, _fan_out], ids=["single", "fan-out"])
def test_failing_telemetry_never_ends_or_alters_a_wait(
    tracer_provider: Callable[[], TracerProvider] | None,
    meter_provider: Callable[[], MeterProvider] | None,
    scenario: Scenario,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A provider, processor or exporter that raises: every wait ends as it would have."""
    bare = _run(scenario)
    metrics_only = _telemetry()
    poller.otel.instrument(
        tracer_provider() if tracer_provider else metrics_only.tracer_provider,
        meter_provider() if meter_provider else metrics_only.meter_provider,
        member_spans=True,
    )
    try:
        instrumented = _run(scenario)
    finally:
        poller.otel.uninstrument()

    assert bare == instrumented
    if meter_provider is None:  # the spans failed, not the metrics: those are recorded
        assert metrics_only.points("poller.wait.duration")


# -- the API ---------------------------------------------------------------------------------


def test_instrument_is_idempotent_and_uninstrument_harmless() -> None:
    """Twice instrumented is one tracer (the last call's); uninstrument twice is fine."""
    assert not poller.otel.instrumented()

    poller.otel.instrument()
    poller.otel.instrument(member_spans=True)
    ours = [t for t in tracing.tracers() if isinstance(t, _tracer.OtelTracer)]
    poller.otel.uninstrument()
    poller.otel.uninstrument()

    assert 1 == len(ours)
    assert ours[0].member_spans
    assert not poller.otel.instrumented()
    assert not [t for t in tracing.tracers() if isinstance(t, _tracer.OtelTracer)]


@pytest.mark.virtual_time
async def test_the_instrumentor_instruments_and_uninstruments() -> None:
    """PollerInstrumentor, as opentelemetry-instrument calls it, with providers given."""
    telemetry = _telemetry()
    instrumentor = poller.otel.PollerInstrumentor()

    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    try:
        assert poller.otel.instrumented()
        await poller.wait_for_instance(ScriptedClient([described("ACTIVE")]), ARN, **FAST)
    finally:
        instrumentor.uninstrument()

    assert not poller.otel.instrumented()
    assert 1 == len(telemetry.spans("wait instance"))
    assert ("poller",) == tuple(instrumentor.instrumentation_dependencies())


def test_the_entry_point_names_the_instrumentor() -> None:
    """opentelemetry-instrument finds poller in its entry point group."""
    [entry_point] = [
        e for e in entry_points(group="opentelemetry_instrumentor") if e.name == "poller"
    ]

    assert poller.otel.PollerInstrumentor is entry_point.load()


def test_an_unknown_name_is_an_attribute_error() -> None:
    """The module's lazy names are only PollerInstrumentor."""
    with pytest.raises(AttributeError, match="Nothing"):
        poller.otel.Nothing  # noqa: B018


def test_importing_it_needs_only_the_api() -> None:
    """Importing poller.otel: OpenTelemetry's API, no aiobotocore, SDK or instrumentation."""
    code = (
        "import sys, poller.otel\n"
        "heavy = ('aiobotocore', 'botocore', 'opentelemetry.sdk',"
        " 'opentelemetry.instrumentation')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(heavy)}))\n"
        "print('opentelemetry.trace' in sys.modules)"
    )

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert ["[]", "True"] == done.stdout.split()
