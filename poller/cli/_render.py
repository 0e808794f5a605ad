"""What the ``poller`` command writes on stderr: its events, for people or for machines.

stdout carries results only (:mod:`poller.cli._report`). stderr carries the events: a console
line per transition, under a live status line redrawn in place on a terminal; plain console
lines elsewhere (CI logs are read by people); JSON lines with ``--log-format json``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, MutableMapping
from typing import Any, Final, TextIO

import structlog

from poller.cli._durations import format_duration, format_elapsed, polls
from poller.cli._hints import say_once
from poller.cli._rollout_words import rollout_words
from poller.cli._status import (
    RolloutProgress,
    WaitProgress,
    label_of,
    progress_key,
    rollout_line,
    short_arn,
    status_line,
)
from poller.cli._streams import STREAM_ERRORS, silence
from poller.events import Event, PollCompleted, PollRetrying, PollScheduled, WaitStarted

__all__ = ["Console", "configure_logging", "log_level", "open_console", "short_arn"]

_CLEAR_LINE: Final = "\r\x1b[K"
#: The events that end a wait. The library logs an event before its hook hears of it: the
#: status line drawn under such a line already counts the wait as done.
_ENDINGS: Final = frozenset({"wait.succeeded", "wait.failed", "wait.timed_out", "wait.cancelled"})
_EVENT_WIDTH: Final = 24
#: The width of a terminal that does not say.
_DEFAULT_COLUMNS: Final = 80


def _terminal_width(stream: TextIO) -> int:
    """Columns of the terminal *stream* writes to (stderr's own, not stdout's), less one.

    The last column is left free: a line that fills it wraps on some terminals. A terminal
    that says 0 columns (``script``, a container's tty before it is sized) does not know.
    """
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    if columns <= 0:
        columns = shutil.get_terminal_size((_DEFAULT_COLUMNS, 24)).columns
    return max(columns - 1, 1)


class Console:
    """stderr: log lines, and on a terminal a live status line kept below them.

    stderr carries only events: once writing to it fails (closed, a full disk, a terminal
    gone), the console writes nothing more, and the waits go on as before.

    Args:
        stream: Where to write (stderr).
        live: Whether to draw the live status line.
        width: The line's width; by default the terminal's, asked at each redraw.
    """

    def __init__(
        self, stream: TextIO, *, live: bool, width: Callable[[], int] | None = None
    ) -> None:
        self.stream = stream
        self.live = live
        self.broken = False
        self._width = width or functools.partial(_terminal_width, stream)
        self._progress: dict[str, WaitProgress] = {}
        #: A rollout's items, when the line counts them rather than the waits.
        self.rollout: RolloutProgress | None = None
        self._drawn = False

    def follow_rollout(self, items: int, noun: str = "assignments") -> RolloutProgress:
        """Count a rollout's *items* on the status line (``poller assign``), not its waits."""
        self.rollout = RolloutProgress(items, time.monotonic(), noun)
        return self.rollout

    def write_line(self, text: str) -> None:
        """Write one line, keeping the status line below it."""
        self._clear()
        self._put(text + "\n")
        self.redraw()

    def on_event(self, event: Event) -> None:
        """Follow a wait's events (the ``on_event`` hook) to keep the status line current."""
        if self.rollout is not None:
            self.rollout.on_event(event)
            self.redraw()
            return
        now = time.monotonic()
        key = progress_key(event.instance_arn, event.region_name, event.request_id)
        progress = self._progress.get(key)
        if progress is None:
            progress = self._progress[key] = WaitProgress(started=now)
        # The pauses are the engine's (poll.scheduled, poll.retrying): none is guessed here.
        if isinstance(event, PollCompleted) or event.name.endswith(".status_changed"):
            progress.status = getattr(event, "status", None) or "gone"
        elif isinstance(event, PollScheduled | PollRetrying):
            progress.next_poll = now + event.delay
            progress.retrying = isinstance(event, PollRetrying)
        elif event.name.startswith("wait.") and not isinstance(event, WaitStarted):
            progress.done = True
            progress.next_poll = None
        self.redraw()

    def ended(self, key: str) -> None:
        """The wait of *key* (:func:`progress_key`) has ended: it polls no more."""
        progress = self._progress.get(key)
        if progress is not None:
            progress.done = True
            progress.next_poll = None

    def redraw(self) -> None:
        """Draw the status line again (the elapsed times move on)."""
        if not self.live:
            return
        now, width = time.monotonic(), self._width()
        line = (
            status_line(self._progress, now, width)
            if self.rollout is None
            else rollout_line(self.rollout, now, width)
        )
        self._clear()
        if line:
            self._put(line)
            self._drawn = True
        self._flush()

    def finish(self) -> None:
        """Take the status line away, for good."""
        self._clear()
        self.live = False
        self._flush()

    def hide(self) -> None:
        """Take the status line away until the next redraw."""
        self._clear()
        self._flush()

    def _clear(self) -> None:
        """Erase the status line, if one is drawn."""
        if self._drawn:
            self._put(_CLEAR_LINE)
            self._drawn = False

    def _put(self, text: str) -> None:
        """Write *text*, unless the stream has failed (then never again)."""
        if self.broken:
            return
        try:
            self.stream.write(text)
            if not self.live:
                self.stream.flush()
        except STREAM_ERRORS:
            self._break()

    def _flush(self) -> None:
        """Flush the stream, unless it has failed (then never again)."""
        if self.broken:
            return
        try:
            self.stream.flush()
        except STREAM_ERRORS:
            self._break()

    def _break(self) -> None:
        """Writing to stderr failed: events are dropped from now on; nothing else changes."""
        self.broken = True
        self.live = False
        silence(self.stream)


class _LineLogger:
    """The structlog logger: writes each rendered event as one line through the console."""

    def __init__(self, console: Console) -> None:
        self._console = console

    def msg(self, message: str) -> None:
        """Write *message*."""
        self._console.write_line(message)

    debug = info = warning = error = critical = exception = msg


def _render_console(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> str:
    """One readable line: time, event name, resource (instance, Region, request), what happened."""
    fields = dict(event_dict)
    name = str(fields.pop("event", ""))
    fields.pop("level", None)
    stamp = fields.pop("timestamp", None)
    clock = (
        dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")
        if isinstance(stamp, str)
        else ""
    )
    arn = fields.pop("instance_arn", None)
    region_name, request_id = fields.pop("region_name", None), fields.pop("request_id", None)
    fields.pop("until", None)
    text = _describe(name, fields)
    who = (
        label_of(arn, region_name, request_id) if isinstance(arn, str) and arn != "*" else "poller"
    )
    return f"{clock} {name:<{_EVENT_WIDTH}} {who}  {text}".strip()


def _describe(name: str, f: dict[str, Any]) -> str:  # noqa: PLR0911 - one case per event
    """The words for an event; unknown events list their fields."""
    elapsed = format_elapsed(float(f.get("elapsed", 0.0)))
    if name == "wait.started":
        return (
            f"waiting (timeout {format_duration(f['timeout'])}, polls "
            f"{format_duration(f['min_delay'])} to {format_duration(f['max_delay'])} apart)"
        )
    if name.endswith(".status_changed"):
        return _status_change(f, elapsed)
    if name.endswith(".unknown_status"):
        return f"unknown status {f.get('status')}: waiting on (poll {f.get('attempt')})"
    if name == "poll.completed":
        latency = float(f.get("latency", 0.0)) * 1000
        return f"poll {f.get('attempt')}: {f.get('status')} ({latency:.0f} ms)"
    if name == "poll.scheduled":
        return f"next poll in {format_duration(f['delay'])} (after poll {f.get('attempt')})"
    if name == "poll.retrying":
        said = say_once(str(f.get("error_message")))
        return (
            f"{f.get('error_code')}: {said}; retrying in "
            f"{format_duration(f['delay'])} (poll {f.get('attempt')})"
        )
    if name == "wait.succeeded":
        return f"done: {f.get('status') or 'gone'} after {elapsed}, {polls(f.get('attempts', 0))}"
    if name == "wait.failed":
        reason = f": {say_once(str(f['reason']))}" if f.get("reason") else ""
        return f"failed ({f.get('error')}) after {elapsed}{reason}"
    if name == "wait.timed_out":
        return f"timed out in {f.get('status') or 'no state'} after {elapsed}"
    if name == "wait.cancelled":
        return f"cancelled in {f.get('status') or 'no state'} after {elapsed}"
    if name.startswith("rollout."):
        return rollout_words(name, f)
    if name.startswith(("cli.", "demo.")) and "message" in f:  # the command's own words
        return f"{f.get('message')} {f.get('hint') or ''}".strip()
    return " ".join(f"{key}={value}" for key, value in f.items())


def _status_change(f: dict[str, Any], elapsed: str) -> str:
    """``before → after after 3.0 s``, then the instance's encryption status and AWS's reasons.

    The reasons come last: they are AWS's sentences, with their own full stops.
    """
    text = f"{f.get('previous_status') or 'start'} → {f.get('status') or 'gone'}"
    if f.get("encryption_status"):
        text += f" (encryption {f['encryption_status']})"
    text += f" after {elapsed}"
    said = "; ".join(str(reason) for reason in f.get("reasons", ()) if reason)
    return text + (f": {said}" if said else "")


def configure_logging(*, json_lines: bool, level: int, console: Console) -> None:
    """Configure structlog for the command: events to stderr only, as JSON or console lines.

    Args:
        json_lines: JSON lines with a timestamp (for machines), else console lines.
        level: The lowest level shown (``logging.DEBUG`` … ``logging.ERROR``).
        console: The stderr writer.
    """
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=False) if json_lines else _render_console
    )

    def follow_endings(_logger: Any, _method: str, fields: MutableMapping[str, Any]) -> Any:
        """Count a wait as done as soon as its last line is written, not only once told."""
        if fields.get("event") in _ENDINGS and isinstance(fields.get("instance_arn"), str):
            console.ended(
                progress_key(
                    fields["instance_arn"], fields.get("region_name"), fields.get("request_id")
                )
            )
        return fields

    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            follow_endings,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=lambda *_: _LineLogger(console),
        cache_logger_on_first_use=False,
    )


