"""Words: every error line says each thing once, and the README's shell rollout runs as written.

An error line is the library's message followed by the command's hint: the hint adds to the
message, never repeats it (no phrase of three words in both), and nothing is said twice in a
row. The paths below cover every source of a message: poller's errors of every kind and
outcome, botocore's own (no Region, a profile, credentials, the network), the listing, and a
server that is not AWS.
"""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from poller.simulator import Fault, Simulator, serve_in_thread

# aws_executable is a fixture: imported, it is a parameter of the tests here.
from tests.simulator.conftest import aws_executable  # noqa: F401

from .conftest import MISSING, SUBPROCESS_TIMEOUT, Center, command_env, json_lines, poller_command

README = Path(__file__).resolve().parents[2] / "README.md"
UNKNOWN_REQUEST = "00000000-0000-4000-8000-000000000000"
ACCOUNT = "111122223333"
EXPIRED = Fault.error("ExpiredTokenException", message="The token expired.", status=403)
UNREACHABLE_DELAYS = ("--min-delay", "100ms", "--max-delay", "1s")
#: Words that say little on their own.
SMALL_WORDS = "a an the is are was were be of to in on at for by with and or it its"
SMALL = frozenset(SMALL_WORDS.split())
#: Punctuation around a word.
AROUND = ".,;:()[]{}`'\"!?"


def tokens(text: str) -> list[str]:
    """The words of *text*, lower case, an option read as its words, identifiers left out."""
    words: list[str] = []
    for raw in text.split():
        word = raw.strip(AROUND).lower()
        if not word or any(c.isdigit() for c in word) or set(word) & set(":/="):
            continue  # an ARN, a URL, a number, a request ID: names, not words
        words.extend(word[2:].split("-") if word.startswith("--") else [word])
    return words


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    """Every three words in a row."""
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def said_twice(message: str, hint: str | None) -> list[str]:
    """What *hint* repeats of *message*, and any phrase said twice in a row in either."""
    found: list[str] = []
    said, advice = tokens(message), tokens(hint or "")
    for keep in (lambda w: True, lambda w: w not in SMALL):
        both = shingles([w for w in said if keep(w)]) & shingles([w for w in advice if keep(w)])
        found.extend(" ".join(phrase) for phrase in both)
    found.extend(in_a_row(message + " " + (hint or "")))
    return found


def in_a_row(text: str) -> list[str]:
    """Each phrase (of words, up to six) said twice in a row in *text*."""
    words = [w for w in (raw.strip(AROUND).lower() for raw in text.split()) if w]
    return [
        " ".join(words[i : i + n])
        for n in range(1, 7)
        for i in range(len(words) - 2 * n + 1)
        if words[i : i + n] == words[i + n : i + 2 * n] and any(c.isalpha() for c in words[i])
    ]


def closed_port_url() -> str:
    """An http:// URL on a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _NotAws(http.server.BaseHTTPRequestHandler):
    """Answers every request with Python's own error page (a title and a heading that agree)."""

    def do_POST(self) -> None:
        """A 502, as a proxy that lost its upstream answers."""
        self.send_error(502)

    def log_message(self, *args: Any) -> None:
        """Nothing on the test's stderr."""


