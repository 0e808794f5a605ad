"""What to do about an ending: the hint after each error line, and sentences that end once.

The outcome picks the hint; a few errors refine it: a deletion, a KMS key policy, and an
endpoint that never answered or is not AWS (the network, not the caller's credentials). Each
kind of resource may give its own hints for some outcomes
(:attr:`poller.ResourceKind.advice`).

An error line is the library's message, then the hint: together they say each thing once.
The command's own hints add to what the library's message says of the same error (its
advice: the network, the Region, the key policy), never repeat it; and a hint from elsewhere
(a kind's advice) is cut where it restates the message (:func:`complement`). A phrase the
message itself repeats back to back (a server's page, whose title and heading agree) is said
once (:func:`say_once`).
"""

from __future__ import annotations

import re
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
    "complement",
    "hint_for",
    "say_once",
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
#: After a message that says nothing answered, and no more.
UNREACHABLE_HINT: Final = (
    "Check the network (a proxy, a firewall, a VPN), --region and --endpoint-url; for TLS "
    "errors, --ca-bundle."
)
#: After EndpointUnreachableError's message, which asks to check the network, the Region and
#: the endpoint URL itself.
UNREACHABLE_MORE_HINT: Final = (
    "A proxy, a firewall or a VPN may be in the way; for TLS errors, see --ca-bundle."
)
#: After the library's message for a server that is not AWS, which asks to check the endpoint
#: URL and the Region itself.
NOT_AWS_HINT: Final = "A proxy may be answering in AWS's place: look at HTTPS_PROXY and NO_PROXY."
#: After the library's message for a KMS denial, which says what the key policy must allow.
KMS_HINT: Final = "Read it with `aws kms get-key-policy --key-id KEY --policy-name default`."
DELETED_HINT: Final = "Check the ARN, or wait with --until deleted."
#: What to do about each outcome; :func:`hint_for` refines a few by the error itself.
_BY_OUTCOME: Final = {
    Outcome.FAILED: "The instance cannot get there: fix the cause and retry.",
    Outcome.INVALID: "`aws sso-admin list-instances` lists your instance ARNs.",
    Outcome.TIMED_OUT: "Wait longer with --timeout, or look at the instance.",
    Outcome.DENIED: (
        "Check which principal you are (`aws sts get-caller-identity`) and its permissions."
    ),
    # The library's message says what to check (the ARN, the account, the Region).
    Outcome.NOT_FOUND: "--region and --profile choose where to look.",
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
    if isinstance(error, EndpointUnreachableError):
        return UNREACHABLE_MORE_HINT
    if isinstance(error, WaitTimeoutError) and error.stopped == "unanswered":
        return UNREACHABLE_HINT
    if isinstance(error, ApiError) and error.code.isdigit():
        return NOT_AWS_HINT  # an HTTP status without an AWS error: not AWS
    code = error.code if isinstance(error, ApiError) else None
    if isinstance(error, WaitTimeoutError):
        code = error.last_error
    return NETWORK_HINT if code in NETWORK_CODES else None


#: Words that say little alone: a lead made of these and the message's words restates it.
_SMALL: Final = "a an the is are was were be been being it its of to in on at for by with and or no"
_SMALL_WORDS: Final = frozenset(_SMALL.split())
#: A command in backticks: ``aws sso-admin list-regions ...`` (its first three words).
_COMMAND: Final = re.compile(r"`((?:\S+\s+){2}[^\s`]+)[^`]*`")
#: A phrase of up to six words said twice in a row ("Error response Error response"): words
#: of letters, apart by spaces only (never the digits of an address, 127.0.0.1).
_TWICE: Final = re.compile(r"\b([A-Za-z][\w'-]*(?:[ \t]+[A-Za-z][\w'-]*){0,5})[ \t]+\1\b")
_WORD: Final = re.compile(r"[\w'-]+")


def say_once(text: str) -> str:
    """*text* with each phrase said twice in a row said once (a server page's title, heading)."""
    return _TWICE.sub(r"\1", text)


def _words(text: str) -> set[str]:
    """The words of *text* that carry meaning, in lower case."""
    return {w for w in _WORD.findall(text.lower()) if w not in _SMALL_WORDS}


def complement(message: str, hint: str | None) -> str | None:
    """*hint*, less what *message* already says; None if that is all of it.

    A lead (``The Region is being removed: ...``) whose words the message has is cut, and so
    is a hint that points at a command the message already names.
    """
    if not hint:
        return None
    lead, colon, rest = hint.partition(": ")
    if colon and rest and _words(lead) <= _words(message):
        hint = rest[:1].upper() + rest[1:]
    named = {" ".join(m.split()) for m in _COMMAND.findall(message)}
    if any(" ".join(m.split()) in named for m in _COMMAND.findall(hint)):
        return None
    return hint
