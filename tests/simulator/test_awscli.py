"""The endpoint as the AWS CLI (its own botocore, in its own venv) sees it."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import re

import pytest

from poller.simulator import Fault, Simulator

from .conftest import ACCOUNT, GROUP, KMS_KEY, AwsCli

_ERROR_LINE = re.compile(
    r"An error occurred \((?P<code>[^)]+)\) when calling the (?P<operation>\w+) operation"
    r"(?: \(reached max retries: \d+\))?: (?P<message>.*)"
)


def _error(stderr: str) -> tuple[str, str, str]:
    """The (code, operation, message) of the CLI's error line."""
    found = _ERROR_LINE.search(stderr)
    assert found is not None, stderr
    return found["code"], found["operation"], found["message"]


def test_operations(sim: Simulator, aws: AwsCli) -> None:
    """create, describe, list, update and delete parse as the CLI expects."""
    arn = aws("create-instance", "--name", "cli").json()["InstanceArn"]
    sim.advance(60)
    described = aws("describe-instance", "--instance-arn", arn).json()
    listed = aws("list-instances", "--max-results", "1").json()
    updated = aws(
        "update-instance",
        "--instance-arn",
        arn,
        "--encryption-configuration",
        f"KeyType=CUSTOMER_MANAGED_KEY,KmsKeyArn={KMS_KEY}",
    )
    deleted = aws("delete-instance", "--instance-arn", arn)
    instance = sim.get(arn)
    assert instance is not None

    assert ("cli", "ACTIVE", "ENABLED") == (
        described["Name"],
        described["Status"],
        described["EncryptionConfigurationDetails"]["EncryptionStatus"],
    )
    # awscli v1 prints timestamps as the service sent them (cli_timestamp_format = none).
    assert sim.clock.epoch(instance.created_at) == pytest.approx(described["CreatedDate"])
    assert [arn] == [item["InstanceArn"] for item in listed["Instances"]]
    assert ((0, ""), (0, "")) == ((updated.returncode, updated.stdout), (deleted.returncode, ""))
    assert "DELETE_IN_PROGRESS" == instance.status(sim.now())


def test_access_denied_after_delete(sim: Simulator, aws: AwsCli) -> None:
    """A deleted instance is AccessDeniedException for the CLI too."""
    arn = sim.create_instance("gone")
    sim.advance(60)
    sim.delete_instance(arn)
    sim.advance(30)
    result = aws("describe-instance", "--instance-arn", arn)

    assert ("AccessDeniedException", "DescribeInstance") == _error(result.stderr)[:2]


def test_unsigned_request(aws: AwsCli) -> None:
    """--no-sign-request is refused with MissingAuthenticationTokenException."""
    result = aws("list-instances", signed=False)

    assert (
        "MissingAuthenticationTokenException",
        "ListInstances",
        "Missing Authentication Token",
    ) == _error(result.stderr)


def test_invalid_arn(aws: AwsCli) -> None:
    """An ARN that matches the pattern only partly is the service's ValidationException."""
    result = aws(
        "describe-instance", "--instance-arn", "arn:aws:sso:::instance/ssoins-0123456789abcdefX"
    )

    code, _, message = _error(result.stderr)
    assert ("ValidationException", True) == (
        code,
        message.startswith("1 validation error detected"),
    )


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.throttling(kms=True), "(ThrottlingException)"),
        (Fault.internal_error(), "(InternalServerException)"),
        (Fault.access_denied(kms=True), "(AccessDeniedException)"),
        (Fault.error("ExpiredTokenException"), "(ExpiredTokenException)"),
        (Fault.http_error(503), "(503)"),
        (Fault.drop_connection(), "Connection was closed"),
    ],
)
def test_faults(sim: Simulator, aws: AwsCli, fault: Fault, expected: str) -> None:
    """Each fault reaches the CLI as the error it names, and ends with a failure exit."""
    arn = sim.create_instance("x")
    sim.add_fault(fault)
    result = aws("describe-instance", "--instance-arn", arn)

    assert (True, True) == (result.returncode != 0, expected in result.stderr)


