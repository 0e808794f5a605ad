"""How a wait ended, in one word, and the exit code the ``poller`` command gives it.

Decided once, here: each error class of :mod:`poller.exceptions` names its outcome, and the
command and the Airflow integration read it from there.
"""

from __future__ import annotations

import enum

__all__ = ["ExitCode", "Outcome"]


class ExitCode(enum.IntEnum):
    """The ``poller`` command's exit codes; with several resources, the highest of theirs."""

    OK = 0
    """Every resource reached its target."""
    FAILED = 1
    """A resource is in a terminal failure state."""
    USAGE = 2
    """Usage or bad input, refused before any request."""
    TIMED_OUT = 3
    """The deadline passed."""
    ERROR = 4
    """Denied, not found, or another API error."""
    OUTPUT_FAILED = 74
    """The results could not be written to stdout (a full disk, a closed stdout): sysexits.h's
    EX_IOERR. A reader leaving a pipe early is not this: the outcome's own code stands."""
    SIGINT = 130
    """Interrupted (Ctrl-C)."""
    SIGTERM = 143
    """Terminated."""


class Outcome(enum.StrEnum):
    """How one wait ended."""

    REACHED = "reached"
    UNCHANGED = "unchanged"
    """A rollout found it as planned already (an assignment in place, or absent): no request."""
    DELETED = "deleted"
    REMOVED = "removed"
    FAILED = "failed"
    INVALID = "invalid"
    TIMED_OUT = "timed-out"
    DENIED = "denied"
    NOT_FOUND = "not-found"
    ERROR = "error"
    CANCELLED = "cancelled"

    @property
    def exit_code(self) -> ExitCode:
        """The command's exit code for this outcome (SIGINT's for a cancellation)."""
        return _EXIT_CODES[self]

    @property
    def terminal(self) -> bool:
        """Whether no retry can change it: the resource's own state, or a bad identifier."""
        return self in {Outcome.FAILED, Outcome.INVALID}


_EXIT_CODES: dict[Outcome, ExitCode] = {
    Outcome.REACHED: ExitCode.OK,
    Outcome.UNCHANGED: ExitCode.OK,
    Outcome.DELETED: ExitCode.OK,
    Outcome.REMOVED: ExitCode.OK,
    Outcome.FAILED: ExitCode.FAILED,
    Outcome.INVALID: ExitCode.USAGE,
    Outcome.TIMED_OUT: ExitCode.TIMED_OUT,
    Outcome.DENIED: ExitCode.ERROR,
    Outcome.NOT_FOUND: ExitCode.ERROR,
    Outcome.ERROR: ExitCode.ERROR,
    Outcome.CANCELLED: ExitCode.SIGINT,
}
