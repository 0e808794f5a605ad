"""The ``poller`` console script: a signal while the command starts ends it with the shell's code.

Importing :mod:`poller` and the command's modules takes a few tenths of a second; a Ctrl-C in
that time would raise KeyboardInterrupt in the middle of an import (a traceback, and a process
killed by the signal). So the console script starts here, outside the package: SIGINT, SIGTERM
and SIGHUP end the process with 130, 143 and 129 before anything of poller is imported, and
:mod:`poller.cli._process` keeps it so until the command runs. A signal the process was
started with ignored (``nohup`` ignores SIGHUP; a script's background job, SIGINT) stays
ignored throughout.
"""

import signal


def _exit(signum: int, frame: object) -> None:
    """End the process as the shell does for *signum*: exit 128 plus its number."""
    raise SystemExit(128 + signum)


for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    # One the command was started with ignored (`nohup`, a script's background job) stays so.
    if signal.getsignal(_signum) is not signal.SIG_IGN:
        signal.signal(_signum, _exit)

from poller.cli._process import script  # noqa: E402 - after the handlers: it imports poller

__all__ = ["script"]
