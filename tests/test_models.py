"""Parsing DescribeInstance answers, and the public surface."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

import poller
import poller.events
import poller.exceptions
from poller.simulator._model import service_model
from tests.fakes import ARN, KMS_KEY, described


def test_every_output_field_is_parsed() -> None:
    """All DescribeInstance output fields land in snake case, with enums where known."""
    answer = described("ACTIVE", "ENABLED", reason="fine")
    answer |= {
        "IdentityStoreArn": "arn:aws:identitystore::123456789012:identitystore/d-1234567890",
        "PrimaryRegion": "us-east-1",
        "Regions": [
            {
                "RegionName": "us-east-1",
                "Status": "ACTIVE",
                "AddedDate": 1764072000,
                "IsPrimaryRegion": True,
            }
        ],
        "PermissionSetsEnabled": True,
        "ResponseMetadata": {"RequestId": "r", "HTTPHeaders": {"authorization": "secret"}},
    }

    d = poller.InstanceDescription.from_api(answer)

    assert poller.InstanceStatus.ACTIVE is d.status
    assert poller.EncryptionStatus.ENABLED is d.encryption_status
    assert (
        d.status_reason,
        d.identity_store_id,
        d.owner_account_id,
    ) == ("fine", "d-1234567890", "123456789012")
    assert (d.encryption.key_type, d.encryption.kms_key_arn) == ("CUSTOMER_MANAGED_KEY", KMS_KEY)
    assert "us-east-1" == d.primary_region
    assert dt.datetime(2025, 11, 25, 12, 0, tzinfo=dt.UTC) == d.regions[0].added_date
    assert d.regions[0].is_primary_region is True
    assert d.permission_sets_enabled is True
    assert "ResponseMetadata" not in d.raw
    field_names = {f.name for f in dataclasses.fields(poller.InstanceDescription)}
    assert {
        "instance_arn",
        "identity_store_id",
        "identity_store_arn",
        "owner_account_id",
        "name",
        "created_date",
        "status",
        "status_reason",
        "primary_region",
        "regions",
        "permission_sets_enabled",
        "encryption",
        "raw",
    } == field_names


@pytest.mark.parametrize(
    ("shape", "description"),
    [
        ("DescribeInstanceResponse", poller.InstanceDescription),
        ("EncryptionConfigurationDetails", poller.EncryptionDetails),
        ("RegionMetadata", poller.RegionDetails),
        ("DescribeRegionResponse", poller.RegionDescription),
        ("PermissionSetProvisioningStatus", poller.RequestDescription),
        ("AccountAssignmentOperationStatus", poller.RequestDescription),
    ],
)
def test_each_member_of_the_service_model_has_its_snake_case_name(
    shape: str, description: type
) -> None:
    """Every output member of botocore's model is an attribute of the parsed description."""
    members = service_model()["shapes"][shape]["members"]

    missing = [
        name
        for name in members
        if not hasattr(description, re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())
    ]

    assert [] == missing


def test_known_region_statuses_of_an_instance_are_enum_members() -> None:
    """A Regions entry's Status is a RegionStatus member when known, a string otherwise."""
    answer = described("ACTIVE") | {
        "Regions": [{"RegionName": "eu-west-1", "Status": "ADDING"}, {"Status": "MOVING"}]
    }

    regions = poller.InstanceDescription.from_api(answer).regions

    assert poller.RegionStatus.ADDING is regions[0].status
    assert "MOVING" == regions[1].status


def test_unknown_enum_values_are_kept_as_strings() -> None:
    """Values from a newer API are plain strings, never a crash."""
    d = poller.InstanceDescription.from_api(described("MIGRATING", "ROTATING"))

    assert "MIGRATING" == d.status
    assert not isinstance(d.status, poller.InstanceStatus)
    assert "ROTATING" == d.encryption_status


def test_api_json_uses_api_names_and_iso_dates() -> None:
    """to_api_json keeps the API's key names and writes dates in ISO 8601."""
    d = poller.InstanceDescription.from_api(described("ACTIVE"))

    text = json.dumps(d.to_api_json())

    assert "2026-11-25T12:00:00+00:00" == json.loads(text)["CreatedDate"]
    assert ARN == json.loads(text)["InstanceArn"]


