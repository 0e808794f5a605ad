"""A request's status object, parsed: what the request waiters describe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Mapping
from typing import Any, Final

from poller._resources._values import date_or_none, enum_or_str, jsonable, str_or_none

__all__ = ["REQUEST_ID", "RequestDescription", "RequestStatus"]

#: The service model's pattern for a request ID: a lowercase UUID.
REQUEST_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class RequestStatus(enum.StrEnum):
    """A request's Status."""

    IN_PROGRESS = "IN_PROGRESS"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"


@dataclasses.dataclass(frozen=True, slots=True)
class RequestDescription:
    """A request's status object, in snake case; fields the operation lacks are None.

    Permission-set provisioning has ``account_id``; account assignments have ``target_id``,
    ``target_type``, ``principal_type`` and ``principal_id``.
    """

    request_id: str | None
    status: RequestStatus | str | None
    """Unknown values (from a newer API) stay plain strings."""
    failure_reason: str | None
    permission_set_arn: str | None
    created_date: dt.datetime | None
    account_id: str | None
    target_id: str | None
    target_type: str | None
    principal_type: str | None
    principal_id: str | None
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_api(cls, status: Mapping[str, Any]) -> RequestDescription:
        """Parse a status object (the value inside the Describe answer)."""
        return cls(
            request_id=str_or_none(status.get("RequestId")),
            status=enum_or_str(RequestStatus, status.get("Status")),
            failure_reason=str_or_none(status.get("FailureReason")),
            permission_set_arn=str_or_none(status.get("PermissionSetArn")),
            created_date=date_or_none(status.get("CreatedDate")),
            account_id=str_or_none(status.get("AccountId")),
            target_id=str_or_none(status.get("TargetId")),
            target_type=str_or_none(status.get("TargetType")),
            principal_type=str_or_none(status.get("PrincipalType")),
            principal_id=str_or_none(status.get("PrincipalId")),
            raw=status,
        )

    def to_api_json(self) -> dict[str, Any]:
        """The status object with the API's own key names and ISO 8601 dates."""
        result: dict[str, Any] = jsonable(self.raw)
        return result
