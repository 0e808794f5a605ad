"""Waiting on a Region of an instance, and on its attribute-based access control."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from poller._engine._resource import Identity
from poller._engine._wait import Wait
from poller._ratelimit import RequestLimiter
from poller._resources._access_control import (
    ACCESS_CONTROL_ATTRIBUTES,
    AccessControlAttributesDescription,
)
from poller._resources._region import REGION, RegionDescription, RegionTarget
from poller._result import WaitResult
from poller._settings import Moment, Seconds
from poller.events import EventHook

__all__ = [
    "wait_for_access_control_attributes",
    "wait_for_region",
    "watch_access_control_attributes",
    "watch_region",
]


def _region_wait(
    client: Any,
    instance_arn: str,
    region_name: str,
    until: RegionTarget | str,
    settings: dict[str, Any],
) -> Wait:
    identity = Identity(instance_arn, region_name=region_name)
    return Wait.of(client, REGION, identity, until, **settings)


async def wait_for_region(
    client: Any,
    instance_arn: str,
    region_name: str,
    *,
    until: RegionTarget | str = RegionTarget.ACTIVE,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until a Region of an instance is ``active`` (after AddRegion) or ``removed``.

    Polls DescribeRegion (default delays 10 s / 60 s) and decides each answer by the Region's
    state table (see the README). A ResourceNotFound not preceded by REMOVING is resolved
    with ListRegions.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        region_name: The Region (``eu-west-1``).
        until: ``"active"`` or ``"removed"`` (:class:`poller.RegionTarget`).
        timeout: The whole wait's limit (default 30 min).
        deadline: Instead of *timeout*, an absolute end.
        min_delay: The shortest pause between polls (default 10 s).
        max_delay: The longest pause between polls (default 60 s).
        on_event: Called with each :mod:`poller.events` event, in order.
        limiter: Paces this wait's requests, shared with other waits on the same account.

    Returns:
        The final :class:`poller.RegionDescription` (None for ``removed``), polls, time, states.

    Raises:
        InvalidArgumentError: A malformed ARN or Region name (before any request).
        ValueError: A setting is out of range, or an unknown target (before any request).
        WaitTimeoutError: The deadline passed.
        RegionRemovedError: The Region is being removed, or is gone, while waiting for active.
        ResourceNotFoundError: No such Region.
        AccessDeniedError: The caller may not describe the Region.
        ApiError: Any other error AWS will not change its mind about.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return await _region_wait(client, instance_arn, region_name, until, settings).finish()


def watch_region(
    client: Any,
    instance_arn: str,
    region_name: str,
    *,
    until: RegionTarget | str = RegionTarget.ACTIVE,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[RegionDescription, None]:
    """Yield each distinct state of a Region until it reaches *until*.

    Takes the arguments of :func:`wait_for_region`, checked right away, and raises its errors.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return _region_wait(client, instance_arn, region_name, until, settings).run()


def _access_control_wait(client: Any, instance_arn: str, settings: dict[str, Any]) -> Wait:
    identity = Identity(instance_arn)
    return Wait.of(client, ACCESS_CONTROL_ATTRIBUTES, identity, "enabled", **settings)


async def wait_for_access_control_attributes(
    client: Any,
    instance_arn: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> WaitResult:
    """Wait until an instance's attribute-based access control is ``enabled``.

    Polls DescribeInstanceAccessControlAttributeConfiguration (default delays 2 s / 15 s),
    after CreateInstanceAccessControlAttributeConfiguration. Settings as for
    :func:`wait_for_region`.

    Raises:
        InvalidInstanceArnError: A malformed ARN (before any request).
        AccessControlAttributesFailedError: CREATION_FAILED; ``.reason`` is the StatusReason.
        ResourceNotFoundError: No configuration was created.
        AccessDeniedError, WaitTimeoutError, ApiError: As for every wait.
    """
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return await _access_control_wait(client, instance_arn, settings).finish()


def watch_access_control_attributes(
    client: Any,
    instance_arn: str,
    *,
    timeout: Seconds | None = None,
    deadline: Moment | None = None,
    min_delay: Seconds | None = None,
    max_delay: Seconds | None = None,
    on_event: EventHook | None = None,
    limiter: RequestLimiter | None = None,
) -> AsyncGenerator[AccessControlAttributesDescription, None]:
    """Yield each distinct state of the access-control configuration until it is enabled."""
    settings = {
        "timeout": timeout,
        "deadline": deadline,
        "min_delay": min_delay,
        "max_delay": max_delay,
        "on_event": on_event,
        "limiter": limiter,
    }
    return _access_control_wait(client, instance_arn, settings).run()
