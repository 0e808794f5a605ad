"""The request log: one record per request the endpoint answered (or dropped)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One answered (or dropped) request.

    Attributes:
        time: :func:`time.monotonic` when the request arrived (real seconds).
        operation: The operation named by ``X-Amz-Target`` (``""`` when there was none).
        instance_arn: The ``InstanceArn`` of the input, if any.
        status: The HTTP status answered; 0 when the connection was dropped.
        error_code: The AWS error code answered, if any.
        region_name: The ``RegionName`` of the input, if any.
        request_id: The request ID of the input (the provisioning or assignment request it
            asks about), if any; not the ``x-amzn-RequestId`` of the answer.
        permission_set_arn: The ``PermissionSetArn`` of the input, if any.
        target_id: The ``TargetId`` of the input (the account of an assignment), if any.
        principal_type: The ``PrincipalType`` of the input, if any.
        principal_id: The ``PrincipalId`` of the input, if any: with the three above, which
            assignment a CreateAccountAssignment or DeleteAccountAssignment is about.
    """

    time: float
    operation: str
    instance_arn: str | None
    status: int
    error_code: str | None
    region_name: str | None = None
    request_id: str | None = None
    permission_set_arn: str | None = None
    target_id: str | None = None
    principal_type: str | None = None
    principal_id: str | None = None
