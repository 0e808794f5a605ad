"""Waiting on a Region of an instance, and on its attribute-based access control."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, Unpack

from poller._identity import Identity
from poller._resources._access_control import (
    ACCESS_CONTROL_ATTRIBUTES_KIND,
    AccessControlAttributesDescription,
)
from poller._resources._region import REGION_KIND, RegionDescription, RegionTarget
from poller._result import WaitResult
from poller._settings import Settings
from poller._waiters._any import start

__all__ = [
    "wait_for_access_control_attributes",
    "wait_for_region",
    "watch_access_control_attributes",
    "watch_region",
]


async def wait_for_region(
    client: Any,
    instance_arn: str,
    region_name: str,
    *,
    until: RegionTarget | str = RegionTarget.ACTIVE,
    **settings: Unpack[Settings],
) -> WaitResult:
    """Wait until a Region of an instance is ``active`` (after AddRegion) or ``removed``.

    Polls DescribeRegion and decides each answer by the Region's state table (see the
    README). A ResourceNotFound not preceded by REMOVING is resolved with ListRegions.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        region_name: The Region (``eu-west-1``), checked against the service model's pattern.
        until: ``RegionTarget.ACTIVE`` or ``REMOVED`` (or ``"active"``, ``"removed"``).
        **settings: :class:`poller.Settings` (``min_delay`` and ``max_delay`` default to
            ``poller.resources["region"].delays``: replication takes minutes).

    Returns:
        The final description (None for ``removed``), polls, time and states seen.

    Raises:
        InvalidArgumentError: A malformed ARN or Region name (before any request).
        RegionRemovedError: REMOVING, or gone, while waiting for ``active``.
        ResourceNotFoundError: No such Region (ListRegions does not list it).
        AccessDeniedError, WaitTimeoutError, ApiError: As for every wait.
    """
    identity = Identity(instance_arn, region_name=region_name)
    return await start(client, REGION_KIND, identity, until, settings).finish()


def watch_region(
    client: Any,
    instance_arn: str,
    region_name: str,
    *,
    until: RegionTarget | str = RegionTarget.ACTIVE,
    **settings: Unpack[Settings],
) -> AsyncGenerator[RegionDescription, None]:
    """Yield each distinct state of a Region until it reaches *until*.

    Takes the arguments of :func:`wait_for_region`, checked right away, and raises its errors.
    """
    identity = Identity(instance_arn, region_name=region_name)
    return start(client, REGION_KIND, identity, until, settings).run()


async def wait_for_access_control_attributes(
    client: Any, instance_arn: str, **settings: Unpack[Settings]
) -> WaitResult:
    """Wait until an instance's attribute-based access control is ``enabled``.

    Polls DescribeInstanceAccessControlAttributeConfiguration, after
    CreateInstanceAccessControlAttributeConfiguration. Settings as for
    :func:`wait_for_region` (delays: ``poller.resources["access-control-attributes"]``).

    Raises:
        InvalidInstanceArnError: A malformed ARN (before any request).
        AccessControlAttributesFailedError: CREATION_FAILED; ``.reason`` is the StatusReason.
        ResourceNotFoundError: No configuration was created.
        AccessDeniedError, WaitTimeoutError, ApiError: As for every wait.
    """
    kind = ACCESS_CONTROL_ATTRIBUTES_KIND
    return await start(client, kind, instance_arn, None, settings).finish()


def watch_access_control_attributes(
    client: Any, instance_arn: str, **settings: Unpack[Settings]
) -> AsyncGenerator[AccessControlAttributesDescription, None]:
    """Yield each distinct state of the access-control configuration until it is enabled."""
    return start(client, ACCESS_CONTROL_ATTRIBUTES_KIND, instance_arn, None, settings).run()
