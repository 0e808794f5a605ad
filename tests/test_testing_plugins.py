"""poller.testing in a user's own suite, under each plugin that runs async tests.

Each test writes a small project (a conftest naming ``poller.testing``, an ini file, one test
that waits on an instance through the ``identity_center`` fixture) and runs pytest on it in a
subprocess, as a user would: pytest-asyncio in auto and strict mode, and anyio's plugin on
asyncio and trio. A run that hangs is killed and fails the test.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

#: Far above what the user's suite needs (about a second), well below "hangs for ever".
LIMIT = 120.0

CONFTEST = 'pytest_plugins = ["poller.testing"]\n'

WAITS = """
import os
from unittest import mock

import pytest
import poller


{marker}
async def test_waits_on_an_instance(identity_center):
    arn = identity_center.simulator.create_instance("users-test")
    async with identity_center.client() as client:
        result = await poller.wait_for_instance(client, arn, min_delay=0.01, max_delay=0.05)
    assert "ACTIVE" == result.instance.status


{marker}
async def test_code_that_opens_its_own_client(identity_center):
    arn = identity_center.simulator.create_instance("own-client")
    with mock.patch.dict(os.environ, identity_center.environ):
        async with poller.open_client() as client:
            result = await poller.wait_for_instance(client, arn, min_delay=0.01, max_delay=0.05)
    assert "ACTIVE" == result.instance.status
"""


def _run(pytester: pytest.Pytester, ini: str, marker: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makeini(f"[pytest]\n{ini}")
    pytester.makepyfile(test_users=WAITS.format(marker=marker))
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-W", "error", *args, timeout=LIMIT
    )


def test_pytest_asyncio_auto_mode_with_the_anyio_marker(pytester: pytest.Pytester) -> None:
    """asyncio_mode=auto and tests marked anyio (the trial's hang): both pass, on both loops."""
    result = _run(
        pytester,
        "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        "@pytest.mark.anyio",
    )
    result.assert_outcomes(passed=4)  # anyio's default backends: asyncio and trio


def test_pytest_asyncio_auto_mode(pytester: pytest.Pytester) -> None:
    """asyncio_mode=auto, tests unmarked: pytest-asyncio runs them, the fixture serves."""
    result = _run(
        pytester,
        "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        "",
        "-p",
        "no:anyio",
    )
    result.assert_outcomes(passed=2)


def test_pytest_asyncio_strict_mode(pytester: pytest.Pytester) -> None:
    """asyncio_mode=strict, tests marked asyncio: both pass."""
    result = _run(
        pytester,
        "asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n",
        "@pytest.mark.asyncio",
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_anyio_plugin(pytester: pytest.Pytester, backend: str) -> None:
    """The anyio plugin alone, on asyncio and on trio (the endpoint has its own loop)."""
    pytester.makeconftest(
        CONFTEST
        + "import pytest\n\n\n@pytest.fixture\ndef anyio_backend():\n"
        + f"    return {backend!r}\n"
    )
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_users=WAITS.format(marker="@pytest.mark.anyio"))
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-W", "error", "-p", "no:asyncio", timeout=LIMIT
    )
    result.assert_outcomes(passed=2)
