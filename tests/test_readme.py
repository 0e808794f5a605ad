"""The README's tables say what the code does: checked, so they cannot drift."""

from __future__ import annotations

import dataclasses
import pathlib
import textwrap
from collections.abc import Awaitable, Callable
from typing import cast

import pytest

import poller.exceptions
from poller import events
from poller._engine._acceptors import Decision, Verdict
from poller._engine._resource import Resource
from poller._resources._access_control import ACCESS_CONTROL_ATTRIBUTES
from poller._resources._instance import INSTANCE
from poller._resources._permission_sets_enabled import PERMISSION_SETS_ENABLED
from poller._resources._region import REGION
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION,
    ACCOUNT_ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
)
from poller.simulator import Simulator, serve_in_thread

README = (pathlib.Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _cell(decision: Decision, resource: Resource = INSTANCE) -> str:
    if decision.verdict is Verdict.FAIL:
        assert decision.error is not None
        return f"fail: {decision.error.__name__}"
    if decision.condition:
        return f"{decision.verdict.value} if {decision.condition}, else wait"
    if decision.verdict is Verdict.RESOLVE:
        assert resource.listing is not None
        return f"ask {resource.listing.operation}"
    return decision.verdict.value


def test_state_table_matches_the_acceptors() -> None:
    """Each acceptor is a README row, in the same order, with the same cells."""
    rows = [
        "| "
        + " | ".join(
            [acceptor.observation, *(_cell(acceptor.decision(t)) for t in INSTANCE.targets)]
        )
        + " |"
        for acceptor in INSTANCE.acceptors
    ]

    positions = [README.find(row) for row in rows]

    assert -1 not in positions, [r for r, p in zip(rows, positions, strict=True) if p == -1]
    assert sorted(positions) == positions


def _rows(*resources: Resource) -> list[str]:
    """The README rows of one table, shared by *resources* (their cells joined with `` / ``)."""
    first = resources[0]
    rows = []
    for index, acceptor in enumerate(first.acceptors):
        cells = []
        for target in first.targets:
            seen = dict.fromkeys(_cell(r.acceptors[index].decision(target), r) for r in resources)
            cells.append(" / ".join(seen).replace(" / fail: ", " / "))
        rows.append("| " + " | ".join([acceptor.observation, *cells]) + " |")
    return rows


@pytest.mark.parametrize(
    "resources",
    [
        (PERMISSION_SETS_ENABLED,),
        (REGION,),
        (ACCESS_CONTROL_ATTRIBUTES,),
        (PERMISSION_SET_PROVISIONING, ACCOUNT_ASSIGNMENT_CREATION, ACCOUNT_ASSIGNMENT_DELETION),
    ],
    ids=["permission-sets-enabled", "region", "access-control", "requests"],
)
def test_rollout_state_tables_match_the_acceptors(resources: tuple[Resource, ...]) -> None:
    """Each other resource's acceptors are README rows, in order, in one table."""
    rows = _rows(*resources)
    start = README.find(f"\n{rows[0]}\n")  # whole lines: the instance's rows begin alike

    positions = [README.find(f"\n{row}\n", start) for row in rows]

    assert -1 not in positions, [r for r, p in zip(rows, positions, strict=True) if p == -1]
    assert sorted(positions) == positions
    assert README.count("\n|", start, positions[-1] + 1) == len(rows) - 1  # one table, no gaps


EVENT_TYPES = [
    cls
    for name in events.__all__
    if isinstance(cls := getattr(events, name), type)
    if issubclass(cls, events.Event) and hasattr(cls, "name")  # the bases have none
]
# A resource added later holds its events (events.status_events) instead of naming them there.
EVENT_TYPES += [
    cls
    for kind in poller.resources.values()
    for cls in (kind.status_changed, kind.unknown_status)
    if cls not in EVENT_TYPES
]


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda c: c.name)
def test_event_table_lists_each_event_with_its_keys(event_type: type[events.Event]) -> None:
    """Each event has a README row with its level and exactly its keys."""
    identity = {"instance_arn", "until", "region_name", "request_id"}
    keys = [f.name for f in dataclasses.fields(event_type) if f.name not in identity]
    row = next(line for line in README.splitlines() if line.startswith(f"| {event_type.name} |"))

    cells = [c.strip() for c in row.strip("|").split("|")]

    assert [event_type.name, event_type.level, ", ".join(keys)] == [cells[0], cells[1], cells[3]]


