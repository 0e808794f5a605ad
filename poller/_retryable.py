"""Which errors a later request may not meet: the codes every resource's table retries.

Plain data, read by the engine's acceptors (which retry them) and by :class:`poller.ApiError`
(whose ``retryable`` says whether a wait would have retried it, for a face that looks once).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CONNECT_ERROR_CODES",
    "RETRIED_HTTP_STATUSES",
    "SERVER_ERROR_CODES",
    "THROTTLING_CODES",
    "TRANSPORT_ERROR_NAMES",
    "retryable_code",
]

THROTTLING_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
SERVER_ERROR_CODES: Final = frozenset(
    {
        "InternalServerException",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
#: botocore's errors for a connection that could not be made (refused, DNS, TLS, a proxy).
CONNECT_ERROR_CODES: Final = frozenset(
    {"EndpointConnectionError", "ConnectTimeoutError", "SSLError", "ProxyConnectionError"}
)
#: botocore's errors below HTTP, by name: a dropped or timed-out line, an answer that would
#: not parse (and poller's own name for an answer without a Status).
TRANSPORT_ERROR_NAMES: Final = frozenset(
    {
        *CONNECT_ERROR_CODES,
        "ConnectionClosedError",
        "ReadTimeoutError",
        "HTTPClientError",
        "ConnectionError",
        "ResponseStreamingError",
        "ResponseParserError",
        "MalformedResponse",
    }
)
#: HTTP statuses retried whatever their body: what proxies and load balancers answer.
RETRIED_HTTP_STATUSES: Final = frozenset({500, 502, 503, 504})


def retryable_code(code: str) -> bool:
    """Whether an error named *code* is one a wait retries: throttling, 5xx, a dropped line.

    *code* is AWS's error code, botocore's error class name when no answer came, or the HTTP
    status of an answer that is not an AWS error.
    """
    if code.isdigit():
        return int(code) in RETRIED_HTTP_STATUSES
    return code in THROTTLING_CODES or code in SERVER_ERROR_CODES or code in TRANSPORT_ERROR_NAMES