def test_malformed_body(sim: Simulator, aws: AwsCli) -> None:
    """A 200 that is not JSON leaves the CLI with nothing to print, not a crash."""
    arn = sim.create_instance("x")
    sim.add_fault(Fault.malformed_body())
    result = aws("describe-instance", "--instance-arn", arn)

    assert (0, "") == (result.returncode, result.stdout.strip())


def test_region_lifecycle(sim: Simulator, aws: AwsCli) -> None:
    """add-region, describe-region and list-regions parse as the CLI expects; ADDING → ACTIVE."""
    arn = sim.create_instance("cli", create_seconds=0)
    added = aws("add-region", "--instance-arn", arn, "--region-name", "eu-west-1").json()
    sim.advance(300)
    described = aws("describe-region", "--instance-arn", arn, "--region-name", "eu-west-1").json()
    listed = aws("list-regions", "--instance-arn", arn).json()

    assert ("ADDING", "ACTIVE", False) == (
        added["Status"],
        described["Status"],
        described["IsPrimaryRegion"],
    )
    assert [("us-east-1", True), ("eu-west-1", False)] == [
        (region["RegionName"], region["IsPrimaryRegion"]) for region in listed["Regions"]
    ]


def test_provisioning(sim: Simulator, aws: AwsCli) -> None:
    """provision-permission-set then its status, IN_PROGRESS to SUCCEEDED; twice: conflict."""
    arn = sim.create_instance("cli", create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    started = aws(
        "provision-permission-set",
        "--instance-arn",
        arn,
        "--permission-set-arn",
        ps_arn,
        "--target-type",
        "ALL_PROVISIONED_ACCOUNTS",
    ).json()["PermissionSetProvisioningStatus"]
    again = aws(
        "provision-permission-set",
        "--instance-arn",
        arn,
        "--permission-set-arn",
        ps_arn,
        "--target-type",
        "ALL_PROVISIONED_ACCOUNTS",
    )
    sim.advance(15)
    done = aws(
        "describe-permission-set-provisioning-status",
        "--instance-arn",
        arn,
        "--provision-permission-set-request-id",
        started["RequestId"],
    ).json()["PermissionSetProvisioningStatus"]

    assert ("IN_PROGRESS", "SUCCEEDED", started["RequestId"]) == (
        started["Status"],
        done["Status"],
        done["RequestId"],
    )
    assert ("ConflictException", "ProvisionPermissionSet") == _error(again.stderr)[:2]


def test_failed_assignment(sim: Simulator, aws: AwsCli) -> None:
    """create-account-assignment, then its status: FAILED with the FailureReason asked for."""
    arn = sim.create_instance("cli", create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    sim.fail_assignments("The account is suspended.", account_id=ACCOUNT)
    created = aws(
        "create-account-assignment",
        "--instance-arn",
        arn,
        "--target-id",
        ACCOUNT,
        "--target-type",
        "AWS_ACCOUNT",
        "--permission-set-arn",
        ps_arn,
        "--principal-type",
        "GROUP",
        "--principal-id",
        GROUP,
    ).json()["AccountAssignmentCreationStatus"]
    sim.advance(10)
    status = aws(
        "describe-account-assignment-creation-status",
        "--instance-arn",
        arn,
        "--account-assignment-creation-request-id",
        created["RequestId"],
    ).json()["AccountAssignmentCreationStatus"]

    assert ("IN_PROGRESS", "FAILED", "The account is suspended.") == (
        created["Status"],
        status["Status"],
        status["FailureReason"],
    )


def test_bad_request_id(sim: Simulator, aws: AwsCli) -> None:
    """A request ID that is not a lowercase UUID is the service's ValidationException."""
    arn = sim.create_instance("cli", create_seconds=0)
    result = aws(
        "describe-account-assignment-deletion-status",
        "--instance-arn",
        arn,
        "--account-assignment-deletion-request-id",
        "0B5EE1A4-5C6D-4E7F-8A9B-0C1D2E3F4A5B",
    )

    code, _, message = _error(result.stderr)
    assert ("ValidationException", True) == (
        code,
        "at 'accountAssignmentDeletionRequestId'" in message,
    )
