"""What `aws` and `kubectl` users expect: --query, ARNs from stdin, repeats, shell completion."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import (
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)


def run_with_stdin(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m poller ARGS`` with *stdin* as its standard input."""
    return subprocess.run(
        poller_command(*args),
        input=stdin,
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize(
    ("query", "output", "expected"),
    [
        ("IdentityStoreId", "text", "{store}\n"),
        ("IdentityStoreId", "json", '"{store}"\n'),
        ("[Status, Name]", "text", "ACTIVE\tx\n"),
        ("Outcome", "text", "None\n"),
    ],
)
def test_query_picks_from_each_document(
    center: Center, query: str, output: str, expected: str
) -> None:
    """--query applies JMESPath to each result before it is printed, as the AWS CLI does."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--query", query, "--output", output)

    assert 0 == done.returncode, done.stderr
    store = json_lines(run_poller("describe", arn, *center.options()[:4]).stdout)[0]
    assert expected.format(store=store["IdentityStoreId"]) == done.stdout


def test_query_on_a_failure(center: Center) -> None:
    """The failure object is a document too: its keys can be queried."""
    arn = center.simulator.create_instance("bad", fail_reason="Quota exceeded")

    done = run_poller("wait", arn, *center.options(), "--query", "Error.Reason", "--output", "text")

    assert 1 == done.returncode, done.stderr
    assert "Quota exceeded\n" == done.stdout


def test_a_bad_query_is_bad_input(center: Center) -> None:
    """An expression JMESPath cannot parse is a usage error, before any request."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--query", "Status[")

    assert 2 == done.returncode, done.stderr
    assert "not a JMESPath expression" in done.stderr
    assert 0 == center.simulator.calls()


def test_arns_from_stdin(center: Center) -> None:
    """A lone - reads ARNs from stdin: one per line or several on one, blank lines ignored.

    A byte order mark first (what some Windows tools write) is no ARN: it is left out.
    """
    arns = [center.simulator.create_instance(f"i{n}") for n in range(3)]
    stdin = f"\ufeff{arns[0]}\n\n  {arns[1]}\t{arns[2]}\n\n"

    done = run_with_stdin(stdin, "wait", "-", *center.options())

    assert 0 == done.returncode, done.stderr
    assert set(arns) == {r["InstanceArn"] for r in json_lines(done.stdout)}


@pytest.mark.parametrize(
    ("stdin", "args", "words"),
    [
        ("arn:aws:sso:::instance/ssoins-short\n", ("-",), "line 1 of stdin"),
        ("\n\n", ("-",), "held none"),
        ("", ("-", "arn:aws:sso:::instance/ssoins-0123456789abcdef"), "the only ARN argument"),
    ],
)
def test_bad_stdin_is_bad_input(
    center: Center, stdin: str, args: tuple[str, ...], words: str
) -> None:
    """ARNs from stdin are checked as arguments are: exit 2 before any request."""
    done = run_with_stdin(stdin, "wait", *args, *center.options())

    assert 2 == done.returncode, done.stderr
    assert words in " ".join(done.stderr.split())
    assert 0 == center.simulator.calls()


def test_a_repeated_arn_is_waited_on_once_with_a_warning(center: Center) -> None:
    """The same ARN twice: one wait, one result line, and a warning saying so."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, arn, *center.options())

    assert 0 == done.returncode, done.stderr
    assert [arn] == [r["InstanceArn"] for r in json_lines(done.stdout)]
    [warning] = [e for e in json_lines(done.stderr) if e["event"] == "cli.duplicate_arn"]
    assert "2 times" in warning["message"]


def test_shell_completion_is_documented_and_works() -> None:
    """`poller --help` says how to enable completion, and the completion script answers."""
    help_text = run_poller("--help").stdout
    script = subprocess.run(
        poller_command(),
        capture_output=True,
        text=True,
        env=command_env() | {"_POLLER_COMPLETE": "bash_source"},
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    completed = subprocess.run(
        poller_command(),
        capture_output=True,
        text=True,
        env=command_env()
        | {"_POLLER_COMPLETE": "bash_complete", "COMP_WORDS": "poller ch", "COMP_CWORD": "1"},
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert "_POLLER_COMPLETE=bash_source poller" in help_text
    assert 0 == script.returncode
    assert "complete -o nosort -F" in script.stdout
    assert "plain,check" in completed.stdout.splitlines()
