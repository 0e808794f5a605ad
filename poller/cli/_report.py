"""What the command prints on stdout about each resource it waits on, and the exit code it asks.

stdout gets one JSON object per resource. A wait that reached its target prints the Describe
answer itself, with the API's key names and ISO 8601 dates (for a request, the status object
inside the answer), with the identity keys the answer lacks added first (``InstanceArn``, and
``RegionName`` or ``RequestId``): every line names what it is about. Every other ending prints
an object with an ``Outcome`` key, which API answers never have::

    {"InstanceArn": "...", "Outcome": "deleted", "Attempts": 4, "Elapsed": 31.2}
    {"InstanceArn": "...", "Outcome": "failed", "Attempts": 3, "Elapsed": 12.0,
     "Error": {"Type": "InstanceCreateFailedError", "Message": "...", "Reason": "..."},
     "Instance": {...the last DescribeInstance answer, or null...}}
    {"InstanceArn": "...", "RequestId": "...", "Outcome": "failed", ...,
     "Request": {...the last status object, or null...}}

The last state's key is the kind's (``Instance``, ``Region``, ``Configuration``, ``Request``:
:attr:`poller.ResourceKind.document_key`). ``Outcome`` and the exit code are the library's
(:class:`poller.Outcome`, read from ``error.outcome``; :class:`poller.ExitCode`); a cancelled
wait adds ``"Signal": "SIGINT"`` and exits 128 plus the signal's number, as the shell does.
``Error.Type`` names the :mod:`poller.exceptions` class, or ``ConfigurationError`` when
botocore could not even make a client (no region, an unknown profile); ApiError adds ``Code``
and ``RequestId`` (AWS's ID of the failed call). ``Attempts`` counts the requests the service
saw (0 when none was sent) and ``Elapsed`` is in seconds, to the tenth the messages use. A
failure before any instance was known (``--all`` whose ListInstances failed, or listed none)
reports ``"InstanceArn": "*"``. ``poller assign`` prints the same shapes with each assignment's
keys added, and ``"Outcome": "unchanged"`` for one as planned already (:mod:`._apply`).
"""

from __future__ import annotations

import dataclasses
import json
import signal
from collections.abc import Hashable, Mapping
from typing import Any, Final

from poller import Identity, Outcome, WaitResult
from poller.cli._durations import round_elapsed
from poller.cli._hints import (
    NETWORK_CODES,
    UNREACHABLE_HINT,
    complement,
    hint_for,
    say_once,
    sentence,
)
from poller.events import WaitCancelled
from poller.exceptions import ApiError, PollerError

__all__ = [
    "ALL",
    "Report",
    "api_keys",
    "cancelled",
    "dump_json",
    "from_description",
    "from_error",
    "from_result",
    "gone",
    "identity_of",
    "listing_failed",
    "no_instances",
    "not_started",
    "signal_exit_code",
]

#: Stands for every instance, before any was known (``--all`` whose listing failed).
ALL: Final = Identity("*")
#: The identity's keys as the API spells them.
_API_KEYS: Final = {
    "instance_arn": "InstanceArn",
    "region_name": "RegionName",
    "request_id": "RequestId",
}
#: Where a failure's document puts the last state seen, when nobody says otherwise.
_LAST_KEY: Final = "Instance"


def dump_json(value: object) -> str:
    """One compact JSON line."""
    return json.dumps(value, separators=(",", ":"), default=str)


def signal_exit_code(signum: int) -> int:
    """The shell's exit code for a command ended by signal *signum*: 128 plus its number."""
    return 128 + int(signum)


def identity_of(about: Any) -> Identity:
    """The identity of an event, an error, a result or an outcome (they all carry its keys)."""
    return Identity(
        about.instance_arn,
        getattr(about, "region_name", None),
        getattr(about, "request_id", None),
    )


def api_keys(identity: Identity) -> dict[str, str]:
    """The identity as the API names it: ``InstanceArn``, ``RegionName``, ``RequestId``."""
    return {_API_KEYS[key]: value for key, value in identity.keys().items()}


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """One resource's ending: what to print, and which exit code it asks for.

    Attributes:
        identity: What was waited on (its instance, Region or request).
        exit_code: The exit code it asks for.
        document: Its JSON on stdout.
        text: Its line of ``--output text``.
        message: What went wrong, for stderr's last lines; None for a success.
        hint: What to do about it.
        item: What the report is about where its identity does not tell (an assignment of
            ``poller assign``'s plan, before or without a request); None otherwise.
        keys: More keys for its line on stderr (an assignment's ``account_id`` ...).
    """

    identity: Identity
    exit_code: int
    document: dict[str, Any]
    text: str
    message: str | None = None
    hint: str | None = None
    item: Hashable | None = None
    keys: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def instance_arn(self) -> str:
        """The instance waited on, or that owns the resource waited on."""
        return self.identity.instance_arn

    @property
    def key(self) -> Hashable:
        """What the report is about, one report each: its item, else its identity."""
        return self.identity if self.item is None else self.item


def _text(identity: Identity, *fields: object) -> str:
    """A line of ``--output text``: the identity, then *fields*, tab-separated."""
    return "\t".join([*identity.keys().values(), *(str(f) for f in fields)])


def from_description(description: Any, identity: Identity) -> Report:
    """A resource at its target: its Describe answer, with the identity keys it lacks."""
    answer = description.to_api_json()
    document = {k: v for k, v in api_keys(identity).items() if k not in answer} | answer
    fields: list[object] = [description.status]
    encryption = getattr(description, "encryption_status", None)
    if encryption is not None:
        fields.append(f"encryption {encryption}")
    return Report(identity, Outcome.REACHED.exit_code, document, _text(identity, *fields))


