"""How each wait ended, as the ``poller`` command reports it: exit code, stdout line, hint.

stdout gets one JSON object per instance. A wait that reached ACTIVE (or ENCRYPTION_ENABLED)
prints the DescribeInstance answer itself, with the API's key names. Every other ending
prints an object with an ``Outcome`` key, which API answers never have::

    {"InstanceArn": "...", "Outcome": "deleted", "Attempts": 4, "Elapsed": 31.2}
    {"InstanceArn": "...", "Outcome": "failed", "Attempts": 3, "Elapsed": 12.0,
     "Error": {"Type": "InstanceCreateFailedError", "Message": "...", "Reason": "..."},
     "Instance": {...the last DescribeInstance answer, or null...}}

``Outcome`` is one of ``deleted``, ``failed`` (exit 1), ``invalid`` (2), ``timed-out`` (3),
``denied`` or ``error`` (4), ``cancelled`` (130 or 143, with ``"Signal": "SIGINT"``).
``Error.Type`` names the :mod:`poller.exceptions` class, or ``ConfigurationError`` when
botocore could not even send a request (no region, no credentials, an unknown profile); ApiError
adds ``Code`` and ``RequestId``. A failure before any instance was known (``--all`` whose
ListInstances failed) reports ``"InstanceArn": "*"``.
"""

from __future__ import annotations

import dataclasses
import signal
from typing import Any, Final

from poller._result import WaitResult
from poller.exceptions import (
    AccessDeniedError,
    ApiError,
    InstanceDeletedError,
    InstanceFailedError,
    InvalidInstanceArnError,
    PollerError,
    WaitTimeoutError,
)

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "Outcome",
    "cancelled",
    "from_error",
    "from_other",
    "from_result",
    "signal_exit_code",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_TIMEOUT: Final = 3
EXIT_API_ERROR: Final = 4

_SIGNAL_BASE: Final = 128
#: Error codes of failures below HTTP (botocore's class names, and poller's own for garbled
#: answers): the network or the endpoint, not the caller's credentials.
_NO_ANSWER_CODES: Final = frozenset(
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


def signal_exit_code(signum: int) -> int:
    """The shell's code for a death by *signum*: 130 for SIGINT, 143 for SIGTERM."""
    return _SIGNAL_BASE + int(signum)


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """One instance's ending: what to print and which exit code it asks for."""

    instance_arn: str
    exit_code: int
    document: dict[str, Any]
    text: str
    message: str | None = None
    hint: str | None = None


def from_result(result: WaitResult) -> Outcome:
    """A wait that reached its target."""
    arn = result.instance_arn
    if result.instance is None:
        document = {
            "InstanceArn": arn,
            "Outcome": "deleted",
            "Attempts": result.attempts,
            "Elapsed": round(result.elapsed, 3),
        }
        return Outcome(arn, EXIT_OK, document, f"{arn}\tdeleted")
    instance = result.instance
    text = f"{arn}\t{instance.status}"
    if instance.encryption_status is not None:
        text += f"\tencryption {instance.encryption_status}"
    return Outcome(arn, EXIT_OK, instance.to_api_json(), text)


def _kind(error: PollerError) -> tuple[str, int, str]:  # noqa: PLR0911 - one per branch
    """Outcome name, exit code and what to do, for each branch of the error tree."""
    if isinstance(error, InstanceDeletedError):
        return "failed", EXIT_FAILED, "Check the ARN, or wait with --until deleted."
    if isinstance(error, InstanceFailedError):
        return "failed", EXIT_FAILED, "The instance cannot get there: fix the cause and retry."
    if isinstance(error, InvalidInstanceArnError):
        return "invalid", EXIT_USAGE, "`aws sso-admin list-instances` lists your instance ARNs."
    if isinstance(error, WaitTimeoutError):
        return "timed-out", EXIT_TIMEOUT, "Wait longer with --timeout, or look at the instance."
    if isinstance(error, AccessDeniedError):
        return (
            "denied",
            EXIT_API_ERROR,
            "Check which principal you are (`aws sts get-caller-identity`) and its permissions.",
        )
    if isinstance(error, ApiError) and error.code in _NO_ANSWER_CODES:
        return (
            "error",
            EXIT_API_ERROR,
            "The service did not answer properly: check the network and --endpoint-url.",
        )
    return (
        "error",
        EXIT_API_ERROR,
        "Check your credentials, --region and --profile (`aws sts get-caller-identity`).",
    )


def from_error(error: PollerError) -> Outcome:
    """A wait that ended on one of poller's errors."""
    outcome, code, hint = _kind(error)
    details: dict[str, Any] = {"Type": type(error).__name__, "Message": error.message}
    if error.reason is not None:
        details["Reason"] = error.reason
    if isinstance(error, ApiError):
        details["Code"] = error.code
        if error.request_id:
            details["RequestId"] = error.request_id
    document = {
        "InstanceArn": error.instance_arn,
        "Outcome": outcome,
        "Attempts": error.attempts,
        "Elapsed": round(error.elapsed, 3),
        "Error": details,
        "Instance": None if error.last is None else error.last.to_api_json(),
    }
    text = f"{error.instance_arn}\t{outcome}\t{error.status or '-'}\t{type(error).__name__}"
    return Outcome(error.instance_arn, code, document, text, error.message, hint)


def from_other(instance_arn: str, code: int, message: str, hint: str) -> Outcome:
    """A wait ended by something outside poller's error tree (no credentials, no region)."""
    names = {EXIT_USAGE: "invalid", EXIT_TIMEOUT: "timed-out"}
    document = {
        "InstanceArn": instance_arn,
        "Outcome": names.get(code, "error"),
        "Error": {"Type": "ConfigurationError", "Message": message},
        "Instance": None,
    }
    return Outcome(instance_arn, code, document, f"{instance_arn}\terror", message, hint)


def cancelled(instance_arn: str, signum: int) -> Outcome:
    """A wait stopped by SIGINT or SIGTERM."""
    name = signal.Signals(signum).name
    document = {"InstanceArn": instance_arn, "Outcome": "cancelled", "Signal": name}
    return Outcome(
        instance_arn, signal_exit_code(signum), document, f"{instance_arn}\tcancelled ({name})"
    )
