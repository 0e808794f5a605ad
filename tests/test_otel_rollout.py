"""poller.otel and paced rollouts: one span per rollout, its slots and throttles as events.

Real aiobotocore clients, traced by AiobotocoreInstrumentor, against the simulator over
loopback. Lifecycles outlast any test at the simulator's clock: an ``on_event`` hook moves the
clock past them once the rollout's last write is in (and, with the service's limits on, a
second at each throttle, so that the rate's bucket refills only then), so no verdict depends
on the machine's speed.
"""

# ruff: noqa: F811  (the fixtures of tests/test_end_to_end.py, imported, are parameters here)
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

import poller
import poller.otel
from poller import tracing
from poller.events import Event, PollRetrying, RolloutEvent, RolloutRequestStarted, RolloutRetrying
from poller.simulator import Simulator, serve_in_thread
from tests.test_end_to_end import NEVER, aws_environment  # noqa: F401  (fixtures)
from tests.test_otel import Telemetry, _telemetry
from tests.test_otel_http import otel  # noqa: F401  (the fixture)
from tests.test_tracing import Recorder

GROUP = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
ACCOUNTS = [str(210_000_000_000 + i) for i in range(5)]
#: Simulated seconds of each request: far longer than any test, unless the clock is moved.
LONG = 600.0
PACE: dict[str, Any] = {"min_delay": 0.005, "max_delay": 0.05, "timeout": 120}
CREATION = "rollout account-assignment-creation"


def simulator(**limits: Any) -> Simulator:
    """Requests that run LONG simulated seconds (the clock real time unless *limits* say)."""
    return Simulator(
        assignment_seconds=LONG, provisioning_seconds=LONG, seed=7, lifecycle_seed=7, **limits
    )


@pytest.fixture
def sim() -> Simulator:
    """A simulator without the service's limits."""
    return simulator()


@pytest.fixture
def endpoint(sim: Simulator, aws_environment: None) -> Iterator[str]:
    """*sim* on loopback."""
    with serve_in_thread(sim) as server:
        yield server.endpoint_url


def driver(sim: Simulator, writes: int, *, throttle_step: float = 0.0) -> Callable[[Event], None]:
    """An on_event hook: past every lifecycle once *writes* are in; on by a step per throttle.

    Records every event in ``hook.seen``.
    """
    seen: list[Event] = []
    started = [0]

    def hook(event: Event) -> None:
        seen.append(event)
        if isinstance(event, RolloutRequestStarted):
            started[0] += 1
            if started[0] == writes:
                sim.advance(2 * NEVER)
        elif throttle_step and _throttled(event):
            sim.advance(throttle_step)

    hook.seen = seen  # type: ignore[attr-defined]
    return hook


def _throttled(event: Event) -> bool:
    return isinstance(event, RolloutRetrying | PollRetrying) and event.throttled


def _plan(sim: Simulator) -> tuple[str, list[poller.Assignment]]:
    arn = sim.create_instance("traced", create_seconds=0)
    permission_set = sim.create_permission_set(arn, "ReadOnly")
    return arn, [poller.Assignment(a, permission_set, "GROUP", GROUP) for a in ACCOUNTS]


async def _apply(
    sim: Simulator, endpoint: str, hook: Callable[[Event], None], **settings: Any
) -> tuple[str, list[poller.AssignmentOutcome]]:
    arn, assignments = _plan(sim)
    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.apply_account_assignments(
            client, arn, assignments, on_event=hook, **{**PACE, **settings}
        )
    return arn, outcomes


def _children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


def _events(span: ReadableSpan, name: str) -> list[dict[str, Any]]:
    return [dict(e.attributes or {}) for e in span.events if e.name == name]