def gone(identity: Identity, outcome: Outcome, *, attempts: int, elapsed: float) -> Report:
    """A removal reached (``deleted``, ``removed``): nothing is left to describe, so say how."""
    document = {
        **api_keys(identity),
        "Outcome": outcome.value,
        "Attempts": attempts,
        "Elapsed": round_elapsed(elapsed),
    }
    return Report(identity, outcome.exit_code, document, _text(identity, outcome.value))


def from_result(result: WaitResult) -> Report:
    """A wait that reached its target."""
    identity = identity_of(result)
    if result.description is None:
        return gone(identity, result.outcome, attempts=result.attempts, elapsed=result.elapsed)
    return from_description(result.description, identity)


def from_error(
    error: PollerError,
    *,
    hint: str | None = None,
    hints: Mapping[Outcome, str] | None = None,
    last_key: str = _LAST_KEY,
) -> Report:
    """A wait that ended on one of poller's errors: its outcome and exit code are the error's.

    Args:
        error: The error.
        hint: What to do, when the error's own hint (:func:`hint_for`) does not fit.
        hints: The resource's own hints, by outcome (:attr:`poller.ResourceKind.advice`).
        last_key: Where the document puts the last state seen.
    """
    details: dict[str, Any] = {"Type": type(error).__name__, "Message": error.message}
    if error.reason is not None:
        details["Reason"] = error.reason
    if isinstance(error, ApiError):
        details["Code"] = error.code
        if error.aws_request_id:
            details["RequestId"] = error.aws_request_id
    outcome = error.outcome.value
    identity = identity_of(error)
    document = {
        **api_keys(identity),
        "Outcome": outcome,
        "Attempts": error.attempts,
        "Elapsed": round_elapsed(error.elapsed),
        "Error": details,
        last_key: None if error.last is None else error.last.to_api_json(),
    }
    text = _text(identity, outcome, error.status or "-", type(error).__name__)
    # stderr's line: the library's message, then what it does not say already.
    message = sentence(say_once(error.message))
    advice = complement(message, hint or hint_for(error, hints))
    return Report(
        identity,
        error.exit_code,
        document,
        text,
        message,
        None if advice is None else sentence(advice),
    )


def _configuration(
    identity: Identity,
    outcome: Outcome,
    message: str,
    hint: str,
    *,
    kind: str,
    last_key: str = _LAST_KEY,
) -> Report:
    """An ending outside poller's error tree, before any request of the wait was sent."""
    message = sentence(say_once(message))
    document = {
        **api_keys(identity),
        "Outcome": outcome.value,
        "Attempts": 0,
        "Elapsed": 0.0,
        "Error": {"Type": kind, "Message": message},
        last_key: None,
    }
    text = _text(identity, outcome.value)
    advice = complement(message, hint)
    return Report(identity, outcome.exit_code, document, text, message, advice and sentence(advice))


def not_started(identity: Identity, error: Exception, *, last_key: str = _LAST_KEY) -> Report:
    """No client could be made, or botocore failed before an answer: no wait ever ran.

    These come from botocore, so no error class of poller's decides them: no Region and an
    unknown profile are the caller's input (``invalid``), the rest ``error``; an endpoint that
    cannot be reached gets network advice, not credentials advice.
    """
    from botocore.exceptions import NoRegionError, ProfileNotFound  # noqa: PLC0415 - lazy

    def configuration(outcome: Outcome, message: str, hint: str) -> Report:
        """A report outside poller's errors, with this report's identity and key."""
        return _configuration(
            identity, outcome, message, hint, kind="ConfigurationError", last_key=last_key
        )

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
            ALL,
            Outcome.ERROR,
            message,
            "Check your credentials and their sso:ListInstances permission.",
            kind="ConfigurationError",
        )
    if isinstance(error, TimeoutError):
        return _configuration(
            ALL,
            Outcome.TIMED_OUT,
            "Timed out listing instances",
            "Wait longer with --timeout.",
            kind="ConfigurationError",
        )
    return not_started(ALL, error)


def no_instances() -> Report:
    """``--all``, and ListInstances lists none: nothing to wait on is not a success."""
    return _configuration(
        ALL,
        Outcome.NOT_FOUND,
        "No instances: ListInstances lists none for these credentials and this Region",
        "Check --region and --profile, or pass --allow-empty to accept none.",
        kind="ResourceNotFoundError",
    )


def cancelled(identity: Identity, signum: int, ended: WaitCancelled | None = None) -> Report:
    """A wait stopped by a signal: the shell's code for it (130 SIGINT, 143 SIGTERM ...).

    Args:
        identity: What was waited on.
        signum: The signal.
        ended: The wait's ``wait.cancelled`` event, if it had started: its attempts and time.
    """
    name = signal.Signals(signum).name
    attempts = 0 if ended is None else ended.attempts
    elapsed = 0.0 if ended is None else ended.elapsed
    document = {
        **api_keys(identity),
        "Outcome": Outcome.CANCELLED.value,
        "Signal": name,
        "Attempts": attempts,
        "Elapsed": round_elapsed(elapsed),
    }
    text = _text(identity, f"{Outcome.CANCELLED.value} ({name})")
    return Report(identity, signal_exit_code(signum), document, text)
