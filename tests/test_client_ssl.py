"""Clients made by poller share SSL contexts: one per TLS setting, never across settings.

Over real HTTP to the local endpoint, and over HTTPS to the simulator served with a
certificate of a CA made here (openssl). The end-to-end tests reach into private parts only to
read which context a client's connector holds; the last ones call the overridden method on a
session directly: what is part of the key, files changed on disk, aiobotocore moving.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import botocore.exceptions
import pytest
from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.session import AioSession
from aiohttp import web
from botocore.config import Config

import poller
from poller import _http as http_module
from poller import open_client, open_clients
from poller._client import client_config
from poller._http import MOST_KEPT, SharedSSLSession, shares_ssl_contexts
from poller.simulator import Simulator, make_app
from poller.testing import local_identity_center

FAST: dict[str, Any] = {"timeout": 20, "min_delay": 0.01, "max_delay": 0.05}
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
#: What would choose another CA bundle, proxy or profile than the test's.
_UNSET = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_CA_BUNDLE",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
)


def connector_contexts(client: Any) -> tuple[ssl.SSLContext, ssl.SSLContext | None]:
    """The SSL contexts of a client's connection pool (made by its first request)."""
    (session,) = client._endpoint.http_session._sessions.values()
    connector = session.connector
    return connector._ssl, connector._proxy_ssl_context


async def first_request(client: Any, arn: str) -> None:
    """One request through *client*, so that it builds its connection pool."""
    await client.describe_instance(InstanceArn=arn)


@dataclass(frozen=True)
class Authority:
    """A CA made for one test, and a certificate it signed for 127.0.0.1."""

    ca: Path
    certificate: Path
    key: Path


def openssl(*arguments: str | Path) -> None:
    """Run openssl, quietly, failing the test if it fails."""
    subprocess.run(["openssl", *map(str, arguments)], check=True, capture_output=True)


