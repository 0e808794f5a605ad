"""What every poller operator shares: settings, connection, checks and the deferral.

An operator checks what the DAG file gives as is when it is built (a mistake is the DAG file's
import error), and everything else in ``execute()``, once Airflow has rendered it: a bad value
there fails the task at once, without retries (:mod:`poller.airflow._checks` says which is
which). It then fixes the wait's wall-clock deadline (the earlier of its ``timeout`` and the
task's ``execution_timeout``) and defers to its trigger with Airflow's own timeout a minute
past that deadline; not deferrable, it runs the same trigger in the worker. Either way
``execute_complete()`` turns the trigger's one event into the task's return value (XCom) or
its failure.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any, Final, cast

import anyio
from airflow.sdk import BaseOperator

try:
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 3.0 keeps them in airflow.exceptions only (deprecated later)
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowException,
        AirflowFailException,
    )

from poller import Delays, Seconds
from poller.airflow import _result
from poller.airflow._checks import from_mapped
from poller.airflow._connection import (
    DEFAULT_CONN_ID,
    check_botocore_config,
    check_connection,
)
from poller.airflow._pacing import Pace, deadline_of, pace_of

__all__ = [
    "DEFER_GRACE",
    "IMPLICIT_CONN_ID",
    "AirflowException",
    "AirflowFailException",
    "PollerWaitOperator",
    "check_botocore_type",
    "default_deferrable",
    "first_event",
    "task_started_at",
]

#: How long past the wait's own deadline Airflow gives the trigger before failing the task
#: itself: the trigger ends the wait at its deadline, so this fires only when no triggerer
#: runs it at all.
DEFER_GRACE: Final = dt.timedelta(minutes=1)


class _ImplicitConnId(str):
    """The default ``aws_conn_id``, told apart by identity from the same string passed."""

    __slots__ = ()


#: ``aws_default`` when the DAG did not name a connection: then, without the Amazon provider,
#: the default AWS credential chain is what the user asked for.
IMPLICIT_CONN_ID: Final = _ImplicitConnId(DEFAULT_CONN_ID)


def default_deferrable() -> bool:
    """``[operators] default_deferrable`` (False when unset), as the Amazon provider reads it."""
    try:
        from airflow.sdk.configuration import conf  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.configuration import conf  # noqa: PLC0415

    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def check_botocore_type(botocore_config: object) -> None:
    """Refuse a ``botocore_config`` that is not a dict of options, as the provider does.

    Raises:
        TypeError: Anything but a mapping (or None).
    """
    if botocore_config is not None and not isinstance(botocore_config, Mapping):
        raise TypeError(f"botocore_config must be a dict, not {botocore_config!r}")


def task_started_at(context: Mapping[str, Any], default: float) -> float:
    """When the running try of the task started (epoch seconds); *default* outside a task."""
    start = getattr(context.get("ti"), "start_date", None)
    return start.timestamp() if isinstance(start, dt.datetime) else default


async def first_event(trigger: Any) -> dict[str, Any]:
    """A trigger's one event, run here in the worker: the non-deferrable path."""
    # run() is an async generator; its annotation (BaseTrigger's) only says AsyncIterator.
    events = cast("AsyncGenerator[Any, None]", trigger.run())
    async with aclosing(events):
        event = await anext(events)
    payload: dict[str, Any] = event.payload
    return payload


