"""What to do about an ending: the hint after each error line, and sentences that end once.

The outcome picks the hint; a few errors refine it: a deletion, a KMS key policy, and an
endpoint that never answered or is not AWS (the network, not the caller's credentials). Each
kind of resource may give its own hints for some outcomes
(:attr:`poller.ResourceKind.advice`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from poller import Outcome
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    EndpointUnreachableError,
    InstanceDeletedError,
    PollerError,
    WaitTimeoutError,
)

__all__ = [
    "NETWORK_CODES",
    "NETWORK_HINT",
    "UNREACHABLE_HINT",
    "hint_for",
    "sentence",
]

#: Error codes of failures below HTTP (botocore's class names, and poller's own for garbled
#: answers): the network or the endpoint, not the caller's credentials.
NETWORK_CODES: Final = frozenset(
    {
        "ConnectionClosedError",
        "ConnectTimeoutError",
        "EndpointConnectionError",
        "HTTPClientError",
        "MalformedResponse",
        "ProxyConnectionError",
        "ReadTimeoutError",
        "ResponseParserError",
        "SSLError",
    }
)
NETWORK_HINT: Final = "The service did not answer properly: check the network and --endpoint-url."
UNREACHABLE_HINT: Final = (
    "Nothing answered: check the network (a proxy, a firewall, a VPN), --region, "
    "--endpoint-url, and for TLS errors --ca-bundle."
)
NOT_AWS_HINT: Final = "Another server answered: check --endpoint-url, --region and any proxy."
KMS_HINT: Final = (
    "The instance's customer managed KMS key must let you and Identity Center use it: check "
    "its key policy (`aws kms get-key-policy --key-id KEY --policy-name default`)."
)
DELETED_HINT: Final = "Check the ARN, or wait with --until deleted."
#: What to do about each outcome; :func:`hint_for` refines a few by the error itself.
_BY_OUTCOME: Final = {
    Outcome.FAILED: "The instance cannot get there: fix the cause and retry.",
    Outcome.INVALID: "`aws sso-admin list-instances` lists your instance ARNs.",
    Outcome.TIMED_OUT: "Wait longer with --timeout, or look at the instance.",
    Outcome.DENIED: (
        "Check which principal you are (`aws sts get-caller-identity`) and its permissions."
    ),
    Outcome.NOT_FOUND: (
        "Point --region and --profile at the account and Region that hold the instance."
    ),
    Outcome.ERROR: (
        "Check your credentials, --region and --profile (`aws sts get-caller-identity`)."
    ),
}


def sentence(text: str) -> str:
    """*text* ending in exactly one full stop (messages from botocore may bring their own)."""
    text = text.rstrip()
    if text.endswith(("?", "!", "…")):
        return text
    return text.rstrip(".") + "."


def hint_for(error: PollerError, hints: Mapping[Outcome, str] | None = None) -> str:
    """What to do: by the outcome, with the network, KMS and a deletion told apart.

    Args:
        error: How the wait ended.
        hints: The resource's own hints, by outcome, over the instance's.
    """
    if isinstance(error, InstanceDeletedError):
        return DELETED_HINT
    if isinstance(error, AccessDeniedError) and error.kms:
        return KMS_HINT
    by_outcome = {**_BY_OUTCOME, **(hints or {})}
    return _network_hint(error) or by_outcome.get(error.outcome, _BY_OUTCOME[Outcome.ERROR])


def _network_hint(error: PollerError) -> str | None:
    """The network's advice, where the network and not the caller is at fault; else None.

    Waiting longer fixes neither an endpoint that never answered nor a broken line.
    """
    if isinstance(error, EndpointUnreachableError) or (
        isinstance(error, WaitTimeoutError) and error.stopped == "unanswered"
    ):
        return UNREACHABLE_HINT
    if isinstance(error, ApiError) and error.code.isdigit():
        return NOT_AWS_HINT  # an HTTP status without an AWS error: not AWS
    code = error.code if isinstance(error, ApiError) else None
    if isinstance(error, WaitTimeoutError):
        code = error.last_error
    return NETWORK_HINT if code in NETWORK_CODES else None
