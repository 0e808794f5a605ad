"""Clients on the httpx backend share SSL contexts too: one per TLS setting, never across them.

The end-to-end tests run on trio (where poller picks httpx) and asyncio, against the simulator
served from a thread, over HTTP and over HTTPS with a certificate of a CA made here (openssl,
the fixtures of ``tests/test_client_ssl.py``); they reach into private parts only to read
which context a client's connection pool holds. The last ones call the overridden method on a
session directly: proxies and their credentials, files changed on disk, the user's own
``ssl_context``, aiobotocore moving.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import botocore.exceptions
import pytest

pytest.importorskip("httpx2", reason="the httpx backend is an extra: pip install 'poller[httpx]'")

from aiobotocore.httpxsession import HttpxSession

import poller
from poller import _http as http_module
from poller import open_client, open_clients
from poller._client import client_config
from poller._http import SharedSSLSession, httpx_session_class, shares_ssl_contexts
from poller.simulator import Simulator, serve_in_thread
from tests.test_client_ssl import (
    FAST,
    Authority,
    TlsCenter,
    aws_environment,  # noqa: F401 - the fixture, autouse here too
    make_authority,
    tls_identity_center,
)


@pytest.fixture
def ca(tmp_path: Path) -> Authority:
    """A CA of this test, and the endpoint's certificate it signed."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test CA, and is not installed")
    return make_authority(tmp_path / "first")


