"""Human durations for the command line: ``90``, ``90s``, ``15m``, ``1h30m``, ``500ms``.

A wait's elapsed time is one figure at one precision everywhere the command shows it (the
library's messages, stdout's ``Elapsed``, the console lines): tenths of a second.
"""

from __future__ import annotations

import math
import re
from typing import Final

from poller.cli._stdin import quote

__all__ = [
    "ELAPSED_DIGITS",
    "format_duration",
    "format_elapsed",
    "parse_duration",
    "polls",
    "round_elapsed",
    "spell_duration",
]

#: Decimals of an elapsed time, as the library's messages give it (``after 12.3 s``).
ELAPSED_DIGITS: Final = 1

_UNITS: Final[dict[str, float]] = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART: Final = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h|d)")
_NUMBER: Final = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_ORDER: Final = ("d", "h", "m", "s", "ms")
_EXAMPLES: Final = "such as 90, 90s, 15m, 1h30m or 500ms"


def parse_duration(text: str) -> float:
    """Seconds in *text*: a bare number of seconds, or parts with units (``1h30m``, ``500ms``).

    Units are ``ms``, ``s``, ``m``, ``h`` and ``d``, largest first, each at most once.

    Raises:
        ValueError: *text* is not a duration (negative durations are not).
    """
    value = text.strip().lower()
    if value.startswith("-"):
        raise ValueError(f"{quote(text)}: a duration cannot be negative")
    if _NUMBER.fullmatch(value):
        return _finite(text, float(value))
    if not value:
        raise ValueError(f"{quote(text)} is not a duration ({_EXAMPLES})")
    position, total, previous_rank = 0, 0.0, -1
    while position < len(value):
        match = _PART.match(value, position)
        if match is None:
            raise ValueError(f"{quote(text)} is not a duration ({_EXAMPLES})")
        number, unit = match.groups()
        rank = _ORDER.index(unit)
        if rank <= previous_rank:
            raise ValueError(
                f"{quote(text)} is not a duration: give units largest first, once each"
            )
        previous_rank = rank
        total += float(number) * _UNITS[unit]
        position = match.end()
    return _finite(text, total)


def _finite(text: str, seconds: float) -> float:
    """*seconds*, parsed from *text*, if finite."""
    if not math.isfinite(seconds):
        raise ValueError(f"{quote(text)} is not a finite duration")
    return seconds


def spell_duration(seconds: float) -> str:
    """*seconds* exactly, as :func:`parse_duration` reads it back: ``30m``, ``5s``, ``1h30m``.

    For defaults shown in ``--help``, which must read as what a user would type. Durations
    that are not a whole number of milliseconds are given as bare seconds.
    """
    millis = round(seconds * 1000)
    if millis <= 0 or not math.isclose(millis, seconds * 1000):
        return f"{seconds:g}"
    parts = []
    for unit in _ORDER:
        count, millis = divmod(millis, round(_UNITS[unit] * 1000))
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def format_duration(seconds: float) -> str:
    """*seconds* as a short human duration: ``400ms``, ``2.5s``, ``12s``, ``3m05s``, ``1h02m``."""
    seconds = max(seconds, 0.0)
    if seconds < 0.9995:  # noqa: PLR2004 - what would round to 1000ms reads better as 1.0s
        return f"{seconds * 1000:.0f}ms"
    if seconds < 10:  # noqa: PLR2004 - below ten seconds a tenth still matters
        return f"{seconds:.1f}s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def round_elapsed(seconds: float) -> float:
    """An elapsed time as stdout's ``Elapsed`` gives it: seconds, to a tenth."""
    return round(max(seconds, 0.0), ELAPSED_DIGITS)


def format_elapsed(seconds: float) -> str:
    """An elapsed time as the library's messages and the console lines give it: ``12.3 s``."""
    return f"{round_elapsed(seconds):.{ELAPSED_DIGITS}f} s"


def polls(count: int) -> str:
    """``1 poll``, ``3 polls``."""
    return f"{count} poll" + ("" if count == 1 else "s")
