"""The command's standard streams, when they are closed or fail.

A result that cannot be written to stdout (a full disk, a closed stdout) is its own exit code,
74 (:attr:`poller.ExitCode.OUTPUT_FAILED`, sysexits.h's EX_IOERR), said in one line on stderr;
a reader that leaves a pipe early (``| head -c0``) is normal in a pipeline, and the outcome's
own code stands. stderr carries only events: when it is closed or fails, they are dropped, and
neither the outcome nor the exit code changes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Final, TextIO

__all__ = ["STREAM_ERRORS", "guard_standard_fds", "reader_left", "silence"]

#: What writing to a closed or failing stream raises: OSError (ENOSPC, EBADF, EIO, EPIPE),
#: and ValueError for a file object already closed.
STREAM_ERRORS: Final = (OSError, ValueError)


def _is_open(fd: int) -> bool:
    """Whether file descriptor *fd* is open."""
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def guard_standard_fds() -> None:
    """Put /dev/null on whichever of file descriptors 0, 1 and 2 is closed.

    Otherwise the next socket or file the command opens would take that number, and a write
    meant for stdout or stderr would land in it. ``sys.stdout`` stays None when stdout was
    closed (``>&-``), which tells the command that results cannot be written; a closed stderr
    gets a /dev/null ``sys.stderr``, so that nothing fails for writing to it.
    """
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    if closed:
        null = os.open(os.devnull, os.O_RDWR)  # the lowest free number: maybe one of these
        for fd in closed:
            if fd != null:
                os.dup2(null, fd)
        if null not in closed:
            os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process


def reader_left(error: BaseException) -> bool:
    """Whether *error* says that the reader of a pipe went away (EPIPE), not a failed write."""
    return isinstance(error, BrokenPipeError) or (
        isinstance(error, OSError) and error.errno == errno.EPIPE
    )


def silence(stream: TextIO | None) -> None:
    """Point *stream*'s file descriptor at /dev/null, so that nothing more fails on it.

    What a failed write left in the stream's buffer then goes nowhere when Python flushes it
    at exit, instead of failing again and turning the exit code into 120.
    """
    if stream is None:
        return
    with contextlib.suppress(*STREAM_ERRORS):
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
