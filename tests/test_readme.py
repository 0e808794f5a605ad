"""The README's tables say what the code does: checked, so they cannot drift."""

from __future__ import annotations

import dataclasses
import pathlib
import textwrap

import anyio
import pytest

from poller import events
from poller._targets import ACCEPTORS, Decision, Target, Verdict
from poller.simulator import Simulator, serve_in_thread

README = (pathlib.Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _cell(decision: Decision) -> str:
    if decision.verdict is Verdict.FAIL:
        assert decision.error is not None
        return f"fail: {decision.error.__name__}"
    if decision.condition:
        return f"{decision.verdict.value} if {decision.condition}, else wait"
    if decision.verdict is Verdict.RESOLVE:
        return "ask ListInstances"
    return decision.verdict.value


def test_state_table_matches_the_acceptors() -> None:
    """Each acceptor is a README row, in the same order, with the same cells."""
    rows = [
        "| "
        + " | ".join([acceptor.observation, *(_cell(acceptor.decision(t)) for t in Target)])
        + " |"
        for acceptor in ACCEPTORS
    ]

    positions = [README.find(row) for row in rows]

    assert -1 not in positions, [r for r, p in zip(rows, positions, strict=True) if p == -1]
    assert sorted(positions) == positions


EVENT_TYPES = [
    cls
    for name in events.__all__
    if isinstance(cls := getattr(events, name), type)
    if issubclass(cls, events.Event) and cls is not events.Event
]


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda c: c.name)
def test_event_table_lists_each_event_with_its_keys(event_type: type[events.Event]) -> None:
    """Each event has a README row with its level and exactly its keys."""
    keys = [
        f.name for f in dataclasses.fields(event_type) if f.name not in {"instance_arn", "until"}
    ]
    row = next(line for line in README.splitlines() if line.startswith(f"| {event_type.name} |"))

    cells = [c.strip() for c in row.strip("|").split("|")]

    assert [event_type.name, event_type.level, ", ".join(keys)] == [cells[0], cells[1], cells[3]]


def test_first_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first example runs as written, against the local endpoint."""
    code = README.split("```python\n", 1)[1].split("```", 1)[0]
    body = "async def example(instance_arn):\n" + textwrap.indent(code, "    ")
    namespace: dict[str, object] = {}
    exec(body, namespace)  # our own README's code
    sim = Simulator(time_scale=1000.0)
    arn = sim.create_instance("readme", create_seconds=0)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    with serve_in_thread(sim) as server:
        # botocore's per-service endpoint variable: the example itself stays unchanged.
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_ADMIN", server.endpoint_url)
        anyio.run(namespace["example"], arn)  # type: ignore[arg-type]

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("d-")
    assert "ACTIVE ENABLED" == lines[1]
