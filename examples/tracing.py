"""Trace a rollout with OpenTelemetry and print it as a tree: each wait a span, each request too.

When to use this: to see what ``poller.otel`` records before pointing it at a collector. A
small rollout (an instance, a Region, a permission set provisioned, five account
assignments) runs inside one span of its own; poller makes a span of each wait and one of the
paced rollout of the assignments (``poller.apply_account_assignments``), whose events are its
slots taken and its throttles, and OpenTelemetry's botocore instrumentation
(``AiobotocoreInstrumentor``) a span of each request, nested under the wait or rollout that
sent it. The
spans are kept in memory and printed as a tree; the metrics are printed after them.

    pip install 'poller[otel]' opentelemetry-sdk opentelemetry-instrumentation-botocore
    python examples/tracing.py [--member-spans]           # an in-process local endpoint
    python examples/tracing.py --endpoint-url URL          # poller simulate --time-scale 1000

In an application, give the SDK an exporter to a collector instead of the in-memory one, or
run it unchanged under ``opentelemetry-instrument``: every span and metric below is the same.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack
from typing import Any

import anyio
from aiobotocore.session import AioSession
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import poller
import poller.otel

REGION = "eu-west-1"
ACCOUNTS = [str(210_000_000_000 + i) for i in range(5)]
GROUP = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
PACE = {"min_delay": 0.02, "max_delay": 0.2}  # the local endpoint runs a minute in 60 ms
#: Simulated seconds of each step on the in-process endpoint: a few polls each.
LOCAL_DURATIONS = {"create_seconds": 1000, "provisioning_seconds": 100, "assignment_seconds": 80}


async def rollout(client: Any) -> None:
    """Instance, Region, permission set (a request, then its wait); assignments as a rollout."""
    arn = (await client.create_instance(Name="traced"))["InstanceArn"]
    await poller.wait_for_instance(client, arn, **PACE)
    await client.add_region(InstanceArn=arn, RegionName=REGION)
    await poller.wait_for_region(client, arn, REGION, **PACE)
    created = await client.create_permission_set(InstanceArn=arn, Name="ReadOnly")
    ps_arn = created["PermissionSet"]["PermissionSetArn"]
    answer = await client.provision_permission_set(
        InstanceArn=arn, PermissionSetArn=ps_arn, TargetType="ALL_PROVISIONED_ACCOUNTS"
    )
    request_id = answer["PermissionSetProvisioningStatus"]["RequestId"]
    await poller.wait_for_permission_set_provisioning(client, arn, request_id, **PACE)
    assignments = [poller.Assignment(account_id, ps_arn, "GROUP", GROUP) for account_id in ACCOUNTS]
    outcomes = await poller.apply_account_assignments(client, arn, assignments, **PACE)
    failed = [outcome.error for outcome in outcomes if outcome.error is not None]
    if failed:
        raise failed[0]


# -- the tree ----------------------------------------------------------------------------------


def tree(spans: Sequence[ReadableSpan]) -> Iterator[str]:
    """The spans as lines of a tree, children in order of start, a run of alike calls as one."""
    children: dict[int | None, list[ReadableSpan]] = collections.defaultdict(list)
    for span in spans:
        children[span.parent.span_id if span.parent else None].append(span)
    for siblings in children.values():
        siblings.sort(key=lambda span: span.start_time or 0)

    def lines(parent: int | None, indent: str) -> Iterator[str]:
        siblings = children[parent]
        index = 0
        while index < len(siblings):
            span = siblings[index]
            run = 1  # alike leaf calls in a row: one line, with a count
            while (
                index + run < len(siblings)
                and not children[span.context.span_id]
                and _alike(siblings[index + run], span)
            ):
                run += 1
            last = index + run == len(siblings)
            branch = "" if parent is None else "└─ " if last else "├─ "
            yield f"{indent}{branch}{_line(siblings[index : index + run])}"
            below = "" if parent is None else indent + ("   " if last else "│  ")
            for event in span.events if run == 1 else ():
                if event.name.endswith(_SHOWN):
                    yield f"{below}· {_event(event.name, dict(event.attributes or {}))}"
            yield from lines(span.context.span_id, below)
            index += run

    yield from lines(None, "")


def _alike(one: ReadableSpan, other: ReadableSpan) -> bool:
    return (one.name, one.status.status_code) == (other.name, other.status.status_code) and (
        not one.events and not other.events
    )


def _line(run: Sequence[ReadableSpan]) -> str:
    span = run[0]
    attributes = dict(span.attributes or {})
    total = sum(((s.end_time or 0) - (s.start_time or 0)) for s in run) / 1e6
    name, took = span.name, f"{total:.0f} ms"
    if len(run) > 1:
        name, took = f"{name} ×{len(run)}", f"{took} in all"  # noqa: RUF001 - times
    notes = []
    if "poller.outcome" in attributes:
        polls = attributes["poller.attempts"]
        notes.append(f"{attributes['poller.outcome']}, {polls} poll{'s' if polls != 1 else ''}")
    counts = {
        key.removeprefix("poller.outcomes."): value
        for key, value in attributes.items()
        if key.startswith("poller.outcomes.") and value
    }
    if counts:
        notes.append(", ".join(f"{value} {key}" for key, value in counts.items()))
    if "http.status_code" in attributes:
        notes.append(f"HTTP {attributes['http.status_code']}")
    if span.status.description:
        notes.append(span.status.description.split(": ")[-1])
    return f"{name}  {took}" + (f"  ({'; '.join(notes)})" if notes else "")


#: The span events shown: a wait's changes and retries; a rollout's slots, retries and tally.
_SHOWN = (
    ".status_changed",
    ".unknown_status",
    "poll.retrying",
    "rollout.request_started",
    "rollout.retrying",
    "rollout.blocked",
    "rollout.finished",
)


def _event(name: str, attributes: dict[str, Any]) -> str:
    if "error_code" in attributes:
        return f"{name} {attributes['error_code']}"
    if name == "rollout.finished":
        tally = ("reached", "unchanged", "failed", "throttled")
        return f"{name} " + ", ".join(f"{attributes[key]} {key}" for key in tally)
    if name.startswith("rollout."):  # a slot taken: the item, and its request
        item = attributes.get("account_id") or attributes.get("permission_set_arn")
        return f"{name} {item}"
    return f"{name} {attributes.get('status')} at poll {attributes['attempt']}"


def metrics(reader: InMemoryMetricReader) -> Iterator[str]:
    """The metrics poller recorded, a line per data point."""
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics if scope.scope.name == "poller" else ():
                for point in metric.data.data_points:
                    keys = ", ".join(f"{v}" for v in dict(point.attributes or {}).values())
                    value = getattr(point, "value", None)
                    if value is None:  # a histogram
                        value = f"count {point.count}, sum {point.sum:.2f} s"  # type: ignore[union-attr]
                    yield f"{metric.name:<20} {keys:<40} {value}"


# -- running it --------------------------------------------------------------------------------


def instrument(
    *, member_spans: bool
) -> tuple[TracerProvider, InMemorySpanExporter, InMemoryMetricReader]:
    """Spans and metrics kept in memory; poller and (if installed) aiobotocore instrumented."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    poller.otel.instrument(
        provider, MeterProvider(metric_readers=[reader]), member_spans=member_spans
    )
    try:
        from opentelemetry.instrumentation.botocore import (  # noqa: PLC0415 - optional
            AiobotocoreInstrumentor,
        )
    except ImportError:
        print("(opentelemetry-instrumentation-botocore is not installed: no request spans)")
    else:
        AiobotocoreInstrumentor().instrument(tracer_provider=provider)
    return provider, exporter, reader


