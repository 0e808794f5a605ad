"""``poller check`` and ``poller wait --timeout 0``: one look per instance, judged by the table."""

from __future__ import annotations

import pytest

from .conftest import JSON_EVENTS, MISSING, Center, json_lines, run_poller

LOOK_ONCE = [("check",), ("wait", "--timeout", "0")]


def look_options(center: Center) -> tuple[str, ...]:
    """The endpoint and Region of *center*, JSON events (a look has no delays)."""
    return (*center.options()[:4], *JSON_EVENTS)


@pytest.mark.parametrize("command", LOOK_ONCE)
def test_reached_now_exits_0(center: Center, command: tuple[str, ...]) -> None:
    """An instance already ACTIVE: its description, exit 0, one DescribeInstance."""
    arn = center.simulator.create_instance("ok", create_seconds=0)

    done = run_poller(*command, arn, *look_options(center))

    assert 0 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert (arn, "ACTIVE") == (result["InstanceArn"], result["Status"])
    assert 1 == center.simulator.calls("DescribeInstance")


@pytest.mark.parametrize("command", LOOK_ONCE)
def test_not_yet_exits_3(center: Center, command: tuple[str, ...]) -> None:
    """An instance still being created: not yet (3), with what was seen, after one look."""
    arn = center.simulator.create_instance("slow", create_seconds=10**9)

    done = run_poller(*command, arn, *look_options(center))

    assert 3 == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert ("timed-out", 1, "CREATE_IN_PROGRESS") == (
        result["Outcome"],
        result["Attempts"],
        result["Instance"]["Status"],
    )
    assert "not active yet" in result["Error"]["Message"]
    assert 1 == center.simulator.calls("DescribeInstance")


def test_failures_keep_their_codes(center: Center) -> None:
    """Failed (1) and not found (4) side by side: a line each, the highest code."""
    bad = center.simulator.create_instance("bad", fail_reason="No", create_seconds=0)

    done = run_poller("check", bad, MISSING, *look_options(center))

    assert 4 == done.returncode, done.stderr
    results = {r["InstanceArn"]: r["Outcome"] for r in json_lines(done.stdout)}
    assert {bad: "failed", MISSING: "not-found"} == results


@pytest.mark.parametrize(("arn", "expected"), [(MISSING, 0), (None, 3)])
def test_until_deleted(center: Center, arn: str | None, expected: int) -> None:
    """For --until deleted an instance that is gone is the target; one that lives is not yet."""
    arn = arn or center.simulator.create_instance("alive", create_seconds=0)

    done = run_poller("check", arn, "--until", "deleted", *look_options(center))

    assert expected == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    assert {0: "deleted", 3: "timed-out"}[expected] == result["Outcome"]


def test_check_all(center: Center) -> None:
    """--all looks at every listed instance once."""
    arns = {center.simulator.create_instance(f"i{n}", create_seconds=0) for n in range(3)}

    done = run_poller("check", "--all", *look_options(center))

    assert 0 == done.returncode, done.stderr
    assert arns == {r["InstanceArn"] for r in json_lines(done.stdout)}
    assert 3 == center.simulator.calls("DescribeInstance")
