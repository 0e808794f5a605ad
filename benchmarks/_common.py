"""What the benchmarks share: clients for the endpoint, medians, and printing figures."""

from __future__ import annotations

import logging
import statistics
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aiobotocore.session import AioSession

from poller import client_config

__all__ = ["bench_client", "median", "quiet", "report"]

#: Credentials for the local endpoint: it checks that a request is signed, not by whom.
DUMMY_KEYS = {"aws_access_key_id": "benchmark", "aws_secret_access_key": "benchmark"}


@asynccontextmanager
async def bench_client(
    endpoint_url: str, *, session: AioSession | None = None
) -> AsyncIterator[Any]:
    """An sso-admin client as ``poller.open_client`` configures it, for the local endpoint."""
    session = session or AioSession()
    async with session.create_client(
        "sso-admin",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        config=client_config("aiohttp"),
        **DUMMY_KEYS,
    ) as client:
        yield client


def quiet() -> None:
    """Drop poller's log lines: the benchmarks cancel waits, and the lines are not the point.

    Events are still built and handed to hooks; only the standard-library logger is off.
    """
    logging.getLogger("poller").disabled = True


def median(values: Sequence[float]) -> float:
    """The median of *values*."""
    return statistics.median(values)


def report(title: str, rows: Sequence[tuple[str, str]]) -> None:
    """Print a titled block of ``name: value`` lines."""
    print(f"\n## {title}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
