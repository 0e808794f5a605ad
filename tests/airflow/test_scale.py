"""Many requests in one task: a small event, a short log, and the triggerer's loop kept free."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.testing import LogCapture

try:
    from airflow.sdk.exceptions import AirflowFailException, TaskDeferred
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowFailException,
        TaskDeferred,
    )

from poller._engine import _emit
from poller.airflow import ResourceWaitTrigger, WaitForAccountAssignmentOperator, _result
from poller.simulator import Server, Simulator
from tests.airflow._support import PACE, local, restart, run_dag, run_trigger, task_state

ACCOUNTS = [f"{n:012d}" for n in range(100000000001, 100000000031)]
#: The task instance a deferred operator names for its descriptions.
TASK = _result.TaskInstanceKey(dag_id="d", task_id="t", run_id="r", map_index=-1)


def assignments(simulator: Simulator, count: int, *, failing: int = 0) -> tuple[str, list[str]]:
    """An instance and *count* assignment requests that have succeeded (*failing* have not)."""
    arn = simulator.create_instance("many", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Admins")
    request_ids = [
        simulator.create_account_assignment(
            arn,
            permission_set,
            account,
            seconds=0,
            fail_reason="Quota exceeded" if index < failing else None,
        )
        for index, account in enumerate(ACCOUNTS[:count])
    ]
    return arn, request_ids


@pytest.fixture
def stored(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What triggers store in XCom (outside a task there is no XCom to store in)."""
    kept: dict[str, Any] = {}

    def store(key: _result.TaskInstanceKey, descriptions: list[Any]) -> None:
        kept[key["task_id"]] = json.loads(json.dumps(descriptions))

    monkeypatch.setattr(_result, "store", store)
    return kept


def trigger_for(
    server: Server, arn: str, request_ids: list[str], **extra: Any
) -> ResourceWaitTrigger:
    """A trigger as the operator makes it, for *request_ids*."""
    operator = WaitForAccountAssignmentOperator(
        task_id="t",
        instance_arn=arn,
        request_ids=request_ids,
        deferrable=True,
        **local(server.endpoint_url),
        **PACE,
    )
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    trigger: ResourceWaitTrigger = deferred.value.trigger
    _, kwargs = trigger.serialize()
    return restart(type(trigger)(**{**kwargs, **extra}))


def test_the_event_does_not_grow_with_the_requests(
    simulator: Simulator, server: Server, stored: dict[str, Any]
) -> None:
    """Counts, failures and a key: the descriptions go to the task's XCom, not the event."""
    sizes = {}
    for count in (3, 25):
        arn, request_ids = assignments(simulator, count)
        trigger = trigger_for(server, arn, request_ids, result_for=TASK)

        event = run_trigger(trigger)

        sizes[count] = len(json.dumps(event))
        assert ({"reached": count}, [], None) == (
            event["counts"],
            event["failures"],
            event["endings"],
        )
        assert request_ids == [status["RequestId"] for status in stored["t"]]
        assert _result.RESULT_KEY == event["result_key"]
    assert sizes[25] - sizes[3] < 10  # the counts' digits
    assert sizes[25] < 2000


def test_failures_are_in_the_event_and_nothing_is_stored(
    simulator: Simulator, server: Server, stored: dict[str, Any]
) -> None:
    """A task that fails returns no descriptions: the event names each failure, briefly."""
    arn, request_ids = assignments(simulator, 12, failing=2)
    trigger = trigger_for(server, arn, request_ids, result_for=TASK)

    event = run_trigger(trigger)

    assert {"reached": 10, "failed": 2} == event["counts"]
    assert request_ids[:2] == [failure["request_id"] for failure in event["failures"]]
    assert {None} == {failure["description"] for failure in event["failures"]}
    assert ({}, None, None) == (stored, event["endings"], event["result_key"])


def test_a_thousand_failures_make_a_short_event_and_a_full_message(
    simulator: Simulator, server: Server, stored: dict[str, Any]
) -> None:
    """The event names the first 20 failures and counts them all; the task says how many."""
    arn, request_ids = assignments(simulator, 25, failing=25)
    operator = WaitForAccountAssignmentOperator(
        task_id="t", instance_arn=arn, request_ids=request_ids, **local(server.endpoint_url)
    )
    trigger = trigger_for(server, arn, request_ids, result_for=TASK)

    event = run_trigger(trigger)
    with pytest.raises(AirflowFailException) as raised:
        operator.execute_complete({}, event)

    assert {"failed": 25} == event["counts"]
    assert request_ids[:20] == [failure["request_id"] for failure in event["failures"]]
    assert event["message"].endswith("... and 5 more, in the trigger's log")
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("25 of 25 assignment requests did not succeed")
    assert (22, "... and 5 more, each in the trigger's log") == (len(lines), lines[-1])


