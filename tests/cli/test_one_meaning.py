"""One meaning per option, on every command: what one command accepts, all accept alike.

``--timeout 0`` looks once wherever it is taken; ``describe`` takes what its help promises;
``--output text`` prints objects and lists as the AWS CLI's text output does; a usage error
is a JSON line with ``--log-format json``; ``-q`` beside ``-v`` or ``--debug`` is refused.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from poller.cli import cli
from poller.cli._text import format_text
from poller.simulator import Simulator

# aws_executable is a fixture: imported, it is a parameter of the tests here.
from tests.simulator.conftest import aws_executable  # noqa: F401

from .conftest import (
    JSON_EVENTS,
    MISSING,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

REQUEST_ID = "1c3a8e52-63f1-4ba0-a4bc-1e3c52b0f0a1"
ACCOUNT = "111122223333"
#: Far longer than any test: what is "not yet" stays so.
NEVER = 10**9


def rollout(sim: Simulator) -> tuple[str, str]:
    """An ACTIVE instance and a permission set of it."""
    arn = sim.create_instance("rollout", create_seconds=0)
    return arn, sim.create_permission_set(arn, "ReadOnly")


def region(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-region``'s arguments, for a Region added now or never."""
    arn, _ = rollout(sim)
    sim.add_region(arn, "eu-west-1", seconds=0 if done else NEVER)
    return ["wait-region", arn, "eu-west-1"]


