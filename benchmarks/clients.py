"""Many clients: what each costs to open and ask once, with shared SSL contexts and without.

``open_clients`` opens N clients (one per account's keys) from one session against the local
endpoint, and each describes an instance once: on aiohttp (asyncio) a client builds its SSL
context on its first request, on httpx (trio) when it opens, so the figure is both together.
"Own contexts" is the same code with poller falling back to aiobotocore's sessions, which build
a context per client. Runs alternate between the two; medians are compared.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import anyio
from aiobotocore.session import AioSession

import poller
from benchmarks._common import median, report
from benchmarks._endpoint import RemoteEndpoint
from poller import _http

__all__ = ["run"]

Http = Literal["aiohttp", "httpx"]
#: Which event loop each backend runs on here: httpx is the one trio can use.
_BACKENDS: dict[Http, str] = {"aiohttp": "asyncio", "httpx": "trio"}


@contextmanager
def _own_contexts(own: bool) -> Iterator[None]:
    """While *own*, poller uses aiobotocore's sessions (a context per client)."""
    shares = _http.shares_ssl_contexts
    if own:
        _http.shares_ssl_contexts = lambda http="aiohttp": False
    try:
        yield
    finally:
        _http.shares_ssl_contexts = shares


async def _clients(url: str, arn: str, count: int, http: Http) -> tuple[float, float, int]:
    """Seconds and CPU seconds per client to open *count* and ask each once; contexts seen."""
    session = AioSession()
    keys = {"aws_access_key_id": "warm", "aws_secret_access_key": "warm"}
    async with poller.open_clients([keys], endpoint_url=url, http=http, session=session) as (c,):
        await c.describe_instance(InstanceArn=arn)  # the service model, loaded once
    accounts = [
        {"aws_access_key_id": f"AKIA{n:016d}", "aws_secret_access_key": "benchmark"}
        for n in range(count)
    ]
    cpu, start = time.process_time(), time.perf_counter()
    async with poller.open_clients(accounts, endpoint_url=url, http=http, session=session) as cs:
        for client in cs:
            await client.describe_instance(InstanceArn=arn)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        contexts = len({id(_context(client, http)) for client in cs})
    return elapsed / count, cpu / count, contexts


def _context(client: Any, http: Http) -> object:
    http_session = client._endpoint.http_session
    if http == "httpx":
        return http_session._verify
    (pool,) = http_session._sessions.values()
    return pool.connector._ssl


def run(*, quick: bool = False) -> dict[str, float]:
    """Time both backends, shared and own contexts, alternated; print and return the medians."""
    count, runs = (5, 1) if quick else (200, 3)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    samples: dict[str, list[tuple[float, float, int]]] = {}
    with RemoteEndpoint() as endpoint:
        (arn,) = endpoint.create(0.0)
        for _ in range(runs):
            for http, backend in _BACKENDS.items():
                for own in (False, True):
                    with _own_contexts(own):
                        figures = anyio.run(
                            _clients, endpoint.endpoint_url, arn, count, http, backend=backend
                        )
                    name = f"{http}, {'own contexts' if own else 'shared'}"
                    samples.setdefault(name, []).append(figures)
    medians = {name: median([s[0] for s in runs_]) for name, runs_ in samples.items()}
    rows = []
    for name, runs_ in samples.items():
        cpu = median([s[1] for s in runs_])
        contexts = max(s[2] for s in runs_)
        rows.append(
            (
                name,
                f"{medians[name] * 1e3:6.2f} ms per client (CPU {cpu * 1e3:5.2f} ms), "
                f"{contexts} SSL context(s)",
            )
        )
    report(
        f"many clients: open_clients({count}), each asks once ({runs} alternated runs, "
        "aiohttp on asyncio, httpx on trio)",
        rows,
    )
    return medians


if __name__ == "__main__":
    run()
