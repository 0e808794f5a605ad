"""Answer shapes against moto's server, an independent second implementation of SSO Admin.

moto (``moto[server]`` from PyPI) implements some of the operations served here. The same
calls go to both endpoints through boto3, and the members of each parsed answer are compared.
moto runs in a child process: in the test environment when it is installed there, else the
``moto_server`` that ``$POLLER_TEST_MOTO_SERVER`` names (e.g. from a venv of its own, as
``pip install 'moto[server]'`` brings some sixty packages and its own botocore). Without
either, these tests skip.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from poller.simulator import Server, Simulator, serve_in_thread

from .conftest import ACCOUNT, GROUP, boto_client
from .running import Running
from .shapes import member_paths

#: Members only this endpoint answers, and why moto has none.
ONLY_OURS = {
    # moto's instances predate multi-Region and identity store ARNs.
    "ListInstances": {
        "Instances[].IdentityStoreArn",
        "Instances[].PrimaryRegion",
        "Instances[].Regions",
        *{
            f"Instances[].Regions[].{member}"
            for member in ("RegionName", "Status", "AddedDate", "IsPrimaryRegion")
        },
    },
}


def _moto_command() -> list[str] | None:
    configured = os.environ.get("POLLER_TEST_MOTO_SERVER")
    if configured:
        return [configured]
    if importlib.util.find_spec("moto") and importlib.util.find_spec("flask"):
        return [sys.executable, "-m", "moto.server"]
    return None


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """The endpoint URL of a moto server in a child process (skips without moto)."""
    command = _moto_command()
    if command is None:
        pytest.skip("moto[server] is not installed and $POLLER_TEST_MOTO_SERVER is not set")
    with Running(command=[*command, "-H", "127.0.0.1", "-p", "0"]) as child:
        while (found := re.search(r"Running on (http://\S+)", child.line("stderr"))) is None:
            pass
        yield found[1]


def _rollout(client: Any, arn: str, settle: Callable[[], None]) -> dict[str, set[str]]:
    """Call the operations moto implements; return the member paths of each parsed answer."""
    paths: dict[str, set[str]] = {}

    def call(method: str, key: str, **kwargs: Any) -> Any:
        answer = getattr(client, method)(**kwargs)
        answer.pop("ResponseMetadata")
        paths[key] = member_paths(answer)
        return answer

    call("update_instance", "UpdateInstance", InstanceArn=arn, Name="renamed")
    call("list_instances", "ListInstances")  # named now, as moto's first instance is not
    created = call(
        "create_permission_set",
        "CreatePermissionSet",
        InstanceArn=arn,
        Name="Admin",
        Description="Administrators",
        SessionDuration="PT2H",
        RelayState="https://console.aws.amazon.com/",
    )
    ps_arn = created["PermissionSet"]["PermissionSetArn"]
    call(
        "describe_permission_set",
        "DescribePermissionSet",
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
    )
    call("list_permission_sets", "ListPermissionSets", InstanceArn=arn)
    call(
        "provision_permission_set",
        "ProvisionPermissionSet",
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        TargetType="AWS_ACCOUNT",
        TargetId=ACCOUNT,
    )
    assignment = {
        "InstanceArn": arn,
        "TargetId": ACCOUNT,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps_arn,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    }
    creation = call("create_account_assignment", "CreateAccountAssignment", **assignment)
    call(
        "describe_account_assignment_creation_status",
        "DescribeAccountAssignmentCreationStatus",
        InstanceArn=arn,
        AccountAssignmentCreationRequestId=creation["AccountAssignmentCreationStatus"]["RequestId"],
    )
    settle()
    call(
        "list_account_assignments",
        "ListAccountAssignments",
        InstanceArn=arn,
        AccountId=ACCOUNT,
        PermissionSetArn=ps_arn,
    )
    deletion = call("delete_account_assignment", "DeleteAccountAssignment", **assignment)
    call(
        "describe_account_assignment_deletion_status",
        "DescribeAccountAssignmentDeletionStatus",
        InstanceArn=arn,
        AccountAssignmentDeletionRequestId=deletion["AccountAssignmentDeletionStatus"]["RequestId"],
    )
    return paths


@pytest.fixture(scope="module")
def both(moto_url: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The members of each answer, from moto and from this endpoint, by operation."""
    moto = boto_client(moto_url)
    try:
        moto_arn = moto.list_instances()["Instances"][0]["InstanceArn"]
        theirs = _rollout(moto, moto_arn, lambda: None)
    finally:
        moto.close()
    sim = Simulator(time_scale=1e-6, seed=11)
    arn = sim.create_instance("compared", create_seconds=0)
    with serve_in_thread(sim) as server:
        ours = _ours(server, sim, arn)
    return theirs, ours


def _ours(server: Server, sim: Simulator, arn: str) -> dict[str, set[str]]:
    client = boto_client(server)
    try:
        return _rollout(client, arn, lambda: sim.advance(60))
    finally:
        client.close()


OPERATIONS = [
    "ListInstances",
    "UpdateInstance",
    "CreatePermissionSet",
    "DescribePermissionSet",
    "ListPermissionSets",
    "ProvisionPermissionSet",
    "CreateAccountAssignment",
    "DescribeAccountAssignmentCreationStatus",
    "ListAccountAssignments",
    "DeleteAccountAssignment",
    "DescribeAccountAssignmentDeletionStatus",
]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_same_members_as_moto(
    both: tuple[dict[str, set[str]], dict[str, set[str]]], operation: str
) -> None:
    """Both answer the same members, but for the newer ones moto lacks (ONLY_OURS)."""
    theirs, ours = both

    assert (ONLY_OURS.get(operation, set()), set()) == (
        ours[operation] - theirs[operation],
        theirs[operation] - ours[operation],
    )