async def run(args: argparse.Namespace) -> int:
    provider, exporter, reader = instrument(member_spans=args.member_spans)
    tracer = provider.get_tracer("examples.tracing")
    async with AsyncExitStack() as stack:
        url, region = args.endpoint_url, args.region or "us-east-1"
        if url is None:  # one in this process: a simulated minute in 60 ms
            from poller.testing import local_identity_center  # noqa: PLC0415 - local only

            center = await stack.enter_async_context(
                local_identity_center(time_scale=1000, **LOCAL_DURATIONS)
            )
            url, region = center.endpoint_url, center.region
        session = AioSession()
        session.set_credentials("local", "local")  # a local endpoint takes any credentials
        client = await stack.enter_async_context(
            poller.open_client(region, endpoint_url=url, session=session)
        )
        with tracer.start_as_current_span("rollout"):
            try:
                await rollout(client)
            except poller.PollerError as error:
                print(f"rollout stopped: {error}", file=sys.stderr)
                return int(error.exit_code)
    print(*tree(exporter.get_finished_spans()), sep="\n")
    print()
    print(*metrics(reader), sep="\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", help="a running local endpoint (poller simulate)")
    parser.add_argument("--region")
    parser.add_argument(
        "--member-spans", action="store_true", help="a span per wait of the fan-out"
    )
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
