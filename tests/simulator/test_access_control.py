"""Attribute-based access control through boto3: its four operations and its lifecycle."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import ServiceError, Simulator

from .conftest import UNKNOWN_ARN, code_of, error_of

ATTRIBUTES = [{"Key": "Department", "Value": {"Source": ["${path:enterprise.department}"]}}]
CONFIGURATION = {"AccessControlAttributes": ATTRIBUTES}


def _create(boto: Any, arn: str) -> dict[str, Any]:
    return boto.create_instance_access_control_attribute_configuration(  # type: ignore[no-any-return]
        InstanceArn=arn, InstanceAccessControlAttributeConfiguration=CONFIGURATION
    )


def _describe(boto: Any, arn: str) -> dict[str, Any]:
    described = boto.describe_instance_access_control_attribute_configuration(InstanceArn=arn)
    described.pop("ResponseMetadata")
    return described  # type: ignore[no-any-return]


def test_creation_in_progress_then_enabled(sim: Simulator, boto: Any, arn: str) -> None:
    """Created, the configuration is CREATION_IN_PROGRESS, then ENABLED, with its attributes."""
    created = _create(boto, arn)
    during = _describe(boto, arn)
    sim.advance(10)

    assert {"ResponseMetadata"} == set(created)
    assert {
        "Status": "CREATION_IN_PROGRESS",
        "InstanceAccessControlAttributeConfiguration": CONFIGURATION,
    } == during
    assert "ENABLED" == _describe(boto, arn)["Status"]


def test_creation_failed_when_asked(sim: Simulator, boto: Any, arn: str) -> None:
    """With access_control_fail_reason it ends CREATION_FAILED with that StatusReason."""
    sim.access_control_fail_reason = "The attribute source is not valid."
    _create(boto, arn)
    sim.advance(10)
    described = _describe(boto, arn)

    assert ("CREATION_FAILED", "The attribute source is not valid.") == (
        described["Status"],
        described["StatusReason"],
    )


def test_none_is_not_found(boto: Any, arn: str) -> None:
    """Without a configuration, Describe, Update and Delete answer ResourceNotFoundException."""
    codes = [
        code_of(boto.describe_instance_access_control_attribute_configuration, InstanceArn=arn),
        code_of(
            boto.update_instance_access_control_attribute_configuration,
            InstanceArn=arn,
            InstanceAccessControlAttributeConfiguration=CONFIGURATION,
        ),
        code_of(boto.delete_instance_access_control_attribute_configuration, InstanceArn=arn),
    ]

    assert ["ResourceNotFoundException"] * 3 == codes


def test_conflicts_while_being_created(sim: Simulator, boto: Any, arn: str) -> None:
    """A second creation conflicts; so do updating or deleting one still being created."""
    _create(boto, arn)
    codes = [
        code_of(
            boto.create_instance_access_control_attribute_configuration,
            InstanceArn=arn,
            InstanceAccessControlAttributeConfiguration=CONFIGURATION,
        ),
        code_of(
            boto.update_instance_access_control_attribute_configuration,
            InstanceArn=arn,
            InstanceAccessControlAttributeConfiguration=CONFIGURATION,
        ),
        code_of(boto.delete_instance_access_control_attribute_configuration, InstanceArn=arn),
    ]

    assert ["ConflictException"] * 3 == codes


def test_update_then_delete(sim: Simulator, boto: Any, arn: str) -> None:
    """Once ENABLED, an update replaces the attributes; a deletion removes the configuration."""
    _create(boto, arn)
    sim.advance(10)
    other = [{"Key": "CostCenter", "Value": {"Source": ["${path:enterprise.costCenter}"]}}]
    boto.update_instance_access_control_attribute_configuration(
        InstanceArn=arn,
        InstanceAccessControlAttributeConfiguration={"AccessControlAttributes": other},
    )
    updated = _describe(boto, arn)
    boto.delete_instance_access_control_attribute_configuration(InstanceArn=arn)

    assert ("ENABLED", other) == (
        updated["Status"],
        updated["InstanceAccessControlAttributeConfiguration"]["AccessControlAttributes"],
    )
    assert "ResourceNotFoundException" == code_of(
        boto.describe_instance_access_control_attribute_configuration, InstanceArn=arn
    )


def test_unknown_instance_is_denied(boto: Any) -> None:
    """An instance that does not exist is AccessDeniedException, as for DescribeInstance."""
    assert "AccessDeniedException" == code_of(
        boto.describe_instance_access_control_attribute_configuration, InstanceArn=UNKNOWN_ARN
    )


@pytest.mark.parametrize(
    ("attribute", "member"),
    [
        ({"Key": "k" * 129, "Value": {"Source": ["x"]}}, ".accessControlAttributes.1.member.key"),
        ({"Key": "k", "Value": {"Source": ["a", "b"]}}, ".1.member.value.source"),
        ({"Key": "k", "Value": {"Source": ["s" * 257]}}, ".value.source.1.member"),
    ],
)
def test_attributes_are_validated(
    boto: Any, arn: str, attribute: dict[str, Any], member: str
) -> None:
    """Keys, value sources and their counts are checked against the model."""
    response = error_of(
        boto.create_instance_access_control_attribute_configuration,
        InstanceArn=arn,
        InstanceAccessControlAttributeConfiguration={"AccessControlAttributes": [attribute]},
    )

    assert "ValidationException" == response["Error"]["Code"]
    assert member in response["Error"]["Message"]


def test_scripted_configuration(sim: Simulator, boto: Any, arn: str) -> None:
    """Scripted: a failing configuration, a forced status, and one that never finishes."""
    sim.create_access_control_attributes(arn, seconds=0, fail_reason="No identity source")
    failed = _describe(boto, arn)
    sim.set_access_control_status(arn, "UPDATING", reason="why not")
    forced = _describe(boto, arn)
    sim.create_access_control_attributes(arn, never_finish=True)
    sim.advance(1e9)

    assert ("CREATION_FAILED", "No identity source") == (failed["Status"], failed["StatusReason"])
    assert ("UPDATING", "why not") == (forced["Status"], forced["StatusReason"])
    assert "CREATION_IN_PROGRESS" == _describe(boto, arn)["Status"]


def test_forcing_without_configuration_is_not_found(sim: Simulator, arn: str) -> None:
    """set_access_control_status needs a configuration."""
    with pytest.raises(ServiceError) as caught:
        sim.set_access_control_status(arn, "ENABLED")

    assert "ResourceNotFoundException" == caught.value.code
