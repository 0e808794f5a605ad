"""Enabling permission sets: UpdateInstance's PermissionSetsEnabled, DescribeInstance's flag.

Over the wire with boto3, and through the simulator's Python API; the clock only moves when a
test advances it.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import ServiceError, Simulator

from .conftest import KMS_KEY, UNKNOWN_ARN, error_of


def _flag(boto: Any, arn: str) -> object:
    """DescribeInstance's PermissionSetsEnabled, or ``"absent"``."""
    return boto.describe_instance(InstanceArn=arn).get("PermissionSetsEnabled", "absent")


def test_update_instance_enables_them_after_a_while(sim: Simulator, boto: Any, arn: str) -> None:
    """Absent until asked; false while the roles are provisioned (30 s); then true."""
    before = _flag(boto, arn)
    boto.update_instance(InstanceArn=arn, PermissionSetsEnabled=True)
    during = _flag(boto, arn)
    sim.advance(29.9)
    nearly = _flag(boto, arn)
    sim.advance(0.1)

    assert ("absent", False, False, True) == (before, during, nearly, _flag(boto, arn))


def test_enabling_again_changes_nothing(sim: Simulator, boto: Any, arn: str) -> None:
    """A second request neither restarts the enabling nor undoes it."""
    boto.update_instance(InstanceArn=arn, PermissionSetsEnabled=True)
    sim.advance(20)
    boto.update_instance(InstanceArn=arn, PermissionSetsEnabled=True)
    sim.advance(10)
    enabled = _flag(boto, arn)
    boto.update_instance(InstanceArn=arn, PermissionSetsEnabled=True)

    assert (True, True) == (enabled, _flag(boto, arn))


def test_false_is_refused(boto: Any, arn: str) -> None:
    """PermissionSetsEnabled=false is a ValidationException: they cannot be disabled."""
    refused = error_of(boto.update_instance, InstanceArn=arn, PermissionSetsEnabled=False)

    assert ("ValidationException", "absent") == (refused["Error"]["Code"], _flag(boto, arn))
    assert "only accepted value of PermissionSetsEnabled is true" in refused["Error"]["Message"]


def test_with_an_encryption_configuration_is_refused(boto: Any, arn: str) -> None:
    """Both in one request is a ValidationException, and neither update starts."""
    refused = error_of(
        boto.update_instance,
        InstanceArn=arn,
        PermissionSetsEnabled=True,
        EncryptionConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": KMS_KEY},
    )
    described = boto.describe_instance(InstanceArn=arn)

    assert "ValidationException" == refused["Error"]["Code"]
    assert "cannot be set in the same request" in refused["Error"]["Message"]
    assert ("absent", {"KeyType": "AWS_OWNED_KMS_KEY", "EncryptionStatus": "ENABLED"}) == (
        described.get("PermissionSetsEnabled", "absent"),
        described["EncryptionConfigurationDetails"],
    )


def test_with_a_name_renames_too(boto: Any, arn: str) -> None:
    """A Name may come with PermissionSetsEnabled: both take effect."""
    boto.update_instance(InstanceArn=arn, Name="renamed", PermissionSetsEnabled=True)
    described = boto.describe_instance(InstanceArn=arn)

    assert ("renamed", False) == (described["Name"], described["PermissionSetsEnabled"])


def test_before_active_conflicts(sim: Simulator, boto: Any) -> None:
    """An instance still being created cannot have them enabled yet."""
    creating = sim.create_instance("x", create_seconds=60)

    refused = error_of(boto.update_instance, InstanceArn=creating, PermissionSetsEnabled=True)

    assert ("ConflictException", "absent") == (refused["Error"]["Code"], _flag(boto, creating))


def test_python_api_takes_its_own_duration(sim: Simulator, arn: str) -> None:
    """enable_permission_sets scripts the flag directly, with its own duration."""
    instance = sim.get(arn)
    assert instance is not None
    sim.enable_permission_sets(arn, seconds=5)
    seen = [instance.permission_sets_enabled(sim.now())]
    sim.advance(5)
    seen.append(instance.permission_sets_enabled(sim.now()))

    assert [False, True] == seen


def test_simulator_wide_duration() -> None:
    """permission_sets_seconds sets how long every enabling takes."""
    sim = Simulator(time_scale=1e-6, permission_sets_seconds=0)
    arn = sim.create_instance("x", create_seconds=0)
    sim.enable_permission_sets(arn)
    instance = sim.get(arn)
    assert instance is not None

    assert instance.permission_sets_enabled(sim.now()) is True


def test_python_api_refuses_an_unknown_instance(sim: Simulator) -> None:
    """An instance that does not exist is refused as the service refuses it."""
    with pytest.raises(ServiceError) as refused:
        sim.enable_permission_sets(UNKNOWN_ARN)

    assert "AccessDeniedException" == refused.value.code
