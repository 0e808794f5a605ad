"""The console's words for a rollout's events (``rollout.*``): what ``poller assign`` shows.

An item reads as its position in the plan and its keys, ``#3 GROUP 9067… in 111122223333 with
ps-0123456789abcdef`` (a permission set of a provisioning, as its ``ps-…``).
"""

from __future__ import annotations

from typing import Any

from poller.cli._durations import format_duration, format_elapsed
from poller.cli._hints import say_once
from poller.cli._status import short_arn

__all__ = ["rollout_words"]


def _item(f: dict[str, Any]) -> str:
    """A rollout's item in words: ``#3 GROUP 9067… in 111122223333 with ps-…``."""
    number = f"#{int(f['index']) + 1}" if f.get("index") is not None else "the rollout"
    if f.get("account_id") is None:  # a permission set, or no item at all
        permission_set = f.get("permission_set_arn")
        return f"{number} {short_arn(permission_set)}" if permission_set else number
    return (
        f"{number} {f.get('principal_type')} {f.get('principal_id')} in {f.get('account_id')} "
        f"with {short_arn(str(f.get('permission_set_arn')))}"
    )


def rollout_words(name: str, f: dict[str, Any]) -> str:  # noqa: PLR0911 - one case per event
    """The words for a rollout's event; one the command does not know lists its fields."""
    operation = f.get("operation")
    if name == "rollout.started":
        return (
            f"{f.get('items')} to roll out with {operation}, at most "
            f"{f.get('max_outstanding')} in progress (timeout {format_duration(f['timeout'])})"
        )
    if name == "rollout.unchanged":
        already = "absent" if operation == "DeleteAccountAssignment" else "in place"
        return f"{_item(f)}: unchanged, {already} already"
    if name == "rollout.request_started":
        attempts = int(f.get("attempts", 1))
        return (
            f"{_item(f)}: {operation} accepted (sent {attempts} time{'' if attempts == 1 else 's'})"
        )
    if name == "rollout.adopted":
        return f"{_item(f)}: its request is in progress already: waiting on it, not writing"
    if name == "rollout.blocked":
        return f"{_item(f)}: another provisioning of it is in progress: waiting for it first"
    if name == "rollout.retrying":
        said = say_once(str(f.get("error_message"))).rstrip(".")
        return (
            f"{_item(f)}: {operation} answered {f.get('error_code')} ({said}); again in "
            f"{format_duration(f['delay'])} (attempt {f.get('attempt')})"
        )
    if name == "rollout.finished":
        calls = sum(dict(f.get("calls") or {}).values())
        return (
            f"{f.get('items')} rolled out in {format_elapsed(float(f['elapsed']))}: "
            f"{f.get('reached')} reached, {f.get('unchanged')} unchanged, {f.get('failed')} "
            f"failed; {calls} calls, {f.get('throttled')} throttled, {f.get('conflicts')} "
            f"conflicts, at most {f.get('peak_outstanding')} in progress"
        )
    return " ".join(f"{key}={value}" for key, value in f.items())
