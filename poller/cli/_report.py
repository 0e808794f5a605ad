"""What the command prints on stdout about each instance, and the exit code it asks for.

stdout gets one JSON object per instance. A wait that reached its target prints the
DescribeInstance answer itself, with the API's key names. Every other ending prints an object
with an ``Outcome`` key, which API answers never have::

    {"InstanceArn": "...", "Outcome": "deleted", "Attempts": 4, "Elapsed": 31.2}
    {"InstanceArn": "...", "Outcome": "failed", "Attempts": 3, "Elapsed": 12.0,
     "Error": {"Type": "InstanceCreateFailedError", "Message": "...", "Reason": "..."},
     "Instance": {...the last DescribeInstance answer, or null...}}

``Outcome`` and the exit code are the library's (:class:`poller.Outcome`, read from
``error.outcome``; :class:`poller.ExitCode`); a cancelled wait adds ``"Signal": "SIGINT"`` and
exits 128 plus the signal's number, as the shell does. ``Error.Type`` names the
:mod:`poller.exceptions` class, or ``ConfigurationError`` when botocore could not even make a
client (no region, an unknown profile); ApiError adds ``Code`` and ``RequestId`` (AWS's ID of
the failed call). ``Attempts`` counts the requests the service saw (0 when none was sent) and
``Elapsed`` is in seconds, to the tenth the messages use. A failure before any instance was
known (``--all`` whose ListInstances failed, or listed none) reports ``"InstanceArn": "*"``.
"""

from __future__ import annotations

import dataclasses
import json
import signal
from typing import Any

from poller._outcome import Outcome
from poller._result import WaitResult
from poller.cli._durations import round_elapsed
from poller.cli._hints import NETWORK_CODES, UNREACHABLE_HINT, hint_for, sentence
from poller.events import WaitCancelled
from poller.exceptions import ApiError, PollerError

__all__ = [
    "Report",
    "cancelled",
    "dump_json",
    "from_description",
    "from_error",
    "from_result",
    "gone",
    "listing_failed",
    "no_instances",
    "not_started",
    "signal_exit_code",
]


def dump_json(value: object) -> str:
    """One compact JSON line."""
    return json.dumps(value, separators=(",", ":"), default=str)


def signal_exit_code(signum: int) -> int:
    """The shell's exit code for a command ended by signal *signum*: 128 plus its number."""
    return 128 + int(signum)


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """One instance's ending: what to print, and which exit code it asks for."""

    instance_arn: str
    exit_code: int
    document: dict[str, Any]
    text: str
    message: str | None = None
    hint: str | None = None


def from_description(description: Any) -> Report:
    """An instance that is at the target: its DescribeInstance answer."""
    arn = description.instance_arn
    text = f"{arn}\t{description.status}"
    if description.encryption_status is not None:
        text += f"\tencryption {description.encryption_status}"
    return Report(arn, Outcome.REACHED.exit_code, description.to_api_json(), text)


def gone(instance_arn: str, outcome: Outcome, *, attempts: int, elapsed: float) -> Report:
    """A removal reached (``deleted``): nothing is left to describe, so say how it ended."""
    document = {
        "InstanceArn": instance_arn,
        "Outcome": outcome.value,
        "Attempts": attempts,
        "Elapsed": round_elapsed(elapsed),
    }
    return Report(instance_arn, outcome.exit_code, document, f"{instance_arn}\t{outcome.value}")


def from_result(result: WaitResult) -> Report:
    """A wait that reached its target."""
    if result.instance is None:
        return gone(
            result.instance_arn, result.outcome, attempts=result.attempts, elapsed=result.elapsed
        )
    return from_description(result.instance)


def from_error(error: PollerError, *, hint: str | None = None) -> Report:
    """A wait that ended on one of poller's errors: its outcome and exit code are the error's.

    Args:
        error: The error.
        hint: What to do, when the error's own hint (:func:`hint_for`) does not fit.
    """
    details: dict[str, Any] = {"Type": type(error).__name__, "Message": error.message}
    if error.reason is not None:
        details["Reason"] = error.reason
    if isinstance(error, ApiError):
        details["Code"] = error.code
        if error.aws_request_id:
            details["RequestId"] = error.aws_request_id
    outcome = error.outcome.value
    document = {
        "InstanceArn": error.instance_arn,
        "Outcome": outcome,
        "Attempts": error.attempts,
        "Elapsed": round_elapsed(error.elapsed),
        "Error": details,
        "Instance": None if error.last is None else error.last.to_api_json(),
    }
    text = f"{error.instance_arn}\t{outcome}\t{error.status or '-'}\t{type(error).__name__}"
    return Report(
        error.instance_arn,
        error.exit_code,
        document,
        text,
        sentence(error.message),
        sentence(hint or hint_for(error)),
    )


