"""List operations, page by page: what a caller can see."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Final

__all__ = ["PAGE_SIZE", "list_instance_arns", "listed_values"]

PAGE_SIZE: Final = 100

Pace = Callable[[], Awaitable[object]] | None


async def listed_values(
    call: Callable[..., Awaitable[Any]],
    items: str,
    field: str,
    *,
    before_page: Pace = None,
    **params: Any,
) -> AsyncGenerator[str, None]:
    """Yield *field* of every item of the list *items*, reading pages as needed.

    Args:
        call: The client method (``client.list_instances``).
        items: The answer's list key (``Instances``).
        field: The key of each item to yield (``InstanceArn``).
        before_page: Awaited before each request (a rate limiter's ``acquire``).
        **params: The operation's other parameters.
    """
    params["MaxResults"] = PAGE_SIZE
    while True:
        if before_page is not None:
            await before_page()
        page = await call(**params)
        for item in page.get(items) or ():
            yield str(item.get(field))
        token = page.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


def list_instance_arns(client: Any, *, before_page: Pace = None) -> AsyncGenerator[str, None]:
    """Yield the ARN of every instance ListInstances lists, page by page.

    Args:
        client: An aiobotocore ``sso-admin`` client.
        before_page: Awaited before each request (a rate limiter's ``acquire``).
    """
    return listed_values(client.list_instances, "Instances", "InstanceArn", before_page=before_page)
