"""The running event loop's clock, read without anyio's per-call backend lookup."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import anyio

__all__ = ["loop_clock", "loop_sleep"]


def loop_clock() -> Callable[[], float]:
    """The clock that anyio's deadlines and sleeps use, as a plain function.

    ``anyio.current_time()`` finds the backend anew on each call, which costs a few
    microseconds; a waiter reads the clock several times per poll, so it looks it up once.
    Call this inside the event loop.
    """
    try:
        import sniffio  # noqa: PLC0415 - present whenever trio is
    except ImportError:  # pragma: no cover - trio is in the test extras
        library = "asyncio"
    else:
        library = sniffio.current_async_library()
    if library == "asyncio":
        return asyncio.get_running_loop().time
    if library == "trio":
        import trio  # noqa: PLC0415 - only under trio

        return trio.current_time
    return anyio.current_time  # pragma: no cover - any other backend anyio may grow


def loop_sleep() -> Callable[[float], Awaitable[None]]:
    """The running event loop's own sleep, found once (``anyio.sleep`` finds it on each call).

    Call this inside the event loop.
    """
    try:
        import sniffio  # noqa: PLC0415 - present whenever trio is
    except ImportError:  # pragma: no cover - trio is in the test extras
        library = "asyncio"
    else:
        library = sniffio.current_async_library()
    if library == "asyncio":
        return asyncio.sleep
    if library == "trio":
        import trio  # noqa: PLC0415 - only under trio

        return trio.sleep
    return anyio.sleep  # pragma: no cover - any other backend anyio may grow
