"""Fixtures shared by the test suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import structlog
from aiobotocore.session import AioSession
from aiobotocore.stub import AioStubber
from trio.testing import MockClock

from poller.events import Event

#: Settings that make a wait fast and bounded in tests.
FAST: dict[str, Any] = {"timeout": 10, "min_delay": 0, "max_delay": 0.001}


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str | tuple[str, dict[str, Any]]:
    """The event loop of an async test: asyncio, or trio in virtual time if marked so.

    A test marked ``virtual_time`` runs on trio with a fresh ``MockClock`` that jumps ahead
    whenever every task sleeps: its timings are exact and cost no real time.
    """
    if request.node.get_closest_marker("virtual_time"):
        return ("trio", {"clock": MockClock(autojump_threshold=0)})
    return "asyncio"


@pytest.fixture(autouse=True)
def _unconfigured_structlog() -> Iterator[None]:
    """Every test starts, and leaves, structlog as an application that never set it up."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def events() -> list[Event]:
    """A list that an ``on_event`` hook fills: pass ``events.append``."""
    return []


@pytest.fixture
async def stubbed() -> AsyncIterator[tuple[Any, AioStubber]]:
    """A real aiobotocore sso-admin client whose answers come from AioStubber."""
    session = AioSession()
    async with session.create_client(
        "sso-admin",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as client:
        with AioStubber(client) as stubber:
            yield client, stubber