def test_descriptions_are_frozen_and_comparable() -> None:
    """Descriptions are immutable values; raw does not take part in equality."""
    a = poller.InstanceDescription.from_api(described("ACTIVE"))
    b = poller.InstanceDescription.from_api(described("ACTIVE") | {"Unmodeled": 1})

    assert a == b
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.status = "x"  # type: ignore[misc]


def test_public_names_are_pinned() -> None:
    """The package exports exactly these names, sorted; nothing leaks by accident."""
    assert sorted(poller.__all__) == poller.__all__
    assert [
        "AccessControlAttribute",
        "AccessControlAttributesDescription",
        "AccessControlAttributesFailedError",
        "AccessControlAttributesStatus",
        "AccessDeniedError",
        "AccountAssignmentFailedError",
        "ApiError",
        "Assignment",
        "AssignmentOutcome",
        "Command",
        "Delays",
        "Description",
        "EncryptionDetails",
        "EncryptionStatus",
        "EncryptionUpdateFailedError",
        "EndpointUnreachableError",
        "ExitCode",
        "Identity",
        "InstanceCreateFailedError",
        "InstanceDeletedError",
        "InstanceDescription",
        "InstanceFailedError",
        "InstanceOutcome",
        "InstanceStatus",
        "InvalidArgumentError",
        "InvalidInstanceArnError",
        "Moment",
        "ObservedState",
        "Outcome",
        "PermissionSetProvisioningFailedError",
        "PollerError",
        "ProvisionOutcome",
        "RateLimiter",
        "RegionDescription",
        "RegionDetails",
        "RegionRemovedError",
        "RegionStatus",
        "RegionTarget",
        "RequestDescription",
        "RequestKind",
        "RequestLimiter",
        "RequestStatus",
        "ResourceFailedError",
        "ResourceKind",
        "ResourceNotFoundError",
        "Seconds",
        "Settings",
        "Target",
        "WaitOutcome",
        "WaitResult",
        "WaitSettings",
        "WaitTimeoutError",
        "apply_account_assignments",
        "check_assignments",
        "check_endpoint_url",
        "client_config",
        "list_instance_arns",
        "look",
        "look_account_assignments",
        "open_client",
        "open_clients",
        "provision_permission_sets",
        "resources",
        "wait",
        "wait_for_access_control_attributes",
        "wait_for_account_assignment_creation",
        "wait_for_account_assignment_deletion",
        "wait_for_instance",
        "wait_for_instances",
        "wait_for_permission_set_provisioning",
        "wait_for_region",
        "wait_for_requests",
        "wait_many",
        "watch",
        "watch_access_control_attributes",
        "watch_account_assignment_creation",
        "watch_account_assignment_deletion",
        "watch_instance",
        "watch_permission_set_provisioning",
        "watch_region",
    ] == poller.__all__
    for name in poller.__all__:
        assert getattr(poller, name).__doc__, name


def test_error_tree() -> None:
    """The error classes form the tree drawn in poller.exceptions."""
    e = poller.exceptions
    assert issubclass(e.WaitTimeoutError, e.PollerError)
    assert issubclass(e.WaitTimeoutError, TimeoutError)
    for failed in (e.InstanceCreateFailedError, e.EncryptionUpdateFailedError):
        assert issubclass(failed, e.InstanceFailedError)
    assert issubclass(e.InstanceDeletedError, e.InstanceFailedError)
    assert issubclass(e.InstanceFailedError, e.PollerError)
    assert issubclass(e.AccessDeniedError, e.PollerError)
    assert issubclass(e.ApiError, e.PollerError)
    assert issubclass(e.InvalidInstanceArnError, e.PollerError)
    assert issubclass(e.InvalidInstanceArnError, ValueError)
    for name in e.__all__:
        assert name in e.__doc__


def test_targets_accept_their_strings() -> None:
    """Target is a StrEnum whose values are the command line's words."""
    assert ["active", "encryption-enabled", "replicated", "deleted"] == [
        t.value for t in poller.Target
    ]
    assert poller.Target.DELETED is poller.Target("deleted")
