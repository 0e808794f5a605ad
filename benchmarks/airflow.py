"""The Airflow trigger on 1,000 requests: how long it holds the triggerer's loop, what it logs.

Airflow's triggerer runs every trigger on one event loop: a trigger that blocks it (importing,
reading files, building a big payload, logging a thousand lines at once) delays every other
trigger. ``ResourceWaitTrigger`` waits on 1,000 CreateAccountAssignment requests that have
already succeeded (one poll each, at the client's 10 requests a second: about 100 s) as the
operators defer it, with the Amazon provider's hook making the client (no connection named).

It runs in a process of its own set up as the triggerer's runner is: Airflow's logging
configured to write JSON lines (``configure_logging(json_output=True, ...)``), the trigger's
context bound (``trigger_id``, ``dag_id`` ...), the trigger created on the loop, and the
triggerer's own "Trigger fired event" line logged with the event. The task's XCom, where the
trigger leaves the descriptions, is a stand-in that takes the message and drops it (the
JSON is still encoded). A task on the loop wakes every millisecond and records how late it
wakes: the longest delay is the longest block, and a watchdog thread notes where the loop
was at the time. Goal: at most 100 ms.

A block may be the interpreter's own: a full garbage collection (generation 2) scans every
object of the process, holding the loop and every thread, and any allocation may set one off,
whichever trigger makes it. Each collection is timed (``gc.callbacks``) and a block's share
of them subtracted, so the run tells poller's longest block from the collector's longest pass
(and the objects a full pass scans: the heap once the run is over, mostly Airflow's own).

The trigger log's size is every JSON line the run wrote, per request. It runs twice: with
Airflow's default levels, and with ``[logging] namespace_levels = poller=WARNING``, which
leaves out poller's own per-wait events below WARNING (``wait.started``, each status change,
``wait.succeeded``: three lines a request, a thousand of them at once when the waits start).

Skipped, with a message, where Apache Airflow is not installed (``.ci/airflow`` builds a venv
with it). The endpoint runs in a child process too (``benchmarks._endpoint``).
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Final

from benchmarks._common import report
from benchmarks._endpoint import RemoteEndpoint

__all__ = ["run"]

#: How often the lag monitor wakes, in seconds.
_TICK: Final = 0.001
#: A delay worth noting where the loop was.
_NOTED: Final = 0.02


#: The two ways the run logs: Airflow's defaults, and poller's per-wait events quieted.
_CONFIGURATIONS: Final = {
    "default levels": {},
    "poller=WARNING": {"AIRFLOW__LOGGING__NAMESPACE_LEVELS": "poller=WARNING"},
}


def run(*, quick: bool = False) -> dict[str, float]:
    """Print the trigger's longest block and log size; return them (empty when skipped)."""
    if importlib.util.find_spec("airflow") is None:
        print(
            "\n## airflow: skipped, Apache Airflow is not installed "
            "(pip install 'poller[airflow]', or the venv .ci/airflow builds)"
        )
        return {}
    count = 20 if quick else 1_000
    figures: dict[str, float] = {}
    rows: list[tuple[str, str]] = []
    with RemoteEndpoint(time_scale=1.0) as endpoint:
        for name, levels in _CONFIGURATIONS.items():
            arn, request_ids = endpoint.assignments(0.0, count)
            measured = _measure(endpoint.endpoint_url, arn, request_ids, levels)
            rows += _rows(name, measured)
            figures |= {
                f"{name}: {key}": float(value)
                for key, value in measured.items()
                if isinstance(value, int | float)
            }
    report(
        f"airflow: ResourceWaitTrigger on {count:,} requests, as the triggerer runs it "
        "(goal: the loop blocked <= 100 ms)",
        rows,
    )
    return figures


