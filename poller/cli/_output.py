"""stdout: each report written as it comes, in the chosen form, and the exit code of them all.

``--output auto`` (the default) is text on a terminal and JSON elsewhere; ``--query`` applies a
JMESPath expression to each JSON document first, as the AWS CLI does. A result that cannot be
written (a full disk, a closed stdout) is exit code 74, said in one line on stderr; a reader
that leaves a pipe early is not a failure, and the outcome's code stands
(:mod:`poller.cli._streams`).
"""

from __future__ import annotations

import sys
from typing import Any, Final, Protocol, TextIO

import structlog

from poller import ExitCode, Identity
from poller.cli._render import Console
from poller.cli._report import Report, dump_json, identity_of
from poller.cli._streams import STREAM_ERRORS, reader_left, silence
from poller.events import Event, WaitCancelled

__all__ = ["OUTPUT_FORMS", "Query", "Reporter", "format_text", "resolve_output"]

#: The forms --output takes; ``auto`` is resolved by :func:`resolve_output`.
OUTPUT_FORMS: Final = ("auto", "json", "text", "none")
_CLOSED_STDOUT: Final = (
    "stdout is closed, so the results cannot be written (--output none keeps only the exit code)."
)

_logger = structlog.get_logger("poller")


class Query(Protocol):
    """A compiled JMESPath expression (``jmespath.compile``)."""

    def search(self, value: Any) -> Any:
        """Apply the expression to *value*."""


def resolve_output(output: str, out: TextIO | None) -> str:
    """``auto`` as ``text`` on a terminal and ``json`` elsewhere; the other forms as given."""
    if output != "auto":
        return output
    try:
        return "text" if out is not None and out.isatty() else "json"
    except STREAM_ERRORS:
        return "json"


def format_text(value: Any) -> str:
    """A query's result as ``--output text`` prints it, as the AWS CLI does.

    Strings and numbers as they are, None as ``None``, a list of those tab-separated, anything
    else (objects, nested lists) as compact JSON.
    """
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "\t".join(format_text(v) for v in value)
    if isinstance(value, dict | list):
        return dump_json(value)
    return str(value)


class Reporter:
    """Prints each report as it comes (stdout) and its error line (stderr, as an event).

    Args:
        output: ``auto``, ``json``, ``text`` or ``none``.
        console: The stderr writer, whose status line follows the events.
        out: stdout (``sys.stdout``, None when the command runs with stdout closed).
        query: Applied to each JSON document before it is printed.
    """

    def __init__(
        self,
        output: str,
        console: Console,
        out: TextIO | None = None,
        *,
        query: Query | None = None,
    ) -> None:
        self.console = console
        self.out = sys.stdout if out is None else out
        self.output = resolve_output(output, self.out)
        self.query = query
        self.reports: dict[Identity, Report] = {}
        #: Each wait's ``wait.cancelled`` event: its attempts and time, for the cancelled line.
        self.cancellations: dict[Identity, WaitCancelled] = {}
        self.write_failed = False
        self.reader_left = False

    def on_event(self, event: Event) -> None:
        """The waits' ``on_event`` hook: note cancellations, and keep the console current."""
        if isinstance(event, WaitCancelled):
            self.cancellations[identity_of(event)] = event
        self.console.on_event(event)

    def stdout_usable(self) -> bool:
        """Whether results can be written at all; if not (closed), say so once, as a failure.

        Checked before any request: waiting on an outcome nobody can receive helps no one.
        """
        if self.output == "none" or self.out is not None:
            return True
        self._output_failed(_CLOSED_STDOUT)
        return False

    def report(self, report: Report) -> None:
        """Record and print *report*."""
        self.reports[report.identity] = report
        if report.message is not None:
            _logger.error(
                "cli.error",
                **report.identity.keys(),
                message=report.message,
                hint=report.hint,
                exit_code=int(report.exit_code),
            )
        if self.output == "none":
            return
        self.write(self._line(report))

    def write(self, line: str) -> None:
        """Print one result line, unless stdout is gone (failed, or a pipe nobody reads)."""
        if self.write_failed or self.reader_left:
            return
        if self.out is None:
            self._output_failed(_CLOSED_STDOUT)
            return
        # On a terminal stdout and stderr share the screen: keep the status line off the result.
        self.console.hide()
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except STREAM_ERRORS as error:
            silence(self.out)  # what is left in the buffer must not fail again at exit
            if reader_left(error):
                # `poller wait ... | head -c0`: the reader left, as readers in pipelines do.
                # The exit code still tells the outcome; nothing more is written.
                self.reader_left = True
            else:
                self._output_failed(
                    f"The results could not be written to stdout ({_reason(error)})."
                )
        self.console.redraw()

    def exit_code(self) -> int:
        """The highest exit code of all reports (OK when there were none).

        74 when stdout failed: a result that was never written is not an outcome a script can
        act on.
        """
        codes = [r.exit_code for r in self.reports.values()]
        if self.write_failed:
            codes.append(ExitCode.OUTPUT_FAILED)
        return int(max(codes, default=ExitCode.OK))

    def _line(self, report: Report) -> str:
        """The line *report* prints: JSON or text, through ``--query``."""
        if self.query is None:
            return dump_json(report.document) if self.output == "json" else report.text
        found = self.query.search(report.document)
        return dump_json(found) if self.output == "json" else format_text(found)

    def _output_failed(self, message: str) -> None:
        """Note that stdout failed (exit 74), and say so on stderr."""
        self.write_failed = True
        _logger.error(
            "cli.output_failed",
            instance_arn="*",
            message=message,
            exit_code=int(ExitCode.OUTPUT_FAILED),
        )


def _reason(error: BaseException) -> str:
    """Why a write failed, in a few words."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
