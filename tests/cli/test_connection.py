"""How the command connects: --debug's wire log without secrets, --ca-bundle, --no-verify-ssl."""

from __future__ import annotations

import asyncio
import pathlib
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp import web

from poller.simulator import Simulator
from poller.simulator._server import make_app

from .conftest import (
    JSON_EVENTS,
    SUBPROCESS_TIMEOUT,
    Center,
    command_env,
    json_lines,
    poller_command,
    run_poller,
)

#: Credentials no log line may show (the local endpoint accepts any).
SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIDPOLLERDEBUGTEST",
    "AWS_SECRET_ACCESS_KEY": "poller-debug-secret-value",
    "AWS_SESSION_TOKEN": "poller-debug-session-token",
}


def test_debug_shows_the_wire_without_credentials(center: Center) -> None:
    """--debug logs each request and answer, and never a credential or a signature."""
    arn = center.simulator.create_instance("x")

    done = subprocess.run(
        poller_command("wait", arn, *center.options(), "--debug", "--log-format", "console"),
        capture_output=True,
        text=True,
        env=command_env() | SECRETS,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )

    assert 0 == done.returncode, done.stderr
    assert "SWBExternalService.DescribeInstance" in done.stderr  # the request
    assert "Response body" in done.stderr  # and its answer
    assert "poll.completed" in done.stderr  # --debug shows every poll, as -v does
    for secret in SECRETS.values():
        assert secret not in done.stderr
    for signing in ("Signature=", "Credential=", "AWS4-HMAC-SHA256", "StringToSign"):
        assert signing not in done.stderr
    assert "'Authorization': b'<redacted>'" in done.stderr
    assert arn == json_lines(done.stdout)[0]["InstanceArn"]


def test_debug_with_json_events_stays_json(center: Center) -> None:
    """With --log-format json the wire log is JSON lines too: stderr stays machine-readable."""
    arn = center.simulator.create_instance("x")

    done = run_poller("wait", arn, *center.options(), "--debug")

    assert 0 == done.returncode, done.stderr
    events = json_lines(done.stderr)
    assert "wire" in {e["event"] for e in events}


# -- TLS ----------------------------------------------------------------------------------------


def openssl(*args: str, cwd: pathlib.Path) -> None:
    """Run the openssl command line tool in *cwd*."""
    subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, check=True, timeout=SUBPROCESS_TIMEOUT
    )


def make_certificates(directory: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    """A private CA and a certificate it signed for 127.0.0.1: (CA bundle, cert, key)."""
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl(
        "req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
        "-subj", "/CN=poller test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        cwd=directory,
    )  # fmt: skip
    openssl(
        "req", *curve, "-keyout", "key.pem", "-out", "cert.csr", "-subj", "/CN=127.0.0.1",
        cwd=directory,
    )  # fmt: skip
    (directory / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl(
        "x509", "-req", "-in", "cert.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "cert.pem", "-days", "1", "-extfile", "san.cnf",
        cwd=directory,
    )  # fmt: skip
    return directory / "ca.pem", directory / "cert.pem", directory / "key.pem"


@contextmanager
def serve_tls(simulator: Simulator, cert: pathlib.Path, key: pathlib.Path) -> Iterator[str]:
    """Serve *simulator* over HTTPS from a thread; yield its https:// URL."""
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def run() -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        runner = web.AppRunner(make_app(simulator), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
            await site.start()
            state["stop"], state["loop"] = asyncio.Event(), asyncio.get_running_loop()
            state["url"] = f"https://127.0.0.1:{runner.addresses[0][1]}"
            ready.set()
            await state["stop"].wait()
        finally:
            await runner.cleanup()
            ready.set()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    ready.wait(SUBPROCESS_TIMEOUT)
    try:
        yield state["url"]
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(SUBPROCESS_TIMEOUT)


@pytest.fixture
def tls_center(tmp_path: pathlib.Path) -> Iterator[tuple[Simulator, str, pathlib.Path]]:
    """A simulator behind HTTPS with a private CA: (simulator, URL, CA bundle)."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make certificates")
    ca, cert, key = make_certificates(tmp_path)
    simulator = Simulator(time_scale=1000.0)
    with serve_tls(simulator, cert, key) as url:
        yield simulator, url, ca


@pytest.mark.parametrize(
    ("tls", "expected"),
    [((), 4), (("--ca-bundle", "CA"), 0), (("--no-verify-ssl",), 0)],
)
def test_tls_options_reach_the_client(
    tls_center: tuple[Simulator, str, pathlib.Path], tls: tuple[str, ...], expected: int
) -> None:
    """A private CA fails the default check; --ca-bundle and --no-verify-ssl get through."""
    simulator, url, ca = tls_center
    arn = simulator.create_instance("x", create_seconds=0)
    tls = tuple(str(ca) if arg == "CA" else arg for arg in tls)

    done = run_poller(
        "check", arn, "--endpoint-url", url, "--region", "us-east-1", *tls, *JSON_EVENTS
    )

    assert expected == done.returncode, done.stderr
    [result] = json_lines(done.stdout)
    if expected:
        assert "SSLError" == result["Error"]["Code"]
    else:
        assert "ACTIVE" == result["Status"]


def test_tls_options_are_checked(tmp_path: pathlib.Path) -> None:
    """A CA bundle that is not there, or both options at once: usage errors."""
    arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")

    missing = run_poller("wait", arn, "--ca-bundle", str(tmp_path / "nowhere.pem"))
    both = run_poller("wait", arn, "--ca-bundle", str(bundle), "--no-verify-ssl")

    assert (2, 2) == (missing.returncode, both.returncode)
    assert "does not exist" in missing.stderr
    assert "not both" in both.stderr
