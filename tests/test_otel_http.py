"""poller.otel over HTTP: aiobotocore's own spans under poller's, and opentelemetry-instrument.

The local endpoint (poller.testing, poller.simulator) answers real aiobotocore clients that
opentelemetry-instrumentation-botocore's AiobotocoreInstrumentor traces. Lifecycles are over
before the first poll or scripted by faults, so that no verdict depends on the machine's speed.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from opentelemetry.instrumentation.botocore import AiobotocoreInstrumentor
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

import poller
import poller.otel
from poller.simulator import Fault, Simulator, serve_in_thread
from poller.testing import LocalIdentityCenter, local_identity_center
from tests.test_otel import Telemetry, _telemetry

FAST: dict[str, Any] = {"timeout": 30, "min_delay": 0.01, "max_delay": 0.02}
BIN = pathlib.Path(sys.executable).parent


@pytest.fixture
def otel() -> Iterator[Telemetry]:
    """Poller and aiobotocore instrumented into the same in-memory telemetry."""
    telemetry = _telemetry()
    poller.otel.instrument(telemetry.tracer_provider, telemetry.meter_provider)
    aiobotocore = AiobotocoreInstrumentor()
    aiobotocore.instrument(tracer_provider=telemetry.tracer_provider)
    yield telemetry
    aiobotocore.uninstrument()
    poller.otel.uninstrument()


@pytest.fixture
async def center() -> AsyncIterator[LocalIdentityCenter]:
    """A local Identity Center whose instances are ACTIVE from the start."""
    async with local_identity_center(time_scale=1000.0, create_seconds=0) as center:
        yield center


def _children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


async def test_aiobotocores_spans_are_the_waits_children(
    otel: Telemetry, center: LocalIdentityCenter
) -> None:
    """Two throttles, then ACTIVE: three DescribeInstance spans, each a child of the wait's."""
    arn = center.simulator.create_instance("traced")
    center.simulator.add_fault(Fault.throttling(count=2, kms=True), operation="DescribeInstance")

    async with center.client() as client:
        await poller.wait_for_instance(client, arn, **FAST)

    spans = otel.spans()
    wait = otel.span("wait instance")
    calls = _children(spans, wait)
    assert ["SSO Admin.DescribeInstance"] * 3 == [span.name for span in calls]
    assert {SpanKind.CLIENT} == {span.kind for span in calls}
    assert [StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET] == [
        span.status.status_code for span in calls
    ]
    assert {wait, *calls} == set(spans)  # no span per request of poller's own
    assert wait.parent is None
    assert ("reached", 3) == (
        (wait.attributes or {})["poller.outcome"],
        (wait.attributes or {})["poller.attempts"],
    )
    retries = [e for e in wait.events if e.name == "poll.retrying"]
    assert ["ThrottlingException"] * 2 == [(e.attributes or {})["error_code"] for e in retries]
    # The throttles were the KMS key's (Reason KMS_ThrottlingException), and are counted so.
    key = (("poller.resource", "instance"), ("poller.throttle_reason", "KMS_ThrottlingException"))
    assert {key: 2} == otel.points("poller.throttles")


@pytest.mark.parametrize("member_spans", [False, True], ids=["fan-out-span", "member-spans"])
async def test_a_fan_outs_requests_nest_under_it(
    otel: Telemetry, center: LocalIdentityCenter, member_spans: bool
) -> None:
    """Under the fan-out's span directly, or under each member's span when they have one."""
    arns = [center.simulator.create_instance(f"traced-{i}") for i in range(3)]
    poller.otel.instrument(otel.tracer_provider, otel.meter_provider, member_spans=member_spans)

    async with center.client() as client:
        await poller.wait_for_instances([(client, arn) for arn in arns], **FAST)

    spans = otel.spans()
    many = otel.span("wait instance many")
    members = otel.spans("wait instance")
    calls = otel.spans("SSO Admin.DescribeInstance")
    assert 3 == (many.attributes or {})["poller.outcomes.reached"]
    assert 3 == len(calls)
    if member_spans:
        assert set(members) == set(_children(spans, many))
        assert set(calls) == {call for member in members for call in _children(spans, member)}
    else:
        assert [] == members
        assert set(calls) == set(_children(spans, many))