async def test_a_rollout_is_one_span_with_its_slots_and_tally(
    otel: Telemetry, sim: Simulator, endpoint: str
) -> None:
    """One root span, a slot event per item and the tally; every call of it nests under it."""
    arn, outcomes = await _apply(sim, endpoint, driver(sim, writes=5))

    assert {"reached"} == {str(o.outcome) for o in outcomes}
    spans = otel.spans()
    rollout = otel.span(CREATION)
    assert (None, SpanKind.INTERNAL) == (rollout.parent, rollout.kind)
    assert [] == [s.name for s in spans if s.name.startswith("wait ")]  # no span per request
    attributes = dict(rollout.attributes or {})
    assert {
        "poller.resource": "account-assignment-creation",
        "poller.instance_arn": arn,
        "poller.count": 5,
        "cloud.provider": "aws",
        "cloud.region": "us-east-1",
        "poller.outcomes.reached": 5,
        "poller.outcomes.failed": 0,
    }.items() <= attributes.items()
    assert StatusCode.UNSET == rollout.status.status_code
    assert "rollout.started" == rollout.events[0].name
    started = _events(rollout, "rollout.request_started")
    assert set(ACCOUNTS) == {e["account_id"] for e in started}
    assert {o.request_id for o in outcomes} == {e["request_id"] for e in started}
    [finished] = _events(rollout, "rollout.finished")
    assert (5, 5, 0, 5) == (
        finished["items"],
        finished["reached"],
        finished["failed"],
        finished["calls.CreateAccountAssignment"],
    )
    assert "rollout.finished" == rollout.events[-1].name
    # aiobotocore's spans: the rollout's own calls and its waits' polls, all under it.
    calls = [s for s in spans if s.name.startswith("SSO Admin.")]
    assert 5 == sum(s.name == "SSO Admin.CreateAccountAssignment" for s in calls)
    assert set(calls) == set(_children(spans, rollout))


async def test_a_failed_assignment_is_counted_and_the_span_an_error(
    otel: Telemetry, sim: Simulator, endpoint: str
) -> None:
    """FAILED: counted as ``failed``, and the span's status ERROR, as a fan-out's."""
    sim.fail_assignments("The account is suspended.", account_id=ACCOUNTS[2])

    _, outcomes = await _apply(sim, endpoint, driver(sim, writes=5))

    assert ["reached"] * 2 + ["failed"] + ["reached"] * 2 == [str(o.outcome) for o in outcomes]
    rollout = otel.span(CREATION)
    attributes = dict(rollout.attributes or {})
    assert (4, 1) == (attributes["poller.outcomes.reached"], attributes["poller.outcomes.failed"])
    assert StatusCode.ERROR == rollout.status.status_code
    assert "1 of 5 items did not succeed" == rollout.status.description
    [finished] = _events(rollout, "rollout.finished")
    assert (4, 1) == (finished["reached"], finished["failed"])


async def test_member_spans_are_the_rollouts_children(
    otel: Telemetry, sim: Simulator, endpoint: str
) -> None:
    """With member spans, a span per wait, each a child of the rollout's, its polls under it."""
    poller.otel.instrument(otel.tracer_provider, otel.meter_provider, member_spans=True)

    await _apply(sim, endpoint, driver(sim, writes=5))

    spans = otel.spans()
    rollout = otel.span(CREATION)
    waits = otel.spans("wait account-assignment-creation")
    assert 5 == len(waits)
    assert set(waits) <= set(_children(spans, rollout))
    describes = otel.spans("SSO Admin.DescribeAccountAssignmentCreationStatus")
    assert describes
    assert set(describes) <= {call for wait in waits for call in _children(spans, wait)}
    assert {"reached"} == {(w.attributes or {})["poller.outcome"] for w in waits}


async def test_throttles_are_events_of_the_rollouts_span(
    otel: Telemetry, aws_environment: None
) -> None:
    """The service's limits on, its bucket refilled only a token per throttle: each is seen."""
    # The clock stands still but for the hook's steps: one token a second, two at once.
    sim = simulator(time_scale=1e-6, aws_limits=True, aws_rate=1.0, aws_burst=2)
    hook = driver(sim, writes=5, throttle_step=1.0)
    with serve_in_thread(sim) as server:
        _, outcomes = await _apply(
            sim, server.endpoint_url, hook, limiter=poller.RateLimiter(rate=200, burst=10)
        )

    assert {"reached"} == {str(o.outcome) for o in outcomes}
    seen: list[Event] = hook.seen  # type: ignore[attr-defined]
    throttles = [e for e in seen if _throttled(e)]
    assert throttles
    rollout = otel.span(CREATION)
    on_span = [
        e for e in rollout.events if (e.attributes or {}).get("error_code") == "ThrottlingException"
    ]
    assert [e.name for e in throttles] == [e.name for e in on_span]
    assert {"rollout.retrying"} <= {e.name for e in on_span}
    [finished] = _events(rollout, "rollout.finished")
    assert finished["throttled"] >= 1


