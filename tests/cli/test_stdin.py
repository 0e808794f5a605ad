"""What `-` reads on every command: a stream, item by item, each checked as it is read.

The first bad item is refused with a short message while the rest is still unread: these tests
keep stdin open after it, so a command that read on (to the end of stdin) would never answer.
The AWS CLI's JSON for instances (`list-instances`, `create-instance`) is read wherever ARNs
are, and a person at a terminal is told what to type and how to end it.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from poller.cli._stdin import MAX_ITEM, MAX_WORD, QUOTE

from .conftest import (
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    typed_on_a_terminal,
)
from .test_rollout_input import boto_client, printed

ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
#: Every command that reads `-`, with the arguments before it.
READERS = {
    "wait": ["wait"],
    "check": ["check"],
    "describe": ["describe"],
    "wait-abac": ["wait-abac"],
    "wait-permission-sets": ["wait-permission-sets"],
    "wait-provisioning": ["wait-provisioning", ARN],
    "wait-assignment": ["wait-assignment", ARN],
}
#: Longer than any pipe's buffer: a command that reads it all would block on the rest.
HUGE = 4 * MAX_ITEM
#: A run of the same character longer than a message may quote.
LONG_RUN = re.compile(rf"(.)\1{{{QUOTE},}}")


def run_with_open_stdin(data: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m poller ARGS`` with *data* on stdin, which stays open until it exits.

    A command that reads past what it refuses waits for more and never exits: the test fails
    at SUBPROCESS_TIMEOUT, which is only a safeguard.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            poller_command(*args),
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            text=True,
            env=command_env(),
        )
        assert process.stdin is not None
        writer = threading.Thread(target=write_quietly, args=(process.stdin, data), daemon=True)
        writer.start()
        try:
            code = process.wait(timeout=SUBPROCESS_TIMEOUT)
        finally:
            process.kill()
            writer.join(SUBPROCESS_TIMEOUT)
            with_closed(process.stdin)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, code, out.read(), err.read())


def write_quietly(stream: Any, data: str) -> None:
    """Write *data* to *stream* and leave it open; a reader that left is no error."""
    with contextlib.suppress(ValueError, OSError):
        stream.write(data)
        stream.flush()


def with_closed(stream: Any) -> None:
    """Close *stream*, whose reader may be gone."""
    with contextlib.suppress(OSError):
        stream.close()


def first_bad(command: str, case: str) -> tuple[str, str]:
    """What stdin holds for *case* (a bad first item, then more), and words of the refusal."""
    if case == "checked-item":  # well-formed, but the kind's own check refuses it
        if command in {"wait-provisioning", "wait-assignment"}:
            answer = json.dumps({"RequestId": "nope", "Status": "IN_PROGRESS"})
            return f"[{answer},\n" * 1000, "'nope' is not a request ID"
        return '[{"InstanceArn": "nope"},\n' + f'"{ARN}",\n' * 1000, "'nope' is not an"
    return {
        "text": ("not-an-id\n" * 1000, "'not-an-id' is not"),
        "json-array": ('[{"Foo": 1},\n' + '{"Foo": 2},\n' * 1000, "holds Foo, no"),
        "long-word": ("x" * HUGE, f"goes on for over {MAX_WORD} characters"),
        "long-json": ('["' + "y" * HUGE, "goes on for over 1 MiB"),
        "garbage-json": ("{not json " + "z" * HUGE, "is not JSON at line 1, column 2"),
    }[case]


@pytest.mark.parametrize(
    "case", ["text", "json-array", "checked-item", "long-word", "long-json", "garbage-json"]
)
@pytest.mark.parametrize("command", list(READERS))
def test_the_first_bad_item_is_refused_unread_rest_and_all(command: str, case: str) -> None:
    """Exit 2 at the first bad item, stdin still open; the message quotes little of it."""
    data, words = first_bad(command, case)

    done = run_with_open_stdin(data, *READERS[command], "-")

    assert 2 == done.returncode, done.stderr
    assert words in " ".join(done.stderr.split())
    assert len(done.stderr) < 1200, done.stderr[:2000]
    assert not LONG_RUN.search(done.stderr), done.stderr[:2000]
    assert "" == done.stdout


def test_a_usage_error_in_json_with_a_long_word_is_short() -> None:
    """A refusal as a JSON line quotes as little of the input as a console one."""
    done = run_with_open_stdin("x" * HUGE, "wait-abac", "-", "--log-format", "json")

    assert 2 == done.returncode, done.stderr
    [error] = json_lines(done.stderr)
    assert "cli.usage_error" == error["event"]
    assert len(error["message"]) < 400


@pytest.fixture
def instances(center: Center) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Two instances created over the wire, ACTIVE at once, each with ABAC and permission sets."""
    client = boto_client(center.endpoint_url)
    try:
        created = [client.create_instance(Name=f"i{n}") for n in range(2)]
        arns = [answer["InstanceArn"] for answer in created]
        for arn in arns:
            center.simulator.create_access_control_attributes(arn, seconds=0)
            center.simulator.enable_permission_sets(arn, seconds=0)
        yield client, created
    finally:
        client.close()


