"""ListInstances, page by page: the instance ARNs a caller can see."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Final

__all__ = ["PAGE_SIZE", "listed_instance_arns"]

PAGE_SIZE: Final = 100


async def listed_instance_arns(
    client: Any, *, before_page: Callable[[], Awaitable[object]] | None = None
) -> AsyncGenerator[str, None]:
    """Yield the ARN of every instance ListInstances lists, reading pages as needed.

    Args:
        client: An aiobotocore ``sso-admin`` client.
        before_page: Awaited before each request (a rate limiter's ``acquire``).
    """
    params: dict[str, Any] = {"MaxResults": PAGE_SIZE}
    while True:
        if before_page is not None:
            await before_page()
        page = await client.list_instances(**params)
        for item in page.get("Instances") or ():
            yield str(item.get("InstanceArn"))
        token = page.get("NextToken")
        if not token:
            return
        params["NextToken"] = token