@pytest.fixture(params=["trio", "asyncio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """trio, where poller picks httpx by itself, then asyncio with httpx asked for."""
    return str(request.param)


def pool_context(client: Any) -> ssl.SSLContext:
    """The SSL context of a client's connection pool (made by its first request)."""
    session = client._endpoint.http_session
    context = session._session._transport._pool._ssl_context
    assert context is session._verify, "the pool uses the context the session built"
    assert isinstance(context, ssl.SSLContext)
    return context


@contextmanager
def tls_in_thread(authority: Authority) -> Iterator[TlsCenter]:
    """The simulator over HTTPS, served from a thread with its own asyncio loop (trio runs here)."""
    ready, state = threading.Event(), {}

    async def run() -> None:
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
        async with tls_identity_center(authority) as center:
            state["center"] = center
            ready.set()
            await state["stop"].wait()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    assert ready.wait(30), "the HTTPS simulator did not start"
    try:
        yield state["center"]
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(30)


def test_installed_aiobotocore_still_has_the_method_sharing_overrides() -> None:
    """The private method is there: poller's httpx clients use the sharing session."""
    assert shares_ssl_contexts("httpx")
    shared = client_config("httpx").http_session_cls
    assert shared is httpx_session_class()
    assert issubclass(shared, HttpxSession)
    assert shared is not HttpxSession


def test_a_moved_private_method_falls_back_to_aiobotocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another signature, or no method at all: aiobotocore's own httpx session, unchanged."""
    monkeypatch.setattr(HttpxSession, "_build_ssl_contexts", lambda self, proxy_url: None)
    assert not shares_ssl_contexts("httpx")
    assert HttpxSession is client_config("httpx").http_session_cls
    monkeypatch.delattr(HttpxSession, "_build_ssl_contexts")
    assert not shares_ssl_contexts("httpx")
    assert HttpxSession is httpx_session_class()


async def test_clients_of_open_clients_share_one_context() -> None:
    """Many accounts' httpx clients load the CA bundle once, not once each."""
    credentials = [{"aws_access_key_id": f"AKIA{n}", "aws_secret_access_key": "s"} for n in "123"]
    simulator = Simulator(time_scale=1000.0)
    arn = simulator.create_instance("shared")
    with serve_in_thread(simulator) as server:
        async with open_clients(
            credentials, region=simulator.region, endpoint_url=server.endpoint_url, http="httpx"
        ) as clients:
            for client in clients:
                await client.describe_instance(InstanceArn=arn)
            contexts = [pool_context(c) for c in clients]

    assert 1 == len({id(context) for context in contexts})
    assert ssl.CERT_REQUIRED == contexts[0].verify_mode


async def test_verify_settings_never_share_a_context(ca: Authority) -> None:
    """No check, the default bundle and a CA file: a context each, kept per setting."""
    settings: Sequence[bool | str | None] = [False, None, str(ca.ca), str(ca.ca)]
    simulator = Simulator(time_scale=1000.0)
    arn = simulator.create_instance("verify")
    contexts = []
    with serve_in_thread(simulator) as server:
        for verify in settings:
            async with open_client(
                simulator.region, endpoint_url=server.endpoint_url, http="httpx", verify=verify
            ) as client:
                await client.describe_instance(InstanceArn=arn)
                contexts.append(pool_context(client))

    unverified, default, own_ca, own_ca_again = contexts
    assert 3 == len({id(unverified), id(default), id(own_ca)})
    assert own_ca is own_ca_again
    assert ssl.CERT_NONE == unverified.verify_mode
    assert ssl.CERT_REQUIRED == default.verify_mode == own_ca.verify_mode


async def test_https_with_a_ca_file_verifies_end_to_end(ca: Authority) -> None:
    """verify=<CA file> reaches ACTIVE over HTTPS twice (built, then shared); the default fails."""
    with tls_in_thread(ca) as center:
        arns = [center.simulator.create_instance(f"tls{n}", create_seconds=30) for n in range(2)]
        url, results, contexts = center.endpoint_url, [], []
        for arn in arns:
            async with open_client(
                center.region, endpoint_url=url, http="httpx", verify=str(ca.ca)
            ) as client:
                results.append(await poller.wait_for_instance(client, arn, **FAST))
                contexts.append(pool_context(client))
        async with open_client(center.region, endpoint_url=url, http="httpx") as client:
            with pytest.raises(botocore.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.describe_instance(InstanceArn=arns[0])

    assert ["ACTIVE", "ACTIVE"] == [r.instance.status for r in results]
    assert contexts[0] is contexts[1]


def session(**settings: Any) -> Any:
    """A session of poller's httpx class, not entered: its contexts are built when asked."""
    return httpx_session_class()(**settings)


def test_a_proxy_url_of_one_client_never_reaches_another(ca: Authority) -> None:
    """Proxy contexts are kept by place; each client gets them under its own URLs only."""
    config = {"proxies_config": {"proxy_ca_bundle": str(ca.ca)}}
    first_url, second_url = (f"https://user:{p}@place.test:3128" for p in ("one", "two"))
    plain = "http://plain.test:3128"  # no TLS to an http proxy: no context for it
    first = session(**config)._build_ssl_contexts({"https": first_url, "http": plain})
    second = session(**config)._build_ssl_contexts({"https": second_url, "http": plain})

    assert first[0] is second[0]
    assert [first_url] == list(first[1])
    assert [second_url] == list(second[1])
    assert first[1][first_url] is second[1][second_url]
    assert first[1] is not second[1]
    elsewhere = session(**config)._build_ssl_contexts({"https": "https://other.test:3128"})
    assert elsewhere[1]["https://other.test:3128"] is not first[1][first_url]


def test_the_users_own_ssl_context_is_used_never_kept() -> None:
    """connector_args={"ssl_context": ...}: aiobotocore's handling, nothing in the store."""
    own = ssl.create_default_context()
    before = dict(http_module._kept)
    arguments = {"connector_args": {"ssl_context": own, "keepalive_timeout": 12}}
    proxy = {"https": "https://own-context.test:3128"}
    answers = [session(**arguments)._build_ssl_contexts(proxy) for _ in range(2)]

    assert [own, own] == [verify for verify, _ in answers]
    assert answers[0][1][proxy["https"]] is not answers[1][1][proxy["https"]]
    assert before == dict(http_module._kept)


def test_a_ca_file_missing_then_replaced(ca: Authority, tmp_path: Path) -> None:
    """A failed build is not kept; a CA file replaced since (rotated) is read again."""
    bundle = tmp_path / "bundle.pem"
    for _ in range(2):
        with pytest.raises(FileNotFoundError):
            session(verify=str(bundle))._build_ssl_contexts({})
    shutil.copy(ca.ca, bundle)
    built, _ = session(verify=str(bundle))._build_ssl_contexts({})
    assert built is session(verify=str(bundle))._build_ssl_contexts({})[0]
    replacement = tmp_path / "replacement.pem"
    replacement.write_bytes(make_authority(tmp_path / "second").ca.read_bytes())
    replacement.replace(bundle)
    assert built is not session(verify=str(bundle))._build_ssl_contexts({})[0]


def test_aiohttp_and_httpx_never_share_a_context(ca: Authority) -> None:
    """The two sessions build their contexts differently: the same setting, one each."""
    aiohttp_context, _ = SharedSSLSession(verify=str(ca.ca))._build_ssl_contexts(None)
    httpx_context, _ = session(verify=str(ca.ca))._build_ssl_contexts({})
    assert aiohttp_context is not httpx_context
    assert httpx_context.check_hostname


def test_contexts_of_another_shape_are_used_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """If aiobotocore's method answers something else, each session gets its own answer."""
    answers = iter(["first", "second"])

    def build(self: Any, proxy_urls: dict[str, str]) -> str:
        return next(answers)

    monkeypatch.setattr(HttpxSession, "_build_ssl_contexts", build)
    proxy = {"https": "https://another-shape.test:3128"}  # a setting no other test has kept
    answered = [session(verify=False)._build_ssl_contexts(proxy) for _ in range(2)]
    assert ["first", "second"] == answered