def aws_json(layout: str, client: Any, created: list[dict[str, Any]]) -> str:
    """What the AWS CLI prints for *layout*: its answers' JSON, as it indents them."""
    if layout == "list-instances":
        return printed(client.list_instances())
    if layout == "create-instance":  # a loop of `aws sso-admin create-instance`
        return "".join(printed(answer) for answer in created)
    arns = [answer["InstanceArn"] for answer in created]
    return json.dumps(arns, indent=4) + "\n"  # --query 'Instances[].InstanceArn' (JSON)


@pytest.mark.parametrize("center", [{"create_seconds": 0}], indirect=True)
@pytest.mark.parametrize("layout", ["list-instances", "create-instance", "query"])
@pytest.mark.parametrize(
    "command", ["wait", "check", "describe", "wait-abac", "wait-permission-sets"]
)
def test_the_aws_cli_json_for_instances_is_read_by_every_command(
    center: Center, instances: tuple[Any, list[dict[str, Any]]], command: str, layout: str
) -> None:
    """`aws sso-admin list-instances` or `create-instance` piped in: each instance, once."""
    client, created = instances
    stdin = aws_json(layout, client, created)
    looks = command in {"check", "describe"}  # no delays: they send one request each
    where = center.options()[:4] if looks else center.options()

    done = subprocess.run(
        poller_command(command, "-", *where),
        input=stdin,
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    arns = {answer["InstanceArn"] for answer in created}
    assert arns == {r["InstanceArn"] for r in json_lines(done.stdout)}
    assert 2 == len(json_lines(done.stdout))


def test_a_terminal_is_told_what_to_type_and_how_to_end_it(center: Center) -> None:
    """`-` on a terminal says on stderr what it reads and that Ctrl-D ends it; then reads it."""
    arn = center.simulator.create_instance("typed", create_seconds=0)

    done = typed_on_a_terminal("wait", "-", *center.options(), text=f"{arn}\n")

    assert 0 == done.returncode, done.prompt + done.stderr
    [prompt] = [e for e in json_lines(done.prompt) if e["event"] == "cli.reading_stdin"]
    assert "Ctrl-D" in prompt["message"]
    assert "list-instances" in prompt["message"]
    assert [arn] == [r["InstanceArn"] for r in json_lines(done.stdout)]


def test_a_pipe_is_not_told_anything(center: Center) -> None:
    """From a pipe or a file, nobody types: no prompt."""
    arn = center.simulator.create_instance("piped", create_seconds=0)

    done = subprocess.run(
        poller_command("wait", "-", *center.options()),
        input=f"{arn}\n",
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    assert "cli.reading_stdin" not in done.stderr


LONG = "q" * 5000
REQUEST_ID = "1c3a8e52-63f1-4ba0-a4bc-1e3c52b0f0a1"


@pytest.mark.parametrize(
    "args",
    [
        ["wait", LONG],
        ["wait-region", ARN, f"eu-{LONG}-1"],
        ["wait-provisioning", ARN, LONG],
        ["wait", ARN, "--region", LONG],
        ["wait", ARN, "--timeout", LONG],
        ["wait", ARN, "--min-delay", f"1{LONG}"],
        ["wait", ARN, "--query", f"Status[{LONG}"],
        ["wait", ARN, "--endpoint-url", f"ftp://{LONG}"],
        ["describe", ARN, "--query", f"[{LONG}"],
    ],
    ids=lambda args: " ".join(a if len(a) < 40 else "LONG" for a in args),
)
def test_a_long_argument_is_quoted_short(args: list[str]) -> None:
    """Arguments and options are input too: a refusal quotes at most 80 characters of one."""
    done = subprocess.run(
        poller_command(*args),
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 2 == done.returncode, done.stderr[:2000]
    assert len(done.stderr) < 1000, done.stderr[:2000]
    assert not LONG_RUN.search(done.stderr), done.stderr[:2000]
