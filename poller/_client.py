"""An sso-admin client configured for polling."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

__all__ = ["CLIENT_CONFIG", "open_client"]

#: One quick retry inside botocore for a dropped connection; everything longer is the
#: waiter's business, where it is logged and bounded by the deadline. Botocore's default
#: (up to 3 attempts with its own backoff) under poller's own retries would multiply into
#: long silent stalls. Timeouts are well above DescribeInstance's usual latency.
CLIENT_CONFIG: Final = AioConfig(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=5,
    read_timeout=15,
)


def check_endpoint_url(endpoint_url: str | None) -> None:
    """Refuse an endpoint URL that is not an absolute http(s) URL."""
    if endpoint_url is None:
        return
    parsed = urllib.parse.urlsplit(endpoint_url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValueError(f"endpoint_url must be an http:// or https:// URL, not {endpoint_url!r}")


@asynccontextmanager
async def open_client(
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
) -> AsyncIterator[Any]:
    """Open an aiobotocore ``sso-admin`` client, for callers that have none.

    Credentials come from the usual AWS chain (environment, profile, config files, roles).
    The client retries once by itself and times out in seconds, so that poller's waiter,
    which retries within its deadline and logs each retry, stays in charge.

    Args:
        region: The AWS Region of the instance; None reads it from the environment or profile.
        profile: A named profile from the AWS config files.
        endpoint_url: Another endpoint, such as the local one of :mod:`poller.simulator`.

    Yields:
        The client, closed when the block ends.
    """
    check_endpoint_url(endpoint_url)
    session = AioSession(profile=profile)
    async with session.create_client(
        "sso-admin", region_name=region, endpoint_url=endpoint_url, config=CLIENT_CONFIG
    ) as client:
        yield client
