"""Request IDs from an upstream task's XCom: the answers of the calls that started them.

A task that called ``ProvisionPermissionSet``, ``CreateAccountAssignment`` or
``DeleteAccountAssignment`` (with boto3, or the Amazon provider's hook) pushes the answers:
``{"AccountAssignmentCreationStatus": {"RequestId": ..., ...}, "ResponseMetadata": ...}``,
one or a list of them. Read here: those answers, the status objects inside them on their own
(``{"RequestId": ..., "Status": ...}``), bare request IDs, or a list mixing them. The answer's
key says which operation started the request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from poller.airflow._kinds import kind_named, request_kinds

__all__ = ["RequestIds", "answers_kind", "is_literal", "read_request_ids"]


def _operation(name: str) -> str:
    """The call that starts a request of kind *name*, for messages."""
    return kind_named(name).started_by[0]


def _expected() -> str:
    """What ``request_ids`` may hold, naming the calls of every kind of request."""
    calls = [kind.started_by[0] for kind in request_kinds().values()]
    named = calls[0] if len(calls) == 1 else f"{', '.join(calls[:-1])} or {calls[-1]}"
    return (
        f"a request ID, the answer of {named} (or the status object inside it), or a list of them"
    )


@dataclasses.dataclass(frozen=True, slots=True)
class RequestIds:
    """The request IDs read, in order, and what the answers said about them.

    Attributes:
        ids: Every request ID, in the order given.
        kinds: The request kinds the answers named (none for bare IDs and status objects).
        single: Whether one was given rather than a list: the task then returns one status
            object rather than a list of them.
    """

    ids: list[str]
    kinds: frozenset[str]
    single: bool


def is_literal(value: object) -> bool:
    """Whether *value* is written in the DAG file as is: nothing for Airflow to render.

    A string without Jinja, or mappings and lists of them; an XComArg or a Jinja string is not.
    """
    if isinstance(value, str):
        return "{{" not in value
    if isinstance(value, Mapping):
        return all(is_literal(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(is_literal(item) for item in value)
    return isinstance(value, int | float | bool) or value is None


def _one(item: object, where: str) -> tuple[str, str | None]:
    """One item's request ID, and the kind its answer names (None when it names none)."""
    if isinstance(item, str):
        return item, None
    if not isinstance(item, Mapping):
        # ValueError, not TypeError: bad input in the DAG, failed as every other check here.
        raise ValueError(f"{where} is {item!r}: expected {_expected()}")  # noqa: TRY004
    # The key of the status object says which call started the request: each request kind
    # knows its own (ResourceKind.answer_key).
    answer_keys = request_kinds()
    keys = [key for key in answer_keys if key in item]
    if len(keys) > 1:
        raise ValueError(f"{where} holds {' and '.join(keys)}: expected one answer")
    status, kind = (item[keys[0]], answer_keys[keys[0]].name) if keys else (item, None)
    request_id = status.get("RequestId") if isinstance(status, Mapping) else None
    if not isinstance(request_id, str):
        raise ValueError(f"{where} has no RequestId: expected {_expected()}")  # noqa: TRY004
    return request_id, kind


def read_request_ids(value: object) -> RequestIds:
    """The request IDs in *value*, as an upstream task pushed it.

    Raises:
        ValueError: Something that is not such an answer, naming where it is.
    """
    single = isinstance(value, str | Mapping)
    if single:
        items: Sequence[object] = [value]
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ValueError(f"request_ids is {value!r}: expected {_expected()}")
    read = [
        _one(item, "request_ids" if single else f"request_ids[{index}]")
        for index, item in enumerate(items)
    ]
    return RequestIds(
        ids=[request_id for request_id, _ in read],
        kinds=frozenset(kind for _, kind in read if kind is not None),
        single=single,
    )


def answers_kind(kinds: frozenset[str], accepted: Sequence[str], default: str) -> str:
    """The one request kind the answers name, among *accepted*; *default* when they name none.

    Raises:
        ValueError: The answers name several kinds, or one not accepted (the answer of another
            operation than the operator waits for).
    """
    if len(kinds) > 1:
        named = " and ".join(_operation(kind) for kind in sorted(kinds))
        raise ValueError(f"request_ids mixes the answers of {named}: wait on each in a task")
    (kind,) = kinds or {default}
    if kind not in accepted:
        wanted = " or ".join(_operation(name) for name in accepted)
        raise ValueError(f"request_ids holds the answers of {_operation(kind)}, not of {wanted}")
    return kind
