"""Request IDs from stdin: what the AWS CLI printed when it started the requests.

``aws sso-admin create-account-assignment ... | poller wait-assignment ARN -`` hands over the
JSON answer the AWS CLI printed, ``{"AccountAssignmentCreationStatus": {"RequestId": ...}}``.
Read here: one document, several concatenated (a loop of ``aws`` calls), JSON lines, or a JSON
array of them (``jq -s``); a status object on its own (``--query
AccountAssignmentCreationStatus``); a JSON string (``--query ...RequestId``); or bare request
IDs separated by whitespace, one per line (``--output text``). An answer names the operation
that started the request by its key; a bare ID leaves that to the command. Nothing here checks
the IDs themselves: the command does, with the library's check.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Iterator
from typing import Any, Final

__all__ = ["BYTE_ORDER_MARK", "NOTHING_PIPED", "Answer", "AnswersError", "read_answers"]

#: Where JSON starts: a document, an array of them, or a JSON string.
_JSON_START: Final = ("{", "[", '"')
#: What Windows tools may put before UTF-8 text (Python reads it as a character).
BYTE_ORDER_MARK: Final = "\ufeff"
#: Why stdin may hold nothing, when it is a pipe.
NOTHING_PIPED: Final = "did the command that writes to it fail?"


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


def read_answers(text: str, *, keys: Collection[str], expected: str) -> list[Answer]:
    """Every request ID in *text*, in order.

    Args:
        text: What stdin held.
        keys: The answer keys that hold a status object (``PermissionSetProvisioningStatus``):
            the command's own and the others', so that the command can name a wrong one.
        expected: What the command reads, in words, for messages.

    Raises:
        AnswersError: *text* holds nothing, the AWS CLI's text or table output, is not JSON
            where JSON starts, or holds a document that is not such an answer.
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    stripped = text.lstrip()
    if not stripped:
        raise AnswersError(f"stdin held nothing to wait on ({NOTHING_PIPED}): '-' reads {expected}")
    if not stripped.startswith(_JSON_START):
        first = stripped.split(maxsplit=1)[0]
        table = first.startswith(("--", "|"))  # a frame: no request ID starts so
        if table or first in {key.upper() for key in keys}:
            shown = "table" if table else f"text ({first} ...)"
            raise AnswersError(
                f"stdin holds the AWS CLI's --output {shown}, whose fields cannot "
                f"be told apart: give {expected} (JSON is the AWS CLI's default output)"
            )
        return [
            Answer(word, None, f"line {number} of stdin")
            for number, line in enumerate(text.splitlines(), start=1)
            for word in line.split()
        ]
    answers: list[Answer] = []
    for number, document in enumerate(_documents(text, expected), start=1):
        where = f"document {number} on stdin"
        answers.extend(_from_document(document, where, keys=keys, expected=expected))
    return answers


def _documents(text: str, expected: str) -> Iterator[Any]:
    """Each JSON value in *text*: concatenated, one per line, or one alone."""
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise AnswersError(
                f"stdin is not JSON at line {error.lineno}, column {error.colno} "
                f"({error.msg}): expected {expected}"
            ) from None
        yield document


def _from_document(
    document: Any, where: str, *, keys: Collection[str], expected: str
) -> list[Answer]:
    """The request IDs of one JSON value: an answer, a status object, a string, or a list."""
    if isinstance(document, list):
        return [
            answer
            for index, item in enumerate(document, start=1)
            for answer in _from_document(
                item, f"item {index} of {where}", keys=keys, expected=expected
            )
        ]
    if isinstance(document, str):
        return [Answer(document, None, where)]
    if isinstance(document, dict):
        found = [key for key in keys if key in document]
        if found:
            key = found[0]
            return [Answer(_request_id(document[key], f"{key} of {where}", expected), key, where)]
        if "RequestId" in document:  # a status object on its own (--query ...Status)
            return [Answer(_request_id(document, where, expected), None, where)]
        named = ", ".join(sorted(str(k) for k in document)[:3]) or "nothing"
        raise AnswersError(f"{where} holds {named}, no RequestId: expected {expected}")
    raise AnswersError(f"{where} is {json.dumps(document)}, no RequestId: expected {expected}")


def _request_id(status: Any, where: str, expected: str) -> str:
    """The ``RequestId`` string of *status*, or an error naming *where*."""
    request_id = status.get("RequestId") if isinstance(status, dict) else None
    if not isinstance(request_id, str):
        raise AnswersError(f"{where} has no RequestId string: expected {expected}")
    return request_id
