"""What every poller operator shares: settings, connection, early checks and the deferral.

An operator checks its rendered values in ``execute()`` (a bad one fails the task at once,
without retries), fixes the wait's wall-clock deadline, and defers to its trigger with
Airflow's own timeout a minute past that deadline; not deferrable, it runs the same trigger in
the worker. Either way ``execute_complete()`` turns the trigger's one event into the task's
return value (XCom) or its failure.
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

from poller import Delays, Seconds, WaitSettings
from poller.airflow._connection import (
    DEFAULT_CONN_ID,
    NO_PROVIDER_MESSAGE,
    aws_hook_class,
    check_botocore_config,
)

__all__ = [
    "DEFER_GRACE",
    "IMPLICIT_CONN_ID",
    "AirflowException",
    "AirflowFailException",
    "PollerWaitOperator",
    "default_deferrable",
    "first_event",
    "templated",
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


def templated(value: object) -> bool:
    """Whether Airflow renders *value* before execute(): checked there, not at parse time.

    A Jinja string, or not a string at all (an upstream task's ``.output``, an XComArg).
    """
    return not isinstance(value, str) or "{{" in value


def default_deferrable() -> bool:
    """``[operators] default_deferrable`` (False when unset), as the Amazon provider reads it."""
    try:
        from airflow.sdk.configuration import conf  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.configuration import conf  # noqa: PLC0415

    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


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

    Subclasses check their own rendered values in :meth:`check_rendered`, make the trigger in
    :meth:`make_trigger` and read its event in ``execute_complete``.

    Args:
        delays: The resource's default pause between polls.
        timeout: The whole wait's limit from the task's start (default 30 min).
        min_delay: The shortest pause between polls (default: the resource's).
        max_delay: The longest pause between polls (default: the resource's).
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
        delays: Delays,
        timeout: Seconds | None,
        min_delay: Seconds | None,
        max_delay: Seconds | None,
        aws_conn_id: str | None,
        region_name: str | None,
        endpoint_url: str | None,
        verify: bool | str | None,
        botocore_config: Mapping[str, Any] | None,
        deferrable: bool | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        settings = WaitSettings.of(
            defaults=delays, timeout=timeout, min_delay=min_delay, max_delay=max_delay
        )
        self.wait_timeout = settings.budget()
        self.min_delay, self.max_delay = settings.min_delay, settings.max_delay
        self.aws_conn_id_given = aws_conn_id is not IMPLICIT_CONN_ID
        self.aws_conn_id = None if aws_conn_id is None else str(aws_conn_id)
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.verify = verify
        if botocore_config is not None and not isinstance(botocore_config, Mapping):
            raise TypeError(f"botocore_config must be a dict, not {botocore_config!r}")
        self.botocore_config = None if botocore_config is None else dict(botocore_config)
        self.deferrable = default_deferrable() if deferrable is None else deferrable

    def check_rendered(self) -> None:
        """Check the values Airflow rendered, before any deferral.

        Raises:
            ValueError: A bad value; the task fails at once, without retries.
        """

    def make_trigger(self, *, started_at: float, deadline: float) -> Any:
        """The trigger that waits, for a wait that began at *started_at*."""
        raise NotImplementedError

    def connection(self) -> dict[str, Any]:
        """The trigger's connection arguments (all but the Region, whose name varies)."""
        return {
            "aws_conn_id": self.aws_conn_id,
            "endpoint_url": self.endpoint_url,
            "verify": self.verify,
            "botocore_config": self.botocore_config,
        }

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Check the rendered values, fix the deadline now and defer to the trigger.

        Not deferrable: run the same trigger here, in the worker, and return its outcome as
        ``execute_complete`` does.

        Raises:
            AirflowFailException: A bad rendered value, a botocore option botocore does not
                know, or a connection named without the Amazon provider: retrying cannot help.
        """
        try:
            self.check_rendered()
            check_botocore_config(self.botocore_config)
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if self.aws_conn_id_given and self.aws_conn_id and aws_hook_class() is None:
            raise AirflowFailException(NO_PROVIDER_MESSAGE.format(conn_id=self.aws_conn_id))
        started_at = time.time()
        trigger = self.make_trigger(started_at=started_at, deadline=started_at + self.wait_timeout)
        if self.deferrable:
            self.defer(
                trigger=trigger,
                method_name="execute_complete",
                # Airflow fails the task itself if no triggerer has ended the wait by then.
                timeout=dt.timedelta(seconds=self.wait_timeout) + DEFER_GRACE,
            )
        # The same trigger, in the worker: one deadline, outcome and XCom either way.
        return self.execute_complete(context, anyio.run(first_event, trigger))

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the task's return value, or its failure."""
        raise NotImplementedError
