"""aiobotocore's HTTP sessions, with one SSL context per TLS setting for the whole process.

aiobotocore's sessions build SSL contexts for each new client: the aiohttp one on its first
request, the httpx one when the client opens. The CA bundle is read and parsed (about 15-25 ms
of CPU, holding the GIL, even for an ``http://`` endpoint): a thousand clients, one per
account, then keep the event loop from running for most of a 30-second fan-out. The contexts
depend only on the TLS settings, so :class:`SharedSSLSession` (aiohttp) and the class of
:func:`httpx_session_class` build them once per setting and hand every later client the same
objects; an ``ssl.SSLContext`` is made to be shared by many connections and threads.

What decides a context, and so the key under which it is kept: the session's kind (aiohttp
and httpx build theirs differently), ``verify`` (False, True or a CA bundle's path), the client
certificate and its key, each proxy's scheme, host and port (never its user or password, which
do not shape a context) and the proxy settings (``proxy_ca_bundle``, ``proxy_client_cert``
...). Each file named by these settings is stamped (device, inode, size, modification time)
when a client asks: a file replaced since (a rotated certificate) builds a new context, as
aiobotocore would. A build that fails is not kept: the next client tries again. At most
:data:`MOST_KEPT` settings are kept, the least recently used dropped first, so that a
long-lived process whose settings keep changing (a CA bundle written anew for each job) does
not keep every context it ever built. httpx's proxy contexts come keyed by proxy URL, which
may hold credentials: they are kept by proxy place, and each client gets a dict of its own
URLs.

aiobotocore's documented way, ``AioConfig(connector_args={"ssl_context": ...})``, is refused
by aiohttp next to the session's own ``ssl`` argument, so this overrides a private method,
``_build_ssl_contexts``: where aiobotocore no longer has it with the signature known here, or a
session lacks the settings read here, clients build their own contexts as before; so do httpx
clients given their own ``ssl_context``. The first build runs where aiobotocore runs it (a
worker thread when files are read); later clients take the kept contexts in that thread too.
httpx is optional: its session is imported only by :func:`httpx_session_class`.
"""

from __future__ import annotations

import functools
import inspect
import os
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from aiobotocore.httpsession import AIOHTTPSession

__all__ = [
    "MOST_KEPT",
    "SharedSSLSession",
    "aiohttp_session_class",
    "httpx_session_class",
    "shares_ssl_contexts",
]

#: A file's identity and version: a replaced or rewritten file stamps differently.
Stamp = tuple[str, int, int, int, int] | tuple[str, None]
#: A proxy's scheme, host and port.
Place = tuple[str, str | None, int | None]
#: How many TLS settings' contexts are kept at most.
MOST_KEPT: Final = 32
#: The parameters of each session's overridden ``_build_ssl_contexts``.
_SIGNATURES: Final = {"aiohttp": ["self", "proxy_url"], "httpx": ["self", "proxy_urls"]}

T = TypeVar("T")


def shares_ssl_contexts(http: Literal["aiohttp", "httpx"] = "aiohttp") -> bool:
    """Whether aiobotocore's session for *http* still has the private method sharing overrides.

    ``_build_ssl_contexts(self, proxy_url)`` on aiohttp, ``(self, proxy_urls)`` on httpx;
    anything else, and poller uses aiobotocore's session unchanged.
    """
    method = getattr(_aiobotocore_session(http), "_build_ssl_contexts", None)
    if not callable(method):
        return False
    try:
        parameters = list(inspect.signature(method).parameters)
    except (TypeError, ValueError):  # pragma: no cover - a builtin or an odd callable
        return False
    return parameters == _SIGNATURES[http]


def aiohttp_session_class() -> type[AIOHTTPSession]:
    """The aiohttp session class poller's clients use: sharing SSL contexts when it can."""
    return SharedSSLSession if shares_ssl_contexts() else AIOHTTPSession


def httpx_session_class() -> type[Any]:
    """The httpx session class poller's clients use: sharing SSL contexts when it can.

    Imports aiobotocore's httpx session, which needs ``pip install 'poller[httpx]'``.
    """
    return (
        _shared_httpx_session() if shares_ssl_contexts("httpx") else _aiobotocore_session("httpx")
    )


@dataclass(slots=True)
class _Kept:
    """The value kept for one setting, the stamps of its files, and the lock of its build."""

    lock: threading.Lock
    stamps: tuple[Stamp, ...] = ()
    value: object = None


_kept: Final[OrderedDict[Hashable, _Kept]] = OrderedDict()
_kept_lock: Final = threading.Lock()


def _kept_or_built(
    key: Hashable, paths: Iterable[str], build: Callable[[], T], keeps: Callable[[T], bool]
) -> T:
    """The value kept under *key*, or *build*'s, kept if it *keeps* and its files are unchanged."""
    # Stamped before the build reads the files: a file changed in between stamps newer than
    # what was read, and the next client builds again.
    stamps = tuple(_stamp(path) for path in paths)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is None:
            kept = _kept[key] = _Kept(threading.Lock())
            if len(_kept) > MOST_KEPT:
                _kept.popitem(last=False)  # a build under way there still completes
        else:
            _kept.move_to_end(key)
    # One build per setting: the clients that ask meanwhile wait for it, in their threads.
    with kept.lock:
        if kept.value is None or kept.stamps != stamps:
            built = build()
            if not keeps(built):
                return built  # not what this module knows: used, never shared
            kept.value, kept.stamps = built, stamps
        return kept.value  # type: ignore[return-value]  # kept only what *keeps* allowed


class SharedSSLSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore is untyped
    """aiobotocore's aiohttp session, taking its SSL contexts from a process-wide store."""

    def _build_ssl_contexts(self, proxy_url: str | None) -> Any:
        """The contexts for this session's TLS settings: built once, then the kept ones."""
        build = functools.partial(super()._build_ssl_contexts, proxy_url)
        settings = _tls_settings(self, () if proxy_url is None else (proxy_url,))
        if settings is None:
            return build()
        key, paths = settings
        return _kept_or_built(("aiohttp", key), paths, build, _are_contexts)


@dataclass(frozen=True, slots=True)
class _Placed:
    """httpx's contexts, the proxies' by place rather than by URL (which may hold credentials)."""

    verify: ssl.SSLContext
    proxies: Mapping[Place, ssl.SSLContext]

    def by_url(self, proxy_urls: Iterable[str]) -> dict[str, ssl.SSLContext]:
        """The proxies' contexts keyed by a client's own proxy URLs."""
        places = {url: _place(url) for url in proxy_urls}
        return {url: self.proxies[place] for url, place in places.items() if place in self.proxies}


def _placed(built: object) -> object:
    """An httpx session's answer with its proxy contexts by place; any other as it is."""
    match built:
        case (ssl.SSLContext() as verify, dict() as proxies) if all(
            isinstance(url, str) and isinstance(context, ssl.SSLContext)
            for url, context in proxies.items()
        ):
            return _Placed(verify, {_place(url): context for url, context in proxies.items()})
    return built


@functools.cache
def _shared_httpx_session() -> type[Any]:
    """The subclass of aiobotocore's httpx session that shares SSL contexts."""
    from aiobotocore.httpxsession import HttpxSession  # noqa: PLC0415 - optional extra

    class SharedSSLHttpxSession(HttpxSession):  # type: ignore[misc]  # aiobotocore is untyped
        """aiobotocore's httpx session, taking its SSL contexts from a process-wide store."""

        def _build_ssl_contexts(self, proxy_urls: dict[str, str]) -> Any:
            """The contexts for this session's TLS settings: built once, then the kept ones."""
            build = functools.partial(super()._build_ssl_contexts, proxy_urls)
            settings = _tls_settings(self, proxy_urls.values())
            if settings is None or isinstance(self._verify, ssl.SSLContext):
                return build()  # the user's own ssl_context is theirs, never shared
            key, paths = settings
            built = _kept_or_built(
                ("httpx", key), paths, lambda: _placed(build()), lambda b: isinstance(b, _Placed)
            )
            if not isinstance(built, _Placed):
                return built
            return built.verify, built.by_url(proxy_urls.values())

    return SharedSSLHttpxSession


def _aiobotocore_session(http: Literal["aiohttp", "httpx"]) -> type[Any]:
    if http == "aiohttp":
        return AIOHTTPSession  # type: ignore[no-any-return]  # aiobotocore is untyped
    from aiobotocore.httpxsession import HttpxSession  # noqa: PLC0415 - optional extra

    return HttpxSession  # type: ignore[no-any-return]  # partly typed


def _tls_settings(
    session: Any, proxy_urls: Iterable[str]
) -> tuple[Hashable, tuple[str, ...]] | None:
    """The key of a session's contexts and the files they read.

    None when the session does not hold its settings where aiobotocore 3 does, or holds one
    that cannot be a key (a list where botocore takes a tuple): that session builds its own.
    """
    try:
        verify = session._verify
        cert_file, key_file = session._cert_file, session._key_file
        proxy_settings = dict(session._proxy_config.settings)
        places = tuple(sorted({_place(url) for url in proxy_urls}, key=repr))
        # The proxy's settings only shape the proxy's context, built only with a proxy.
        proxied = tuple(sorted(proxy_settings.items())) if places else ()
        key = (verify, cert_file, key_file, places, proxied)
        hash(key)
    except (AttributeError, TypeError, ValueError):
        return None
    named: list[object] = [verify, cert_file, key_file]
    if places:
        named += [proxy_settings.get("proxy_ca_bundle"), proxy_settings.get("proxy_client_cert")]
    return key, tuple(_paths(named))


def _place(proxy_url: str) -> Place:
    """A proxy's scheme, host and port: what its context depends on, without credentials."""
    parts = urlsplit(proxy_url if "//" in proxy_url else f"http://{proxy_url}")
    return parts.scheme, parts.hostname, parts.port  # a malformed port: ValueError


def _paths(values: Iterable[object]) -> Iterable[str]:
    for value in values:
        if isinstance(value, (str, os.PathLike)):
            yield os.fsdecode(value)
        elif isinstance(value, tuple):  # a (certificate, key) pair
            yield from _paths(value)


def _stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:  # the build will say what is wrong with it
        return (path, None)
    return (path, status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _are_contexts(built: object) -> bool:
    match built:
        case (ssl.SSLContext(), ssl.SSLContext() | None):
            return True
    return False