def test_the_descriptions_go_to_xcom_once_without_response_metadata(
    dagbag: Any, simulator: Simulator, server: Server
) -> None:
    """dag.test: the return value holds every status, in order; nothing else is left stored."""
    arn = simulator.create_instance("rollout", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Admins")

    dag_run = run_dag(
        dagbag,
        "poller_rollout_assignments",
        instance_arn=arn,
        endpoint_url=server.endpoint_url,
        permission_set_arn=permission_set,
        accounts=ACCOUNTS[:12],
    )

    state, statuses = task_state(dag_run, "wait")
    (ti,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == "wait"]
    assert "success" == state
    assert ACCOUNTS[:12] == [status["TargetId"] for status in statuses]
    assert "ResponseMetadata" not in json.dumps(statuses)
    assert ti.xcom_pull(task_ids="wait", key=_result.RESULT_KEY) is None


class Lines:
    """A trigger's own log: each line's level and text."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __getattr__(self, level: str) -> Any:
        return lambda message, *args: self.lines.append((level, message % args))

    def at(self, level: str) -> list[str]:
        """The lines logged at *level*."""
        return [text for logged, text in self.lines if logged == level]


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Lines:
    """What triggers log themselves (poller's own events aside)."""
    recorded = Lines()
    monkeypatch.setattr(ResourceWaitTrigger, "log", property(lambda _: recorded))
    return recorded


def test_the_trigger_logs_a_summary_and_each_ending_only_at_debug(
    simulator: Simulator, server: Server, stored: dict[str, Any], lines: Lines
) -> None:
    """One INFO line for 12 requests; the requests themselves at DEBUG."""
    arn, request_ids = assignments(simulator, 12)
    trigger = trigger_for(server, arn, request_ids, result_for=TASK)

    run_trigger(trigger)

    (summary,) = lines.at("info")
    assert summary.startswith("12 assignment requests: 12 succeeded (")
    assert request_ids == [line.split(":")[0] for line in lines.at("debug")]
    assert [] == lines.at("warning")


@contextlib.contextmanager
def _poller_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The events poller logs through structlog, each with the level it is logged at.

    Airflow configures structlog to filter below INFO and to cache each logger on first
    use: poller's logger is swapped for one that keeps every level, into a capture.
    """
    capture = LogCapture()
    logger = structlog.wrap_logger(
        None, processors=[capture], wrapper_class=structlog.make_filtering_bound_logger(0)
    )
    monkeypatch.setattr(_emit, "_structlog_logger", logger)
    yield capture.entries


def test_poller_s_own_events_drop_to_debug_with_several_resources(
    simulator: Simulator, server: Server, stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several requests: wait.started/succeeded at DEBUG, not three INFO lines a request.

    One request (one resource) keeps its events at their levels, for the trigger's log to
    show what it waited on.
    """
    arn, request_ids = assignments(simulator, 3)

    with _poller_logs(monkeypatch) as several:
        run_trigger(trigger_for(server, arn, request_ids, result_for=TASK))
    with _poller_logs(monkeypatch) as one:
        run_trigger(trigger_for(server, arn, request_ids[:1], result_for=TASK))

    def levels(logs: list[dict[str, Any]], name: str) -> list[str]:
        return [entry["log_level"] for entry in logs if entry["event"] == name]

    assert ["debug"] * 3 == levels(several, "wait.started") == levels(several, "wait.succeeded")
    assert ["info"] == levels(one, "wait.started") == levels(one, "wait.succeeded")


def test_a_failure_is_logged_once_with_its_reason(
    simulator: Simulator, server: Server, stored: dict[str, Any], lines: Lines
) -> None:
    """A summary naming how many did not succeed, then one line per failure."""
    arn, request_ids = assignments(simulator, 4, failing=1)
    trigger = trigger_for(server, arn, request_ids, result_for=TASK)

    run_trigger(trigger)

    summary, failure = lines.at("warning")
    assert summary.startswith("4 assignment requests: 3 succeeded, 1 failed; 1 did not succeed")
    assert failure.startswith("AccountAssignmentFailedError: ")
    assert request_ids[0] in failure
    assert "Quota exceeded" in failure
    assert [] == lines.at("info")


def test_blocking_work_stays_off_the_event_loop(
    simulator: Simulator, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider's session and connection, botocore's data files: read in threads."""
    from botocore.loaders import JSONFileLoader  # noqa: PLC0415

    pytest.importorskip("airflow.providers.amazon")
    from airflow.providers.amazon.aws.hooks import base_aws  # noqa: PLC0415
    from botocore.loaders import Loader  # noqa: PLC0415

    AwsBaseHook = base_aws.AwsBaseHook
    # The provider shares one loader between its sessions: a fresh one reads the files again.
    monkeypatch.setattr(base_aws, "_loader", Loader())

    threads: dict[str, set[int]] = {}

    def recorded(name: str, function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            threads.setdefault(name, set()).add(threading.get_ident())
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(JSONFileLoader, "load_file", recorded("file", JSONFileLoader.load_file))
    monkeypatch.setattr(AwsBaseHook, "get_session", recorded("session", AwsBaseHook.get_session))
    connection = AwsBaseHook.get_connection.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        AwsBaseHook, "get_connection", classmethod(recorded("connection", connection))
    )
    arn, request_ids = assignments(simulator, 3)
    trigger = trigger_for(server, arn, request_ids, aws_conn_id="aws_default")
    threads.clear()  # the worker's own checks, made in this thread before the loop runs in it

    async def run() -> tuple[int, dict[str, Any]]:
        event = await anext(aiter(trigger.run()))
        return threading.get_ident(), event.payload

    loop_thread, payload = asyncio.run(run())

    assert "reached" == payload["outcome"]
    assert {"file", "session", "connection"} <= set(threads)
    assert [] == [name for name, seen in threads.items() if loop_thread in seen]
