"""Where a deferred task's descriptions wait for it: in its own XCom, not in the trigger's event.

A wait on hundreds of requests ends with hundreds of descriptions. Carried in the event, they
would be logged whole by the triggerer ("Trigger fired event") and kept in the task instance's
row until it resumes. Instead the trigger stores them, in a worker thread, in the task
instance's XCom under :data:`RESULT_KEY`, and its event names the key; the task, resumed in
the worker, takes them from there, returns them (its ``return_value``, the one copy left) and
deletes the stored one. Airflow keeps a deferred task's XCom until it resumes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, Final, TypedDict

__all__ = ["RESULT_KEY", "TaskInstanceKey", "discard", "key_of", "store", "take"]

#: The XCom key under which a trigger leaves the descriptions for its task.
RESULT_KEY: Final = "poller_result"


class TaskInstanceKey(TypedDict):
    """The task instance a trigger stores its result for (plain values, serialized with it)."""

    dag_id: str
    task_id: str
    run_id: str
    map_index: int


def key_of(context: Mapping[str, Any]) -> TaskInstanceKey | None:
    """The running task instance's key, from ``execute()``'s context; None outside a task."""
    ti = context.get("ti")
    try:
        return TaskInstanceKey(
            dag_id=str(ti.dag_id),  # type: ignore[union-attr]
            task_id=str(ti.task_id),  # type: ignore[union-attr]
            run_id=str(ti.run_id),  # type: ignore[union-attr]
            map_index=int(ti.map_index),  # type: ignore[union-attr]
        )
    except (AttributeError, TypeError, ValueError):  # no task instance (a test, a script)
        return None


def _backend() -> Any:
    """The XCom class Airflow is configured with (``[core] xcom_backend``), as tasks use it."""
    from airflow.sdk import BaseXCom  # noqa: PLC0415 - only where a result is stored

    try:
        from airflow.sdk.configuration import conf  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.configuration import conf  # noqa: PLC0415

    return conf.getimport("core", "xcom_backend", fallback=None) or BaseXCom


def store(key: TaskInstanceKey, descriptions: list[Any]) -> None:
    """Store *descriptions* for the task instance *key* (blocking: call it in a thread).

    Raises:
        Exception: Whatever the XCom backend raises; the caller then sends them in the event.
    """
    _backend().set(RESULT_KEY, descriptions, **key)


def take(context: Mapping[str, Any], result_key: str) -> list[Any]:
    """The descriptions the trigger stored for this task instance; the stored copy is deleted.

    Raises:
        LookupError: They are not there (deleted, or the task instance's XCom was cleared).
    """
    ti = context["ti"]
    descriptions = ti.xcom_pull(key=result_key)
    if not isinstance(descriptions, list):
        raise LookupError(  # noqa: TRY004 - missing, not of a wrong type: a retry may help
            f"the descriptions the trigger stored in XCom under {result_key!r} are gone"
        )
    # The task returns them (its return_value): one copy is enough.
    discard(context, result_key)
    return descriptions


def discard(context: Mapping[str, Any], result_key: str) -> None:
    """Delete the descriptions stored for this task instance (a task that fails returns none).

    A failure to delete them costs space, not the task: it is ignored. A new try of the task
    starts with its XCom cleared anyway.
    """
    ti = context["ti"]
    with contextlib.suppress(Exception):
        _backend().delete(
            key=result_key,
            task_id=ti.task_id,
            dag_id=ti.dag_id,
            run_id=ti.run_id,
            map_index=ti.map_index,
        )
