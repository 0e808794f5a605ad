"""Whether a request left the process: botocore's ``before-send`` event, seen per request.

A request cut by the deadline (or cancelled) before it reached the wire is no attempt: the
service never saw it. botocore announces each request just before it goes out; a wait hands
its client a cell through a context variable, and the announcement marks it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Final

__all__ = ["SENDING", "announces_sends"]

#: The cell of the request being made in this task, if its client announces its sends.
SENDING: Final[ContextVar[list[bool] | None]] = ContextVar("poller_sending", default=None)
_HANDLER_ID: Final = "poller-request-left"


def _left(**_: Any) -> None:
    """Mark this task's cell: botocore is about to send its request (``before-send``)."""
    cell = SENDING.get()
    if cell is not None:
        cell[0] = True


def announces_sends(client: Any) -> bool:
    """Whether *client* will mark this task's :data:`SENDING` cell as each request leaves.

    A client without botocore's events (a test's stand-in) cannot: each of its requests
    counts as sent. Registering twice on one client is harmless (one handler, by its ID).
    """
    register = getattr(getattr(getattr(client, "meta", None), "events", None), "register", None)
    if not callable(register):
        return False
    register("before-send", _left, unique_id=_HANDLER_ID)
    return True
