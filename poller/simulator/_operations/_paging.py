"""Pages of a listing: ``MaxResults`` and ``NextToken``, the token an opaque position."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from poller.simulator._errors import ServiceError, validation_error

T = TypeVar("T")

DEFAULT_PAGE_SIZE: Final = 100
_TOKEN_PATTERN: Final = r"[-a-zA-Z0-9+=/_]*"


def encode_token(position: int) -> str:
    """Return the ``NextToken`` that resumes a listing at *position*."""
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode()


def decode_token(token: object) -> int:
    """Return the position a ``NextToken`` resumes at.

    Raises:
        ServiceError: ValidationException for a token this endpoint did not hand out.
    """
    if not isinstance(token, str) or re.fullmatch(_TOKEN_PATTERN, token) is None:
        raise validation_error(
            "nextToken", token, f"Member must satisfy regular expression pattern: {_TOKEN_PATTERN}"
        )
    try:
        version, _, position = base64.urlsafe_b64decode(token).decode().partition(":")
        if version == "v1" and position.isdigit():
            return int(position)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise ServiceError("ValidationException", "The NextToken is invalid.")


def paginate(items: Sequence[T], body: dict[str, Any]) -> tuple[list[T], str | None]:
    """Return the page of *items* that *body* asks for, and the token of the next one.

    ``MaxResults`` and ``NextToken`` of *body* (already validated) choose the page; the token
    is ``None`` after the last page.
    """
    limit = body.get("MaxResults", DEFAULT_PAGE_SIZE)
    token = body.get("NextToken")
    start = 0 if token is None else decode_token(token)
    end = start + limit
    return list(items[start:end]), (encode_token(end) if end < len(items) else None)


def paginate_where(
    items: Sequence[T], body: dict[str, Any], keep: Callable[[T], bool]
) -> tuple[list[T], str | None]:
    """Return the page of the *items* that *keep* keeps, and the token of the next one.

    For a list that only ever grows at its end (an instance's requests, its assignment
    records): the token is a position in the whole list, not among the kept items, so that an
    item that changes between two pages (a request that has ended) never shifts the others.
    Items not kept just after the page are skipped, so that a token never leads to an empty
    page unless what it led to changed meanwhile; the token is ``None`` after the last page.
    """
    limit = body.get("MaxResults", DEFAULT_PAGE_SIZE)
    token = body.get("NextToken")
    position = 0 if token is None else decode_token(token)
    page: list[T] = []
    while position < len(items) and len(page) < limit:
        item = items[position]
        position += 1
        if keep(item):
            page.append(item)
    while position < len(items) and not keep(items[position]):
        position += 1
    return page, (encode_token(position) if position < len(items) else None)


def listing(key: str, items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    """Return a List output: the page under *key*, and ``NextToken`` if there is more."""
    output: dict[str, Any] = {key: items}
    if token is not None:
        output["NextToken"] = token
    return output
