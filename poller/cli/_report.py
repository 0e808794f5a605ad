"""What the command prints on stdout about each instance, and the exit code it asks for.

stdout gets one JSON object per instance. A wait that reached its target prints the
DescribeInstance answer itself, with the API's key names. Every other ending prints an object
with an ``Outcome`` key, which API answers never have::

    {"InstanceArn": "...", "Outcome": "deleted", "Attempts": 4, "Elapsed": 31.2}
    {"InstanceArn": "...", "Outcome": "failed", "Attempts": 3, "Elapsed": 12.0,
     "Error": {"Type": "InstanceCreateFailedError", "Message": "...", "Reason": "..."},
     "Instance": {...the last DescribeInstance answer, or null...}}

``Outcome`` and the exit code are the library's (:class:`poller.Outcome`, read from
``error.outcome``; :class:`poller.ExitCode`); a cancelled wait adds ``"Signal": "SIGINT"``.
``Error.Type`` names the :mod:`poller.exceptions` class, or ``ConfigurationError`` when
botocore could not even make a client (no region, an unknown profile); ApiError adds ``Code``
and ``RequestId`` (AWS's ID of the failed call). A failure before any instance was known
(``--all`` whose ListInstances failed) reports ``"InstanceArn": "*"``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import sys
from typing import Any, Final, TextIO

import structlog

from poller._outcome import ExitCode, Outcome
from poller._result import WaitResult
from poller.cli._render import Console
from poller.exceptions import (
    ApiError,
    EndpointUnreachableError,
    InstanceDeletedError,
    PollerError,
)

__all__ = [
    "Report",
    "Reporter",
    "cancelled",
    "dump_json",
    "from_error",
    "from_result",
    "listing_failed",
    "not_started",
]

_logger = structlog.get_logger("poller")

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
_NETWORK_HINT: Final = "The service did not answer properly: check the network and --endpoint-url."
#: What to do about each outcome; :func:`_hint` refines a few by the error itself.
_HINTS: Final = {
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


def dump_json(value: object) -> str:
    """One compact JSON line."""
    return json.dumps(value, separators=(",", ":"), default=str)


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """One instance's ending: what to print, and which exit code it asks for."""

    instance_arn: str
    exit_code: ExitCode
    document: dict[str, Any]
    text: str
    message: str | None = None
    hint: str | None = None


def from_result(result: WaitResult) -> Report:
    """A wait that reached its target."""
    arn = result.instance_arn
    instance = result.instance
    if instance is None:
        # A removal target (deleted) leaves nothing to describe: say how it ended instead.
        outcome = result.outcome
        document = {
            "InstanceArn": arn,
            "Outcome": outcome.value,
            "Attempts": result.attempts,
            "Elapsed": round(result.elapsed, 3),
        }
        return Report(arn, outcome.exit_code, document, f"{arn}\t{outcome.value}")
    text = f"{arn}\t{instance.status}"
    if instance.encryption_status is not None:
        text += f"\tencryption {instance.encryption_status}"
    return Report(arn, Outcome.REACHED.exit_code, instance.to_api_json(), text)


def from_error(error: PollerError) -> Report:
    """A wait that ended on one of poller's errors: its outcome and exit code are the error's."""
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
        "Elapsed": round(error.elapsed, 3),
        "Error": details,
        "Instance": None if error.last is None else error.last.to_api_json(),
    }
    text = f"{error.instance_arn}\t{outcome}\t{error.status or '-'}\t{type(error).__name__}"
    return Report(error.instance_arn, error.exit_code, document, text, error.message, _hint(error))


def _hint(error: PollerError) -> str:
    """What to do: by the outcome, with the network and a deletion told apart."""
    if isinstance(error, InstanceDeletedError):
        return "Check the ARN, or wait with --until deleted."
    if isinstance(error, EndpointUnreachableError) or (
        isinstance(error, ApiError) and error.code in _NO_ANSWER_CODES
    ):
        return _NETWORK_HINT
    return _HINTS.get(error.outcome, _HINTS[Outcome.ERROR])


