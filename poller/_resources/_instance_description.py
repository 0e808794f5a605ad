"""What DescribeInstance says about an instance, as typed, immutable values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from poller._resources._region import RegionStatus
from poller._resources._values import bool_or_none, date_or_none, enum_or_str, jsonable, str_or_none

__all__ = [
    "EncryptionDetails",
    "EncryptionStatus",
    "InstanceDescription",
    "InstanceStatus",
    "RegionDetails",
]


class InstanceStatus(StrEnum):
    """The lifecycle ``Status`` of an Identity Center instance."""

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_FAILED = "CREATE_FAILED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    ACTIVE = "ACTIVE"


class EncryptionStatus(StrEnum):
    """The ``EncryptionStatus`` of an instance's encryption configuration."""

    UPDATING = "UPDATING"
    ENABLED = "ENABLED"
    UPDATE_FAILED = "UPDATE_FAILED"


@dataclasses.dataclass(frozen=True, slots=True)
class EncryptionDetails:
    """``EncryptionConfigurationDetails``: the key that encrypts the instance and its state."""

    key_type: str | None
    kms_key_arn: str | None
    encryption_status: EncryptionStatus | str | None
    encryption_status_reason: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> EncryptionDetails:
        """Build from the API's ``EncryptionConfigurationDetails`` structure."""
        return cls(
            key_type=str_or_none(data.get("KeyType")),
            kms_key_arn=str_or_none(data.get("KmsKeyArn")),
            encryption_status=enum_or_str(EncryptionStatus, data.get("EncryptionStatus")),
            encryption_status_reason=str_or_none(data.get("EncryptionStatusReason")),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class RegionDetails:
    """One entry of ``Regions``: a Region the instance is replicated to."""

    region_name: str | None
    status: RegionStatus | str | None
    """Unknown values (from a newer API) stay plain strings."""
    added_date: dt.datetime | None
    is_primary_region: bool | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> RegionDetails:
        """Build from one ``RegionMetadata`` structure."""
        return cls(
            region_name=str_or_none(data.get("RegionName")),
            status=enum_or_str(RegionStatus, data.get("Status")),
            added_date=date_or_none(data.get("AddedDate")),
            is_primary_region=bool_or_none(data.get("IsPrimaryRegion")),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class InstanceDescription:
    """Every field of a DescribeInstance answer, in snake case.

    Unknown enum values (from an API newer than this library) are kept as plain strings.
    ``raw`` is the answer itself, without botocore's ``ResponseMetadata``.
    """

    instance_arn: str
    identity_store_id: str | None
    identity_store_arn: str | None
    owner_account_id: str | None
    name: str | None
    created_date: dt.datetime | None
    status: InstanceStatus | str | None
    status_reason: str | None
    primary_region: str | None
    regions: tuple[RegionDetails, ...]
    permission_sets_enabled: bool | None
    encryption: EncryptionDetails | None
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> InstanceDescription:
        """Build from a DescribeInstance answer as botocore returns it."""
        raw = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        encryption = raw.get("EncryptionConfigurationDetails")
        return cls(
            instance_arn=str(raw.get("InstanceArn", "")),
            identity_store_id=str_or_none(raw.get("IdentityStoreId")),
            identity_store_arn=str_or_none(raw.get("IdentityStoreArn")),
            owner_account_id=str_or_none(raw.get("OwnerAccountId")),
            name=str_or_none(raw.get("Name")),
            created_date=date_or_none(raw.get("CreatedDate")),
            status=enum_or_str(InstanceStatus, raw.get("Status")),
            status_reason=str_or_none(raw.get("StatusReason")),
            primary_region=str_or_none(raw.get("PrimaryRegion")),
            regions=tuple(RegionDetails.from_api(r) for r in raw.get("Regions") or ()),
            permission_sets_enabled=bool_or_none(raw.get("PermissionSetsEnabled")),
            encryption=None if encryption is None else EncryptionDetails.from_api(encryption),
            raw=raw,
        )

    @property
    def encryption_configuration_details(self) -> EncryptionDetails | None:
        """``EncryptionConfigurationDetails`` by its snake-case name: :attr:`encryption`."""
        return self.encryption

    @property
    def encryption_status(self) -> EncryptionStatus | str | None:
        """The encryption status, or None when the answer carried no encryption details."""
        return None if self.encryption is None else self.encryption.encryption_status

    @property
    def encryption_status_reason(self) -> str | None:
        """Why an encryption update failed, when the service said."""
        return None if self.encryption is None else self.encryption.encryption_status_reason

    def to_api_json(self) -> dict[str, Any]:
        """The answer with the API's own key names and ISO 8601 dates, ready for ``json.dumps``."""
        result: dict[str, Any] = jsonable(self.raw)
        return result
