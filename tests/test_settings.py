"""The settings of a wait: one value, checked once, each default written once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from poller._settings import DEFAULT_TIMEOUT, Delays, WaitSettings

DEFAULTS = Delays(min_delay=5.0, max_delay=20.0)


def test_defaults() -> None:
    """Nothing given: 30 minutes, and the resource's delays."""
    settings = WaitSettings.of(defaults=DEFAULTS)

    assert (1800.0, None, 5.0, 20.0) == (
        settings.timeout,
        settings.deadline,
        settings.min_delay,
        settings.max_delay,
    )
    assert DEFAULT_TIMEOUT == settings.budget()


def test_settings_are_frozen() -> None:
    """The value cannot be changed once checked."""
    settings = WaitSettings.of(defaults=DEFAULTS)

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 0  # type: ignore[misc]


def test_deadline_as_datetime_and_epoch() -> None:
    """An aware datetime and epoch seconds are the same deadline; budget counts down to it."""
    moment = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

    by_datetime = WaitSettings.of(defaults=DEFAULTS, deadline=moment)
    by_epoch = WaitSettings.of(defaults=DEFAULTS, deadline=moment.timestamp())

    assert by_datetime == by_epoch
    assert by_datetime.timeout is None
    assert 60.0 == by_datetime.budget(now=moment.timestamp() - 60)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": 10, "deadline": 1e9}, "timeout or deadline, not both"),
        ({"deadline": dt.datetime(2030, 1, 1)}, "needs a time zone"),
        ({"deadline": float("nan")}, "finite"),
        ({"max_delay": 1}, "below this resource's default min_delay"),
        ({"min_delay": 10, "max_delay": 5}, "min_delay .10 s. must not be above max_delay"),
        ({"max_delay": 0}, "max_delay must be positive"),
        ({"min_delay": -1}, "min_delay must not be negative"),
    ],
)
def test_bad_settings(arguments: dict[str, object], message: str) -> None:
    """Each bad setting is a ValueError that names it."""
    with pytest.raises(ValueError, match=message):
        WaitSettings.of(defaults=DEFAULTS, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("deadline", ["2030-01-01T00:00:00Z", True])
def test_deadline_of_the_wrong_type(deadline: object) -> None:
    """A deadline is a datetime or a number."""
    with pytest.raises(TypeError, match="deadline must be a datetime"):
        WaitSettings.of(defaults=DEFAULTS, deadline=deadline)  # type: ignore[arg-type]


def test_hook_must_be_callable() -> None:
    """on_event that cannot be called is refused up front, not at the first event."""
    with pytest.raises(TypeError, match="on_event must be callable"):
        WaitSettings.of(defaults=DEFAULTS, on_event="print")  # type: ignore[arg-type]
