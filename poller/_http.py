"""aiobotocore's aiohttp session, with one SSL context per TLS setting for the whole process.

aiobotocore's aiohttp session builds an SSL context for each new client, on its first request:
the CA bundle is read and parsed (about 15-25 ms of CPU, holding the GIL, even for an
``http://`` endpoint). A thousand clients, one per account, then keep the event loop from
running for most of a 30-second fan-out. The contexts depend only on the TLS settings, so
:class:`SharedSSLSession` builds them once per setting and hands every later client the same
objects; an ``ssl.SSLContext`` is made to be shared by many connections and threads.

What decides a context, and so the key under which it is kept: ``verify`` (False, True or a
CA bundle's path), the client certificate and its key, the proxy's scheme, host and port (never
its user or password, which do not shape a context) and the proxy settings (``proxy_ca_bundle``,
``proxy_client_cert`` ...). Each file named by these settings is stamped (device, inode, size,
modification time) when a client asks: a file replaced since (a rotated certificate) builds a
new context, as aiobotocore would. A build that fails is not kept: the next client tries again.
At most :data:`MOST_KEPT` settings are kept, the least recently used dropped first, so that a
long-lived process whose settings keep changing (a CA bundle written anew for each job) does
not keep every context it ever built.

aiobotocore's documented way, ``AioConfig(connector_args={"ssl_context": ...})``, is refused
by aiohttp next to the session's own ``ssl`` argument, so this overrides a private method,
``_build_ssl_contexts(proxy_url)``: where aiobotocore no longer has it with that signature,
or a session lacks the settings read here, clients build their own contexts as before. The
first build runs where aiobotocore runs it (a worker thread when files are read); later
clients take the kept contexts in that thread too.

The httpx session is left as it is.
"""

from __future__ import annotations

import inspect
import os
import ssl
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from aiobotocore.httpsession import AIOHTTPSession

__all__ = ["MOST_KEPT", "SharedSSLSession", "aiohttp_session_class", "shares_ssl_contexts"]

#: The SSL contexts of an endpoint and of its proxy (None without a proxy), as aiobotocore's
#: ``_build_ssl_contexts`` returns them.
Contexts = tuple[ssl.SSLContext, ssl.SSLContext | None]
#: A file's identity and version: a replaced or rewritten file stamps differently.
Stamp = tuple[str, int, int, int, int] | tuple[str, None]
#: How many TLS settings' contexts are kept at most.
MOST_KEPT: Final = 32


def shares_ssl_contexts() -> bool:
    """Whether aiobotocore still has the private method that sharing overrides.

    ``AIOHTTPSession._build_ssl_contexts(self, proxy_url)``; anything else, and poller uses
    aiobotocore's session unchanged.
    """
    method = getattr(AIOHTTPSession, "_build_ssl_contexts", None)
    if not callable(method):
        return False
    try:
        parameters = list(inspect.signature(method).parameters)
    except (TypeError, ValueError):  # pragma: no cover - a builtin or an odd callable
        return False
    return parameters == ["self", "proxy_url"]


@dataclass(slots=True)
class _Kept:
    """The contexts kept for one setting, the stamps of its files, and the lock of its build."""

    lock: threading.Lock
    stamps: tuple[Stamp, ...] = ()
    contexts: Contexts | None = None


_kept: Final[OrderedDict[Hashable, _Kept]] = OrderedDict()
_kept_lock: Final = threading.Lock()


class SharedSSLSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore is untyped
    """aiobotocore's aiohttp session, taking its SSL contexts from a process-wide store."""

    def _build_ssl_contexts(self, proxy_url: str | None) -> Any:
        """The contexts for this session's TLS settings: built once, then the kept ones."""
        settings = _tls_settings(self, proxy_url)
        if settings is None:
            return super()._build_ssl_contexts(proxy_url)
        key, paths = settings
        # Stamped before the build reads the files: a file changed in between stamps newer
        # than what was read, and the next client builds again.
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
            if kept.contexts is None or kept.stamps != stamps:
                built = super()._build_ssl_contexts(proxy_url)
                if not _are_contexts(built):
                    return built  # not what this module knows: used, never shared
                kept.contexts, kept.stamps = built, stamps
            return kept.contexts


def aiohttp_session_class() -> type[AIOHTTPSession]:
    """The aiohttp session class poller's clients use: sharing SSL contexts when it can."""
    return SharedSSLSession if shares_ssl_contexts() else AIOHTTPSession


def _tls_settings(session: Any, proxy_url: str | None) -> tuple[Hashable, tuple[str, ...]] | None:
    """The key of a session's contexts and the files they read.

    None when the session does not hold its settings where aiobotocore 3 does, or holds one
    that cannot be a key (a list where botocore takes a tuple): that session builds its own.
    """
    try:
        verify = session._verify
        cert_file, key_file = session._cert_file, session._key_file
        proxy_settings = dict(session._proxy_config.settings)
        proxy = None if proxy_url is None else _place(proxy_url)
        # The proxy's settings only shape the proxy's context, built only with a proxy.
        proxied = tuple(sorted(proxy_settings.items())) if proxy is not None else ()
        key = (verify, cert_file, key_file, proxy, proxied)
        hash(key)
    except (AttributeError, TypeError, ValueError):
        return None
    named: list[object] = [verify, cert_file, key_file]
    if proxy is not None:
        named += [proxy_settings.get("proxy_ca_bundle"), proxy_settings.get("proxy_client_cert")]
    return key, tuple(_paths(named))


def _place(proxy_url: str) -> tuple[str, str | None, int | None]:
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
