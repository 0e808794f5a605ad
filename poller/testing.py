"""Helpers for testing code that embeds poller, against a local Identity Center.

::

    async with local_identity_center(time_scale=1000.0) as center:
        arn = center.simulator.create_instance("test")
        async with center.client() as client:
            await poller.wait_for_instance(client, arn, min_delay=0.01, max_delay=0.1)

With pytest, ``pytest_plugins = ["poller.testing"]`` in a ``conftest.py`` provides the fixture
:func:`identity_center` (``time_scale=1000`` unless parametrized indirectly with a dict of
:class:`~poller.simulator.Simulator` options). The endpoint answers from a thread of its own,
with its own event loop, so the fixture is a plain one: it works whichever plugin runs the
async tests (pytest-asyncio in auto or strict mode, or anyio's, on asyncio or trio) and
whichever event loop each test gets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from aiobotocore.session import AioSession

from poller import client_config
from poller.simulator import Server, Simulator, serve_in_thread

if TYPE_CHECKING:
    from aiobotocore.config import AioConfig

__all__ = [
    "LocalIdentityCenter",
    "identity_center",
    "local_identity_center",
    "running_identity_center",
]

#: Credentials for the local endpoint: it requires a signature, but accepts any.
DUMMY_ACCESS_KEY_ID: Final = "testing"
DUMMY_SECRET_ACCESS_KEY: Final = "testing"  # a placeholder, not a secret
#: The time scale of the pytest fixture: a simulated minute takes 60 ms.
FIXTURE_TIME_SCALE: Final = 1000.0


@dataclass(frozen=True, slots=True)
class LocalIdentityCenter:
    """A running local Identity Center.

    Attributes:
        simulator: Scripts lifecycles and faults, and logs requests.
        server: The HTTP endpoint.
    """

    simulator: Simulator
    server: Server

    @property
    def endpoint_url(self) -> str:
        """The endpoint URL to give an sso-admin client."""
        return self.server.endpoint_url

    @property
    def region(self) -> str:
        """The region of the simulated service (``"us-east-1"`` by default)."""
        return self.simulator.region

    @property
    def environ(self) -> dict[str, str]:
        """Environment variables that point code opening its own clients here.

        botocore reads the endpoint (``AWS_ENDPOINT_URL_SSO_ADMIN``), the Region and the
        credentials from them, so that ``poller.open_client()`` and ``boto3.client("sso-admin")``
        in the code under test need no change: ``mock.patch.dict(os.environ, center.environ)``.
        """
        return {
            "AWS_ENDPOINT_URL_SSO_ADMIN": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    @asynccontextmanager
    async def client(self, *, config: AioConfig | None = None) -> AsyncIterator[Any]:
        """Open an aiobotocore sso-admin client for this endpoint with dummy credentials.

        Args:
            config: Client settings (retries, timeouts), passed on unchanged; by default
                poller's own, under which botocore retries nothing by itself.

        Yields:
            The client, closed when the block ends.
        """
        session = AioSession()
        async with session.create_client(
            "sso-admin",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=DUMMY_ACCESS_KEY_ID,
            aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
            config=client_config() if config is None else config,
        ) as client:
            yield client


@asynccontextmanager
async def local_identity_center(**simulator_options: Any) -> AsyncIterator[LocalIdentityCenter]:
    """Run a simulator on a free loopback port for the duration of the block.

    Args:
        **simulator_options: Keyword arguments of :class:`~poller.simulator.Simulator`
            (``time_scale``, ``create_seconds`` …).

    Yields:
        The running :class:`LocalIdentityCenter`.
    """
    with running_identity_center(**simulator_options) as center:
        yield center


@contextmanager
def running_identity_center(**simulator_options: Any) -> Iterator[LocalIdentityCenter]:
    """:func:`local_identity_center` for synchronous code: the endpoint answers from a thread.

    The server's event loop is its own, so that any caller's loop (or none) can talk to it.
    """
    simulator = Simulator(**simulator_options)
    with serve_in_thread(simulator, host="127.0.0.1", port=0) as server:
        yield LocalIdentityCenter(simulator, server)


try:
    import pytest
except ImportError:  # not testing with pytest: the helpers above still work
    pass
else:

    @pytest.fixture
    def identity_center(request: pytest.FixtureRequest) -> Iterator[LocalIdentityCenter]:
        """A local Identity Center for one test (time_scale 1000 unless parametrized).

        A plain fixture: the endpoint runs in a thread, so any async test can use it.
        """
        options = {"time_scale": FIXTURE_TIME_SCALE, **getattr(request, "param", {})}
        with running_identity_center(**options) as center:
            yield center