def removed_region(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-region --until removed``'s arguments, for a Region removed now or never."""
    arn, _ = rollout(sim)
    sim.add_region(arn, "eu-west-1", seconds=0)
    if done:
        sim.remove_region(arn, "eu-west-1", seconds=0)
    return ["wait-region", arn, "eu-west-1", "--until", "removed"]


def abac(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-abac``'s arguments, for a configuration enabled now or never."""
    arn, _ = rollout(sim)
    sim.create_access_control_attributes(arn, seconds=0 if done else NEVER)
    return ["wait-abac", arn]


def permission_sets(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-permission-sets``'s arguments, for permission sets enabled now or never."""
    arn, _ = rollout(sim)
    sim.enable_permission_sets(arn, seconds=0 if done else NEVER)
    return ["wait-permission-sets", arn]


def provisioning(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-provisioning``'s arguments, for a request that succeeds now or never."""
    arn, ps = rollout(sim)
    request_id = sim.provision_permission_set(arn, ps, seconds=0 if done else NEVER)
    return ["wait-provisioning", arn, request_id]


def assignment(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-assignment``'s arguments, for a creation that succeeds now or never."""
    arn, ps = rollout(sim)
    request_id = sim.create_account_assignment(arn, ps, ACCOUNT, seconds=0 if done else NEVER)
    return ["wait-assignment", arn, request_id]


def deletion(sim: Simulator, *, done: bool) -> list[str]:
    """``wait-assignment --deletion``'s arguments, for a deletion that succeeds now or never."""
    arn, ps = rollout(sim)
    request_id = sim.delete_account_assignment(arn, ps, ACCOUNT, seconds=0 if done else NEVER)
    return ["wait-assignment", arn, request_id, "--deletion"]


def instance(sim: Simulator, *, done: bool) -> list[str]:
    """``poller wait``'s arguments, for an instance ACTIVE now or never."""
    return ["wait", sim.create_instance("x", create_seconds=0 if done else NEVER)]


#: Each waiting command, how to make what it waits on, and the one Describe a look sends.
LOOKS: dict[str, tuple[Callable[..., list[str]], str]] = {
    "wait": (instance, "DescribeInstance"),
    "wait-region": (region, "DescribeRegion"),
    "wait-region --until removed": (removed_region, "DescribeRegion"),
    "wait-abac": (abac, "DescribeInstanceAccessControlAttributeConfiguration"),
    "wait-permission-sets": (permission_sets, "DescribeInstance"),
    "wait-provisioning": (provisioning, "DescribePermissionSetProvisioningStatus"),
    "wait-assignment": (assignment, "DescribeAccountAssignmentCreationStatus"),
    "wait-assignment --deletion": (deletion, "DescribeAccountAssignmentDeletionStatus"),
}


def test_every_waiting_command_is_in_the_table() -> None:
    """Each waiting command of the registry is tried below."""
    waiting = {name for name in cli.commands if name.startswith("wait")}

    assert waiting == {name.split()[0] for name in LOOKS}


@pytest.mark.parametrize(("done", "expected"), [(True, 0), (False, 3)])
@pytest.mark.parametrize("command", list(LOOKS))
def test_timeout_0_looks_once_on_every_command(
    center: Center, command: str, done: bool, expected: int
) -> None:
    """`--timeout 0`: one Describe, exit 0 if there now and 3 if not yet, on each command."""
    make, operation = LOOKS[command]
    args = make(center.simulator, done=done)

    result = run_poller(*args, *center.options(), "--timeout", "0")

    assert expected == result.returncode, result.stderr
    [line] = json_lines(result.stdout)
    if expected:
        assert ("timed-out", 1) == (line["Outcome"], line["Attempts"])
        assert "looked once, without waiting" in line["Error"]["Message"]
    else:
        assert line.get("Outcome") in {None, "removed"}
    assert 1 == center.simulator.calls(operation)


def test_describe_takes_what_its_help_promises(center: Center) -> None:
    """Its help says ARN... and -: several ARNs are each described, the highest code wins."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    helped = run_poller("describe", "--help")

    several = run_poller("describe", arn, MISSING, *center.options()[:4], *JSON_EVENTS)

    assert "ARN..." in helped.stdout
    assert "ARN - reads" in " ".join(helped.stdout.split())
    assert 4 == several.returncode, several.stderr
    outcomes = {
        r["InstanceArn"]: r.get("Outcome", r.get("Status")) for r in json_lines(several.stdout)
    }
    assert {arn: "ACTIVE", MISSING: "not-found"} == outcomes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{s: Status, n: Name}", "x\tACTIVE\n"),
        ("{Name: Name, Regions: Regions[].RegionName}", "x\nREGIONS\tus-east-1\n"),
        ("Regions[].{Name: RegionName, Primary: IsPrimaryRegion}", "us-east-1\tTrue\n"),
        ("[Name, Status]", "x\tACTIVE\n"),
        ("Regions[?IsPrimaryRegion == `false`]", ""),
    ],
)
def test_text_output_of_objects_and_lists(center: Center, query: str, expected: str) -> None:
    """--output text prints what --query finds as the AWS CLI's text output does, never JSON."""
    arn = center.simulator.create_instance("x", create_seconds=0)

    done = run_poller("wait", arn, *center.options(), "--query", query, "--output", "text")

    assert 0 == done.returncode, done.stderr
    assert expected == done.stdout


VALUES = [
    "ACTIVE",
    None,
    3,
    True,
    [],
    ["a", 1, None],
    {"b": 2, "a": "x"},
    {"a": "x", "nested": {"z": 1, "y": [1, 2]}, "list": [{"k": 1}, {"k": 2, "j": 3}]},
    [{"a": 1, "b": {"c": 2}}, {"a": 3}],
    [[1, 2], "x", [3]],
]


def test_text_output_is_the_aws_clis(aws_executable: Path) -> None:  # noqa: F811 - the fixture
    """For objects, lists and scalars, our text is the AWS CLI's own formatter's, line for line."""
    script = (
        "import io, json, sys\nfrom awscli.text import format_text\n"
        "for value in json.loads(sys.stdin.read()):\n"
        "    out = io.StringIO(); format_text(value, out); print(json.dumps(out.getvalue()))\n"
    )
    python = aws_executable.parent / "python"

    done = subprocess.run(
        [str(python), "-c", script],
        input=json.dumps(VALUES),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=True,
    )

    theirs = [json.loads(line) for line in done.stdout.splitlines()]
    ours = [format_text(value) + "\n" if format_text(value) else "" for value in VALUES]
    assert theirs == ours


USAGE_ERRORS = [
    ["wait", "--frobnicate"],
    ["wait", "not-an-arn"],
    ["wait", "-q", "-v", MISSING],
    ["wait", "--timeout", "soon", MISSING],
    ["wait", "--all", MISSING],
    ["wait-region", MISSING],
    ["wait-assignment", MISSING, "-"],
    ["assign", MISSING, "--plan", "-"],
    ["assign", MISSING, "--plan", "-", "--max-outstanding", "16"],
    ["check", "-q", "--debug", MISSING],
    ["describe"],
    ["frobnicate"],
]


@pytest.mark.parametrize("form", [["--log-format", "json"], ["--log-format=json"]])
@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_a_usage_error_is_a_json_line_with_json_events(args: list[str], form: list[str]) -> None:
    """With --log-format json, stderr is JSON lines even for a usage error: one, exit 2."""
    done = subprocess.run(
        poller_command(*args, *form),
        input="",
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 2 == done.returncode, done.stderr
    [error] = json_lines(done.stderr)
    assert ("cli.usage_error", "error", 2) == (error["event"], error["level"], error["exit_code"])
    assert error["message"].endswith(".")
    assert "timestamp" in error


def test_a_usage_error_is_said_as_click_says_it_otherwise() -> None:
    """Without JSON events, a usage error reads as before: usage, hint, and the error."""
    done = run_poller("wait", "--frobnicate")

    assert 2 == done.returncode
    assert done.stderr.startswith("Usage: poller wait [OPTIONS] ARN...")
    assert "Error: No such option '--frobnicate'." in done.stderr


def quiet_and_loud() -> list[tuple[str, str]]:
    """Every command that takes -q, with each option that shows more than it."""
    pairs = []
    for name, command in sorted(cli.commands.items()):
        flags = {opt for param in command.params for opt in getattr(param, "opts", [])}
        pairs.extend((name, loud) for loud in ("-v", "--debug") if {"-q", loud} <= flags)
    return pairs


#: What each command is given before -q: well-formed, so that only -q is at fault.
ARGUMENTS: dict[str, list[str]] = {
    "wait-region": [MISSING, "eu-west-1"],
    "wait-provisioning": [MISSING, REQUEST_ID],
    "wait-assignment": [MISSING, REQUEST_ID],
    "assign": [MISSING, "--plan", "-"],
}


@pytest.mark.parametrize(("command", "loud"), quiet_and_loud())
def test_quiet_beside_verbose_or_debug_is_refused(command: str, loud: str) -> None:
    """-q shows only errors, -v and --debug every poll: together they are a usage error."""
    done = run_poller(command, *ARGUMENTS.get(command, [MISSING]), "-q", loud)

    assert 2 == done.returncode, done.stderr
    assert f"Give -q or {loud}, not both." in done.stderr


def test_every_command_with_q_is_tried() -> None:
    """Each command that takes -q takes -v or --debug too: each such pair is tried above."""
    with_q = {
        name
        for name, command in cli.commands.items()
        if "-q" in {opt for param in command.params for opt in getattr(param, "opts", [])}
    }

    assert with_q == {name for name, _ in quiet_and_loud()}