def _measure(
    endpoint_url: str, arn: str, request_ids: list[str], levels: dict[str, str]
) -> dict[str, Any]:
    """One run of the trigger in a process of its own, logging at *levels*; its figures."""
    with tempfile.TemporaryDirectory() as home:
        arguments = {
            "arn": arn,
            "request_ids": request_ids,
            "endpoint_url": endpoint_url,
            "log": str(Path(home) / "trigger.log"),
        }
        environment = {
            **os.environ,
            **levels,
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
        }
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.airflow", json.dumps(arguments)],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
    if child.returncode != 0:
        raise RuntimeError(f"the trigger's process failed:\n{child.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return measured


def _rows(name: str, measured: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's lines for one run."""
    blocks = measured["blocks"]
    where = f" at {blocks[0][1]:.1f} s ({blocks[0][2]})" if blocks else ""
    return [
        (f"{name}: longest block", f"{measured['block_ms']:.0f} ms{where}"),
        *((f"  then {ms:.0f} ms", f"at {at:.1f} s ({place})") for ms, at, place in blocks[1:3]),
        (
            "  besides the collector",
            f"{measured['own_block_ms']:.0f} ms (the longest block less the full garbage "
            "collections within it)",
        ),
        (
            "  longest full collection",
            f"{measured['gc_ms']:.0f} ms; the heap {measured['gc_objects']:,} objects "
            f"({measured['gc_count']} in the run)",
        ),
        (
            "  trigger log",
            f"{measured['log_bytes']:,} bytes in {measured['log_lines']:,} lines: "
            f"{measured['log_per_request']:.0f} bytes per request",
        ),
        ("  the event", f"{measured['event_bytes']:,} bytes ({measured['outcome']})"),
        ("  took", f"{measured['seconds']:.1f} s"),
    ]


# -- in the child process ------------------------------------------------------------------


class _Comms:
    """The triggerer's channel to its supervisor, for XCom alone: takes a message, drops it."""

    def send(self, message: Any) -> None:
        """Encode the message as the channel would, then drop it."""
        message.model_dump_json()


class _Collections:
    """The full garbage collections of the process: when each began, how long it took."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        """``gc.callbacks``' hook: time the collections of generation 2."""
        if info["generation"] != 2:  # noqa: PLR2004 - the oldest generation: the whole heap
            return
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.spans.append((self._began, time.perf_counter()))

    def within(self, start: float, end: float) -> float:
        """Seconds of collection between *start* and *end*."""
        return sum(max(0.0, min(end, b) - max(start, a)) for a, b in self.spans)

    def longest(self, since: float) -> float:
        """The longest collection since *since*, in seconds."""
        return max((b - a for a, b in self.spans if a >= since), default=0.0)


class _LoopWatch:
    """How late a task on the loop wakes, and where the loop was when it woke late."""

    def __init__(self, collections: _Collections) -> None:
        self.collections = collections
        self.blocks: list[tuple[float, float, str]] = []
        self.longest = 0.0
        #: The longest block less the full collections within it.
        self.own = 0.0
        self._beat = time.perf_counter()
        self._started = self._beat
        self._where: str | None = None
        self._loop_thread = threading.get_ident()
        self._running = True

    async def watch(self) -> None:
        """Wake every tick; a late wake is a block of the loop."""
        self._started = last = time.perf_counter()
        self._loop_thread = threading.get_ident()
        threading.Thread(target=self._sample, daemon=True).start()
        while self._running:
            await asyncio.sleep(_TICK)
            now = time.perf_counter()
            late = now - last - _TICK
            self.longest = max(self.longest, late)
            self.own = max(self.own, late - self.collections.within(last, now))
            if late > _NOTED:
                self.blocks.append((late * 1000, last - self._started, self._where or "?"))
            self._where = None
            self._beat = last = now

    @property
    def started(self) -> float:
        """When the watch began (``time.perf_counter()``)."""
        return self._started

    def stop(self) -> None:
        """End the watch."""
        self._running = False

    def _sample(self) -> None:
        """Note the innermost frame of poller or Airflow while the loop is held."""
        while self._running:
            time.sleep(_NOTED / 4)
            if self._where is None and time.perf_counter() - self._beat > _NOTED:
                frame = sys._current_frames().get(self._loop_thread)
                self._where = _innermost(frame)


def _innermost(frame: Any) -> str:
    """The innermost frame in poller, aiobotocore, botocore or Airflow, as module:function.

    Else the innermost frame itself (the standard library, anyio, aiohttp ...).
    """
    first = frame
    while frame is not None:
        path = frame.f_code.co_filename
        for package in ("poller", "aiobotocore", "botocore", "airflow", "structlog"):
            marker = f"{os.sep}{package}{os.sep}"
            if marker in path:
                module = path.rsplit(marker, 1)[1].removesuffix(".py").replace(os.sep, ".")
                return f"{package}.{module}:{frame.f_code.co_name}"
        frame = frame.f_back
    if first is None:
        return "?"
    return f"{Path(first.f_code.co_filename).stem}:{first.f_code.co_name}"


def _child(arguments: dict[str, Any]) -> dict[str, Any]:
    """Run the trigger as the triggerer would, in this process; the figures."""
    import structlog  # noqa: PLC0415 - the child's, configured by Airflow below
    from airflow.sdk.execution_time import task_runner  # noqa: PLC0415
    from airflow.sdk.log import configure_logging  # noqa: PLC0415

    log_path = Path(arguments["log"])
    with log_path.open("wb") as log_file:
        configure_logging(json_output=True, output=log_file, sending_to_supervisor=True)
        task_runner.SUPERVISOR_COMMS = _Comms()  # type: ignore[assignment,unused-ignore]
        from poller.airflow import ResourceWaitTrigger  # noqa: PLC0415

        started_at = time.time()
        kwargs = {
            "resource": "account-assignment-creation",
            "instance_arn": arguments["arn"],
            "deadline": started_at + 900,
            "request_ids": arguments["request_ids"],
            "aws_conn_id": None,
            "region_name": "us-east-1",
            "endpoint_url": arguments["endpoint_url"],
            "started_at": started_at,
            "result_for": {
                "dag_id": "rollout",
                "task_id": "wait",
                "run_id": "manual",
                "map_index": -1,
            },
        }
        collections = _Collections()
        gc.callbacks.append(collections)
        watch = _LoopWatch(collections)

        async def triggerer() -> dict[str, Any]:
            structlog.contextvars.bind_contextvars(
                trigger_id=1, dag_id="rollout", task_id="wait", run_id="manual", try_number=1
            )
            watching = asyncio.create_task(watch.watch())
            await asyncio.sleep(0.05)
            trigger = ResourceWaitTrigger(**kwargs)  # the triggerer creates it on the loop
            event = await anext(aiter(trigger.run()))
            await structlog.get_logger("airflow.jobs.triggerer_job_runner").ainfo(
                "Trigger fired event", name="rollout/manual/wait/-1/1 (ID 1)", result=event
            )
            await asyncio.sleep(0.05)
            watch.stop()
            await watching
            payload: dict[str, Any] = event.payload
            return payload

        begun = time.perf_counter()
        payload = asyncio.run(triggerer())
        seconds = time.perf_counter() - begun
    lines = [line for line in log_path.read_bytes().splitlines() if line.strip()]
    count = len(arguments["request_ids"])
    size = log_path.stat().st_size
    blocks = sorted(watch.blocks, reverse=True)
    return {
        "block_ms": watch.longest * 1000,
        "own_block_ms": watch.own * 1000,
        "gc_ms": collections.longest(watch.started) * 1000,
        # Counted after the watch: counting on the loop would hold it too.
        "gc_objects": len(gc.get_objects()),
        "gc_count": sum(1 for a, _ in collections.spans if a >= watch.started),
        "blocks": blocks[:4],
        "log_bytes": size,
        "log_lines": len(lines),
        "log_per_request": size / count,
        "event_bytes": len(json.dumps(payload)),
        "outcome": payload["outcome"],
        "seconds": seconds,
    }


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
