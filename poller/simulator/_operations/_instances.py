"""CreateInstance, DescribeInstance, ListInstances, UpdateInstance and DeleteInstance.

Their input checks are written out by hand, in the service's words, as they were before the
model-driven ones of the other operations.
"""

from __future__ import annotations

import re
from typing import Any, Final

from poller._arn import (
    INSTANCE_ARN_MAX_LENGTH,
    INSTANCE_ARN_MIN_LENGTH,
    INSTANCE_ARN_PATTERN,
    is_valid_instance_arn,
)
from poller.simulator._errors import ServiceError, conflict, validation_error
from poller.simulator._instances import (
    ACTIVE,
    AWS_OWNED_KMS_KEY,
    CREATE_IN_PROGRESS,
    CUSTOMER_MANAGED_KEY,
    UPDATING,
)
from poller.simulator._operations._paging import decode_token, encode_token
from poller.simulator._simulator import Simulator

_NAME_PATTERN: Final = r"[\w+=,.@-]+"
_CLIENT_TOKEN_PATTERN: Final = r"[!-~]+"
_KMS_KEY_ARN_PATTERN: Final = (
    r"arn:aws(-[a-z]{1,5}){0,3}:kms:([a-z]{2,}(-[a-z0-9]+)+){1}:[0-9]{12}:key/"
    r"(mrk-[a-f0-9]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)
_KEY_TYPES: Final = (AWS_OWNED_KMS_KEY, CUSTOMER_MANAGED_KEY)
_DEFAULT_PAGE_SIZE: Final = 100
_MAX_PAGE_SIZE: Final = 100
_MAX_TAGS: Final = 75


def _pattern(member: str, value: object, pattern: str) -> None:
    if not isinstance(value, str) or re.fullmatch(pattern, value) is None:
        raise validation_error(
            member, value, f"Member must satisfy regular expression pattern: {pattern}"
        )


def _length(member: str, value: str, low: int, high: int) -> None:
    if len(value) < low:
        raise validation_error(
            member, value, f"Member must have length greater than or equal to {low}"
        )
    if len(value) > high:
        raise validation_error(
            member, value, f"Member must have length less than or equal to {high}"
        )


def _instance_arn(body: dict[str, Any]) -> str:
    arn = body.get("InstanceArn")
    if arn is None:
        raise validation_error("instanceArn", None, "Member must not be null")
    if is_valid_instance_arn(arn):
        return str(arn)
    if isinstance(arn, str):
        _length("instanceArn", arn, INSTANCE_ARN_MIN_LENGTH, INSTANCE_ARN_MAX_LENGTH)
    raise validation_error(
        "instanceArn",
        arn,
        f"Member must satisfy regular expression pattern: {INSTANCE_ARN_PATTERN}",
    )


def _optional_name(body: dict[str, Any]) -> str | None:
    name = body.get("Name")
    if name is not None:
        _length("name", str(name), 0, 255)
        _pattern("name", name, _NAME_PATTERN)
    return name


def _tags(body: dict[str, Any]) -> list[dict[str, str]] | None:
    tags = body.get("Tags")
    if tags is None:
        return None
    if not isinstance(tags, list) or len(tags) > _MAX_TAGS:
        raise validation_error(
            "tags", tags, f"Member must have length less than or equal to {_MAX_TAGS}"
        )
    for index, tag in enumerate(tags, start=1):
        if not isinstance(tag, dict) or not isinstance(tag.get("Key"), str):
            raise validation_error(f"tags.{index}.member.key", None, "Member must not be null")
        if not isinstance(tag.get("Value"), str):
            raise validation_error(f"tags.{index}.member.value", None, "Member must not be null")
        _length(f"tags.{index}.member.key", tag["Key"], 1, 128)
        _length(f"tags.{index}.member.value", tag["Value"], 0, 256)
    return [{"Key": tag["Key"], "Value": tag["Value"]} for tag in tags]


def create_instance(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """CreateInstance: a new instance, once per ``ClientToken``."""
    name = _optional_name(body)
    tags = _tags(body)
    token = body.get("ClientToken")
    if token is None:
        return {
            "InstanceArn": sim.create_instance(name, fail_reason=sim.create_fail_reason, tags=tags)
        }
    _length("clientToken", str(token), 1, 64)
    _pattern("clientToken", token, _CLIENT_TOKEN_PATTERN)
    return {"InstanceArn": sim.create_instance_idempotent(str(token), name, tags)}


def describe_instance(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DescribeInstance: every output field; AccessDenied once the instance is gone."""
    instance = sim.require(_instance_arn(body), "DescribeInstance")
    return instance.describe(sim.now(), sim.clock.epoch_origin)


def list_instances(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """ListInstances: paginated with ``MaxResults`` and ``NextToken``; no encryption details."""
    limit = body.get("MaxResults", _DEFAULT_PAGE_SIZE)
    if not isinstance(limit, int) or not 1 <= limit <= _MAX_PAGE_SIZE:
        raise validation_error(
            "maxResults", limit, f"Member must have value between 1 and {_MAX_PAGE_SIZE}, inclusive"
        )
    token = body.get("NextToken")
    start = 0 if token is None else decode_token(token)
    instances, following = sim.page(start, limit)
    now, epoch = sim.now(), sim.clock.epoch_origin
    output: dict[str, Any] = {"Instances": [instance.summary(now, epoch) for instance in instances]}
    if following is not None:
        output["NextToken"] = encode_token(following)
    return output


def _enables_permission_sets(body: dict[str, Any]) -> bool:
    """Whether UpdateInstance asks to enable permission sets: true alone, never with a key."""
    enabled = body.get("PermissionSetsEnabled")
    if enabled is None:
        return False
    if enabled is not True:
        raise ServiceError(
            "ValidationException",
            "The only accepted value of PermissionSetsEnabled is true: permission sets cannot "
            "be disabled.",
        )
    if body.get("EncryptionConfiguration") is not None:
        raise ServiceError(
            "ValidationException",
            "EncryptionConfiguration and PermissionSetsEnabled cannot be set in the same "
            "request: call UpdateInstance once for each.",
        )
    return True


def update_instance(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """UpdateInstance: rename, update the encryption, or enable permission sets.

    An encryption update is refused while one runs; enabling permission sets, asked again,
    changes nothing.
    """
    arn = _instance_arn(body)
    name = _optional_name(body)
    encryption = body.get("EncryptionConfiguration")
    enable_permission_sets = _enables_permission_sets(body)
    instance = sim.require(arn, "UpdateInstance")
    now = sim.now()
    if instance.status(now) != ACTIVE:
        raise conflict(
            f"The instance is {instance.status(now)}; only an ACTIVE one can be updated."
        )
    if encryption is not None:
        if not isinstance(encryption, dict):
            raise validation_error(
                "encryptionConfiguration", encryption, "Member must be a structure"
            )
        key_type = encryption.get("KeyType")
        if key_type not in _KEY_TYPES:
            raise validation_error(
                "encryptionConfiguration.keyType",
                key_type,
                f"Member must satisfy enum value set: [{', '.join(_KEY_TYPES)}]",
            )
        key_arn = encryption.get("KmsKeyArn")
        if key_arn is not None:
            _pattern("encryptionConfiguration.kmsKeyArn", key_arn, _KMS_KEY_ARN_PATTERN)
        if (key_type == CUSTOMER_MANAGED_KEY) != (key_arn is not None):
            raise ServiceError(
                "ValidationException",
                "KmsKeyArn must be given for a CUSTOMER_MANAGED_KEY and only for one.",
            )
        if instance.encryption_status(now) == UPDATING:
            raise conflict("An encryption configuration update is already in progress.")
        sim.update_encryption(
            arn, key_type=key_type, kms_key_arn=key_arn, fail_reason=sim.update_fail_reason
        )
    if name is not None:
        instance.name = name
    if enable_permission_sets:
        sim.enable_permission_sets(arn)
    return {}


def delete_instance(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """DeleteInstance: ``DELETE_IN_PROGRESS``, then gone; not while it is being created."""
    arn = _instance_arn(body)
    instance = sim.require(arn, "DeleteInstance")
    if instance.status(sim.now()) == CREATE_IN_PROGRESS:
        raise conflict("The instance is still being created; delete it once it has settled.")
    sim.delete_instance(arn)
    return {}
