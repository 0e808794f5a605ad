"""Request IDs from stdin: what the AWS CLI printed when it started the requests.

``aws sso-admin create-account-assignment ... | poller wait-assignment ARN -`` hands over the
JSON answer the AWS CLI printed, ``{"AccountAssignmentCreationStatus": {"RequestId": ...}}``.
Read here, one at a time as they come (:mod:`._stdin`): one document, several concatenated (a
loop of ``aws`` calls), JSON lines, or a JSON array of them (``jq -s``); a status object on its
own (``--query AccountAssignmentCreationStatus``); a JSON string (``--query ...RequestId``); or
bare request IDs separated by whitespace, one per line (``--output text``). An answer names
the operation that started the request by its key; a bare ID leaves that to the command.
Nothing here checks the IDs themselves: the command does, with the library's check, each as it
is read.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Collection, Iterator
from typing import Any, Final, TextIO

from poller.cli._stdin import NOTHING_PIPED, Item, StdinError, items, quote

__all__ = ["Answer", "AnswersError", "read_answers"]

#: How many of a document's keys a message names.
_KEYS_NAMED: Final = 3


class AnswersError(ValueError):
    """stdin does not hold what the command reads there; the message says what it expected."""


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """One request ID read from stdin.

    Attributes:
        request_id: The ID, as read (unchecked).
        key: The answer's key that holds it (``AccountAssignmentCreationStatus``), or None for
            a bare ID or a status object on its own.
        where: Where it was read, for messages (``document 2 on stdin``).
    """

    request_id: str
    key: str | None
    where: str


def read_answers(stream: TextIO, *, keys: Collection[str], expected: str) -> Iterator[Answer]:
    """Every request ID on *stream*, in order, each as soon as it is read.

    Args:
        stream: stdin.
        keys: The answer keys that hold a status object (``PermissionSetProvisioningStatus``):
            the command's own and the others', so that the command can name a wrong one.
        expected: What the command reads, in words, for messages.

    Raises:
        AnswersError: stdin holds nothing, the AWS CLI's text or table output, is not JSON
            where JSON starts, or holds a document that is not such an answer (raised when
            that item is read: what comes after it is not).
    """
    read = items(stream)
    try:
        first = next(read, None)
        if first is None:
            raise AnswersError(
                f"stdin held nothing to wait on ({NOTHING_PIPED}): '-' reads {expected}"
            )
        if not first.json:
            _refuse_aws_text(first.value, keys, expected)
        for item in itertools.chain([first], read):
            yield from _from_item(item, keys=keys, expected=expected)
    except StdinError as error:
        raise AnswersError(f"{error}: expected {expected}") from None


def _refuse_aws_text(first: str, keys: Collection[str], expected: str) -> None:
    """Refuse the AWS CLI's ``--output text`` or ``table``, which start so (else nothing)."""
    table = first.startswith(("--", "|"))  # a frame: no request ID starts so
    if table or first in {key.upper() for key in keys}:
        shown = "table" if table else f"text ({first} ...)"
        raise AnswersError(
            f"stdin holds the AWS CLI's --output {shown}, whose fields cannot be told apart: "
            f"give {expected} (JSON is the AWS CLI's default output)"
        )


def _from_item(item: Item, *, keys: Collection[str], expected: str) -> list[Answer]:
    """The request ID of one item: a bare ID, a JSON string, an answer or a status object."""
    document, where = item.value, item.where
    if isinstance(document, str):
        return [Answer(document, None, where)]
    if isinstance(document, dict):
        found = [key for key in keys if key in document]
        if found:
            key = found[0]
            return [Answer(_request_id(document[key], f"{key} of {where}", expected), key, where)]
        if "RequestId" in document:  # a status object on its own (--query ...Status)
            return [Answer(_request_id(document, where, expected), None, where)]
        named = ", ".join(quote(str(k), 40)[1:-1] for k in sorted(document)[:_KEYS_NAMED])
        raise AnswersError(f"{where} holds {named or 'nothing'}, no RequestId: expected {expected}")
    shown = quote(json.dumps(document))[1:-1]
    raise AnswersError(f"{where} is {shown}, no RequestId: expected {expected}")


def _request_id(status: Any, where: str, expected: str) -> str:
    """The ``RequestId`` string of *status*, or an error naming *where*."""
    request_id = status.get("RequestId") if isinstance(status, dict) else None
    if not isinstance(request_id, str):
        raise AnswersError(f"{where} has no RequestId string: expected {expected}")
    return request_id
