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
from typing import Final

from poller.airflow._rollout_trigger import ROLLOUT_RESOURCES

__all__ = ["ANSWER_KEYS", "RequestIds", "answers_kind", "is_literal", "read_request_ids"]

#: The key of the status object in each starting call's answer, and the request kind it
#: names (the ``resource`` of :class:`~poller.airflow.RolloutWaitTrigger`).
ANSWER_KEYS: Final[Mapping[str, str]] = {
    resource.answer_key: name
    for name, resource in ROLLOUT_RESOURCES.items()
    if resource.answer_key is not None
}
#: The operation that starts each kind of request, for messages.
_OPERATIONS: Final[Mapping[str, str]] = {
    "permission-set-provisioning": "ProvisionPermissionSet",
    "account-assignment-creation": "CreateAccountAssignment",
    "account-assignment-deletion": "DeleteAccountAssignment",
}
_EXPECTED: Final = (
    "a request ID, the answer of ProvisionPermissionSet, CreateAccountAssignment or "
    "DeleteAccountAssignment (or the status object inside it), or a list of them"
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
        raise ValueError(f"{where} is {item!r}: expected {_EXPECTED}")  # noqa: TRY004
    keys = [key for key in ANSWER_KEYS if key in item]
    if len(keys) > 1:
        raise ValueError(f"{where} holds {' and '.join(keys)}: expected one answer")
    status, kind = (item[keys[0]], ANSWER_KEYS[keys[0]]) if keys else (item, None)
    request_id = status.get("RequestId") if isinstance(status, Mapping) else None
    if not isinstance(request_id, str):
        raise ValueError(f"{where} has no RequestId: expected {_EXPECTED}")  # noqa: TRY004
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
        raise ValueError(f"request_ids is {value!r}: expected {_EXPECTED}")
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
        named = " and ".join(_OPERATIONS[kind] for kind in sorted(kinds))
        raise ValueError(f"request_ids mixes the answers of {named}: wait on each in a task")
    (kind,) = kinds or {default}
    if kind not in accepted:
        wanted = " or ".join(_OPERATIONS[kind] for kind in accepted)
        raise ValueError(f"request_ids holds the answers of {_OPERATIONS[kind]}, not of {wanted}")
    return kind
