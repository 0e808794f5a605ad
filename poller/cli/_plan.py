"""``poller assign``'s plan: CreateAccountAssignment inputs, read from a file or stdin, checked.

The plan is JSON: an object per assignment with the API's key names (``TargetId``,
``TargetType`` AWS_ACCOUNT, ``PermissionSetArn``, ``PrincipalType``, ``PrincipalId``; an
``InstanceArn``, if given, must be the command's ARN), as JSON lines, a JSON array, or
documents one after the other. It is read as a stream (:mod:`._stdin`): the first item that is
not JSON, not an object or not an assignment's input is refused at once, the rest unread, and
a message quotes at most 80 characters of it. Then the library checks every assignment
(:func:`poller.check_assignments`: the service model's patterns, a permission set of the
instance), and every bad one is listed in one refusal, each where it was read, before any
request. An assignment given twice counts once, with a warning. Light to import: no botocore.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from collections.abc import Iterator
from typing import Any, Final, TextIO

import click
import structlog

import poller
from poller import Assignment, InvalidArgumentError
from poller.cli._arns import STDIN
from poller.cli._stdin import StdinError, announce, items, quote

__all__ = ["PLAN_READ", "Plan", "open_plan", "read_plan"]

#: The keys of an item: CreateAccountAssignment's input.
_KEYS: Final = ("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")
#: The keys an item needs (``TargetType`` is AWS_ACCOUNT when left out).
_REQUIRED: Final = ("TargetId", "PermissionSetArn", "PrincipalType", "PrincipalId")
_AWS_ACCOUNT: Final = "AWS_ACCOUNT"
#: What a plan holds, in words.
PLAN_READ: Final = (
    "JSON objects of CreateAccountAssignment's input (TargetId, TargetType AWS_ACCOUNT, "
    "PermissionSetArn, PrincipalType, PrincipalId), as JSON lines or a JSON array"
)
#: JSON's names for Python's values, for a message.
_JSON_TYPES: Final = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "an array",
    type(None): "null",
}

_logger = structlog.get_logger("poller")


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """The assignments of a plan, each once, in the order read, and where each was read.

    Attributes:
        items: The assignments (checked by the library, when :func:`read_plan` returns it).
        where: Where each was first read (``document 3 in 'plan.json'``), by position.
    """

    items: list[Assignment]
    where: list[str]


@contextlib.contextmanager
def open_plan(path: str, stdin: TextIO | None = None) -> Iterator[tuple[TextIO, str]]:
    """The plan's stream (stdin for ``-``, prompting on a terminal) and its name in messages.

    Raises:
        click.BadParameter: The file cannot be read, or stdin is closed.
    """
    if path == STDIN:
        stream = sys.stdin if stdin is None else stdin
        if stream is None:
            raise click.BadParameter("'-' reads the plan from stdin, which is closed.")
        announce(stream, f"the plan: {PLAN_READ}")
        yield stream, "stdin"
        return
    try:
        opened = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, after reading
    except OSError as error:
        raise click.BadParameter(
            f"{quote(path)} cannot be read ({error.strerror or type(error).__name__})."
        ) from None
    with opened:
        yield opened, quote(path)


def read_plan(stream: TextIO, name: str, instance_arn: str) -> Plan:
    """The plan on *stream* (called *name* in messages) for the instance *instance_arn*.

    Each item is refused as soon as it is read if it is not an assignment's input; then every
    assignment is checked by the library, all at once.

    Raises:
        click.BadParameter: The first item that is not JSON, not an object or not an input of
            CreateAccountAssignment for the instance; else every assignment the library
            refuses, each where it was read.
    """
    found: dict[str, int] = {}
    plan = Plan([], [])
    try:
        for item in items(stream, name):
            assignment = _assignment(item.value, item.where, instance_arn, json_item=item.json)
            key = json.dumps(dataclasses.astuple(assignment))
            if key in found:
                first = plan.where[found[key]]
                _logger.warning(
                    "cli.duplicate_assignment",
                    instance_arn=instance_arn,
                    message=f"{item.where} repeats {first}: it counts once.",
                )
                continue
            found[key] = len(plan.items)
            plan.items.append(assignment)
            plan.where.append(item.where)
    except StdinError as error:
        raise click.BadParameter(f"{error}.") from None
    try:
        poller.check_assignments(instance_arn, plan.items)
    except InvalidArgumentError as error:
        raise click.BadParameter(_problems(error, plan)) from None
    return plan


def _assignment(value: Any, where: str, instance_arn: str, *, json_item: bool) -> Assignment:
    """The assignment of one item of the plan, unless it is none.

    Raises:
        click.BadParameter: Not JSON, not an object, or not an input of CreateAccountAssignment
            for the instance (its values are the library's to check).
    """
    if not json_item:
        raise click.BadParameter(
            f"{where} is not JSON ({quote(str(value))}): a plan holds {PLAN_READ}."
        )
    if not isinstance(value, dict):
        said = _JSON_TYPES.get(type(value), "not an object")
        shown = quote(json.dumps(value))
        raise click.BadParameter(
            f"{where} is {said} ({shown}), not an object: a plan holds {PLAN_READ}."
        )
    unknown = [key for key in value if key not in (*_KEYS, "InstanceArn")]
    if unknown:
        raise click.BadParameter(
            f"{where} holds {quote(', '.join(unknown))}, which CreateAccountAssignment does not "
            f"take: its input is {', '.join(_KEYS)} (and InstanceArn)."
        )
    instance = value.get("InstanceArn", instance_arn)
    if instance != instance_arn:
        raise click.BadParameter(
            f"{where} is for instance {quote(str(instance))}, not {instance_arn}: a plan is "
            "applied to the ARN given (leave InstanceArn out, or give that one)."
        )
    missing = [key for key in _REQUIRED if key not in value]
    if missing:
        raise click.BadParameter(f"{where} has no {', '.join(missing)}: a plan holds {PLAN_READ}.")
    target_type = value.get("TargetType", _AWS_ACCOUNT)
    if target_type != _AWS_ACCOUNT:
        raise click.BadParameter(
            f"{where} has TargetType {quote(str(target_type))}: an assignment's is AWS_ACCOUNT."
        )
    return Assignment.from_api(value)


def _problems(error: InvalidArgumentError, plan: Plan) -> str:
    """Every problem the library found, each where its assignment was read."""
    bad = len({index for index, _ in error.problems})
    lines = [f"  {plan.where[index]}: {problem}" for index, problem in error.problems]
    return (
        f"{bad} of the {len(plan.items)} assignments of the plan cannot be sent, and nothing "
        "was:\n" + "\n".join(lines)
    )
