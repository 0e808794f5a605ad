"""Emitting an event: to structlog (or stdlib logging), then to the wait's hook.

Nothing that fails here ends or alters a wait.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Final

import structlog

from poller.events import Event, EventHook, Level, logged_level

__all__ = ["emit", "wanted"]

_LOGGER_NAME: Final = "poller"
_STDLIB_LEVELS: Final[dict[str, int]] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_structlog_logger = structlog.get_logger(_LOGGER_NAME)
_stdlib_logger = logging.getLogger(_LOGGER_NAME)
# A library's logger gets a NullHandler: without one, an application that sets up no logging
# would see warning and error events on stderr through logging's last-resort handler.
_stdlib_logger.addHandler(logging.NullHandler())


def _stdlib_reaches_a_handler(level: int) -> bool:
    """Whether a record of *level* from the ``poller`` logger would reach a real handler.

    The library's own NullHandler swallows what no one set up to see (and keeps logging's
    last-resort handler away), so a record that meets nothing else is not worth building:
    many waits ending at once would otherwise spend most of their time making records.
    """
    if not _stdlib_logger.isEnabledFor(level):
        return False
    logger: logging.Logger | None = _stdlib_logger
    while logger is not None:
        for handler in logger.handlers:
            if level >= handler.level and not isinstance(handler, logging.NullHandler):
                return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return False


def wanted(level: Level, on_event: EventHook | None) -> bool:
    """Whether an event of *level* would reach anyone: a hook, structlog, or stdlib logging.

    Lets the hot path skip building an event nobody reads (``poll.completed`` at debug).
    """
    return (
        on_event is not None
        or structlog.is_configured()
        or _stdlib_reaches_a_handler(_STDLIB_LEVELS[level])
    )


def emit(event: Event, on_event: EventHook | None) -> None:
    """Log *event* (structlog if the application configured it, else stdlib) and hand it on.

    A failing log sink (a closed stderr, a full disk) or a hook that raises never ends or
    alters a wait: their errors are dropped here. Cancellation is not an Exception, and passes.
    """
    with contextlib.suppress(Exception):  # a log sink must not end a wait
        logged = logged_level(event.level)
        if structlog.is_configured():
            getattr(_structlog_logger, logged)(event.name, **event.fields())
        else:
            level = _STDLIB_LEVELS[logged]
            if _stdlib_reaches_a_handler(level):
                fields = event.fields()
                text = " ".join(f"{key}={_short(value)!r}" for key, value in fields.items())
                _stdlib_logger.log(level, "%s %s", event.name, text, extra={"poller": fields})
    if on_event is not None:
        with contextlib.suppress(Exception):  # nor may the application's hook
            on_event(event)


def _short(value: object) -> object:
    """Seconds to the millisecond in log lines; the event itself keeps full precision."""
    return round(value, 3) if isinstance(value, float) else value
