"""What the rollout commands read: the AWS CLI's answers on stdin, and input refused at once.

``aws sso-admin create-account-assignment ... | poller wait-assignment ARN -`` runs here as a
real shell pipeline, with the AWS CLI from the package index; the other tests feed stdin the
JSON that the AWS CLI prints (botocore's parsed answer, ``json.dumps(..., indent=4)``), made by
boto3 over the wire against the simulator.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from poller.cli import cli

# aws_executable is a fixture: imported, it is a parameter of the tests here.
from tests.simulator.conftest import aws_executable, boto_client  # noqa: F401

from .conftest import SUBPROCESS_TIMEOUT, Center, command_env, json_lines, poller_command

ACCOUNTS = ("111122223333", "444455556666", "777788889999")
GROUP = "906723b8-1234-5678-9abc-def012345678"


@pytest.fixture
def boto(center: Center) -> Iterator[Any]:
    """A boto3 sso-admin client for the center, as the AWS CLI would call it."""
    client = boto_client(center.endpoint_url)
    yield client
    client.close()


def printed(answer: dict[str, Any]) -> str:
    """What the AWS CLI prints for *answer*: its JSON, indented by 4, dates in ISO 8601."""
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    return json.dumps(body, indent=4, default=lambda d: d.isoformat()) + "\n"


def assignment_args(arn: str, permission_set_arn: str, account: str) -> dict[str, str]:
    """CreateAccountAssignment's (and DeleteAccountAssignment's) input for *account*."""
    return {
        "InstanceArn": arn,
        "PermissionSetArn": permission_set_arn,
        "TargetId": account,
        "TargetType": "AWS_ACCOUNT",
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    }


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


@pytest.fixture
def rollout(center: Center) -> tuple[str, str]:
    """An ACTIVE instance and a permission set of it."""
    arn = center.simulator.create_instance("rollout", create_seconds=0)
    return arn, center.simulator.create_permission_set(arn, "ReadOnly")


# Requests done at once: one Describe each decides them, however long the pipeline takes.
@pytest.mark.parametrize("center", [{"assignment_seconds": 0}], indirect=True)
def test_the_aws_cli_piped_into_wait_assignment(
    center: Center,
    rollout: tuple[str, str],
    aws_executable: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    """`aws ... create-account-assignment | poller wait-assignment ARN -`, creation and deletion."""
    arn, ps = rollout
    center.simulator.create_account_assignment(
        arn, ps, ACCOUNTS[2], principal_type="GROUP", principal_id=GROUP, seconds=0
    )
    aws = f"'{aws_executable}' sso-admin --endpoint-url {center.endpoint_url} --region us-east-1"
    target = f"--permission-set-arn {ps} --target-type AWS_ACCOUNT --principal-type GROUP"
    script = (
        "set -o pipefail\n"
        f"{{ for account in {ACCOUNTS[0]} {ACCOUNTS[1]}; do\n"
        f"    {aws} create-account-assignment --instance-arn {arn} {target} "
        f"--principal-id {GROUP} --target-id $account\n"
        "  done\n"
        f"  {aws} delete-account-assignment --instance-arn {arn} {target} "
        f"--principal-id {GROUP} --target-id {ACCOUNTS[2]}\n"
        f"}} | {' '.join(poller_command('wait-assignment', arn, '-', *center.options()))}\n"
    )
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=command_env() | {"HOME": str(tmp_path), "AWS_PAGER": ""},
        timeout=SUBPROCESS_TIMEOUT * 3,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    results = json_lines(done.stdout)
    assert sorted(ACCOUNTS) == sorted(r["TargetId"] for r in results)
    assert {"SUCCEEDED"} == {r["Status"] for r in results}
    sim = center.simulator
    assert (2, 1) == (
        sim.calls("DescribeAccountAssignmentCreationStatus"),
        sim.calls("DescribeAccountAssignmentDeletionStatus"),
    )


@pytest.mark.parametrize(
    "layout", ["documents", "json-lines", "array", "bare-ids", "strings", "byte-order-mark"]
)
def test_answers_in_every_layout(
    center: Center, rollout: tuple[str, str], boto: Any, layout: str
) -> None:
    """Documents, JSON lines, an array, bare IDs, JSON strings, after a BOM (Windows): all read."""
    arn, ps = rollout
    answers = [
        boto.create_account_assignment(**assignment_args(arn, ps, account)) for account in ACCOUNTS
    ]
    ids = [a["AccountAssignmentCreationStatus"]["RequestId"] for a in answers]
    bodies = [json.loads(printed(a)) for a in answers]
    stdin = {
        "documents": "".join(printed(a) for a in answers),
        "json-lines": "".join(json.dumps(b) + "\n" for b in bodies),
        "array": json.dumps(bodies, indent=2),
        "bare-ids": "\n".join(ids) + "\n",
        "strings": "".join(json.dumps(i) + "\n" for i in ids),
        "byte-order-mark": "\ufeff" + "".join(printed(a) for a in answers),
    }[layout]

    done = run_with_stdin(stdin, "wait-assignment", arn, "-", *center.options())

    assert 0 == done.returncode, done.stderr
    assert sorted(ids) == sorted(r["RequestId"] for r in json_lines(done.stdout))
    operation = "DescribeAccountAssignmentCreationStatus"
    assert all(center.simulator.calls(operation, request_id=i) for i in ids)


@pytest.mark.parametrize("center", [{"assignment_seconds": 0}], indirect=True)
def test_a_mix_of_creations_and_deletions(
    center: Center, rollout: tuple[str, str], boto: Any
) -> None:
    """Creations and deletions in one stream: each waited on by its own operation."""
    arn, ps = rollout
    created = boto.create_account_assignment(**assignment_args(arn, ps, ACCOUNTS[0]))
    center.simulator.advance(3600)
    deleted = boto.delete_account_assignment(**assignment_args(arn, ps, ACCOUNTS[0]))
    other = boto.create_account_assignment(**assignment_args(arn, ps, ACCOUNTS[1]))
    stdin = printed(created) + printed(deleted) + printed(other)

    done = run_with_stdin(stdin, "wait-assignment", arn, "-", *center.options())

    assert 0 == done.returncode, done.stderr
    assert 3 == len(json_lines(done.stdout))
    sim = center.simulator
    assert (2, 1) == (
        sim.calls("DescribeAccountAssignmentCreationStatus"),
        sim.calls("DescribeAccountAssignmentDeletionStatus"),
    )


def test_provisioning_answers_from_stdin(
    center: Center, rollout: tuple[str, str], boto: Any
) -> None:
    """What `aws sso-admin provision-permission-set` prints, for two permission sets."""
    arn, ps = rollout
    other = center.simulator.create_permission_set(arn, "Admin")
    answers = [
        boto.provision_permission_set(
            InstanceArn=arn, PermissionSetArn=p, TargetType="ALL_PROVISIONED_ACCOUNTS"
        )
        for p in (ps, other)
    ]
    assert isinstance(answers[0]["PermissionSetProvisioningStatus"]["CreatedDate"], dt.datetime)

    done = run_with_stdin(
        "".join(printed(a) for a in answers), "wait-provisioning", arn, "-", *center.options()
    )

    assert 0 == done.returncode, done.stderr
    assert {ps, other} == {r["PermissionSetArn"] for r in json_lines(done.stdout)}


def test_garbage_on_stdin_is_exit_2_naming_what_was_expected(
    center: Center, rollout: tuple[str, str]
) -> None:
    """Garbage on stdin is refused before any request, saying what `-` reads."""
    arn, _ = rollout

    done = run_with_stdin("<html>Bad Gateway</html>\n", "wait-assignment", arn, "-")

    assert 2 == done.returncode, done.stderr
    words = " ".join(done.stderr.split())
    assert "'<html>Bad' is not a request ID" in words
    assert "`aws sso-admin create-account-assignment`" in words
    assert 0 == center.simulator.calls()


REQUEST_ID = "1c3a8e52-63f1-4ba0-a4bc-1e3c52b0f0a1"
ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
CREATION = json.dumps({"AccountAssignmentCreationStatus": {"RequestId": REQUEST_ID}})
PROVISIONING = json.dumps({"PermissionSetProvisioningStatus": {"RequestId": REQUEST_ID}})
#: What `aws sso-admin provision-permission-set --output table` prints (its first lines).
TABLE = (
    "-------------------------------------------------\n"
    "|            ProvisionPermissionSet             |\n"
    "+-----------------------------------------------+\n"
)


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (["wait-region", "arn:aws:sso:::instance/x", "eu-west-1"], "", "instance ARN"),
        (["wait-region", ARN], "", "give at least one Region name"),
        (["wait-region", ARN, "eu-west-1", "EU-WEST-1"], "", "'EU-WEST-1' is not a Region"),
        (["wait-region", ARN, "eu-west-1", "--until", "gone"], "", "'gone' is not one of"),
        (["wait-abac"], "", "at least one instance ARN"),
        (["wait-abac", "-"], "", "held none"),
        (["wait-provisioning", ARN], "", "give at least one request ID"),
        (["wait-provisioning", ARN, REQUEST_ID.upper()], "", "is not a request ID"),
        (["wait-provisioning", ARN, "-", REQUEST_ID], "", "must be the only request ID"),
        (["wait-provisioning", ARN, "-"], CREATION, "wait on it with `poller wait-assignment`"),
        (["wait-assignment", ARN, "-"], "", "did the command that writes to it fail?"),
        (["wait-assignment", ARN, "-"], " \n\n", "stdin held nothing to wait on"),
        (["wait-abac", "-"], "", "did the command that writes to it fail?"),
        (["wait-abac", "-"], '{"Instances": []}', "held none"),
        (["wait-abac", "-"], '{"Instances": [{"Name": "x"}]}', "has no InstanceArn string"),
        (["wait-abac", "-"], "INSTANCES\t2026-01-01\td-1234567890\n", "--output text"),
        (["wait-provisioning", ARN, "-"], TABLE, "the AWS CLI's --output table"),
        (["wait-assignment", ARN, "-"], "[]", "stdin held nothing to wait on"),
        (["wait-assignment", ARN, "-"], "{not json", "stdin is not JSON at line 1, column 2"),
        (["wait-assignment", ARN, "-"], '{"Instances": []}', "holds Instances, no RequestId"),
        (["wait-assignment", ARN, "-"], "[42]", "item 1 of document 1 on stdin is 42, no"),
        (["wait-assignment", ARN, "-"], f'[{CREATION}, {{"Foo": 1}}]', "item 2 of document 1"),
        (["wait-assignment", ARN, "-"], PROVISIONING, "`poller wait-provisioning`"),
        (["wait-assignment", ARN, "-", "--deletion"], CREATION, "not a deletion as --deletion"),
        (
            ["wait-assignment", ARN, "-"],
            f"{CREATION}\n" + CREATION.replace(REQUEST_ID, "nope"),
            "'nope' is not a request ID",
        ),
        (
            ["wait-assignment", ARN, "-"],
            f"ACCOUNTASSIGNMENTCREATIONSTATUS\t2026-01-01\t{REQUEST_ID}\tIN_PROGRESS\n",
            "--output text",
        ),
        (["wait-assignment", ARN, "-"], '{"AccountAssignmentCreationStatus": 1}', "no RequestId"),
        (
            ["wait-assignment", ARN, REQUEST_ID, "--min-delay", "9s", "--max-delay", "1s"],
            "",
            "-delay",
        ),
    ],
)
def test_bad_input_is_refused_before_any_request(
    center: Center, args: list[str], stdin: str, words: str
) -> None:
    """Malformed identifiers, answers and settings: exit 2 with a specific message, no request."""
    # The center's options first: those of the case come after them, and win.
    done = CliRunner().invoke(cli, [args[0], *center.options(), *args[1:]], input=stdin)

    assert 2 == done.exit_code, done.output
    assert words in " ".join(done.output.split())
    assert 0 == center.simulator.calls()