def _configuration(
    instance_arn: str, outcome: Outcome, message: str, hint: str, *, kind: str
) -> Report:
    """An ending outside poller's error tree, before any request of the wait was sent."""
    message = sentence(message)
    document = {
        "InstanceArn": instance_arn,
        "Outcome": outcome.value,
        "Attempts": 0,
        "Elapsed": 0.0,
        "Error": {"Type": kind, "Message": message},
        "Instance": None,
    }
    text = f"{instance_arn}\t{outcome.value}"
    return Report(instance_arn, outcome.exit_code, document, text, message, sentence(hint))


def not_started(instance_arn: str, error: Exception) -> Report:
    """No client could be made, or botocore failed before an answer: no wait ever ran.

    These come from botocore, so no error class of poller's decides them: no Region and an
    unknown profile are the caller's input (``invalid``), the rest ``error``; an endpoint that
    cannot be reached gets network advice, not credentials advice.
    """
    from botocore.exceptions import NoRegionError, ProfileNotFound  # noqa: PLC0415 - lazy

    def configuration(outcome: Outcome, message: str, hint: str) -> Report:
        return _configuration(instance_arn, outcome, message, hint, kind="ConfigurationError")

    if isinstance(error, NoRegionError):
        return configuration(
            Outcome.INVALID,
            "No AWS Region is configured",
            "Pass --region, or set AWS_REGION (or AWS_DEFAULT_REGION) or a region in your profile.",
        )
    if isinstance(error, ProfileNotFound):
        return configuration(
            Outcome.INVALID, str(error), "Check --profile against `aws configure list-profiles`."
        )
    if type(error).__name__ in NETWORK_CODES:
        return configuration(Outcome.ERROR, str(error), UNREACHABLE_HINT)
    return configuration(
        Outcome.ERROR,
        str(error),
        "Configure credentials (`aws configure`, AWS_PROFILE, `aws sso login`) and retry.",
    )


def listing_failed(error: Exception) -> Report:
    """``--all`` could not list the instances: one line for all of them (``"*"``)."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - lazy

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        message = f"ListInstances failed with {details.get('Code', 'Unknown')}"
        if details.get("Message"):
            message += f": {details['Message']}"
        return _configuration(
            "*",
            Outcome.ERROR,
            message,
            "Check your credentials and their sso:ListInstances permission.",
            kind="ConfigurationError",
        )
    if isinstance(error, TimeoutError):
        return _configuration(
            "*",
            Outcome.TIMED_OUT,
            "Timed out listing instances",
            "Wait longer with --timeout.",
            kind="ConfigurationError",
        )
    return not_started("*", error)


def no_instances() -> Report:
    """``--all``, and ListInstances lists none: nothing to wait on is not a success."""
    return _configuration(
        "*",
        Outcome.NOT_FOUND,
        "No instances: ListInstances lists none for these credentials and this Region",
        "Check --region and --profile, or pass --allow-empty to accept none.",
        kind="ResourceNotFoundError",
    )


def cancelled(instance_arn: str, signum: int, ended: WaitCancelled | None = None) -> Report:
    """A wait stopped by a signal: the shell's code for it (130 SIGINT, 143 SIGTERM ...).

    Args:
        instance_arn: The instance.
        signum: The signal.
        ended: The wait's ``wait.cancelled`` event, if it had started: its attempts and time.
    """
    name = signal.Signals(signum).name
    attempts = 0 if ended is None else ended.attempts
    elapsed = 0.0 if ended is None else ended.elapsed
    document = {
        "InstanceArn": instance_arn,
        "Outcome": Outcome.CANCELLED.value,
        "Signal": name,
        "Attempts": attempts,
        "Elapsed": round_elapsed(elapsed),
    }
    text = f"{instance_arn}\t{Outcome.CANCELLED.value} ({name})"
    return Report(instance_arn, signal_exit_code(signum), document, text)