@pytest.fixture
def served() -> Iterator[tuple[Simulator, str]]:
    """A simulator served from this process, for a command in another."""
    simulator = Simulator(time_scale=1000.0, create_seconds=0)
    with serve_in_thread(simulator) as server:
        yield simulator, server.endpoint_url


def _environ(tmp_path: pathlib.Path, **extra: str) -> dict[str, str]:
    """Dummy credentials, no AWS files, and the SDK's console exporters."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "AWS_"))}
    return environ | {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_METRICS_EXPORTER": "console",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_SERVICE_NAME": "poller-test",
        **extra,
    }


def _documents(output: str) -> list[dict[str, Any]]:
    """The JSON documents the console exporters printed (each span, each metrics batch)."""
    decoder = json.JSONDecoder()
    documents, position = [], 0
    while (start := output.find("{\n", position)) != -1:
        document, position = decoder.raw_decode(output, start)
        documents.append(document)
    return documents


def _exported_spans(output: str) -> list[dict[str, Any]]:
    return [d for d in _documents(output) if "context" in d and "kind" in d]


def _metric_names(output: str) -> set[str]:
    return {
        metric["name"]
        for document in _documents(output)
        for resource in document.get("resource_metrics", ())
        for scope in resource["scope_metrics"]
        if scope["scope"]["name"] == "poller"
        for metric in scope["metrics"]
    }


def test_opentelemetry_instrument_traces_the_command(
    served: tuple[Simulator, str], tmp_path: pathlib.Path
) -> None:
    """The command, unchanged: `wait instance` with aiobotocore's spans as its children."""
    simulator, endpoint_url = served
    arn = simulator.create_instance("traced")
    simulator.add_fault(Fault.throttling(count=1), operation="DescribeInstance")
    command = [str(BIN / "opentelemetry-instrument"), str(BIN / "poller"), "wait", arn]
    command += ["--endpoint-url", endpoint_url, "--region", "us-east-1"]
    command += ["--min-delay", "10ms", "--max-delay", "20ms"]

    done = subprocess.run(
        command,
        env=_environ(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )

    assert 0 == done.returncode, done.stderr
    spans = _exported_spans(done.stdout)
    [wait] = [span for span in spans if span["name"] == "wait instance"]
    calls = [span for span in spans if span["parent_id"] == wait["context"]["span_id"]]
    assert ["SSO Admin.DescribeInstance"] * 2 == [span["name"] for span in calls]
    assert {
        "poller.resource": "instance",
        "poller.instance_arn": arn,
        "poller.outcome": "reached",
        "poller.attempts": 2,
    }.items() <= wait["attributes"].items()
    assert wait["parent_id"] is None
    assert {
        "poller.wait.duration",
        "poller.polls",
        "poller.throttles",
        "poller.waits.active",
    } <= _metric_names(done.stdout)


def test_opentelemetry_instrument_traces_a_script(
    served: tuple[Simulator, str], tmp_path: pathlib.Path
) -> None:
    """`opentelemetry-instrument python script.py`: a script that knows nothing of OpenTelemetry."""
    simulator, endpoint_url = served
    arns = [simulator.create_instance(f"traced-{i}") for i in range(2)]
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        "import anyio\n"
        "import poller\n\n\n"
        "async def main() -> None:\n"
        "    async with poller.open_client('us-east-1', endpoint_url=sys.argv[1]) as client:\n"
        "        await poller.wait_for_instances(\n"
        "            [(client, arn) for arn in sys.argv[2:]], min_delay=0.01, max_delay=0.02\n"
        "        )\n\n\n"
        "anyio.run(main)\n"
    )

    done = subprocess.run(
        [str(BIN / "opentelemetry-instrument"), sys.executable, str(script), endpoint_url, *arns],
        env=_environ(tmp_path, OTEL_PYTHON_POLLER_MEMBER_SPANS="true"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )

    assert 0 == done.returncode, done.stderr
    spans = _exported_spans(done.stdout)
    [many] = [span for span in spans if span["name"] == "wait instance many"]
    members = [span for span in spans if span["name"] == "wait instance"]
    assert 2 == many["attributes"]["poller.outcomes.reached"]
    assert {many["context"]["span_id"]} == {span["parent_id"] for span in members}
    member_ids = {span["context"]["span_id"] for span in members}
    calls = [span for span in spans if span["name"] == "SSO Admin.DescribeInstance"]
    assert 2 == len(calls)
    assert {call["parent_id"] for call in calls} == member_ids
