"""What the ``poller`` command writes on stderr: its events, for people or for machines.

stdout carries results only (:mod:`poller.cli._report`). stderr carries the events: a console
line per transition, under a live status line redrawn in place on a terminal; plain console
lines elsewhere (CI logs are read by people); JSON lines with ``--log-format json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import sys
import time
from collections.abc import MutableMapping
from typing import Any, Final, TextIO

import structlog

from poller.cli._durations import format_duration
from poller.events import (
    Event,
    InstanceStatusChanged,
    PollCompleted,
    PollRetrying,
    PollScheduled,
    WaitStarted,
)

__all__ = ["Console", "configure_logging", "log_level", "open_console", "short_arn"]

_CLEAR_LINE: Final = "\r\x1b[K"
_EVENT_WIDTH: Final = 24


def short_arn(arn: str) -> str:
    """The instance id of an instance ARN (``ssoins-…``), which is what a person reads."""
    return arn.rpartition("/")[2] or arn


@dataclasses.dataclass(slots=True)
class _Progress:
    """What the live status line shows about one wait."""

    started: float
    status: str = "…"
    next_poll: float | None = None
    retrying: bool = False
    done: bool = False


class Console:
    """stderr: log lines, and on a terminal a live status line kept below them.

    Args:
        stream: Where to write (stderr).
        live: Whether to draw the live status line.
    """

    def __init__(self, stream: TextIO, *, live: bool) -> None:
        self.stream = stream
        self.live = live
        self._progress: dict[str, _Progress] = {}
        self._drawn = False

    def write_line(self, text: str) -> None:
        """Write one line, keeping the status line below it."""
        self._clear()
        self.stream.write(text + "\n")
        self.redraw()

    def on_event(self, event: Event) -> None:
        """Follow a wait's events (the ``on_event`` hook) to keep the status line current."""
        now = time.monotonic()
        progress = self._progress.get(event.instance_arn)
        if progress is None:
            progress = self._progress[event.instance_arn] = _Progress(started=now)
        # The pauses are the engine's (poll.scheduled, poll.retrying): none is guessed here.
        if isinstance(event, PollCompleted | InstanceStatusChanged):
            progress.status = event.status or "gone"
        elif isinstance(event, PollScheduled | PollRetrying):
            progress.next_poll = now + event.delay
            progress.retrying = isinstance(event, PollRetrying)
        elif event.name.startswith("wait.") and not isinstance(event, WaitStarted):
            progress.done = True
        self.redraw()

    def redraw(self) -> None:
        """Draw the status line again (the elapsed times move on)."""
        if not self.live:
            return
        line = self._status_line(time.monotonic())
        self._clear()
        if line:
            width = shutil.get_terminal_size((100, 24)).columns - 1
            self.stream.write(line[:width])
            self._drawn = True
        self.stream.flush()

    def finish(self) -> None:
        """Take the status line away, for good."""
        self._clear()
        self.live = False
        self.stream.flush()

    def hide(self) -> None:
        """Take the status line away until the next redraw."""
        self._clear()
        self.stream.flush()

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write(_CLEAR_LINE)
            self._drawn = False

    def _status_line(self, now: float) -> str:
        parts = []
        for arn, progress in self._progress.items():
            if progress.done:
                continue
            text = f"{short_arn(arn)} {progress.status} {format_duration(now - progress.started)}"
            if progress.next_poll is not None:
                left = format_duration(max(progress.next_poll - now, 0.0))
                if progress.next_poll <= now:
                    text += " · polling"
                elif progress.retrying:
                    text += f" · retry in {left}"
                else:
                    text += f" · next poll in {left}"
            parts.append(text)
        return " | ".join(parts)


class _LineLogger:
    """The structlog logger: writes each rendered event as one line through the console."""

    def __init__(self, console: Console) -> None:
        self._console = console

    def msg(self, message: str) -> None:
        """Write *message*."""
        self._console.write_line(message)

    debug = info = warning = error = critical = exception = msg


def _render_console(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> str:
    """One readable line: time, event name, instance, what happened."""
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
    fields.pop("until", None)
    text = _describe(name, fields)
    who = short_arn(arn) if isinstance(arn, str) and arn != "*" else "poller"
    return f"{clock} {name:<{_EVENT_WIDTH}} {who}  {text}".strip()


def _describe(name: str, f: dict[str, Any]) -> str:  # noqa: PLR0911 - one case per event
    """The words for an event; unknown events list their fields."""
    elapsed = format_duration(float(f.get("elapsed", 0.0)))
    if name == "wait.started":
        return (
            f"waiting (timeout {format_duration(f['timeout'])}, polls "
            f"{format_duration(f['min_delay'])} to {format_duration(f['max_delay'])} apart)"
        )
    if name == "instance.status_changed":
        before = f.get("previous_status") or "start"
        text = f"{before} → {f.get('status') or 'gone'}"
        if f.get("encryption_status"):
            text += f" (encryption {f['encryption_status']})"
        reason = f.get("status_reason") or f.get("encryption_status_reason")
        return text + (f": {reason}" if reason else "") + f" after {elapsed}"
    if name == "poll.completed":
        latency = float(f.get("latency", 0.0)) * 1000
        return f"poll {f.get('attempt')}: {f.get('status')} ({latency:.0f} ms)"
    if name == "poll.scheduled":
        return f"next poll in {format_duration(f['delay'])} (after poll {f.get('attempt')})"
    if name == "poll.retrying":
        return (
            f"{f.get('error_code')}: {f.get('error_message')}; retrying in "
            f"{format_duration(f['delay'])} (poll {f.get('attempt')})"
        )
    if name == "wait.succeeded":
        return f"done: {f.get('status') or 'gone'} after {elapsed}, {f.get('attempts')} polls"
    if name == "wait.failed":
        reason = f": {f['reason']}" if f.get("reason") else ""
        return f"failed ({f.get('error')}){reason} after {elapsed}"
    if name == "wait.timed_out":
        return f"timed out in {f.get('status') or 'no state'} after {elapsed}"
    if name == "wait.cancelled":
        return f"cancelled in {f.get('status') or 'no state'} after {elapsed}"
    if name == "cli.error":
        return f"{f.get('message')} {f.get('hint') or ''}".strip()
    return " ".join(f"{key}={value}" for key, value in f.items())


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
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
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


def open_console(*, log_format: str, quiet: bool, verbose: bool) -> Console:
    """Configure structlog for stderr and return the console that writes there.

    Args:
        log_format: ``auto`` (console lines, under a live status line on a terminal),
            ``console`` (console lines only) or ``json`` (JSON lines).
        quiet: Show only errors.
        verbose: Show every poll.
    """
    live = log_format == "auto" and sys.stderr.isatty() and not quiet
    console = Console(sys.stderr, live=live)
    configure_logging(
        json_lines=log_format == "json",
        level=log_level(verbose=verbose, quiet=quiet),
        console=console,
    )
    return console
