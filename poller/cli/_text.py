"""``--output text`` of what ``--query`` finds, as the AWS CLI's ``--output text`` prints it.

A string or number prints as it is (None as ``None``, true as ``True``); a list of those on
one line, tab-separated. An object prints its scalar values on one line, tab-separated, in the
order of their keys (sorted); then each value that is an object or a list, on lines of its
own, each headed by its key in capitals (a list of objects: a line per object, with the
columns of all of them). So ``--query '{s: Status, n: Name}'`` prints ``x``, a tab and
``ACTIVE``, and ``--query Error`` prints the message, reason and type of a failure on one
line, as ``aws ... --output text`` would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["format_text"]


def format_text(value: Any) -> str:
    """*value* as the AWS CLI's text output prints it: one line or several ("" for none)."""
    lines: list[str] = []
    _lines_of(value, lines, None, None)
    return "\n".join(lines)


def _is_scalar(value: Any) -> bool:
    """Whether *value* prints as a column (not an object or a list)."""
    return not isinstance(value, dict | list)


def _lines_of(
    value: Any, lines: list[str], identifier: str | None, columns: Sequence[str] | None
) -> None:
    """Append the lines of *value* (headed by *identifier*, with *columns* if given)."""
    if isinstance(value, dict):
        _object_lines(value, lines, identifier, columns)
    elif isinstance(value, list):
        _list_lines(value, lines, identifier)
    else:
        lines.append(str(value))


def _list_lines(value: list[Any], lines: list[str], identifier: str | None) -> None:
    """A list: its objects a line each (shared columns), its scalars on one line."""
    if any(isinstance(element, dict) for element in value):
        columns = sorted(
            {
                key
                for element in value
                if isinstance(element, dict)
                for key, inner in element.items()
                if _is_scalar(inner)
            }
        )
        for element in value:
            _lines_of(element, lines, identifier, columns)
        return
    scalars = [str(element) for element in value if _is_scalar(element)]
    if scalars:
        if identifier is None:
            lines.append("\t".join(scalars))
        else:
            lines.extend(f"{identifier.upper()}\t{scalar}" for scalar in scalars)
    for element in value:
        if not _is_scalar(element):
            _lines_of(element, lines, identifier, None)


def _object_lines(
    value: dict[str, Any], lines: list[str], identifier: str | None, columns: Sequence[str] | None
) -> None:
    """An object: its scalars on one line, then each of its objects and lists."""
    if columns is None:
        scalars = [str(inner) for _, inner in sorted(value.items()) if _is_scalar(inner)]
        nested = [(key, inner) for key, inner in sorted(value.items()) if not _is_scalar(inner)]
    else:
        scalars = [str(value.get(key, "")) for key in columns]
        nested = [(key, value[key]) for key in sorted(set(value) - set(columns))]
    if scalars:
        lines.append("\t".join([identifier.upper(), *scalars] if identifier else scalars))
    for key, inner in nested:
        _lines_of(inner, lines, key, None)
