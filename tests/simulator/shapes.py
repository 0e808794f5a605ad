"""Answers checked against botocore's service model: types, members and patterns."""

from __future__ import annotations

import functools
import re
from typing import Any

import botocore.session
from botocore.validate import ParamValidator


@functools.cache
def service_model() -> Any:
    """The sso-admin service model, as botocore loads it."""
    return botocore.session.get_session().get_service_model("sso-admin")


def model_violations(operation: str, output: dict[str, Any]) -> list[str]:
    r"""What in *output* the model of *operation*'s output refuses (empty: nothing).

    botocore's ParamValidator checks types, required members, lengths and ranges; the walk
    below adds what it leaves out: members the model does not have, and string patterns
    (matched as a whole, except the ``\p{...}`` ones Python's ``re`` cannot read).
    """
    shape = service_model().operation_model(operation).output_shape
    report = ParamValidator().validate(output, shape).generate_report()
    return ([report] if report else []) + _pattern_violations(output, shape)


def _pattern_violations(value: Any, shape: Any, path: str = "") -> list[str]:
    if shape.type_name == "structure":
        return [
            violation
            for key, member in value.items()
            for violation in (
                _pattern_violations(member, shape.members[key], f"{path}.{key}")
                if key in shape.members
                else [f"{path}.{key}: not in the model"]
            )
        ]
    if shape.type_name == "list":
        return [v for item in value for v in _pattern_violations(item, shape.member, path)]
    pattern = shape.metadata.get("pattern")
    if shape.type_name == "string" and pattern and "\\p{" not in pattern:
        return [] if re.fullmatch(pattern, value) else [f"{path}: {value!r} !~ {pattern}"]
    return []


def member_paths(value: Any, prefix: str = "") -> set[str]:
    """The member paths of a JSON answer: ``Key``, ``Key.Sub``, ``List[].Sub`` (first item)."""
    paths: set[str] = set()
    for key, item in value.items():
        paths.add(prefix + key)
        if isinstance(item, dict):
            paths |= member_paths(item, f"{prefix}{key}.")
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            paths |= member_paths(item[0], f"{prefix}{key}[].")
    return paths