def make_authority(directory: Path) -> Authority:
    """A CA and a server certificate for IP 127.0.0.1 signed by it, as PEM files."""
    directory.mkdir()
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    certificate, key, request = directory / "server.pem", directory / "server.key", directory / "r"
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *curve, "-keyout", ca_key, "-out", ca, "-days", "2",
            "-subj", "/CN=poller test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    openssl("req", "-new", *curve, "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1")
    extensions = directory / "extensions"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    openssl("x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", certificate, "-days", "2", "-extfile", extensions)  # fmt: skip
    return Authority(ca, certificate, key)


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy keys from the environment; no config file, CA bundle or proxy of the machine's."""
    for name, value in KEYS.items():
        monkeypatch.setenv(name.upper(), value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (*_UNSET, *(n.lower() for n in _UNSET)):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    """A CA of this test, and the endpoint's certificate it signed."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test CA, and is not installed")
    return make_authority(tmp_path / "first")


@asynccontextmanager
async def served(app: web.Application, tls: ssl.SSLContext | None = None) -> AsyncIterator[str]:
    """Serve *app* on a free loopback port; yields its URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
        await site.start()
        port = runner.addresses[0][1]
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@dataclass(frozen=True)
class TlsCenter:
    """The simulator, served over HTTPS."""

    simulator: Simulator
    endpoint_url: str
    region: str = "us-east-1"


@asynccontextmanager
async def tls_identity_center(authority: Authority) -> AsyncIterator[TlsCenter]:
    """The simulator served over HTTPS with the authority's certificate."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(authority.certificate, authority.key)
    simulator = Simulator(time_scale=1000.0)
    async with served(make_app(simulator), tls) as url:
        yield TlsCenter(simulator, url, simulator.region)


def test_installed_aiobotocore_still_has_the_method_sharing_overrides() -> None:
    """The private method is there: poller's clients use the sharing session."""
    assert shares_ssl_contexts()
    assert SharedSSLSession is client_config("aiohttp").http_session_cls


def test_a_moved_private_method_falls_back_to_aiobotocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another signature, or no method at all: aiobotocore's own session, unchanged."""
    monkeypatch.setattr(AIOHTTPSession, "_build_ssl_contexts", lambda self, url, more: None)
    assert not shares_ssl_contexts()
    assert AIOHTTPSession is client_config("aiohttp").http_session_cls
    monkeypatch.delattr(AIOHTTPSession, "_build_ssl_contexts")
    assert not shares_ssl_contexts()


async def test_clients_of_open_clients_share_one_context() -> None:
    """A thousand accounts' clients would load the CA bundle once, not a thousand times."""
    credentials = [{"aws_access_key_id": f"AKIA{n}", "aws_secret_access_key": "s"} for n in "123"]
    async with local_identity_center(time_scale=1000.0) as center:
        arn = center.simulator.create_instance("shared")
        async with open_clients(
            credentials, region=center.region, endpoint_url=center.endpoint_url
        ) as clients:
            for client in clients:
                await first_request(client, arn)
            contexts = [connector_contexts(c) for c in clients]
        async with center.client() as client:  # poller.testing's clients too
            await first_request(client, arn)
            contexts.append(connector_contexts(client))

    assert 1 == len({id(endpoint) for endpoint, _ in contexts})
    assert isinstance(contexts[0][0], ssl.SSLContext)
    assert ssl.CERT_REQUIRED == contexts[0][0].verify_mode
    assert {None} == {proxy for _, proxy in contexts}


async def test_verify_settings_never_share_a_context(authority: Authority) -> None:
    """No check, the default bundle and a CA file: a context each, kept per setting."""
    settings: Sequence[bool | str | None] = [False, None, str(authority.ca), str(authority.ca)]
    async with local_identity_center(time_scale=1000.0) as center:
        arn = center.simulator.create_instance("verify")
        contexts = []
        for verify in settings:
            async with open_client(
                center.region, endpoint_url=center.endpoint_url, verify=verify
            ) as client:
                await first_request(client, arn)
                contexts.append(connector_contexts(client)[0])

    unverified, default, own_ca, own_ca_again = contexts
    assert 3 == len({id(unverified), id(default), id(own_ca)})
    assert own_ca is own_ca_again
    assert ssl.CERT_NONE == unverified.verify_mode
    assert ssl.CERT_REQUIRED == default.verify_mode == own_ca.verify_mode


async def test_https_with_a_ca_file_verifies_end_to_end(authority: Authority) -> None:
    """verify=<CA file> reaches ACTIVE over HTTPS twice (built, then shared); the default fails."""
    async with tls_identity_center(authority) as center:
        arns = [center.simulator.create_instance(f"tls{n}", create_seconds=30) for n in range(2)]
        results, contexts = [], []
        for arn in arns:
            async with center_client(center, verify=str(authority.ca)) as client:
                results.append(await poller.wait_for_instance(client, arn, **FAST))
                contexts.append(connector_contexts(client)[0])
        async with center_client(center, verify=None) as client:
            with pytest.raises(botocore.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
                await first_request(client, arns[0])
        async with center_client(center, verify=False) as client:
            await first_request(client, arns[0])

    assert ["ACTIVE", "ACTIVE"] == [r.instance.status for r in results]
    assert contexts[0] is contexts[1]


async def test_a_replaced_ca_file_is_read_again(authority: Authority, tmp_path: Path) -> None:
    """A CA file replaced (rotated) gives new clients a context from its new content."""
    bundle = tmp_path / "bundle.pem"
    shutil.copy(authority.ca, bundle)
    async with tls_identity_center(authority) as center:
        arn = center.simulator.create_instance("rotated")
        async with center_client(center, verify=str(bundle)) as client:
            await first_request(client, arn)
            before = connector_contexts(client)[0]
        replacement = tmp_path / "replacement.pem"
        replacement.write_bytes(make_authority(tmp_path / "second").ca.read_bytes())
        os.replace(replacement, bundle)  # a new file in its place: told apart whatever the clock
        async with center_client(center, verify=str(bundle)) as client:
            with pytest.raises(botocore.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
                await first_request(client, arn)
            after = connector_contexts(client)[0]

    assert before is not after


async def test_clients_through_a_proxy_share_their_contexts() -> None:
    """Clients configured as the Airflow trigger does, through an HTTP proxy, reach ACTIVE."""
    forwarded: list[str] = []
    async with (
        local_identity_center(time_scale=1000.0) as center,
        served(forwarding_proxy(center.endpoint_url, forwarded)) as proxy,
    ):
        arns = [center.simulator.create_instance(f"p{n}", create_seconds=30) for n in range(2)]
        # poller's settings under a connection's botocore config, as poller.airflow merges them.
        config = client_config().merge(Config(proxies={"http": proxy}))
        results, contexts = [], []
        for arn in arns:
            opening = AioSession().create_client(
                "sso-admin", center.region, endpoint_url=center.endpoint_url, config=config
            )
            async with opening as client:
                results.append(await poller.wait_for_instance(client, arn, **FAST))
                contexts.append(connector_contexts(client))

    assert ["ACTIVE", "ACTIVE"] == [r.instance.status for r in results]
    # Every poll went to the proxy, asking for the endpoint (a proxy request's absolute URL).
    assert [center.endpoint_url + "/"] * sum(r.attempts for r in results) == forwarded
    (endpoint, proxy_context), (endpoint_again, proxy_context_again) = contexts
    assert endpoint is endpoint_again
    assert proxy_context is not None
    assert proxy_context is proxy_context_again


def test_proxy_settings_are_part_of_the_key(authority: Authority, tmp_path: Path) -> None:
    """Another proxy CA bundle or proxy URL gets other contexts; the same settings, the same."""
    other = make_authority(tmp_path / "other").ca

    def contexts(proxy: str, proxy_ca: Path) -> Any:
        session = SharedSSLSession(
            proxies={"https": proxy}, proxies_config={"proxy_ca_bundle": str(proxy_ca)}
        )
        return session._build_ssl_contexts(proxy)

    first = contexts("http://proxy.test:3128", authority.ca)
    assert first is contexts("http://proxy.test:3128", authority.ca)
    assert first is not contexts("http://proxy.test:3128", other)
    assert first is not contexts("http://other-proxy.test:3128", authority.ca)
    assert first is not contexts("http://proxy.test:8080", authority.ca)
    assert first is contexts("http://proxy.test:3128", authority.ca)  # each setting is kept


def test_proxy_credentials_are_not_part_of_the_key(authority: Authority) -> None:
    """A proxy's user and password shape no context: a rotated password builds nothing new."""

    def contexts(proxy: str) -> Any:
        session = SharedSSLSession(
            proxies={"https": proxy}, proxies_config={"proxy_ca_bundle": str(authority.ca)}
        )
        return session._build_ssl_contexts(proxy)

    first = contexts("http://user:first@credentials.test:3128")
    assert first is contexts("http://user:second@credentials.test:3128")
    assert first is contexts("http://credentials.test:3128")


def test_only_the_most_recently_used_settings_are_kept(
    authority: Authority, tmp_path: Path
) -> None:
    """Settings past MOST_KEPT drop the least recently used, which is then built anew."""
    bundles = []
    for index in range(MOST_KEPT + 1):
        bundles.append(tmp_path / f"bundle-{index}.pem")
        shutil.copy(authority.ca, bundles[-1])

    def endpoint_context(bundle: Path) -> ssl.SSLContext:
        return SharedSSLSession(verify=str(bundle))._build_ssl_contexts(None)[0]

    oldest, recent = endpoint_context(bundles[0]), endpoint_context(bundles[1])
    for bundle in bundles[2:MOST_KEPT]:
        endpoint_context(bundle)
    assert oldest is endpoint_context(bundles[0])  # used again: now the most recent
    endpoint_context(bundles[MOST_KEPT])  # one more setting than is kept

    assert oldest is endpoint_context(bundles[0])
    assert recent is not endpoint_context(bundles[1])  # the least recently used was dropped
    assert len(http_module._kept) <= MOST_KEPT


def test_a_ca_path_object_is_stamped_too(authority: Authority, tmp_path: Path) -> None:
    """Verify as a Path (as a hook may pass it) is read again once the file is replaced."""
    bundle = tmp_path / "path-object.pem"
    shutil.copy(authority.ca, bundle)
    session = SharedSSLSession(verify=bundle)
    first = session._build_ssl_contexts(None)[0]
    assert first is session._build_ssl_contexts(None)[0]
    replacement = tmp_path / "replacement.pem"
    shutil.copy(authority.ca, replacement)
    os.replace(replacement, bundle)  # a new file (inode) in its place, as a rotation does
    assert first is not session._build_ssl_contexts(None)[0]


def test_a_renewed_client_certificate_is_loaded_again(authority: Authority) -> None:
    """A certificate and key pair (here the proxy's) whose file changed builds new contexts."""
    proxy = "https://proxy.test:3128"
    session = SharedSSLSession(
        verify=str(authority.ca),
        proxies={"https": proxy},
        proxies_config={"proxy_client_cert": (str(authority.certificate), str(authority.key))},
    )
    first = session._build_ssl_contexts(proxy)
    assert first is session._build_ssl_contexts(proxy)
    modified = authority.key.stat().st_mtime_ns + 1_000_000_000
    os.utime(authority.key, ns=(modified, modified))
    assert first is not session._build_ssl_contexts(proxy)


def test_contexts_of_another_shape_are_used_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """If aiobotocore's method answers something else, each session gets its own answer."""
    answers = iter(["first", "second"])

    def build(self: Any, proxy_url: str | None) -> str:
        return next(answers)

    monkeypatch.setattr(AIOHTTPSession, "_build_ssl_contexts", build)
    proxy = "http://another-shape.test:3128"  # a setting no other test has kept
    session = SharedSSLSession(verify=False, proxies={"https": proxy})
    assert ["first", "second"] == [session._build_ssl_contexts(proxy) for _ in range(2)]


def test_sessions_it_cannot_read_build_their_own() -> None:
    """Settings missing or unhashable: each call builds, as aiobotocore does."""
    moved = SharedSSLSession(verify=False)
    del moved._proxy_config
    assert moved._build_ssl_contexts(None)[0] is not moved._build_ssl_contexts(None)[0]
    odd = SharedSSLSession(verify=False, proxies_config={"proxy_headers": ["x"]})
    proxy = "http://proxy.test:3128"
    assert odd._build_ssl_contexts(proxy)[1] is not odd._build_ssl_contexts(proxy)[1]


def test_a_failed_build_is_not_kept(authority: Authority, tmp_path: Path) -> None:
    """A CA file missing fails each client that asks, and serves once it is there."""
    later = tmp_path / "later.pem"
    session = SharedSSLSession(verify=str(later))
    for _ in range(2):
        with pytest.raises(FileNotFoundError):
            session._build_ssl_contexts(None)
    shutil.copy(authority.ca, later)
    built, _ = session._build_ssl_contexts(None)
    assert built is session._build_ssl_contexts(None)[0]
    assert ssl.CERT_REQUIRED == built.verify_mode


@asynccontextmanager
async def center_client(center: TlsCenter, *, verify: bool | str | None) -> AsyncIterator[Any]:
    """A client of poller.open_client for *center*, with dummy keys from the environment."""
    async with open_client(center.region, endpoint_url=center.endpoint_url, verify=verify) as c:
        yield c


def forwarding_proxy(upstream: str, forwarded: list[str]) -> web.Application:
    """An HTTP proxy for one upstream: forwards each request, noting its target."""

    async def forward(request: web.Request) -> web.Response:
        forwarded.append(str(request.url))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        async with (
            aiohttp.ClientSession() as http,
            http.request(
                request.method,
                upstream + request.path_qs,
                headers=headers,
                data=await request.read(),
            ) as answer,
        ):
            body = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
            return web.Response(status=answer.status, body=body, headers=kept)

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", forward)
    return app


_HOP = {"host", "connection", "proxy-connection", "content-length", "transfer-encoding"}
