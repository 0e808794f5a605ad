"""The command in a process of its own: the garbage collector's share of start-up and exit.

A command's start-up builds a large heap that lives until the process ends (botocore's
service model and the modules of aiobotocore, aiohttp and poller) and the interpreter's last
act is a full collection that walks all of it for nothing: together about a quarter of a
one-shot ``poller wait`` (BENCHMARKS.md, d). So the console script (:func:`script`) turns the
collector off while the command starts; once the client is open (:func:`open_client`), the
heap built so far is frozen (``gc.freeze``: left out of every later collection) and the
collector turned back on for the wait, however long it lasts; before exit, what the wait
built is frozen too, so objects leaked in cycles are not finalized at exit and warnings such
as aiohttp's "Unclosed client session" do not show (the test suite runs the command through
:func:`poller.cli.main`, which keeps them). :func:`poller.cli.main` called in a program of
one's own changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import poller

__all__ = ["open_client", "script", "started"]

_paused = False


def script() -> int:
    """The ``poller`` console script (and ``python -m poller``): :func:`main` in its process.

    Only for a process that exits when it returns: it freezes the heap for good. A program of
    one's own calls :func:`poller.cli.main`.

    Returns:
        The exit code, for ``sys.exit``.
    """
    global _paused  # noqa: PLW0603 - one process, one start-up
    # The command's own modules are imported by now (the console script imported this one
    # through poller.cli); aiobotocore, botocore and the service model load after this.
    from poller.cli._main import main  # noqa: PLC0415 - no cycle with poller.cli

    paused_here = gc.isenabled()
    if paused_here:
        gc.disable()
        _paused = True
    try:
        return main()
    finally:
        started()
        if paused_here:
            gc.freeze()  # the process ends next: its last collection has nothing left to walk


def started() -> None:
    """The start-up heap is built: freeze it, and collect what comes after as usual."""
    global _paused  # noqa: PLW0603
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@asynccontextmanager
async def open_client(**options: Any) -> AsyncIterator[Any]:
    """:func:`poller.open_client` for a command; the command's start-up ends there."""
    async with poller.open_client(**options) as client:
        started()
        yield client
