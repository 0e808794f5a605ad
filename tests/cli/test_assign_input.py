"""`poller assign`: what is refused before any request, and how `--plan -` reads stdin.

The plan is read as a stream: the first item that is no assignment's input is refused while
stdin is still open (a command that read on would never answer). Then every assignment the
library refuses is listed in one error. Either way nothing is sent: the simulator's request log
stays empty.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from poller.cli._stdin import quote

from .conftest import (
    Center,
    json_lines,
    run_poller,
    typed_on_a_terminal,
)
from .test_assign import ACCOUNTS, as_lines, assign, events, plan_of, rollout
from .test_stdin import HUGE, LONG_RUN, run_with_open_stdin

# -- refused before any request -------------------------------------------------------------


def test_bad_items_are_all_listed_in_one_error_and_nothing_is_sent(
    center: Center, tmp_path: Path
) -> None:
    """Every item the service model refuses is listed where it was read; exit 2, no request."""
    arn, ps = rollout(center.simulator)
    other, _ = rollout(center.simulator)
    plan = plan_of(ps, (*ACCOUNTS, "1234", "555566667777", "888899990000", "999900001111"))
    plan[3]["TargetId"] = "1234"
    plan[4]["PrincipalType"] = "ROBOT"
    plan[5]["PermissionSetArn"] = ps.replace(arn.rpartition("/")[2], other.rpartition("/")[2])
    plan[6]["PrincipalId"] = "not-an-id"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))

    done = run_poller("assign", arn, "--plan", str(path), *center.options())

    assert 2 == done.returncode, done.stderr
    [error] = events(done.stderr, "cli.usage_error")
    message = error["message"]
    assert "4 of the 7 assignments of the plan cannot be sent, and nothing was" in message
    for number, words in [
        (4, "account ID '1234': expected 12 digits"),
        (5, "principal type 'ROBOT': expected USER or GROUP"),
        (6, "permission set ARN 'arn:aws:sso:::permissionSet/"),
        (7, "principal ID 'not-an-id'"),
    ]:
        assert f"item {number} of document 1 in {quote(str(path))}: {words}" in message
    assert f"belongs to instance {other.rpartition('/')[2]}" in message
    assert "item 1 of" not in message
    assert 0 == center.simulator.calls()


def test_another_instance_s_arn_in_the_plan_is_refused(center: Center) -> None:
    """An item's InstanceArn must be the ARN given: refused at that item, nothing sent."""
    arn, ps = rollout(center.simulator)
    other, _ = rollout(center.simulator)
    plan = plan_of(ps)
    plan[1]["InstanceArn"] = other

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan))

    assert 2 == done.returncode, done.stderr
    [error] = events(done.stderr, "cli.usage_error")
    assert f"document 2 on stdin is for instance '{other}', not {arn}" in error["message"]
    assert 0 == center.simulator.calls()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("16", "16 is not from 1 to 15: IAM Identity Center allows at most 15"),
        ("0", "0 is not from 1 to 15"),
        ("many", "'many' is not a whole number"),
    ],
)
def test_max_outstanding_is_from_1_to_15(value: str, words: str) -> None:
    """Above the service's limit (or below one) is a usage error saying why, before anything."""
    done = run_poller(
        "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "-",
        "--max-outstanding", value,
    )  # fmt: skip

    assert 2 == done.returncode, done.stderr
    assert "Invalid value for '--max-outstanding'" in done.stderr
    assert words in " ".join(done.stderr.split())


