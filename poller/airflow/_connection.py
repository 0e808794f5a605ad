"""The sso-admin client a trigger polls through, built as the Amazon provider builds its own.

With the provider installed, the client comes from its ``AwsBaseHook``, piece by piece as
``get_async_conn()`` assembles it: the hook's aiobotocore session (the connection's keys,
profile or assumed role, refreshed), its endpoint URL for ``sso-admin``, its ``verify`` and its
botocore config (the connection's ``config_kwargs`` or the operator's ``botocore_config``:
proxies, timeouts, user agent ...). poller's own settings go underneath, and botocore's retries
stay off whatever the config says: every request is a poll that poller counts, paces and
bounds by the deadline. Without the provider, a plain aiobotocore session gives the same.

Nothing here imports botocore or aiobotocore until a client is made, in the triggerer.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Final

import anyio

import poller
from poller import check_endpoint_url

if TYPE_CHECKING:
    from botocore.config import Config

__all__ = [
    "DEFAULT_CONN_ID",
    "NO_PROVIDER_MESSAGE",
    "aws_hook_class",
    "check_botocore_config",
    "open_hook_client",
]

#: The Amazon provider's default connection: a missing one means the default AWS chain.
DEFAULT_CONN_ID: Final = "aws_default"
#: Why a named connection cannot be used, and what to install (never a silent fallback to the
#: worker's or triggerer's own credentials, which may be another account's).
NO_PROVIDER_MESSAGE: Final = (
    "aws_conn_id={conn_id!r} needs the Amazon provider, which is not installed: "
    "pip install apache-airflow-providers-amazon (or pass aws_conn_id=None for the default "
    "AWS credential chain)"
)
#: The client's service.
_SERVICE: Final = "sso-admin"


def aws_hook_class() -> Any:
    """The Amazon provider's AwsBaseHook, or None when the provider is not installed."""
    try:
        from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook  # noqa: PLC0415
    except ImportError:  # optional: then the default AWS credential chain
        return None
    return AwsBaseHook


def check_botocore_config(botocore_config: Mapping[str, Any] | None) -> None:
    """Refuse a botocore config botocore would refuse, before any deferral.

    Imports botocore: call it in ``execute()``, not when the DAG is parsed.

    Raises:
        ValueError: An option botocore's ``Config`` does not take.
    """
    if botocore_config is None:
        return
    from botocore.config import Config  # noqa: PLC0415 - in execute(), never at parse time

    try:
        Config(**botocore_config)
    except TypeError as error:  # botocore names the option it does not know
        raise ValueError(f"botocore_config: {error}") from error


def _polling_config(user: Config | None) -> Config:
    """The client settings of poller under the user's, with botocore's retries kept off."""
    from aiobotocore.config import AioConfig  # noqa: PLC0415 - in the triggerer only

    base = poller.client_config()
    if user is None:
        return base
    # The user's options win (proxies, timeouts, user agent), but for retries: botocore's own
    # would hide throttles from the rate limiter and spend the deadline out of sight.
    merged: Config = base.merge(user).merge(AioConfig(retries=base.retries))
    return merged


async def open_hook_client(
    *,
    aws_conn_id: str | None,
    region_name: str | None,
    endpoint_url: str | None,
    verify: bool | str | None,
    botocore_config: Mapping[str, Any] | None,
) -> AbstractAsyncContextManager[Any]:
    """An ``sso-admin`` client to open with ``async with``, as the Amazon provider makes it.

    Args:
        aws_conn_id: The Airflow connection; None for the default AWS credential chain, and
            so is ``aws_default`` without the provider.
        region_name: The client's Region; overrides the connection's.
        endpoint_url: The endpoint; overrides the connection's.
        verify: TLS verification (a CA bundle's path, or False); overrides the connection's.
        botocore_config: botocore ``Config`` options; replace the connection's
            ``config_kwargs``, as in the provider.

    Raises:
        RuntimeError: A named connection without the Amazon provider.
        ValueError: An unusable endpoint URL or botocore option.
    """
    hook_class = aws_hook_class()
    if hook_class is None:
        if aws_conn_id not in (None, DEFAULT_CONN_ID):
            raise RuntimeError(NO_PROVIDER_MESSAGE.format(conn_id=aws_conn_id))
        return await anyio.to_thread.run_sync(
            _default_chain_client, region_name, endpoint_url, verify, botocore_config
        )
    hook = hook_class(
        aws_conn_id=aws_conn_id,
        client_type=_SERVICE,
        region_name=region_name,
        verify=verify,
        config=None if botocore_config is None else dict(botocore_config),
    )

    def create() -> AbstractAsyncContextManager[Any]:
        # Reads the connection (a blocking call to Airflow) and makes the session, as the
        # provider's get_async_conn() does in a thread of its own.
        session = hook.get_session(region_name=hook.region_name, deferrable=True)
        endpoint = endpoint_url or hook.conn_config.get_service_endpoint_url(_SERVICE)
        check_endpoint_url(endpoint)
        client: AbstractAsyncContextManager[Any] = session.create_client(
            _SERVICE,
            region_name=hook.region_name,
            endpoint_url=endpoint,
            config=_polling_config(hook.conn_config.botocore_config),
            verify=hook.verify,
        )
        return client

    return await anyio.to_thread.run_sync(create)


def _default_chain_client(
    region_name: str | None,
    endpoint_url: str | None,
    verify: bool | str | None,
    botocore_config: Mapping[str, Any] | None,
) -> AbstractAsyncContextManager[Any]:
    """A client from the default AWS credential chain, with the operator's settings."""
    from aiobotocore.session import AioSession  # noqa: PLC0415 - in the triggerer only
    from botocore.config import Config  # noqa: PLC0415

    check_endpoint_url(endpoint_url)
    user = None if botocore_config is None else Config(**botocore_config)
    client: AbstractAsyncContextManager[Any] = AioSession().create_client(
        _SERVICE,
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=_polling_config(user),
        verify=verify,
    )
    return client