@pytest.fixture(scope="module")
def not_aws() -> Iterator[str]:
    """The URL of an HTTP server that is not AWS."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotAws)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(SUBPROCESS_TIMEOUT)


def rollout(sim: Simulator) -> tuple[str, str]:
    """An ACTIVE instance and a permission set of it."""
    arn = sim.create_instance("rollout", create_seconds=0)
    return arn, sim.create_permission_set(arn, "ReadOnly")


def with_fault(sim: Simulator, fault: Fault, **where: str) -> str:
    """An ACTIVE instance whose Describe answers *fault*."""
    arn = sim.create_instance("faulty", create_seconds=0)
    sim.add_fault(fault, instance_arn=arn, **where)
    return arn


def timed_out(sim: Simulator) -> list[str]:
    """An instance that is never ready, and a second to wait."""
    return ["wait", sim.create_instance("slow", create_seconds=10**9), "--timeout", "1s"]


def closed_port(*args: str) -> list[str]:
    """``poller wait ARGS`` against a port nothing listens on."""
    return ["wait", *args, "--endpoint-url", closed_port_url()]


#: Each error path: the arguments of a run, given the simulator and the not-AWS server's URL.
PATHS: dict[str, Callable[[Simulator, str], list[str]]] = {
    "failed": lambda s, _: ["wait", s.create_instance("bad", fail_reason="Quota exceeded.")],
    "denied": lambda s, _: ["wait", with_fault(s, Fault.access_denied(None))],
    "kms": lambda s, _: ["wait", with_fault(s, Fault.access_denied(None, kms=True))],
    "expired": lambda s, _: ["wait", with_fault(s, EXPIRED)],
    "not-found": lambda s, _: ["wait", MISSING],
    "validation": lambda s, _: ["wait", with_fault(s, Fault.validation())],
    "timed-out": lambda s, _: timed_out(s),
    "malformed": lambda s, _: ["describe", with_fault(s, Fault.malformed_body(count=None))],
    "not-yet": lambda s, _: ["check", s.create_instance("slow", create_seconds=10**9)],
    "region-removing": lambda s, _: region_removing(s),
    "region-missing": lambda s, _: ["wait-region", rollout(s)[0], "eu-central-1"],
    "abac-failed": lambda s, _: abac_failed(s),
    "abac-missing": lambda s, _: ["wait-abac", rollout(s)[0]],
    "provisioning-failed": lambda s, _: provisioning_failed(s),
    "provisioning-missing": lambda s, _: ["wait-provisioning", rollout(s)[0], UNKNOWN_REQUEST],
    "deletion-as-creation": lambda s, _: deletion_as_creation(s),
    "listing-denied": lambda s, _: listing_denied(s),
    "no-instances": lambda s, _: ["wait", "--all"],
    "profile": lambda s, _: ["wait", MISSING, "--profile", "nobody"],
    "not-aws": lambda s, url: ["describe", MISSING, "--endpoint-url", url],
    "not-aws-timeout": lambda s, url: ["wait", MISSING, "--endpoint-url", url, "--timeout", "2s"],
    "closed-port-timeout": lambda s, _: closed_port(MISSING, "--timeout", "2s"),
    "closed-port-listing": lambda s, _: closed_port("--all"),
    # The engine gives up on an endpoint that never answered after 3 refusals over 10 s.
    "unreachable": lambda s, _: closed_port(MISSING, "--timeout", "5m", *UNREACHABLE_DELAYS),
}


def region_removing(sim: Simulator) -> list[str]:
    """A Region being removed, waited on to become active."""
    arn, _ = rollout(sim)
    sim.add_region(arn, "eu-west-1", seconds=0)
    sim.remove_region(arn, "eu-west-1", never_finish=True)
    return ["wait-region", arn, "eu-west-1"]


def abac_failed(sim: Simulator) -> list[str]:
    """A configuration that fails to enable."""
    arn, _ = rollout(sim)
    sim.create_access_control_attributes(arn, fail_reason="Bad source.")
    return ["wait-abac", arn]


def provisioning_failed(sim: Simulator) -> list[str]:
    """A provisioning that fails."""
    arn, ps = rollout(sim)
    return ["wait-provisioning", arn, sim.provision_permission_set(arn, ps, fail_reason="No.")]


def deletion_as_creation(sim: Simulator) -> list[str]:
    """A deletion's request ID waited on as a creation's."""
    arn, ps = rollout(sim)
    return ["wait-assignment", arn, sim.delete_account_assignment(arn, ps, ACCOUNT, seconds=0)]


def listing_denied(sim: Simulator) -> list[str]:
    """--all, whose ListInstances is denied."""
    sim.add_fault(Fault.access_denied(None), operation="ListInstances")
    return ["wait", "--all"]


def run(args: list[str], center: Center, *, env: dict[str, str] | None = None) -> Any:
    """The command, pointed at *center* unless *args* say where, with JSON events."""
    where = [] if "--endpoint-url" in args else ["--endpoint-url", center.endpoint_url]
    fast = [] if "--min-delay" in args else ["--min-delay", "10ms", "--max-delay", "50ms"]
    if args[0] in {"check", "describe"}:
        fast = []
    return subprocess.run(
        poller_command(*args, *where, "--region", "us-east-1", *fast, "--log-format", "json"),
        capture_output=True,
        text=True,
        env=env or command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("path", list(PATHS))
def test_each_error_line_says_each_thing_once(center: Center, not_aws: str, path: str) -> None:
    """The hint adds to the library's message, repeats none of it; no phrase twice in a row."""
    done = run(PATHS[path](center.simulator, not_aws), center)

    errors = [e for e in json_lines(done.stderr) if e["event"] == "cli.error"]
    assert errors, done.stderr
    for error in errors:
        assert [] == said_twice(str(error["message"]), error.get("hint")), error


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "credentials"),
        ({}, "No AWS Region"),
    ],
)
def test_botocore_errors_say_each_thing_once(
    center: Center, env: dict[str, str], words: str
) -> None:
    """No credentials, or no Region: said once, with what to do."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    environment = {k: v for k, v in command_env().items() if k not in env} | {
        k: v for k, v in env.items() if v
    }
    args = ["wait", arn, "--endpoint-url", center.endpoint_url, "--log-format", "json"]
    if "Region" not in words:
        args += ["--region", "us-east-1"]

    done = subprocess.run(
        poller_command(*args),
        capture_output=True,
        text=True,
        env=environment,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    [error] = [e for e in json_lines(done.stderr) if e["event"] == "cli.error"]
    assert words in f"{error['message']} {error['hint']}"
    assert [] == said_twice(str(error["message"]), error["hint"])


def test_console_lines_say_nothing_twice_in_a_row(center: Center, not_aws: str) -> None:
    """A server's page read out in a console line (its title, then its heading) reads once."""
    done = subprocess.run(
        poller_command(
            "wait", MISSING, "--endpoint-url", not_aws, "--region", "us-east-1", "--timeout", "2s",
            "--min-delay", "10ms", "--max-delay", "50ms", "--log-format", "console", "-v",
        ),
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )  # fmt: skip

    assert 3 == done.returncode, done.stderr
    assert "Error response" in done.stderr
    for line in done.stderr.splitlines():
        assert [] == in_a_row(line), line


