"""Parsing API answers into typed values, and back into JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

__all__ = ["bool_or_none", "date_or_none", "enum_or_str", "jsonable", "str_or_none"]

_E = TypeVar("_E", bound=StrEnum)


def enum_or_str(enum: type[_E], value: object) -> _E | str | None:
    """Parse *value* as a member of *enum*, keeping values from a newer API as plain strings."""
    if value is None:
        return None
    try:
        return enum(str(value))
    except ValueError:
        return str(value)


def str_or_none(value: object) -> str | None:
    """*value* as a string, None staying None."""
    return None if value is None else str(value)


def bool_or_none(value: object) -> bool | None:
    """*value* as a bool, None staying None."""
    return None if value is None else bool(value)


def date_or_none(value: object) -> dt.datetime | None:
    """Accept what botocore parses (a datetime) and what a raw answer holds (epoch seconds)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return dt.datetime.fromisoformat(str(value))


def jsonable(value: Any) -> Any:
    """*value* ready for json.dumps: ISO 8601 dates, lists for tuples."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
