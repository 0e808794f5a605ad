"""The command in a process of its own: signals from the first instruction, and the collector.

Importing this module makes the process the command's: only the console script
(``_poller_command``, which does the same before it imports anything of poller) and ``python
-m poller`` import it. From then on, SIGINT, SIGTERM and SIGHUP end the process with the
shell's code for the signal (130, 143, 129) and no traceback, wherever they arrive, in the
middle of an import too; one the process was started with ignored stays ignored.
:func:`script` hands SIGINT back to Python while the command runs (a KeyboardInterrupt,
which :func:`poller.cli.main` and the waits turn into a cancellation with the same code) and
takes it back at the end. The collector is off while the command starts (:mod:`._startup`).
A program of one's own calls :func:`poller.cli.main`, which changes neither.
"""

from __future__ import annotations

import gc
import signal
from typing import Final

__all__ = ["EXIT_SIGNALS", "IGNORED", "exit_on_signals", "script"]

#: The signals that end the command: Ctrl-C, `kill`, and a terminal that went away.
EXIT_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _exit(signum: int, frame: object) -> None:
    """End the process as the shell does for *signum*: exit 128 plus its number."""
    raise SystemExit(128 + signum)


#: The signals the process was started with ignored (``nohup``: SIGHUP; a background job of a
#: script: SIGINT): they stay ignored, as Python itself leaves an ignored SIGINT.
IGNORED: Final = frozenset(s for s in EXIT_SIGNALS if signal.getsignal(s) is signal.SIG_IGN)


def exit_on_signals() -> None:
    """From now on, SIGINT, SIGTERM and SIGHUP end the process with the shell's codes.

    Those it was started with ignored stay ignored.
    """
    for signum in EXIT_SIGNALS:
        if signum not in IGNORED:
            signal.signal(signum, _exit)


exit_on_signals()  # first: everything below and after takes time to import

from poller.cli import _startup  # noqa: E402 - after the handlers


def script() -> int:
    """The ``poller`` console script (and ``python -m poller``): :func:`main` in its process.

    Only for a process that exits when it returns: it freezes the heap for good. A program of
    one's own calls :func:`poller.cli.main`.

    Returns:
        The exit code, for ``sys.exit``.
    """
    paused_here = gc.isenabled()
    try:
        # The command handles SIGINT as Python raises it (KeyboardInterrupt): main() and the
        # event loop turn it into a cancellation; until main() is imported, it is caught here.
        if signal.SIGINT not in IGNORED:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if paused_here:
            _startup.pause()
        # The command's own modules, aiobotocore, botocore and the service model load after this.
        from poller.cli._main import main  # noqa: PLC0415 - after the collector is off

        return main()
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    finally:
        exit_on_signals()  # nothing that follows may end in a traceback either
        _startup.started()
        if paused_here:
            gc.freeze()  # the process ends next: its last collection has nothing left to walk
