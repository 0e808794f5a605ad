"""Bad input is refused with a specific error before any request is sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import poller
from tests.fakes import ARN, ScriptedClient, described

MALFORMED_ARNS = [
    "",
    "ssoins-1234567890abcdef",
    "arn:aws:sso:::instance/ssoins-123",  # too short
    "arn:aws:sso:::instance/ssoins-1234567890abcdef0",  # too long: the whole string must match
    "arn:aws:sso:::instance/ssoins-1234567890abcde!",
    "arn:aws:sso:us-east-1::instance/ssoins-1234567890abcdef",
    "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef",
    " arn:aws:sso:::instance/ssoins-1234567890abcdef",
    "arn:aws-toolong:sso:::instance/ssoins-1234567890abcdef",
]
VALID_ARNS = [
    ARN,
    "arn:aws:sso:::instance/ins-1234567890abcdef",
    "arn:aws-us-gov:sso:::instance/ssoins-1234567890ab.d-f",
    "arn:aws-iso-b:sso:::instance/ssoins-ABCDEFGHIJKLMNOP",
]


@pytest.mark.parametrize("arn", MALFORMED_ARNS)
async def test_malformed_arn_is_refused(arn: str) -> None:
    """An ARN outside the service model's pattern raises InvalidInstanceArnError, no request."""
    client = ScriptedClient([described("ACTIVE")])

    with pytest.raises(poller.InvalidInstanceArnError) as caught:
        await poller.wait_for_instance(client, arn)

    assert isinstance(caught.value, ValueError)
    assert repr(arn) in str(caught.value)
    assert [] == client.calls


@pytest.mark.parametrize("arn", VALID_ARNS)
async def test_valid_arns_are_accepted(arn: str) -> None:
    """Every partition and both id prefixes of the pattern are accepted."""
    client = ScriptedClient([described("ACTIVE", arn=arn)])

    result = await poller.wait_for_instance(client, arn)

    assert arn == result.instance.instance_arn


async def test_non_string_arn_is_refused() -> None:
    """An ARN that is not a string is refused the same way."""
    with pytest.raises(poller.InvalidInstanceArnError):
        await poller.wait_for_instance(ScriptedClient([]), None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"timeout": 0}, "timeout must be positive"),
        ({"timeout": -5}, "timeout must be positive"),
        ({"timeout": dt.timedelta(0)}, "timeout must be positive"),
        ({"timeout": float("inf")}, "finite"),
        ({"timeout": float("nan")}, "finite"),
        ({"min_delay": -1}, "min_delay must not be negative"),
        ({"min_delay": 10, "max_delay": 5}, "must not be above max_delay"),
        ({"min_delay": 0, "max_delay": 0}, "max_delay must be positive"),
        ({"until": "running"}, "unknown target 'running'"),
        ({"until": "ACTIVE"}, "expected one of active, encryption-enabled, replicated, deleted"),
    ],
)
async def test_bad_settings_are_refused(settings: dict[str, Any], message: str) -> None:
    """Out-of-range settings raise ValueError naming the problem, before any request."""
    client = ScriptedClient([described("ACTIVE")])

    with pytest.raises(ValueError, match=message):
        await poller.wait_for_instance(client, ARN, **settings)

    assert [] == client.calls


@pytest.mark.parametrize("value", ["30", True, [30]])
async def test_durations_of_the_wrong_type(value: Any) -> None:
    """A duration must be a number of seconds or a timedelta."""
    with pytest.raises(TypeError, match="seconds or a timedelta"):
        await poller.wait_for_instance(ScriptedClient([]), ARN, timeout=value)


async def test_timedelta_settings_are_seconds() -> None:
    """Timedelta settings are taken as their seconds."""
    client = ScriptedClient([described("ACTIVE")])
    events: list[Any] = []

    await poller.wait_for_instance(
        client,
        ARN,
        timeout=dt.timedelta(minutes=2),
        min_delay=dt.timedelta(milliseconds=500),
        max_delay=dt.timedelta(seconds=4),
        on_event=events.append,
    )

    started = events[0]
    assert (started.timeout, started.min_delay, started.max_delay) == (120.0, 0.5, 4.0)
