"""sso-admin clients configured for polling: one, or one per account from one session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Final, Literal

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from poller._endpoint import check_endpoint_url
from poller._http import aiohttp_session_class, httpx_session_class

__all__ = ["HttpBackend", "client_config", "open_client", "open_clients"]

HttpBackend = Literal["aiohttp", "httpx"]
"""aiobotocore's HTTP session: ``"aiohttp"`` (its default, asyncio only) or ``"httpx"``
(anyio: asyncio and trio; needs ``pip install 'poller[httpx]'``)."""

#: No retries inside botocore: every request the client sends is a poll the waiter counts,
#: logs and paces (and a throttle it feeds to the rate limiter), bounded by the deadline.
#: Botocore's own retries would hide throttles and add silent backoff. Timeouts are well
#: above the Describe operations' usual latency.
_RETRIES: Final = {"mode": "standard", "total_max_attempts": 1}
_CONNECT_TIMEOUT: Final = 5
_READ_TIMEOUT: Final = 15


def client_config(http: HttpBackend | None = None) -> AioConfig:
    """The client settings poller uses, on the given HTTP backend.

    The clients of a process share their SSL contexts: one per TLS setting (``verify``,
    client certificate, proxy), built once instead of once per client.

    Args:
        http: ``"aiohttp"``, ``"httpx"``, or None to pick by the running event loop: httpx
            under trio (where aiohttp cannot run), aiohttp under asyncio.
    """
    if http is None:
        http = "httpx" if _running_trio() else "aiohttp"
    if http == "httpx":
        return AioConfig(
            retries=_RETRIES,
            connect_timeout=_CONNECT_TIMEOUT,
            read_timeout=_READ_TIMEOUT,
            http_session_cls=httpx_session_class(),  # imports httpx: an optional extra
        )
    if http != "aiohttp":
        raise ValueError(f"http must be 'aiohttp' or 'httpx', not {http!r}")
    return AioConfig(
        retries=_RETRIES,
        connect_timeout=_CONNECT_TIMEOUT,
        read_timeout=_READ_TIMEOUT,
        http_session_cls=aiohttp_session_class(),
    )


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
    verify: bool | str | None = None,
) -> AsyncIterator[Any]:
    """Open an aiobotocore ``sso-admin`` client, for callers that have none.

    Credentials come from the usual AWS chain (environment, profile, config files, roles).
    The client does not retry by itself and times out in seconds, so that poller's waiter,
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
        verify: How to check the endpoint's TLS certificate: the path of a CA bundle, False
            not to check it, or None for botocore's default (its bundle, or AWS_CA_BUNDLE).

    Yields:
        The client, closed when the block ends.
    """
    check_endpoint_url(endpoint_url)
    config = client_config(http)
    session = session or AioSession(profile=profile)
    async with session.create_client(
        "sso-admin", region_name=region, endpoint_url=endpoint_url, config=config, verify=verify
    ) as client:
        yield client


_STS_KEYS: Final = ("AccessKeyId", "SecretAccessKey", "SessionToken")
_CLIENT_KEYS: Final = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def _credential_arguments(credentials: Mapping[str, Any]) -> dict[str, Any]:
    """``create_client`` keyword arguments from STS's ``Credentials`` or botocore's names."""
    keys = _STS_KEYS if "AccessKeyId" in credentials else _CLIENT_KEYS
    if keys[0] not in credentials or keys[1] not in credentials:
        raise ValueError(
            "credentials need AccessKeyId and SecretAccessKey (as STS returns them) or "
            "aws_access_key_id and aws_secret_access_key"
        )
    return {name: credentials.get(key) for name, key in zip(_CLIENT_KEYS, keys, strict=True)}


@asynccontextmanager
async def open_clients(
    credentials: Iterable[Mapping[str, Any]],
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    http: HttpBackend | None = None,
    session: AioSession | None = None,
) -> AsyncIterator[list[Any]]:
    """Open one ``sso-admin`` client per set of credentials, all from one session.

    Clients made by one session share its loaded service model and endpoint data, which are
    read from disk and parsed once instead of once per account: a client then costs its
    own connection pool and little else.

    Args:
        credentials: One mapping per account: the ``Credentials`` of an STS ``AssumeRole``
            answer (``AccessKeyId``, ``SecretAccessKey``, ``SessionToken``), or
            ``aws_access_key_id``, ``aws_secret_access_key`` and ``aws_session_token``.
        region: The Region of the instances; None reads it from the environment or profile.
        endpoint_url: Another endpoint, such as the local one of :mod:`poller.simulator`.
        http: The HTTP backend, as for :func:`open_client`.
        session: The session to create the clients from; a new one by default.

    Yields:
        The clients, in the order of *credentials*, all closed when the block ends.
    """
    check_endpoint_url(endpoint_url)
    arguments = [_credential_arguments(c) for c in credentials]
    config = client_config(http)
    session = session or AioSession()
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                session.create_client(
                    "sso-admin",
                    region_name=region,
                    endpoint_url=endpoint_url,
                    config=config,
                    **keys,
                )
            )
            for keys in arguments
        ]
        yield clients
