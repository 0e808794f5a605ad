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

import asyncio
import contextlib
import importlib
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Final

import poller
from poller import check_endpoint_url

if TYPE_CHECKING:
    from botocore.config import Config

__all__ = [
    "DEFAULT_CONN_ID",
    "NO_PROVIDER_MESSAGE",
    "ConnectionNotFoundError",
    "aws_hook_class",
    "check_botocore_config",
    "check_connection",
    "must_exist",
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
#: What botocore reads from its data files when it makes an sso-admin client.
_BOTOCORE_DATA: Final = ("endpoints", "partitions", "sdk-default-configuration")
_SERVICE_MODELS: Final = ("service-2", "endpoint-rule-set-1")


class ConnectionNotFoundError(ValueError):
    """A named AWS connection that Airflow does not have: never a silent fallback.

    The Amazon provider's hook logs "Unable to find AWS Connection ID ..., switching to empty"
    and goes on with the machine's own credentials (the worker's, the triggerer's), which may
    be another account's. Only the provider's default connection, ``aws_default``, falls back
    so, as the provider's own operators do when it is missing.
    """

    def __init__(self, conn_id: str) -> None:
        super().__init__(
            f"aws_conn_id={conn_id!r}: Airflow has no such connection. Create it, correct the "
            f"name, or pass aws_conn_id=None for the default AWS credential chain (only "
            f"{DEFAULT_CONN_ID!r} falls back to that chain when it does not exist)"
        )
        self.conn_id = conn_id


def must_exist(conn_id: str | None) -> bool:
    """Whether the connection *conn_id* must exist: any named one but ``aws_default``."""
    return bool(conn_id) and conn_id != DEFAULT_CONN_ID


def aws_hook_class() -> Any:
    """The Amazon provider's AwsBaseHook, or None when the provider is not installed."""
    try:
        from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook  # noqa: PLC0415
    except ImportError:  # optional: then the default AWS credential chain
        return None
    return AwsBaseHook


def check_connection(conn_id: str | None, *, named_by_dag: bool) -> None:
    """Refuse a connection that cannot be used, before any request (in the worker).

    Args:
        conn_id: The rendered ``aws_conn_id``.
        named_by_dag: Whether the DAG gave it (not the default ``aws_default``).

    Raises:
        ValueError: A connection named without the Amazon provider, which alone reads them.
        ConnectionNotFoundError: A named connection Airflow does not have.
    """
    hook_class = aws_hook_class()
    if hook_class is None:
        if named_by_dag and conn_id:
            raise ValueError(NO_PROVIDER_MESSAGE.format(conn_id=conn_id))
        return
    if not must_exist(conn_id):
        return
    assert conn_id is not None
    try:
        from airflow.sdk.exceptions import AirflowNotFoundException  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]  # noqa: PLC0415
            AirflowNotFoundException,
        )
    try:
        hook_class.get_connection(conn_id)
    except AirflowNotFoundException:
        raise ConnectionNotFoundError(conn_id) from None


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

    Everything that blocks (importing the provider and botocore, reading the connection,
    making the session, reading botocore's data files) runs in a worker thread, off the event
    loop that the triggerer shares between every trigger it runs; only the client's own
    assembly is left for ``async with``.

    Args:
        aws_conn_id: The Airflow connection; None for the default AWS credential chain, and
            so is ``aws_default`` without the provider (or, with it, when it does not exist).
        region_name: The client's Region; overrides the connection's.
        endpoint_url: The endpoint; overrides the connection's.
        verify: TLS verification (a CA bundle's path, or False); overrides the connection's.
        botocore_config: botocore ``Config`` options; replace the connection's
            ``config_kwargs``, as in the provider.

    Raises:
        RuntimeError: A named connection without the Amazon provider.
        ConnectionNotFoundError: A named connection Airflow does not have.
        ValueError: An unusable endpoint URL or botocore option.
    """
    # asyncio's thread, not anyio's: anyio's first call on a loop imports its event-loop
    # backend there, on the loop (tens of milliseconds); this thread imports it instead.
    return await asyncio.to_thread(
        _client_context, aws_conn_id, region_name, endpoint_url, verify, botocore_config
    )


def _client_context(
    aws_conn_id: str | None,
    region_name: str | None,
    endpoint_url: str | None,
    verify: bool | str | None,
    botocore_config: Mapping[str, Any] | None,
) -> AbstractAsyncContextManager[Any]:
    """The client to open, made in a worker thread: see :func:`open_hook_client`."""
    _load_waiters()
    hook_class = aws_hook_class()
    if hook_class is None:
        if aws_conn_id not in (None, DEFAULT_CONN_ID):
            raise RuntimeError(NO_PROVIDER_MESSAGE.format(conn_id=aws_conn_id))
        return _default_chain_client(region_name, endpoint_url, verify, botocore_config)
    hook = hook_class(
        aws_conn_id=aws_conn_id,
        client_type=_SERVICE,
        region_name=region_name,
        verify=verify,
        config=None if botocore_config is None else dict(botocore_config),
    )
    # Reads the connection once, as the provider's get_async_conn() does; a wrapper of no
    # connection is falsy, which the provider logs and then ignores.
    if must_exist(aws_conn_id) and not hook.conn_config:
        assert aws_conn_id is not None
        raise ConnectionNotFoundError(aws_conn_id)
    session = hook.get_session(region_name=hook.region_name, deferrable=True)
    endpoint = endpoint_url or hook.conn_config.get_service_endpoint_url(_SERVICE)
    check_endpoint_url(endpoint)
    _load_botocore_data(session)
    client: AbstractAsyncContextManager[Any] = session.create_client(
        _SERVICE,
        region_name=hook.region_name,
        endpoint_url=endpoint,
        config=_polling_config(hook.conn_config.botocore_config),
        verify=hook.verify,
    )
    return client


def _load_waiters() -> None:
    """Import, here in a worker thread, what waiting on the client will import on the loop.

    poller's waiters (and aiobotocore) are imported on first use, so that parsing a DAG file
    stays light; anyio imports its asyncio backend on its first call in a loop.
    """
    poller.wait_many  # noqa: B018 - imported on first use: this is the use
    with contextlib.suppress(ImportError):  # where anyio keeps it; if moved, it loads later
        importlib.import_module("anyio._backends._asyncio")


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
    session = AioSession()
    _load_botocore_data(session)
    client: AbstractAsyncContextManager[Any] = session.create_client(
        _SERVICE,
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=_polling_config(user),
        verify=verify,
    )
    return client


def _load_botocore_data(session: Any) -> None:
    """Read, here in a worker thread, what the session reads when it makes a client.

    ``create_client`` runs on the event loop when the client is opened and reads botocore's
    JSON files (the endpoints, the service's model and rule set: megabytes) unless the
    session's loader has them already; it keeps what it read. The shared configuration files
    (``~/.aws/config``) are read here too.
    """
    warm_up = getattr(session, "warm_up_loader_caches", None)
    if warm_up is not None:  # aiobotocore's own, for this very purpose
        warm_up(_SERVICE)
    else:
        loader = session.get_component("data_loader")
        for name in _BOTOCORE_DATA:
            loader.load_data(name)
        for type_name in _SERVICE_MODELS:
            loader.load_service_model(_SERVICE, type_name)
    session.get_scoped_config()