def _tree(text: str) -> str:
    """The error tree drawn in *text*: the lines from ``PollerError`` to the last branch."""
    drawn = []
    for line in text.split("PollerError\n", 1)[1].splitlines():
        if not line.lstrip().startswith(("├", "└", "│")):
            break
        drawn.append(line.rstrip())
    return textwrap.dedent("\n".join(drawn))


def test_error_tree_matches_the_exceptions_module() -> None:
    """The README draws the same tree as poller.exceptions, and the tree is the classes'."""
    readme = _tree(README)
    assert poller.exceptions.__doc__ is not None
    assert _tree(poller.exceptions.__doc__) == readme

    parents: list[str] = ["PollerError"]
    for line in readme.splitlines():
        depth = (len(line) - len(line.lstrip(" │"))) // 4
        name = line.split("── ", 1)[1].split("(")[0].split()[0]
        del parents[depth + 1 :]
        cls = getattr(poller.exceptions, name)
        assert getattr(poller.exceptions, parents[depth]) in cls.__bases__, name
        parents.append(name)
    drawn = {line.split("── ", 1)[1].split("(")[0].split()[0] for line in readme.splitlines()}
    assert {*drawn, "PollerError"} == set(poller.exceptions.__all__)


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials, and no AWS configuration of the machine's own."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)


def _python_block(index: int) -> str:
    return README.split("```python\n")[index + 1].split("```", 1)[0]


async def test_first_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], aws_environment: None
) -> None:
    """The README's first example runs as written, against the local endpoint."""
    body = "async def example(instance_arn):\n" + textwrap.indent(_python_block(0), "    ")
    namespace: dict[str, object] = {}
    exec(body, namespace)  # our own README's code
    example = cast("Callable[[str], Awaitable[None]]", namespace["example"])
    sim = Simulator(time_scale=1000.0)
    arn = sim.create_instance("readme", create_seconds=0)
    with serve_in_thread(sim) as server:
        # botocore's per-service endpoint variable: the example itself stays unchanged.
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_ADMIN", server.endpoint_url)
        await example(arn)

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("d-")
    assert "ACTIVE ENABLED" == lines[1]


async def test_rollout_example_runs(aws_environment: None) -> None:
    """The README's rollout lines, which follow the first example, run as written.

    Two of three assignments fail with AWS's reason; the snippet's ``failed`` holds exactly
    those, in input order.
    """
    body = (
        "async def example(client, instance_arn, permission_set_arn, assignments):\n"
        + _python_block(1)
        + "    return failed\n"
    )
    namespace: dict[str, object] = {"poller": poller}
    exec(body, namespace)  # our own README's code
    example = cast("Callable[..., Awaitable[list[poller.AssignmentOutcome]]]", namespace["example"])
    sim = Simulator(time_scale=1000.0)
    arn = sim.create_instance("readme", create_seconds=0)
    sim.add_region(arn, "eu-west-1", seconds=1)
    sim.enable_permission_sets(arn, seconds=0)  # enabled by its first poll: no pause to wait out
    sim.create_access_control_attributes(arn, seconds=1)
    permission_set = sim.create_permission_set(arn, "Admins")
    group = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
    assignments = [
        poller.Assignment(account, permission_set, "GROUP", group)
        for account in ("111111111111", "222222222222", "333333333333")
    ]
    for account in ("111111111111", "333333333333"):
        sim.fail_assignments("No such account.", account_id=account)
    with serve_in_thread(sim) as server:
        async with poller.open_client(sim.region, endpoint_url=server.endpoint_url) as client:
            failed = await example(client, arn, permission_set, assignments)

    assert [assignments[0], assignments[2]] == [outcome.assignment for outcome in failed]
    assert all(isinstance(o.error, poller.AccountAssignmentFailedError) for o in failed)
    assert {"No such account."} == {o.error.reason for o in failed if o.error is not None}