def test_max_outstanding_is_the_library_s_limit() -> None:
    """The command's most is the library's, which refuses one more."""
    from poller._rollout._plan import MAX_OUTSTANDING, check_max_outstanding  # noqa: PLC0415
    from poller.cli._assign import MAX_OUTSTANDING as COMMAND_MOST  # noqa: PLC0415

    assert MAX_OUTSTANDING == COMMAND_MOST
    with pytest.raises(ValueError, match="from 1 to 15"):
        check_max_outstanding(COMMAND_MOST + 1)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("not-json\n" * 1000, "line 1 of stdin is not JSON ('not-json')"),
        ('[{"TargetId": "111122223333", "Foo": 1},\n' * 1000, "holds 'Foo', which"),
        ("[1,\n" * 1000, "item 1 of document 1 on stdin is a number ('1'), not an object"),
        ('{"TargetId": "1"}\n' * 1000, "has no PermissionSetArn, PrincipalType, PrincipalId"),
        ("x" * HUGE, "goes on for over 1024 characters"),
        ('["' + "y" * HUGE, "goes on for over 1 MiB"),
        ("{not json " + "z" * HUGE, "is not JSON at line 1, column 2"),
    ],
    ids=["text", "unknown-key", "not-an-object", "missing-keys", "long-word", "long-json",
         "garbage"],
)  # fmt: skip
def test_the_first_item_that_is_no_input_is_refused_unread_rest(stdin: str, words: str) -> None:
    """Exit 2 at the first item that is not an assignment's input, stdin still open; short."""
    done = run_with_open_stdin(
        stdin, "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", "-"
    )

    assert 2 == done.returncode, done.stderr[:2000]
    assert words in " ".join(done.stderr.split())
    assert len(done.stderr) < 1200, done.stderr[:2000]
    assert not LONG_RUN.search(done.stderr), done.stderr[:2000]
    assert "" == done.stdout


def test_a_plan_of_another_target_type_is_refused(center: Center) -> None:
    """TargetType is AWS_ACCOUNT, or left out."""
    arn, ps = rollout(center.simulator)
    plan = plan_of(ps)
    plan[0]["TargetType"] = "ORGANIZATIONAL_UNIT"

    done = assign(center, arn, "--plan", "-", stdin=as_lines(plan))

    assert 2 == done.returncode, done.stderr
    assert "TargetType 'ORGANIZATIONAL_UNIT': an assignment's is AWS_ACCOUNT" in done.stderr
    assert 0 == center.simulator.calls()


@pytest.mark.parametrize("source", ["-", "file"])
def test_an_empty_plan_is_refused_unless_allow_empty(
    center: Center, tmp_path: Path, source: str
) -> None:
    """Nothing to do is exit 2, as an empty stdin is elsewhere; --allow-empty accepts it."""
    arn, _ = rollout(center.simulator)
    path = tmp_path / "empty.json"
    path.write_text("[]\n")
    where = "-" if source == "-" else str(path)
    stdin = "\n" if source == "-" else None

    refused = assign(center, arn, "--plan", where, stdin=stdin)
    allowed = assign(center, arn, "--plan", where, "--allow-empty", stdin=stdin)

    assert 2 == refused.returncode, refused.stderr
    assert "holds no assignment" in refused.stderr
    assert "--allow-empty" in refused.stderr
    assert 0 == allowed.returncode, allowed.stderr
    assert "" == allowed.stdout
    assert 1 == len(events(allowed.stderr, "cli.empty_plan"))
    assert 0 == center.simulator.calls()


def test_a_plan_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """A missing file is a usage error naming it (quoted short), before anything else."""
    missing = tmp_path / ("m" * 200) / "plan.json"

    done = run_poller(
        "assign", "arn:aws:sso:::instance/ssoins-0123456789abcdef", "--plan", str(missing)
    )

    assert 2 == done.returncode, done.stderr
    assert "cannot be read (No such file or directory)" in done.stderr
    assert not LONG_RUN.search(done.stderr), done.stderr


def test_a_terminal_is_told_what_to_type_and_how_to_end_it(center: Center) -> None:
    """`--plan -` on a terminal says on stderr what it reads and that Ctrl-D ends it."""
    arn, ps = rollout(center.simulator)

    done = typed_on_a_terminal(
        "assign", arn, "--plan", "-", *center.options(), text=as_lines(plan_of(ps, ACCOUNTS[:1]))
    )

    assert 0 == done.returncode, done.prompt + done.stderr
    [prompt] = events(done.prompt, "cli.reading_stdin")
    assert "Ctrl-D" in prompt["message"]
    assert "CreateAccountAssignment" in prompt["message"]
    assert [ACCOUNTS[0]] == [r["TargetId"] for r in json_lines(done.stdout)]
