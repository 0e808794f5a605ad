"""Human durations on the command line."""

from __future__ import annotations

import pytest

from poller.cli._durations import format_duration, parse_duration, spell_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", 90.0),
        ("1.5", 1.5),
        ("90s", 90.0),
        ("15m", 900.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("1m30s", 90.0),
        (" 2D ", 172800.0),
    ],
)
def test_parse_duration(text: str, expected: float) -> None:
    """Bare seconds and unit parts, largest unit first, add up to seconds."""
    assert expected == parse_duration(text)


@pytest.mark.parametrize("text", ["", "-5", "-1m", "abc", "10x", "1m1h", "1s1s", "1e999", "m"])
def test_parse_duration_refuses(text: str) -> None:
    """Negative, unparsable and out-of-order durations are errors."""
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.42, "420ms"),
        (0.9996, "1.0s"),
        (-1.0, "0ms"),
        (2.54, "2.5s"),
        (12.4, "12s"),
        (185, "3m05s"),
        (3725, "1h02m"),
    ],
)
def test_format_duration(seconds: float, expected: str) -> None:
    """Short human durations for the console."""
    assert expected == format_duration(seconds)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(1800.0, "30m"), (5.0, "5s"), (20.0, "20s"), (0.5, "500ms"), (5400.0, "1h30m")],
)
def test_spell_duration(seconds: float, expected: str) -> None:
    """Defaults shown in --help read as what a user would type."""
    assert expected == spell_duration(seconds)


@pytest.mark.parametrize("seconds", [1800.0, 5.0, 0.25, 90061.5, 86400.0])
def test_spell_duration_reads_back(seconds: float) -> None:
    """What spell_duration writes, parse_duration reads back as the same seconds."""
    assert seconds == parse_duration(spell_duration(seconds))
