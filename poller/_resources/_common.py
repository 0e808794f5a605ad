"""Pieces that the one-Status resources (Regions, access control, requests) share."""

from __future__ import annotations

from typing import Any

from poller._engine import _failures
from poller._engine._acceptors import (
    Acceptor,
    Observation,
    fail,
    other_error_row,
    row,
    transient_row,
    unreachable_row,
)
from poller._engine._failures import WaitState, aws_said
from poller.exceptions import AccessDeniedError, InvalidArgumentError, PollerError

__all__ = ["error_rows", "invalid_argument", "one_status"]


def one_status(description: Any) -> tuple[str | None, str | None]:
    """The state of a resource with one Status and no second one."""
    return description.status, None


def invalid_argument(observation: Observation, state: WaitState) -> PollerError:
    """ValidationException: the service refused an identifier."""
    return InvalidArgumentError(
        f"The service rejected the identifiers of {state.label} ({observation.operation} "
        f"answered ValidationException).{aws_said(observation.error_message)}",
        **state.context(observation.error_message or None),
    )


def error_rows(targets: tuple[str, ...]) -> tuple[Acceptor, ...]:
    """The last rows of a one-Status resource's table, the same for every target.

    AccessDenied of any Reason, an endpoint that never answers, the transient errors,
    ValidationException and any other error code, in that order.
    """
    return (
        row(
            "AccessDenied (any Reason)",
            lambda o: o.access_denied,
            targets,
            fail(AccessDeniedError, _failures.access_denied),
        ),
        unreachable_row(targets, _failures.unreachable),
        transient_row(targets),
        row(
            "ValidationException",
            lambda o: o.error_code == "ValidationException",
            targets,
            fail(InvalidArgumentError, invalid_argument),
        ),
        other_error_row(targets, _failures.api_error),
    )
