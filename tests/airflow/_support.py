"""Helpers shared by the Airflow tests: run a DAG or a trigger as Airflow does."""

from __future__ import annotations

import asyncio
import importlib
import json
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # conftest imports this module where Airflow is not installed, too
    from poller.airflow import InstanceWaitTrigger
    from poller.simulator import Simulator

#: A well-formed ARN of an instance the tests never create.
ARN = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
#: Fast enough for tests, slow enough to see CREATE_IN_PROGRESS first: 300 s take 0.3 s.
TIME_SCALE = 1000.0


def finish_creating_after(simulator: Simulator, arn: str, polls: int) -> threading.Thread:
    """Let *arn* turn ACTIVE once it has been polled *polls* times, however slow the start."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while simulator.calls("DescribeInstance", arn) < polls and time.monotonic() < deadline:
            time.sleep(0.005)
        simulator.advance(1e9)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def run_dag(dagbag: Any, dag_id: str, **conf: Any) -> Any:
    """Run a DAG once with Airflow's own test runner; return the DagRun."""
    return dagbag.get_dag(dag_id).test(run_conf=conf)


def task_state(dag_run: Any, task_id: str) -> tuple[str, Any]:
    """The state of one task of a finished run, and what it pushed to XCom."""
    (ti,) = [ti for ti in dag_run.get_task_instances() if ti.task_id == task_id]
    return str(ti.state), ti.xcom_pull(task_ids=task_id)


def run_trigger(trigger: InstanceWaitTrigger) -> dict[str, Any]:
    """Run a trigger as the triggerer does, on asyncio, up to its first event."""

    async def first_event() -> Any:
        return await anext(aiter(trigger.run()))

    payload: dict[str, Any] = asyncio.run(first_event()).payload
    return payload


def restart(trigger: InstanceWaitTrigger) -> InstanceWaitTrigger:
    """Re-create a trigger from its serialized form, through JSON, as the triggerer does."""
    classpath, kwargs = json.loads(json.dumps(trigger.serialize()))
    module, name = classpath.rsplit(".", 1)
    restarted: InstanceWaitTrigger = getattr(importlib.import_module(module), name)(**kwargs)
    return restarted
