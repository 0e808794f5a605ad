"""How a wait's end reads in log lines and failure messages: "succeeded", "is active".

A target is a state's name (``active``, ``succeeded``, ``encryption-enabled``), not a place:
a request "succeeded", an instance "is active", two Regions "are not active".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from poller.airflow._payload import SUCCESSES

if TYPE_CHECKING:
    from poller import ResourceKind
    from poller.airflow._payload import WaitEnding, WaitPayload

__all__ = ["got_there", "not_there", "report", "tally", "who"]

#: Targets that read as a verb of their own; the rest follow "is" or "are".
_VERBS: Final[Mapping[str, tuple[str, str]]] = {"succeeded": ("succeeded", "did not succeed")}


def got_there(until: str, count: int = 1) -> str:
    """What *count* resources that reached *until* did: ``succeeded``, ``are active``."""
    if until in _VERBS:
        return _VERBS[until][0]
    return f"{'is' if count == 1 else 'are'} {until}"


def not_there(until: str, count: int = 1) -> str:
    """What *count* resources that did not reach *until* did: ``did not succeed``."""
    if until in _VERBS:
        return _VERBS[until][1]
    return f"{'is' if count == 1 else 'are'} not {until}"


def tally(counts: Mapping[str, int], until: str) -> str:
    """Every outcome and how many ended on it: ``498 succeeded, 2 failed``.

    ``reached`` (poller's word for success) reads as the target: ``3 active``.
    """
    words = {"reached": until if until not in _VERBS else _VERBS[until][0]}
    # Those that got there first, then the others as they came.
    ordered = sorted(counts.items(), key=lambda item: item[0] not in SUCCESSES)
    return ", ".join(
        f"{count} {words.get(outcome, outcome)}" for outcome, count in ordered if count
    )


def who(ending: WaitEnding) -> str:
    """The one resource an ending is about, by its own key."""
    return ending["request_id"] or ending["region_name"] or ending["instance_arn"]


def report(log: Any, kind: ResourceKind, until: str, payload: WaitPayload) -> None:
    """Log a wait's summary and each failure to *log*; each ending only at DEBUG.

    Hundreds of requests make a line each at DEBUG only: the summary says how many ended
    how, and each failure says why.
    """
    for ending in payload["endings"] or []:
        log.debug(
            "%s: %s (Status %s) after %d polls in %.1fs",
            who(ending),
            ending["outcome"],
            ending["status"],
            ending["attempts"],
            ending["elapsed"],
        )
    total = sum(payload["counts"].values())
    summary = (
        f"{total} {kind.noun if total == 1 else kind.nouns}: {tally(payload['counts'], until)}"
    )
    failures = payload["failures"]
    if not failures:
        log.info("%s (%d polls in %.1fs)", summary, payload["attempts"], payload["elapsed"])
        return
    log.warning(
        "%s; %d %s (%d polls in %.1fs)",
        summary,
        len(failures),
        not_there(until, len(failures)),
        payload["attempts"],
        payload["elapsed"],
    )
    for failure in failures:
        log.warning("%s: %s", failure["error"], failure["message"])
