"""What botocore answers, or raises, as an :class:`Observation`: the one place that judges.

Every request of a wait (Describe polls, List pages) is judged by :func:`observed_error`, so that
``ClientError``, failures below HTTP and botocore's own errors are told apart once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping
from typing import Any, Final, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from botocore.parsers import ResponseParserError

from poller._engine._acceptors import Observation

__all__ = ["OBSERVED_ERRORS", "TRANSPORT_ERRORS", "attempt", "from_response", "observed_error"]

#: Failures below HTTP that a later poll may not meet: refused, dropped or timed-out
#: connections and answers that would not parse. aiobotocore raises botocore's classes for
#: both of its HTTP backends.
TRANSPORT_ERRORS: Final = (HTTPClientError, BotocoreConnectionError, ResponseParserError)

_T = TypeVar("_T")
_TAG: Final = re.compile(r"<[^>]*>")


#: What a request may raise that :func:`observed_error` turns into an observation; anything
#: else is a defect, and propagates.
OBSERVED_ERRORS: Final = (ClientError, BotoCoreError, ResponseParserError)


async def attempt(
    request: Awaitable[_T], *, operation: str, removal_seen: bool = False
) -> _T | Observation:
    """Await *request*; what it raised, as an :class:`Observation` of *operation*.

    *request* is the call's coroutine itself, not a function making it. A Describe poll
    catches in its own frame instead (one frame less per poll, BENCHMARKS.md section a).
    """
    try:
        return await request
    except OBSERVED_ERRORS as error:
        return observed_error(error, operation=operation, removal_seen=removal_seen)


def observed_error(error: Exception, *, operation: str, removal_seen: bool) -> Observation:
    """What *error*, raised by a request of *operation*, says (one of :data:`OBSERVED_ERRORS`)."""
    if isinstance(error, ClientError):
        return _from_client_error(error, operation, removal_seen)
    # A failure below HTTP may heal; any other botocore error (no credentials, an expired SSO
    # token) was raised while botocore prepared the request, which never left, and no retry
    # helps.
    transport = isinstance(error, TRANSPORT_ERRORS)
    return Observation(
        operation=operation,
        error_code=type(error).__name__,
        error_message=str(error),
        transport_error=transport,
        removal_seen=removal_seen,
        sent=transport,
    )


def from_response(
    description: object, response: Mapping[str, Any], *, operation: str, removal_seen: bool
) -> Observation:
    """An answered Describe, parsed into *description* (None: it had no Status).

    An answer without a Status is garbled (botocore turns a body that is not JSON into
    ``{"message": ...}``): it tells nothing about the resource, and is retried like a dropped
    connection.
    """
    if description is None:
        return Observation(
            operation=operation,
            error_code="MalformedResponse",
            error_message=f"{operation} answered without a Status: {_body(response)}",
            transport_error=True,
            removal_seen=removal_seen,
        )
    return Observation(description=description, operation=operation, removal_seen=removal_seen)


def _from_client_error(error: ClientError, operation: str, removal_seen: bool) -> Observation:
    """An error AWS answered with. Its modeled ``Reason`` is at the top of the response."""
    response = error.response
    details = response.get("Error") or {}
    metadata = response.get("ResponseMetadata") or {}
    code = str(details.get("Code") or "Unknown")
    message = str(details.get("Message") or "")
    if code.isdigit():
        # No AWS error shape: botocore names the answer by its HTTP status, and its "message"
        # is whatever page came back (a proxy's HTML, a web server's 501).
        message = _plain(message)
    return Observation(
        operation=operation,
        error_code=code,
        error_reason=response.get("Reason"),
        error_message=message,
        http_status=metadata.get("HTTPStatusCode"),
        aws_request_id=metadata.get("RequestId"),
        removal_seen=removal_seen,
    )


def _plain(text: str) -> str:
    """A page reduced to a short line of its text, tags dropped."""
    return " ".join(_TAG.sub(" ", text).split())[:160]


def _body(response: Mapping[str, Any]) -> str:
    """What the service sent, without botocore's metadata (its headers)."""
    return str({k: v for k, v in response.items() if k != "ResponseMetadata"})[:200]
