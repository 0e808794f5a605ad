"""Create, Describe, Update and DeleteInstanceAccessControlAttributeConfiguration."""

from __future__ import annotations

from typing import Any, Final

from poller.simulator._access_control import CREATION_IN_PROGRESS, configuration_of
from poller.simulator._errors import conflict
from poller.simulator._model import validate
from poller.simulator._simulator import Simulator

_SUFFIX: Final = "InstanceAccessControlAttributeConfiguration"


def _attributes(body: dict[str, Any]) -> list[dict[str, Any]]:
    attributes: list[dict[str, Any]] = body[_SUFFIX]["AccessControlAttributes"]
    return attributes


def create_configuration(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """Create...: ``CREATION_IN_PROGRESS``, then ``ENABLED`` (or ``CREATION_FAILED``)."""
    validate(f"Create{_SUFFIX}", body)
    arn = body["InstanceArn"]
    instance = sim.require(arn, f"Create{_SUFFIX}")
    if instance.access_control is not None:
        raise conflict(
            "An attribute-based access control configuration already exists for the instance."
        )
    sim.create_access_control_attributes(
        arn, _attributes(body), fail_reason=sim.access_control_fail_reason
    )
    return {}


def describe_configuration(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """Describe...: its status and attributes; ResourceNotFoundException when there is none."""
    validate(f"Describe{_SUFFIX}", body)
    instance = sim.require(body["InstanceArn"], f"Describe{_SUFFIX}")
    return configuration_of(instance).describe(sim.now())


def update_configuration(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """Update...: new attributes; not while the configuration is being created."""
    validate(f"Update{_SUFFIX}", body)
    configuration = configuration_of(sim.require(body["InstanceArn"], f"Update{_SUFFIX}"))
    _settled(configuration.status(sim.now()))
    configuration.attributes = _attributes(body)
    return {}


def delete_configuration(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    """Delete...: gone at once; not while it is being created."""
    validate(f"Delete{_SUFFIX}", body)
    instance = sim.require(body["InstanceArn"], f"Delete{_SUFFIX}")
    _settled(configuration_of(instance).status(sim.now()))
    instance.access_control = None
    return {}


def _settled(status: str) -> None:
    if status == CREATION_IN_PROGRESS:
        raise conflict("The attribute-based access control configuration is still being created.")
