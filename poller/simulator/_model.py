"""The sso-admin service model that botocore ships, and input validation as the service does it.

The rules (required members, lengths, patterns, enums, ranges) come from the model itself, read
once on first use, so they cannot drift from what clients are built against. Only the first
broken rule is reported, in the service's words (``1 validation error detected: ...``).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

from poller.simulator._errors import ServiceError, validation_error

SERVICE: Final = "sso-admin"
API_VERSION: Final = "2020-07-20"
#: Java's Unicode classes, which Python's ``re`` lacks: the nearest ``re`` class content inside
#: brackets, and the nearest ``re`` class alone.
_IN_BRACKETS: Final = {"L": r"\w", "M": r"\w", "N": r"\w", "Z": r"\s", "S": r"\S", "P": r"\S"}
_ALONE: Final = {"L": r"[^\W\d_]", "M": r"\w", "N": r"\d", "Z": r"\s", "S": r"\S", "P": r"\S"}
_UNICODE_CLASS: Final = re.compile(r"\\p\{(\w)\}")


@functools.cache
def service_model() -> dict[str, Any]:
    """Return the model as botocore loads it (JSON, whether or not gzipped on disk)."""
    # Imported here: botocore's loader costs a start-up that needs no model (about 60 ms).
    from botocore.loaders import create_loader  # noqa: PLC0415

    loaded: dict[str, Any] = create_loader().load_service_model(
        SERVICE, "service-2", api_version=API_VERSION
    )
    return loaded


def shape(name: str) -> dict[str, Any]:
    """Return the model's shape *name*."""
    found: dict[str, Any] = service_model()["shapes"][name]
    return found


def input_shape(operation: str) -> str:
    """Return the name of the input shape of *operation*."""
    name: str = service_model()["operations"][operation]["input"]["shape"]
    return name


def python_pattern(pattern: str) -> str:
    r"""Translate a model pattern to Python's ``re``, which has no ``\p{L}`` and its kin.

    Alone, ``\p{L}`` becomes ``[^\W\d_]`` (letters); inside brackets, where a class cannot
    be subtracted, it becomes ``\w``. Only the text patterns of free-form members (tags,
    attribute keys and values) use these classes, and there the approximation errs on the
    side of accepting.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        found = _UNICODE_CLASS.match(pattern, index)
        if found is not None:
            table = _IN_BRACKETS if in_class else _ALONE
            out.append(table.get(found[1], r"\S"))
            index = found.end()
            continue
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


def validate(operation: str, body: dict[str, Any]) -> None:
    """Check *body* against the input shape of *operation*, as the service does first.

    Raises:
        ServiceError: ValidationException for the first broken rule, SerializationException
            for a member of the wrong JSON type.
    """
    _structure(shape(input_shape(operation)), body, "")


def check(shape_name: str, label: str, value: object) -> None:
    """Check one value against the model's shape *shape_name*, reported as member *label*."""
    _value(shape(shape_name), value, label)


def matches(shape_name: str, value: object) -> bool:
    """Tell whether *value* satisfies the model's string shape *shape_name*."""
    try:
        check(shape_name, shape_name, value)
    except ServiceError:
        return False
    return True


def _member_label(name: str) -> str:
    # The service names members in camel case in its messages: 'instanceArn'.
    return name[:1].lower() + name[1:]


def _structure(model: dict[str, Any], value: dict[str, Any], prefix: str) -> None:
    required = set(model.get("required", ()))
    for name, member in model.get("members", {}).items():
        label = prefix + _member_label(name)
        item = value.get(name)
        if item is None:
            if name in required:
                raise validation_error(label, None, "Member must not be null")
            continue
        _value(shape(member["shape"]), item, label)


def _value(model: dict[str, Any], value: object, label: str) -> None:
    kind = model["type"]
    if kind == "structure":
        _expect(isinstance(value, dict), "a structure", label)
        assert isinstance(value, dict)  # for the type checker
        _structure(model, value, f"{label}.")
    elif kind == "list":
        _expect(isinstance(value, list), "a list", label)
        assert isinstance(value, list)
        _length(model, value, len(value), label)
        member = shape(model["member"]["shape"])
        for position, item in enumerate(value, start=1):
            _value(member, item, f"{label}.{position}.member")
    elif kind == "string":
        _expect(isinstance(value, str), "a string", label)
        assert isinstance(value, str)
        _string(model, value, label)
    elif kind in {"integer", "long"}:
        _expect(isinstance(value, int) and not isinstance(value, bool), "a number", label)
        assert isinstance(value, int)
        _range(model, value, label)
    elif kind == "boolean":
        _expect(isinstance(value, bool), "a boolean", label)


def _expect(ok: bool, what: str, label: str) -> None:
    if not ok:
        raise ServiceError("SerializationException", f"Expected {what} at '{label}'")


def _length(model: dict[str, Any], value: object, length: int, label: str) -> None:
    low, high = model.get("min"), model.get("max")
    if low is not None and length < low:
        raise validation_error(
            label, value, f"Member must have length greater than or equal to {low}"
        )
    if high is not None and length > high:
        raise validation_error(
            label, value, f"Member must have length less than or equal to {high}"
        )


def _string(model: dict[str, Any], value: str, label: str) -> None:
    _length(model, value, len(value), label)
    pattern = model.get("pattern")
    if pattern is not None and _compiled(pattern).fullmatch(value) is None:
        raise validation_error(
            label, value, f"Member must satisfy regular expression pattern: {pattern}"
        )
    enum = model.get("enum")
    if enum is not None and value not in enum:
        raise validation_error(
            label, value, f"Member must satisfy enum value set: [{', '.join(enum)}]"
        )


def _range(model: dict[str, Any], value: int, label: str) -> None:
    low, high = model.get("min"), model.get("max")
    if low is not None and value < low:
        raise validation_error(
            label, value, f"Member must have value greater than or equal to {low}"
        )
    if high is not None and value > high:
        raise validation_error(label, value, f"Member must have value less than or equal to {high}")
