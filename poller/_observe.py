"""Turning what botocore answers, or raises, into an :class:`Observation`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from botocore.parsers import ResponseParserError

from poller._instance import InstanceDescription
from poller._targets import Observation

__all__ = [
    "TRANSPORT_ERRORS",
    "from_botocore_error",
    "from_client_error",
    "from_response",
    "from_transport_error",
]

#: Failures below HTTP that a later poll may not meet: refused, dropped or timed-out
#: connections and answers that would not parse. aiobotocore raises botocore's classes for
#: both of its HTTP backends.
TRANSPORT_ERRORS: Final = (HTTPClientError, BotocoreConnectionError, ResponseParserError)


def from_response(response: Mapping[str, Any], *, deletion_seen: bool) -> Observation:
    """An answered DescribeInstance.

    An answer without a Status is garbled (botocore turns a body that is not JSON into
    ``{"message": ...}``): it tells nothing about the instance, and is retried like a
    dropped connection.
    """
    if "Status" not in response:
        return Observation(
            error_code="MalformedResponse",
            error_message=f"DescribeInstance answered without a Status: {_body(response)}",
            transport_error=True,
            deletion_seen=deletion_seen,
        )
    return Observation(
        description=InstanceDescription.from_api(response), deletion_seen=deletion_seen
    )


def from_client_error(
    error: ClientError, *, deletion_seen: bool, operation: str = "DescribeInstance"
) -> Observation:
    """An error AWS answered with. Its modeled ``Reason`` is at the top of the response."""
    response = error.response
    details = response.get("Error") or {}
    metadata = response.get("ResponseMetadata") or {}
    return Observation(
        operation=operation,
        error_code=str(details.get("Code") or "Unknown"),
        error_reason=response.get("Reason"),
        error_message=str(details.get("Message") or ""),
        http_status=metadata.get("HTTPStatusCode"),
        request_id=metadata.get("RequestId"),
        deletion_seen=deletion_seen,
    )


def from_transport_error(
    error: Exception, *, deletion_seen: bool, operation: str = "DescribeInstance"
) -> Observation:
    """A failure below HTTP, named by its botocore class."""
    return Observation(
        operation=operation,
        error_code=type(error).__name__,
        error_message=str(error),
        transport_error=True,
        deletion_seen=deletion_seen,
    )


def from_botocore_error(
    error: BotoCoreError, *, deletion_seen: bool, operation: str = "DescribeInstance"
) -> Observation:
    """A failure of botocore's own, such as missing credentials: no retry will help."""
    return Observation(
        operation=operation,
        error_code=type(error).__name__,
        error_message=str(error),
        deletion_seen=deletion_seen,
    )


def _body(response: Mapping[str, Any]) -> str:
    """What the service sent, without botocore's metadata (its headers)."""
    return str({k: v for k, v in response.items() if k != "ResponseMetadata"})[:200]
