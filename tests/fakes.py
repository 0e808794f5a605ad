"""Answers as the service would give them, and a scripted client for pure loop logic.

The scripted client stands in for aiobotocore only where the test is about the loop itself
(timing under virtual time, transport errors); state-table tests use AioStubber, which checks
every answer against the real service model, and the end-to-end tests use real HTTP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import anyio
from botocore.exceptions import ClientError

ARN = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
OTHER_ARN = "arn:aws:sso:::instance/ssoins-fedcba0987654321"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def described(
    status: str,
    encryption_status: str | None = None,
    *,
    reason: str | None = None,
    encryption_reason: str | None = None,
    arn: str = ARN,
) -> dict[str, Any]:
    """A DescribeInstance answer as botocore parses it."""
    answer: dict[str, Any] = {
        "InstanceArn": arn,
        "IdentityStoreId": "d-1234567890",
        "OwnerAccountId": "123456789012",
        "Name": "example",
        "CreatedDate": dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC),
        "Status": status,
    }
    if reason is not None:
        answer["StatusReason"] = reason
    if encryption_status is not None:
        details = {
            "KeyType": "CUSTOMER_MANAGED_KEY",
            "KmsKeyArn": KMS_KEY,
            "EncryptionStatus": encryption_status,
        }
        if encryption_reason is not None:
            details["EncryptionStatusReason"] = encryption_reason
        answer["EncryptionConfigurationDetails"] = details
    return answer


def listed(*arns: str, next_token: str | None = None) -> dict[str, Any]:
    """A ListInstances page."""
    page: dict[str, Any] = {"Instances": [{"InstanceArn": a, "Status": "ACTIVE"} for a in arns]}
    if next_token is not None:
        page["NextToken"] = next_token
    return page


def client_error(
    code: str,
    message: str = "",
    *,
    reason: str | None = None,
    status: int = 400,
    operation: str = "DescribeInstance",
) -> ClientError:
    """A ClientError shaped as botocore raises it for a JSON 1.1 service."""
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-1"},
    }
    if reason is not None:
        response["Reason"] = reason
    return ClientError(response, operation)  # type: ignore[arg-type]


Answer = dict[str, Any] | BaseException | Callable[[], Any]


class ScriptedClient:
    """Answers each call from a script; the last answer repeats. Records call times."""

    def __init__(
        self,
        describe: Sequence[Answer],
        *,
        listing: Sequence[Answer] = (),
        latency: float = 0.0,
    ) -> None:
        self.describe_script = list(describe)
        self.list_script = list(listing)
        self.latency = latency
        self.calls: list[tuple[str, float]] = []

    async def _answer(self, operation: str, script: list[Answer]) -> dict[str, Any]:
        self.calls.append((operation, anyio.current_time()))
        await anyio.sleep(self.latency)
        answer = script.pop(0) if len(script) > 1 else script[0]
        if callable(answer):
            answer = answer()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def describe_instance(self, **params: Any) -> dict[str, Any]:
        """DescribeInstance."""
        return await self._answer("DescribeInstance", self.describe_script)

    async def list_instances(self, **params: Any) -> dict[str, Any]:
        """ListInstances."""
        return await self._answer("ListInstances", self.list_script)

    def count(self, operation: str) -> int:
        """How many calls of *operation* were made."""
        return sum(1 for name, _ in self.calls if name == operation)