def _configuration(instance_arn: str, outcome: Outcome, message: str, hint: str) -> Report:
    """An ending outside poller's error tree: botocore's own set-up, before any wait."""
    document = {
        "InstanceArn": instance_arn,
        "Outcome": outcome.value,
        "Error": {"Type": "ConfigurationError", "Message": message},
        "Instance": None,
    }
    text = f"{instance_arn}\t{outcome.value}"
    return Report(instance_arn, outcome.exit_code, document, text, message, hint)


def not_started(instance_arn: str, error: Exception) -> Report:
    """No client could be made: no Region, an unknown profile, or another botocore error.

    These come from botocore before any wait exists, so no error class of poller's decides
    them; the first two are the caller's input (``invalid``), the rest ``error``.
    """
    from botocore.exceptions import NoRegionError, ProfileNotFound  # noqa: PLC0415 - lazy

    if isinstance(error, NoRegionError):
        return _configuration(
            instance_arn,
            Outcome.INVALID,
            "No AWS Region is configured.",
            "Pass --region, or set AWS_REGION or a region in your profile.",
        )
    if isinstance(error, ProfileNotFound):
        return _configuration(
            instance_arn,
            Outcome.INVALID,
            f"{error}.",
            "Check --profile against `aws configure list-profiles`.",
        )
    return _configuration(
        instance_arn,
        Outcome.ERROR,
        f"{error}.",
        "Configure credentials (`aws configure`, AWS_PROFILE, `aws sso login`) and retry.",
    )


def listing_failed(error: Exception) -> Report:
    """``--all`` could not list the instances: one line for all of them (``"*"``)."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - lazy

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return _configuration(
            "*",
            Outcome.ERROR,
            f"ListInstances failed with {details.get('Code', 'Unknown')}: {details.get('Message')}",
            "Check your credentials and their sso:ListInstances permission.",
        )
    if isinstance(error, TimeoutError):
        return _configuration(
            "*", Outcome.TIMED_OUT, "Timed out listing instances.", "Wait longer with --timeout."
        )
    return not_started("*", error)


def cancelled(instance_arn: str, signum: int) -> Report:
    """A wait stopped by SIGINT or SIGTERM: the shell's code for that signal."""
    name = signal.Signals(signum).name
    document = {"InstanceArn": instance_arn, "Outcome": Outcome.CANCELLED.value, "Signal": name}
    text = f"{instance_arn}\t{Outcome.CANCELLED.value} ({name})"
    return Report(instance_arn, ExitCode[name], document, text)


class Reporter:
    """Prints each report as it comes (stdout) and its error line (stderr, as an event).

    Args:
        output: ``json``, ``text`` or ``none``.
        console: The stderr writer, whose status line follows the events.
        out: stdout.
    """

    def __init__(self, output: str, console: Console, out: TextIO | None = None) -> None:
        self.output = output
        self.console = console
        # sys.stdout is None when the command runs with stdout closed (`>&-`).
        self.out = sys.stdout if out is None else out
        self.out_gone = False
        self.reports: dict[str, Report] = {}

    def report(self, report: Report) -> None:
        """Record and print *report*."""
        self.reports[report.instance_arn] = report
        if report.message is not None:
            _logger.error(
                "cli.error",
                instance_arn=report.instance_arn,
                message=report.message,
                hint=report.hint,
                exit_code=int(report.exit_code),
            )
        if self.output == "none":
            return
        self.write(dump_json(report.document) if self.output == "json" else report.text)

    def write(self, line: str) -> None:
        """Print one result line, unless stdout is gone (closed, or a pipe nobody reads)."""
        if self.out is None or self.out_gone:
            return
        # On a terminal stdout and stderr share the screen: keep the status line off the result.
        self.console.hide()
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):
            # `poller wait ... | head -c0`: the reader left. The exit code still tells the
            # outcome; stop writing, and keep Python from failing on the final flush.
            self.out_gone = True
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.out.fileno())
        self.console.redraw()

    def exit_code(self) -> ExitCode:
        """The highest exit code of all reports (OK when there were none)."""
        return max((r.exit_code for r in self.reports.values()), default=ExitCode.OK)
