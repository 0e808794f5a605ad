"""stdout: each report written as it comes (or in input order), and the exit code of them all.

``--output auto`` (the default) is text on a terminal and JSON elsewhere; ``--query`` applies a
JMESPath expression to each JSON document first, as the AWS CLI does, and ``--output text``
prints what it finds as the AWS CLI's text output would (:mod:`._text`). Results print as each
wait ends; with ``--ordered``, in the order the resources were given, each as soon as those
before it have printed. A failure's line on stderr (what happened, what to do) waits for the
end of the run: :meth:`Reporter.close` writes them after every other line, in input order,
under a line counting them when there were several resources. A result that cannot be written
(a full disk, a closed stdout) is exit code 74, said in one line on stderr; a reader that
leaves a pipe early is not a failure, and the outcome's code stands (:mod:`._streams`).
"""

from __future__ import annotations

import collections
import sys
from collections.abc import Hashable, Iterable
from typing import Any, Final, Protocol, TextIO

import structlog

from poller import ExitCode, Identity
from poller.cli._render import Console
from poller.cli._report import Report, dump_json, identity_of
from poller.cli._streams import STREAM_ERRORS, reader_left, silence
from poller.cli._text import format_text
from poller.events import Event, WaitCancelled

__all__ = ["OUTPUT_FORMS", "Query", "Reporter", "resolve_output"]

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


class Reporter:
    """Prints each report as it comes (stdout) and its error line (stderr, as an event).

    Args:
        output: ``auto``, ``json``, ``text`` or ``none``.
        console: The stderr writer, whose status line follows the events.
        out: stdout (``sys.stdout``, None when the command runs with stdout closed).
        query: Applied to each JSON document before it is printed.
        ordered: Print the results in input order (:meth:`expect`), not as each comes.
    """

    def __init__(
        self,
        output: str,
        console: Console,
        out: TextIO | None = None,
        *,
        query: Query | None = None,
        ordered: bool = False,
    ) -> None:
        self.console = console
        self.out = sys.stdout if out is None else out
        self.output = resolve_output(output, self.out)
        self.query = query
        self.ordered = ordered
        #: Each report, by what it is about (:attr:`Report.key`: an identity, or a plan's item).
        self.reports: dict[Hashable, Report] = {}
        #: The input order (:meth:`expect`): where each resource was given.
        self._order: dict[Hashable, int] = {}
        self._sequence: list[Hashable] = []
        #: Results held until those given before them have printed (``--ordered``).
        self._held: dict[Hashable, Report] = {}
        self._printed = 0
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

    def expect(self, keys: Iterable[Hashable]) -> None:
        """The resources of the run, in input order: ``--ordered``'s, and the summary's.

        Each is what its report will be about (:attr:`Report.key`): an identity, or an item.
        """
        for key in keys:
            if key not in self._order:
                self._order[key] = len(self._sequence)
                self._sequence.append(key)
        self._release()

    def report(self, report: Report) -> None:
        """Record *report* and print it (with ``--ordered``, once those before it have)."""
        self.reports[report.key] = report
        if self.output == "none":
            return
        if self.ordered and report.key in self._order:
            self._held[report.key] = report
            self._release()
        else:
            self.write(self._line(report))

    def close(self) -> None:
        """The end of the run: the results still held, then each failure and what to do.

        The failures' lines come last on stderr, in input order; with several resources, a
        line first says how many did not get there.
        """
        for report in self._in_order(self._held.values()):
            self.write(self._line(report))
        self._held.clear()
        failures = self._in_order(r for r in self.reports.values() if r.message is not None)
        if failures and len(self.reports) > 1:
            outcomes = collections.Counter(
                str(r.document.get("Outcome", "failed")) for r in failures
            )
            counted = ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items())
            _logger.error(
                "cli.summary",
                instance_arn="*",
                message=f"{len(failures)} of {len(self.reports)} did not get there: {counted}.",
                exit_code=self.exit_code(),
            )
        for report in failures:
            _logger.error(
                "cli.error",
                **report.identity.keys(),
                **report.keys,
                message=report.message,
                hint=report.hint,
                exit_code=int(report.exit_code),
            )

    def _in_order(self, reports: Iterable[Report]) -> list[Report]:
        """*reports* in input order (those not given come last, as they came)."""
        unknown = len(self._order)
        return sorted(reports, key=lambda r: self._order.get(r.key, unknown))

    def _release(self) -> None:
        """Print the held results whose turn has come (``--ordered``)."""
        sequence = self._sequence
        while self._printed < len(sequence) and sequence[self._printed] in self._held:
            self.write(self._line(self._held.pop(sequence[self._printed])))
            self._printed += 1

    def write(self, line: str | None) -> None:
        """Print one result (a line, or several), unless stdout is gone or there is none."""
        if line is None or self.write_failed or self.reader_left:
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

    def _line(self, report: Report) -> str | None:
        """What *report* prints: JSON or text, through ``--query``; None for no line at all."""
        if self.query is None:
            return dump_json(report.document) if self.output == "json" else report.text
        found = self.query.search(report.document)
        if self.output == "json":
            return dump_json(found)
        return format_text(found) or None  # as the AWS CLI prints an empty list: nothing

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