class PollerWaitOperator(BaseOperator):
    """The base of poller's operators: a wait handed to a trigger, or run in the worker.

    Subclasses give their resource's delays in :meth:`delays`, check their values in
    :meth:`check_literals` (when the DAG is parsed) and :meth:`check_rendered` (in
    ``execute()``), call :meth:`checked_when_parsed` at the end of their ``__init__``, make
    the trigger in :meth:`make_trigger` and read its event in ``execute_complete``.

    Args:
        timeout: The whole wait's limit from the task's start (default 30 min).
        min_delay: The shortest pause between polls (default: the resource's).
        max_delay: The longest pause between polls (default: the resource's).
        waiter_delay: The Amazon provider's pause between attempts: both delays.
        waiter_max_attempts: The Amazon provider's number of attempts: the timeout is this
            many longest pauses.
        aws_conn_id: An Airflow AWS connection; see the subclasses.
        region_name: The AWS Region of the client; overrides the connection's.
        endpoint_url: Another endpoint, such as poller's simulator.
        verify: TLS verification: a CA bundle's path, or False.
        botocore_config: botocore ``Config`` options, as a dict.
        deferrable: Wait in the triggerer (True) or in the worker (False); None:
            ``[operators] default_deferrable``.
        **kwargs: Any :class:`BaseOperator` argument.
    """

    ui_color = "#dd344c"

    def __init__(
        self,
        *,
        timeout: Seconds | None,
        min_delay: Seconds | None,
        max_delay: Seconds | None,
        waiter_delay: Seconds | None,
        waiter_max_attempts: int | None,
        aws_conn_id: str | None,
        region_name: str | None,
        endpoint_url: str | None,
        verify: bool | str | None,
        botocore_config: Mapping[str, Any] | None,
        deferrable: bool | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # Kept as given: a mapped task's may come from upstream, and are checked in execute().
        self.timeout = timeout
        self.min_delay = min_delay
        self.max_delay = max_delay
        self.waiter_delay = waiter_delay
        self.waiter_max_attempts = waiter_max_attempts
        self.aws_conn_id_given = aws_conn_id is not IMPLICIT_CONN_ID
        self.aws_conn_id = None if aws_conn_id is None else str(aws_conn_id)
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.verify = verify
        self.botocore_config = botocore_config
        self.deferrable = default_deferrable() if deferrable is None else deferrable

    def delays(self) -> Delays:
        """The resource's own pauses between polls, for those not given."""
        raise NotImplementedError

    def pace(self) -> Pace:
        """The wait's budget and pauses, from poller's settings or the provider's.

        Raises:
            ValueError: A setting out of range, or two that contradict each other.
            TypeError: A duration of the wrong type.
        """
        return pace_of(
            self.delays(),
            timeout=self.timeout,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            waiter_delay=self.waiter_delay,
            waiter_max_attempts=self.waiter_max_attempts,
        )

    def checked_when_parsed(self) -> None:
        """Check the DAG file's values now, unless Airflow built this for a mapped task.

        A mapped task's values come from upstream when it runs: ``execute()`` checks them,
        and a bad one fails the task without retries.
        """
        if not from_mapped(self):
            self.check_literals()

    def check_literals(self) -> None:
        """Check what the DAG file gives as is (templated values wait for ``execute()``).

        Raises:
            ValueError: A bad value: the DAG file fails to import.
            TypeError: A value of the wrong type.
        """
        self.pace()
        check_botocore_type(self.botocore_config)

    def check_rendered(self) -> None:
        """Check every value as Airflow rendered it, and the connection, before any request.

        Raises:
            ValueError: A bad value, a botocore option botocore does not know, or a
                connection that cannot be used: the task fails at once, without retries.
            TypeError: A value of the wrong type, likewise.
        """
        self.pace()
        check_botocore_type(self.botocore_config)
        check_botocore_config(self.botocore_config)
        check_connection(self.aws_conn_id, named_by_dag=self.aws_conn_id_given)

    def make_trigger(
        self, *, started_at: float, deadline: float, result_for: _result.TaskInstanceKey | None
    ) -> Any:
        """The trigger that waits, for a wait that began at *started_at*.

        *result_for*: the task instance whose XCom takes the descriptions of a deferred wait
        on several resources (None: the event carries them).
        """
        raise NotImplementedError

    def connection(self) -> dict[str, Any]:
        """The trigger's connection arguments (all but the Region, whose name varies)."""
        return {
            "aws_conn_id": self.aws_conn_id,
            "endpoint_url": self.endpoint_url,
            "verify": self.verify,
            "botocore_config": None if self.botocore_config is None else dict(self.botocore_config),
        }

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Check the rendered values, fix the deadline now and defer to the trigger.

        The deadline is the earlier of the wait's ``timeout`` and the task's
        ``execution_timeout`` (from the task's start), which Airflow does not apply to a
        deferred task itself. Not deferrable: run the same trigger here, in the worker, and
        return its outcome as ``execute_complete`` does.

        Raises:
            AirflowFailException: A bad rendered value, a botocore option botocore does not
                know, or a connection that cannot be used: retrying cannot help.
        """
        try:
            self.check_rendered()
        except (ValueError, TypeError) as error:
            raise AirflowFailException(str(error)) from error
        started_at = time.time()
        deadline, limit = deadline_of(
            started_at=started_at,
            timeout=self.pace().timeout,
            task_started_at=task_started_at(context, started_at),
            execution_timeout=self.execution_timeout,
        )
        if limit == "execution_timeout":
            self.log.info(
                "the wait ends with the task's execution_timeout (%s), before its own timeout",
                self.execution_timeout,
            )
        trigger = self.make_trigger(
            started_at=started_at,
            deadline=deadline,
            result_for=_result.key_of(context) if self.deferrable else None,
        )
        if self.deferrable:
            self.defer(
                trigger=trigger,
                method_name="execute_complete",
                # Airflow fails the task itself if no triggerer has ended the wait by then.
                timeout=dt.timedelta(seconds=max(deadline - started_at, 0.0)) + DEFER_GRACE,
            )
        # The same trigger, in the worker: one deadline, outcome and XCom either way.
        return self.execute_complete(context, anyio.run(first_event, trigger))

    def ended_by_execution_timeout(self) -> str:
        """`` (the task's execution_timeout, ...)`` when it is shorter than the timeout."""
        limit = self.execution_timeout
        if limit is None or limit.total_seconds() >= self.pace().timeout:
            return ""
        return f"; the wait ended with the task's execution_timeout ({limit})"

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the task's return value, or its failure."""
        raise NotImplementedError
