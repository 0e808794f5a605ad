"""The live status line: where the waits stand, in one line that fits the terminal.

Pure: it is given what each wait is doing, the time and the width, and returns the line. One
wait still going reads ``ssoins-… CREATE_IN_PROGRESS 12s · next poll in 3.0s`` (a Region or a
request reads as its name or ID); several read
as counts, ``3 waiting: 2 CREATE_IN_PROGRESS, 1 ACTIVE · 1 done · next poll in 3.0s``. A wait
that has ended is only counted as done: nothing says "next poll" once every wait has ended.

A rollout (``poller assign``) reads as counts of its items, followed from its events
(:class:`RolloutProgress`): ``40 assignments: 12 done · 15 in progress · 13 waiting for a slot
· 3 throttled · 1m05s``.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Final

from poller.cli._durations import format_duration

__all__ = [
    "RolloutProgress",
    "WaitProgress",
    "label_of",
    "progress_key",
    "rollout_line",
    "short_arn",
    "status_line",
]

_SEPARATOR: Final = " · "
_ELLIPSIS: Final = "…"
#: The events that end a wait.
_WAIT_ENDINGS: Final = frozenset(
    {"wait.succeeded", "wait.failed", "wait.timed_out", "wait.cancelled"}
)
#: The writes of a rollout: an item retrying one holds a slot.
_WRITES: Final = frozenset(
    {"CreateAccountAssignment", "DeleteAccountAssignment", "ProvisionPermissionSet"}
)


def short_arn(arn: str) -> str:
    """The instance id of an instance ARN (``ssoins-…``), which is what a person reads."""
    return arn.rpartition("/")[2] or arn


def label_of(
    instance_arn: str, region_name: str | None = None, request_id: str | None = None
) -> str:
    """What a person reads for a resource: its Region or request ID, else the instance id.

    A command waits on the Regions or requests of one instance, so these tell them apart.
    """
    return region_name or request_id or short_arn(instance_arn)


def progress_key(
    instance_arn: str, region_name: str | None = None, request_id: str | None = None
) -> str:
    """A wait's key in the status line's progress: unique, and :func:`short_arn` reads it.

    ``arn:…/ssoins-…`` for an instance, ``arn:…/ssoins-…/eu-west-1`` for one of its Regions.
    """
    return "/".join(part for part in (instance_arn, region_name, request_id) if part)


@dataclasses.dataclass(slots=True)
class WaitProgress:
    """What the status line shows about one wait.

    Attributes:
        started: When the wait started (the clock of the ``now`` given to :func:`status_line`).
        status: The last status seen.
        next_poll: When the engine will poll again, if it has said.
        retrying: Whether that poll retries a transient error.
        done: Whether the wait has ended.
    """

    started: float
    status: str = "starting"
    next_poll: float | None = None
    retrying: bool = False
    done: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class _Part:
    """A piece of the line; under a narrow terminal the lowest ``keep`` goes first."""

    text: str
    keep: int


def status_line(progress: Mapping[str, WaitProgress], now: float, width: int) -> str:
    """The status line for these waits at *now*, at most *width* characters ("" if none runs).

    Args:
        progress: Each wait's progress, by :func:`progress_key`, in the order they started.
        now: The current time, on the clock of ``WaitProgress.started``.
        width: The most characters the line may take (the terminal's width, less one).
    """
    waiting = {arn: p for arn, p in progress.items() if not p.done}
    if not waiting or width <= 0:
        return ""
    done = len(progress) - len(waiting)
    parts: list[_Part] = []
    if len(waiting) == 1:
        [(arn, only)] = waiting.items()
        parts.append(_Part(f"{short_arn(arn)} {only.status}", 9))
        parts.append(_Part(" " + format_duration(now - only.started), 2))
    else:
        counts = collections.Counter(p.status for p in waiting.values())
        parts.append(_Part(f"{len(waiting)} waiting", 9))
        parts.append(_Part(": " + ", ".join(f"{n} {s}" for s, n in counts.most_common()), 3))
    if done:
        parts.append(_Part(f"{_SEPARATOR}{done} done", 1))
    pause = _pause(list(waiting.values()), now)
    if pause:
        parts.append(_Part(_SEPARATOR + pause, 5))
    return _fit(parts, width)


def _pause(waiting: Sequence[WaitProgress], now: float) -> str:
    """What comes next for the wait that polls soonest."""
    due = [p for p in waiting if p.next_poll is not None]
    if not due:
        return ""
    soonest = min(due, key=lambda p: p.next_poll or 0.0)
    assert soonest.next_poll is not None
    if soonest.next_poll <= now:
        return "polling"
    left = format_duration(soonest.next_poll - now)
    return f"retry in {left}" if soonest.retrying else f"next poll in {left}"


def _fit(parts: list[_Part], width: int) -> str:
    """Join *parts*, dropping the least needed until the line fits; cut it as a last resort."""
    kept = list(parts)
    while len("".join(p.text for p in kept)) > width and len(kept) > 1:
        kept.remove(min(kept[1:], key=lambda p: p.keep))
    line = "".join(p.text for p in kept)
    if len(line) <= width:
        return line
    return line[: width - 1] + _ELLIPSIS


@dataclasses.dataclass(slots=True)
class RolloutProgress:
    """Where a rollout's items stand, followed from its events (and each item's end).

    An item is done once it has ended (unchanged, or its outcome known), in progress while it
    holds one of the outstanding slots (its request started or adopted, or its write being
    retried), and otherwise waiting: being checked until the rollout has decided about any
    item, then waiting for a slot.

    Attributes:
        items: How many items the rollout has.
        started: When it started (the clock of the ``now`` given to :func:`rollout_line`).
        noun: What an item is called, in the plural (``assignments``).
        done: The items that have ended, by index.
        in_progress: The items holding a slot, by index.
        requests: The item of each request started or adopted, by request ID.
        throttled: The throttled answers seen, writes, listings and polls alike.
        checked: Whether the rollout has decided about any item yet.
    """

    items: int
    started: float
    noun: str = "assignments"
    done: set[int] = dataclasses.field(default_factory=set)
    in_progress: set[int] = dataclasses.field(default_factory=set)
    requests: dict[str, int] = dataclasses.field(default_factory=dict)
    throttled: int = 0
    checked: bool = False

    def on_event(self, event: Any) -> None:
        """Follow one event: ``rollout.*``, and its waits' ``poll.retrying`` and ends."""
        name = event.name
        index = getattr(event, "index", None)
        if name in {"rollout.request_started", "rollout.adopted"} and index is not None:
            self.checked = True
            self.in_progress.add(index)
            self.requests[event.request_id] = index
        elif name == "rollout.unchanged" and index is not None:
            self.ended(index)
        elif name in {"rollout.retrying", "poll.retrying"}:
            if event.throttled:
                self.throttled += 1
            if name == "rollout.retrying" and event.operation in _WRITES and index is not None:
                self.checked = True
                self.in_progress.add(index)
        elif name in _WAIT_ENDINGS and getattr(event, "request_id", None) in self.requests:
            self.ended(self.requests[event.request_id])

    def ended(self, index: int) -> None:
        """Item *index* has ended."""
        self.checked = True
        self.in_progress.discard(index)
        self.done.add(index)


def rollout_line(progress: RolloutProgress, now: float, width: int) -> str:
    """The status line of a rollout at *now*, at most *width* characters ("" once all are done).

    Args:
        progress: Where its items stand.
        now: The current time, on the clock of ``RolloutProgress.started``.
        width: The most characters the line may take.
    """
    done = len(progress.done)
    if done >= progress.items or width <= 0:
        return ""
    running = len(progress.in_progress - progress.done)
    waiting = progress.items - done - running
    parts = [_Part(f"{progress.items} {progress.noun}: {done} done", 9)]
    if running:
        parts.append(_Part(f"{_SEPARATOR}{running} in progress", 9))
    if waiting:
        what = "waiting for a slot" if progress.checked else "being checked"
        parts.append(_Part(f"{_SEPARATOR}{waiting} {what}", 7))
    if progress.throttled:
        parts.append(_Part(f"{_SEPARATOR}{progress.throttled} throttled", 5))
    parts.append(_Part(_SEPARATOR + format_duration(now - progress.started), 2))
    return _fit(parts, width)
