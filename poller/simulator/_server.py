"""The HTTP endpoint: an aiohttp application that puts a :class:`Simulator` on the wire."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from poller.simulator._admin import add_routes
from poller.simulator._errors import ServiceError
from poller.simulator._faults import Fault, FaultKind
from poller.simulator._log import RequestRecord
from poller.simulator._operations import OPERATIONS
from poller.simulator._protocol import (
    Answer,
    Subject,
    bare_http_error,
    check_authorization,
    decode_input,
    error,
    malformed,
    new_request_id,
    operation_name,
    subject_of,
    success,
)
from poller.simulator._simulator import Simulator

#: How long a stopping server waits for requests still being answered (a slow fault's sleep).
_SHUTDOWN_TIMEOUT = 0.5


@dataclass(frozen=True, slots=True)
class Server:
    """A running endpoint.

    Attributes:
        simulator: The simulator it serves.
        host: The address it listens on.
        port: The port it listens on (the one chosen, when asked for port 0).
    """

    simulator: Simulator
    host: str
    port: int

    @property
    def endpoint_url(self) -> str:
        """The URL to give clients as ``endpoint_url``, e.g. ``http://127.0.0.1:8080``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class _Endpoint:
    """The request handler: authentication, routing, faults, rate limit, operation, log."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request."""
        arrived = time.monotonic()
        request_id = new_request_id()
        operation = ""
        subject = Subject()
        try:
            check_authorization(request.headers)
            operation = operation_name(request.headers, OPERATIONS)
            arguments = decode_input(await request.read())
            subject = subject_of(arguments)
            fault = self.simulator.faults.take(
                operation,
                subject.instance_arn,
                region_name=subject.region_name,
                request_id=subject.request_id,
            )
            answer = await self._answer(fault, operation, arguments, request_id)
        except ServiceError as err:
            answer = error(err, request_id)
        if answer is None:
            self._log(arrived, operation, subject, 0, None)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=204)  # never written: the connection is closed
        self._log(arrived, operation, subject, answer.status, answer.error_code)
        return web.Response(status=answer.status, body=answer.body, headers=answer.headers)

    async def _answer(
        self, fault: Fault | None, operation: str, arguments: dict[str, Any], request_id: str
    ) -> Answer | None:
        if fault is not None:
            if fault.kind is FaultKind.ERROR:
                return error(fault.to_service_error(), request_id)
            if fault.kind is FaultKind.HTTP_ERROR:
                return bare_http_error(fault.status)
            if fault.kind is FaultKind.DROP_CONNECTION:
                return None
            if fault.kind is FaultKind.MALFORMED_BODY:
                return malformed(request_id)
            await asyncio.sleep(fault.seconds)  # FaultKind.SLOW, then answer normally
        # A request a fault answers never reached the service: only the others take a token.
        self.simulator.limits.admit()
        return success(OPERATIONS[operation](self.simulator, arguments), request_id)

    def _log(
        self, arrived: float, operation: str, subject: Subject, status: int, code: str | None
    ) -> None:
        self.simulator.record(
            RequestRecord(
                arrived,
                operation,
                subject.instance_arn,
                status,
                code,
                subject.region_name,
                subject.request_id,
                subject.permission_set_arn,
                subject.target_id,
                subject.principal_type,
                subject.principal_id,
            )
        )


def make_app(simulator: Simulator) -> web.Application:
    """Build the aiohttp application that serves *simulator* on every path and method.

    Paths under ``/_poller`` are the admin path (see :mod:`poller.simulator._admin`), outside
    the simulated service: no SigV4, no faults, not in the request log.
    """
    app = web.Application()
    add_routes(app, simulator)
    app.router.add_route("*", "/{path:.*}", _Endpoint(simulator).handle)
    return app


@asynccontextmanager
async def serve(
    simulator: Simulator, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[Server]:
    """Serve *simulator* over HTTP on *host*:*port* for the duration of the block.

    Needs an asyncio event loop (aiohttp does not run on trio).

    Args:
        simulator: The state to serve.
        host: The address to listen on; loopback by default.
        port: The port; 0 picks a free one (read it from :attr:`Server.port`).

    Yields:
        The running :class:`Server`.
    """
    runner = web.AppRunner(make_app(simulator), access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = int(runner.addresses[0][1])
        yield Server(simulator, host, bound_port)
    finally:
        await runner.cleanup()


@contextmanager
def serve_in_thread(
    simulator: Simulator, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[Server]:
    """Serve *simulator* from a background thread with its own event loop.

    For synchronous code (boto3, the AWS CLI in a subprocess): the block runs in the calling
    thread while the server answers in the other.

    Yields:
        The running :class:`Server`.
    """
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def run() -> None:
        stop = asyncio.Event()
        state["loop"], state["stop"] = asyncio.get_running_loop(), stop
        try:
            async with serve(simulator, host=host, port=port) as server:
                state["server"] = server
                ready.set()
                await stop.wait()
        finally:
            ready.set()

    def main() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # handed to the caller's thread
            state["error"] = exc

    thread = threading.Thread(target=main, name="poller-simulator", daemon=True)
    thread.start()
    ready.wait()
    if "server" not in state:
        thread.join()
        raise RuntimeError("the simulator could not start") from state.get("error")
    try:
        yield state["server"]
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join()
        if "error" in state:
            raise RuntimeError("the simulator stopped with an error") from state["error"]
