"""An sso-admin client configured for polling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final, Literal

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from poller._endpoint import check_endpoint_url

__all__ = ["HttpBackend", "client_config", "open_client"]

HttpBackend = Literal["aiohttp", "httpx"]
"""aiobotocore's HTTP session: ``"aiohttp"`` (its default, asyncio only) or ``"httpx"``
(anyio: asyncio and trio; needs ``pip install 'poller[httpx]'``)."""

#: One quick retry inside botocore for a dropped connection; everything longer is the
#: waiter's business, where it is logged and bounded by the deadline. Botocore's default
#: (up to 3 attempts with its own backoff) under poller's own retries would multiply into
#: long silent stalls. Timeouts are well above DescribeInstance's usual latency.
_RETRIES: Final = {"mode": "standard", "total_max_attempts": 2}
_CONNECT_TIMEOUT: Final = 5
_READ_TIMEOUT: Final = 15


def client_config(http: HttpBackend | None = None) -> AioConfig:
    """The client settings poller uses, on the given HTTP backend.

    Args:
        http: ``"aiohttp"``, ``"httpx"``, or None to pick by the running event loop: httpx
            under trio (where aiohttp cannot run), aiohttp under asyncio.
    """
    if http is None:
        http = "httpx" if _running_trio() else "aiohttp"
    if http == "httpx":
        from aiobotocore.httpxsession import HttpxSession  # noqa: PLC0415 - optional extra

        return AioConfig(
            retries=_RETRIES,
            connect_timeout=_CONNECT_TIMEOUT,
            read_timeout=_READ_TIMEOUT,
            http_session_cls=HttpxSession,
        )
    if http != "aiohttp":
        raise ValueError(f"http must be 'aiohttp' or 'httpx', not {http!r}")
    return AioConfig(retries=_RETRIES, connect_timeout=_CONNECT_TIMEOUT, read_timeout=_READ_TIMEOUT)


def _running_trio() -> bool:
    try:
        import sniffio  # noqa: PLC0415 - trio depends on it; without it, this is not trio
    except ImportError:  # pragma: no cover - trio is in the test extras
        return False
    try:
        return bool(sniffio.current_async_library() == "trio")
    except sniffio.AsyncLibraryNotFoundError:
        return False


@asynccontextmanager
async def open_client(
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    *,
    http: HttpBackend | None = None,
    session: AioSession | None = None,
) -> AsyncIterator[Any]:
    """Open an aiobotocore ``sso-admin`` client, for callers that have none.

    Credentials come from the usual AWS chain (environment, profile, config files, roles).
    The client retries once by itself and times out in seconds, so that poller's waiter,
    which retries within its deadline and logs each retry, stays in charge.

    Args:
        region: The AWS Region of the instance; None reads it from the environment or profile.
        profile: A named profile from the AWS config files.
        endpoint_url: Another endpoint, such as the local one of :mod:`poller.simulator`.
        http: The HTTP backend. ``"aiohttp"`` is aiobotocore's default and the fastest on
            asyncio; ``"httpx"`` runs on any anyio backend, trio included. None picks httpx
            under trio and aiohttp otherwise.
        session: An aiobotocore session to create the client from (*profile* is then
            ignored); sharing one across many clients loads the service model once.

    Yields:
        The client, closed when the block ends.
    """
    check_endpoint_url(endpoint_url)
    config = client_config(http)
    session = session or AioSession(profile=profile)
    async with session.create_client(
        "sso-admin", region_name=region, endpoint_url=endpoint_url, config=config
    ) as client:
        yield client
