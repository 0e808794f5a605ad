"""One simulated instance: its settings and its lifecycle, computed from timestamps on read.

Nothing runs in the background: an instance stores when each transition started and ends, and
its state at any simulated time is a pure function of those. Tens of thousands of instances
therefore cost memory only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from poller.simulator._limits import OutstandingWrites
from poller.simulator._regions import Region

if TYPE_CHECKING:
    from poller.simulator._access_control import AccessControlConfiguration
    from poller.simulator._assignments import Assignment
    from poller.simulator._permission_sets import PermissionSet
    from poller.simulator._requests import Request, RequestKind

AWS_OWNED_KMS_KEY: Final = "AWS_OWNED_KMS_KEY"
CUSTOMER_MANAGED_KEY: Final = "CUSTOMER_MANAGED_KEY"

CREATE_IN_PROGRESS: Final = "CREATE_IN_PROGRESS"
CREATE_FAILED: Final = "CREATE_FAILED"
DELETE_IN_PROGRESS: Final = "DELETE_IN_PROGRESS"
ACTIVE: Final = "ACTIVE"

UPDATING: Final = "UPDATING"
ENABLED: Final = "ENABLED"
UPDATE_FAILED: Final = "UPDATE_FAILED"


@dataclass(slots=True)
class Instance:
    """A simulated Identity Center instance, and what lives in it.

    Times are simulated seconds, except ``created_at``: real (wall-clock) seconds since the
    simulator's clock started, so that ``CreatedDate`` never runs ahead of the wall clock at a
    time scale above 1. Its Regions, attribute-based access control configuration, permission
    sets, assignments and requests go with it when it is deleted.
    """

    arn: str
    name: str | None
    identity_store_id: str
    identity_store_arn: str
    owner_account_id: str
    region: str
    created_at: float
    ready_at: float
    create_fail_reason: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    key_type: str = AWS_OWNED_KMS_KEY
    kms_key_arn: str | None = None
    encryption_ready_at: float = 0.0
    encryption_fail_reason: str | None = None
    delete_started_at: float | None = None
    deleted_at: float | None = None
    #: When enabling permission sets ends (UpdateInstance's PermissionSetsEnabled); None: never
    #: asked, and DescribeInstance leaves PermissionSetsEnabled out.
    permission_sets_ready_at: float | None = None
    forced_status: str | None = None
    forced_status_reason: str | None = None
    forced_encryption_status: str | None = None
    forced_encryption_reason: str | None = None
    #: By name, the primary Region first.
    regions: dict[str, Region] = field(default_factory=dict)
    access_control: AccessControlConfiguration | None = None
    permission_sets: dict[str, PermissionSet] = field(default_factory=dict)
    #: By (account ID, permission set ARN), then by (principal type, principal ID).
    assignments: dict[tuple[str, str], dict[tuple[str, str], Assignment]] = field(
        default_factory=dict
    )
    #: By (principal type, principal ID), each assignment record of the principal, oldest first.
    principal_assignments: dict[tuple[str, str], list[Assignment]] = field(default_factory=dict)
    #: Every request started on the instance, by kind, oldest first.
    requests: dict[RequestKind, list[Request]] = field(default_factory=dict)
    #: Its requests that may be IN_PROGRESS: the outstanding asynchronous writes.
    writes: OutstandingWrites = field(default_factory=OutstandingWrites)

    def __post_init__(self) -> None:
        if not self.regions:
            # The primary Region is ACTIVE from the start, dated with the instance.
            self.regions[self.region] = Region(self.region, self.created_at, 0.0, is_primary=True)

    def live_regions(self, now: float) -> dict[str, Region]:
        """Return the Regions at *now*, forgetting those whose removal has finished."""
        gone = [name for name, region in list(self.regions.items()) if region.is_gone(now)]
        for name in gone:
            self.regions.pop(name, None)
        return self.regions

    def is_gone(self, now: float) -> bool:
        """Tell whether the deletion has finished at *now*."""
        return self.deleted_at is not None and now >= self.deleted_at

    def status(self, now: float) -> str:
        """Return ``Status`` at *now* (meaningless once :meth:`is_gone`)."""
        if self.forced_status is not None:
            return self.forced_status
        if self.delete_started_at is not None:
            return DELETE_IN_PROGRESS
        if now < self.ready_at:
            return CREATE_IN_PROGRESS
        return CREATE_FAILED if self.create_fail_reason is not None else ACTIVE

    def status_reason(self, now: float) -> str | None:
        """Return ``StatusReason`` at *now*: why creation failed, or a forced reason."""
        if self.forced_status is not None:
            return self.forced_status_reason
        if self.status(now) == CREATE_FAILED:
            return self.create_fail_reason
        return None

    def encryption_status(self, now: float) -> str:
        """Return ``EncryptionStatus`` at *now*."""
        if self.forced_encryption_status is not None:
            return self.forced_encryption_status
        if now < self.encryption_ready_at:
            return UPDATING
        return UPDATE_FAILED if self.encryption_fail_reason is not None else ENABLED

    def encryption_status_reason(self, now: float) -> str | None:
        """Return ``EncryptionStatusReason`` at *now*."""
        if self.forced_encryption_status is not None:
            return self.forced_encryption_reason
        if self.encryption_status(now) == UPDATE_FAILED:
            return self.encryption_fail_reason
        return None

    def permission_sets_enabled(self, now: float) -> bool | None:
        """Return ``PermissionSetsEnabled`` at *now*: None until asked, false while enabling."""
        if self.permission_sets_ready_at is None:
            return None
        return now >= self.permission_sets_ready_at

    def summary(self, now: float, epoch: float) -> dict[str, Any]:
        """Return the ``InstanceMetadata`` that ListInstances shows (no encryption details).

        Args:
            now: The simulated time.
            epoch: Epoch seconds at simulated time zero, to date ``CreatedDate``.
        """
        created = round(epoch + self.created_at, 3)
        item: dict[str, Any] = {
            "InstanceArn": self.arn,
            "IdentityStoreId": self.identity_store_id,
            "IdentityStoreArn": self.identity_store_arn,
            "OwnerAccountId": self.owner_account_id,
            "CreatedDate": created,
            "Status": self.status(now),
            "PrimaryRegion": self.region,
            "Regions": [
                region.metadata(now, epoch) for region in list(self.live_regions(now).values())
            ],
        }
        if self.name is not None:
            item["Name"] = self.name
        reason = self.status_reason(now)
        if reason is not None:
            item["StatusReason"] = reason
        return item

    def describe(self, now: float, epoch: float) -> dict[str, Any]:
        """Return the DescribeInstance output at *now*."""
        output = self.summary(now, epoch)
        encryption: dict[str, Any] = {
            "KeyType": self.key_type,
            "EncryptionStatus": self.encryption_status(now),
        }
        if self.kms_key_arn is not None:
            encryption["KmsKeyArn"] = self.kms_key_arn
        encryption_reason = self.encryption_status_reason(now)
        if encryption_reason is not None:
            encryption["EncryptionStatusReason"] = encryption_reason
        output["EncryptionConfigurationDetails"] = encryption
        enabled = self.permission_sets_enabled(now)
        if enabled is not None:
            output["PermissionSetsEnabled"] = enabled
        return output
