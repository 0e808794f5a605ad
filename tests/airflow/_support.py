"""Helpers shared by the Airflow tests: run a DAG or a trigger as Airflow does."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import http.server
import importlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

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


#: Quick polls against the simulator, under a deadline far beyond any test.
PACE: dict[str, Any] = {"min_delay": 0.01, "max_delay": 0.05}


def local(endpoint_url: str) -> dict[str, Any]:
    """An operator's connection to the simulator at *endpoint_url*, with no AWS connection."""
    return {"endpoint_url": endpoint_url, "aws_conn_id": None, "region_name": "us-east-1"}


#: An endpoint URL that never resolves (RFC 6761): only a proxy can reach it.
UNRESOLVABLE_ENDPOINT = "http://identity-center.invalid"


class _ForwardingHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each proxied request to the upstream, whatever host it names."""

    upstream: ClassVar[str]
    seen: ClassVar[list[str]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append(urllib.parse.urlsplit(self.path).netloc)
        headers = {k: v for k, v in self.headers.items() if not k.lower().startswith("proxy-")}
        upstream = http.client.HTTPConnection(self.upstream, timeout=30)
        try:
            upstream.request("POST", urllib.parse.urlsplit(self.path).path or "/", body, headers)
            answer = upstream.getresponse()
            content = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in {"transfer-encoding", "connection", "content-length"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read what was forwarded from ``seen``."""


@contextlib.contextmanager
def forwarding_proxy(upstream_url: str) -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy on loopback that sends every request to *upstream_url*.

    Yields its URL and the list of hosts the requests it forwarded were addressed to.
    """
    seen: list[str] = []
    handler = type(
        "Handler",
        (_ForwardingHandler,),
        {"upstream": urllib.parse.urlsplit(upstream_url).netloc, "seen": seen},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
