"""Checking an endpoint URL before any client is made (no aiobotocore import here)."""

from __future__ import annotations

import urllib.parse

__all__ = ["check_endpoint_url"]


def check_endpoint_url(endpoint_url: str | None) -> None:
    """Refuse an endpoint URL that is not an absolute http(s) URL.

    Raises:
        ValueError: naming the URL.
    """
    if endpoint_url is None:
        return
    parsed = urllib.parse.urlsplit(endpoint_url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValueError(f"endpoint_url must be an http:// or https:// URL, not {endpoint_url!r}")
