"""The command's start-up: the garbage collector off while it builds its heap, on for the wait.

A command's start-up builds a large heap that lives until the process ends (botocore's
service model and the modules of aiobotocore, aiohttp and poller) and the interpreter's last
act is a full collection that walks all of it for nothing: together about a quarter of a
one-shot ``poller wait`` (BENCHMARKS.md, d). So the console script (:mod:`._process`) turns
the collector off while the command starts (:func:`pause`); once the client is open
(:func:`open_client`), the heap built so far is frozen (``gc.freeze``: left out of every later
collection) and the collector turned back on for the wait, however long it lasts; before exit,
what the wait built is frozen too, so objects leaked in cycles are not finalized at exit and
warnings such as aiohttp's "Unclosed client session" do not show (the test suite runs the
command through :func:`poller.cli.main`, which keeps them). :func:`poller.cli.main` called in
a program of one's own changes nothing: only the console script pauses the collector.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import poller

__all__ = ["open_client", "pause", "started"]

_paused = False


def pause() -> None:
    """The command starts: turn the collector off until :func:`started`."""
    global _paused  # noqa: PLW0603 - one process, one start-up
    gc.disable()
    _paused = True


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