def test_the_detector_finds_what_the_trials_found() -> None:
    """What this file calls saying a thing twice: the trials' three examples."""
    assert said_twice("The server said: Error response Error response.", None)
    assert said_twice(
        "Check the network, the Region and the endpoint URL.",
        "Nothing answered: check the network (a proxy), --region, --endpoint-url.",
    )
    assert said_twice(
        "Check the ARN, the account and the Region.",
        "Point --region and --profile at the account and Region that hold the instance.",
    )
    assert not said_twice("Instance x failed to create: Quota.", "Fix the cause and retry.")


def readme_rollout() -> str:
    """The README's shell rollout, as written."""
    section = README.read_text(encoding="utf-8").split("### The rollout from the shell", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readme_rollout_runs_as_written(
    aws_executable: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    """The README's shell rollout, run whole with the AWS CLI v1 and poller, AWS_REGION set.

    The Region comes from what the example exports (AWS_REGION alone, as a user of poller may
    have set it, stops the AWS CLI v1); the endpoint from AWS_ENDPOINT_URL, which both read.
    Every step of the simulator is done at once, so each wait needs one look.
    """
    sim = Simulator(
        time_scale=1000.0, add_region_seconds=0, provisioning_seconds=0, assignment_seconds=0
    )
    with serve_in_thread(sim) as server:
        arn = sim.create_instance("rollout", create_seconds=0)
        sim.create_access_control_attributes(arn, seconds=0)
        ps = sim.create_permission_set(arn, "ReadOnly")
        (tmp_path / "accounts.txt").write_text(f"{ACCOUNT}\n444455556666\n")
        script = (
            "set -eo pipefail\n"
            f"ARN={arn} PS={ps} GROUP=906723b8-1234-5678-9abc-def012345678\n" + readme_rollout()
        )
        env = command_env() | {
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": server.endpoint_url,
            "HOME": str(tmp_path),
            "AWS_PAGER": "",
            "PATH": f"{aws_executable.parent}:{Path(sys.executable).parent}:/usr/bin:/bin",
        }
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=SUBPROCESS_TIMEOUT * 4,
            check=False,
        )

    assert 0 == done.returncode, done.stderr
    results = json_lines((tmp_path / "assignments.jsonl").read_text())
    assert ["SUCCEEDED", "SUCCEEDED"] == [r["Status"] for r in results]
    assert (2, 1, 2) == (
        sim.calls("AddRegion"),
        sim.calls("ProvisionPermissionSet"),
        sim.calls("CreateAccountAssignment"),
    )