def log_level(*, verbose: bool, quiet: bool) -> int:
    """The lowest level to show: debug with -v, errors only with -q, else info."""
    if quiet:
        return logging.ERROR
    return logging.DEBUG if verbose else logging.INFO


def open_console(*, log_format: str, quiet: bool, verbose: bool, debug: bool = False) -> Console:
    """Configure structlog for stderr and return the console that writes there.

    Args:
        log_format: ``auto`` (console lines, under a live status line on a terminal),
            ``console`` (console lines only) or ``json`` (JSON lines).
        quiet: Show only errors.
        verbose: Show every poll.
        debug: Show every poll and botocore's wire log (credentials and signatures removed).
    """
    live = log_format == "auto" and _is_terminal(sys.stderr) and not quiet
    console = Console(sys.stderr, live=live)
    json_lines = log_format == "json"
    configure_logging(
        json_lines=json_lines,
        level=log_level(verbose=verbose or debug, quiet=quiet),
        console=console,
    )
    if debug:
        from poller.cli._debug import log_the_wire  # noqa: PLC0415 - only with --debug

        log_the_wire(console, json_lines=json_lines)
    return console


def _is_terminal(stream: TextIO) -> bool:
    """Whether *stream* is a terminal (a failing one is not)."""
    try:
        return stream.isatty()
    except STREAM_ERRORS:
        return False