async def test_a_tracer_without_rollout_traces_the_waits_as_before(
    otel: Telemetry, sim: Simulator, endpoint: str
) -> None:
    """A tracer written before rollouts had traces: no error, each wait one of its own."""
    recorder = Recorder()
    tracing.add_tracer(recorder)
    try:
        _, outcomes = await _apply(sim, endpoint, driver(sim, writes=5))
    finally:
        tracing.remove_tracer(recorder)

    assert {"reached"} == {str(o.outcome) for o in outcomes}
    assert [("account-assignment-creation", "succeeded", False)] * 5 == [
        (resource, until, member) for resource, until, member, _ in recorder.waits
    ]
    assert all(trace.closed == 1 for *_, trace in recorder.waits)
    assert [] == recorder.manies
    assert 1 == len(otel.spans(CREATION))  # and poller.otel's rollout span beside it


def _told(seen: list[Event]) -> list[tuple[str, Any]]:
    """The rollout's own events, in an order the machine's speed does not decide."""
    return sorted(
        (e.name, e.fields().get("account_id")) for e in seen if isinstance(e, RolloutEvent)
    )


async def test_instrumenting_changes_no_rollout(aws_environment: None) -> None:
    """Outcomes and the events on_event hears are the same, traced (with member spans) or not."""
    runs = []
    for instrumented in (False, True):
        telemetry = _telemetry()
        if instrumented:
            poller.otel.instrument(
                telemetry.tracer_provider, telemetry.meter_provider, member_spans=True
            )
        sim = simulator()
        sim.fail_assignments("The account is suspended.", account_id=ACCOUNTS[1])
        hook = driver(sim, writes=5)
        try:
            with serve_in_thread(sim) as server:
                _, outcomes = await _apply(sim, server.endpoint_url, hook)
        finally:
            poller.otel.uninstrument()
        seen: list[Event] = hook.seen  # type: ignore[attr-defined]
        finished = [e for e in seen if e.name == "rollout.finished"]
        runs.append(
            (
                [(o.assignment, o.outcome, type(o.error)) for o in outcomes],
                _told(seen),
                [(e.items, e.reached, e.failed) for e in finished],  # type: ignore[attr-defined]
                seen[0].name,
                bool(telemetry.exporter.get_finished_spans()),
            )
        )
    untraced, traced = runs
    assert untraced[:4] == traced[:4]
    assert (False, True) == (untraced[4], traced[4])


async def test_provisioning_is_one_rollout_span(
    otel: Telemetry, sim: Simulator, endpoint: str
) -> None:
    """provision_permission_sets: the span ``rollout permission-set-provisioning``."""
    arn = sim.create_instance("traced", create_seconds=0)
    arns = [sim.create_permission_set(arn, name) for name in ("ReadOnly", "Admin")]

    async with poller.open_client("us-east-1", endpoint_url=endpoint) as client:
        outcomes = await poller.provision_permission_sets(
            client, arn, arns, on_event=driver(sim, writes=2), **PACE
        )

    assert {"reached"} == {str(o.outcome) for o in outcomes}
    rollout = otel.span("rollout permission-set-provisioning")
    assert rollout.parent is None
    attributes = dict(rollout.attributes or {})
    assert ("permission-set-provisioning", 2, 2) == (
        attributes["poller.resource"],
        attributes["poller.count"],
        attributes["poller.outcomes.reached"],
    )
    assert set(arns) == {
        e["permission_set_arn"] for e in _events(rollout, "rollout.request_started")
    }
    writes = otel.spans("SSO Admin.ProvisionPermissionSet")
    assert 2 == len(writes)
    assert set(writes) <= set(_children(otel.spans(), rollout))
