"""How the command shows Regions and requests: console lines, the status line, documents."""

from __future__ import annotations

import io
from typing import Any

import pytest

import poller
from poller import Identity, Outcome, events
from poller.cli._kinds import Awaited, success_line
from poller.cli._render import Console, _render_console
from poller.cli._report import from_error
from poller.exceptions import (
    AccessDeniedError,
    AccountAssignmentFailedError,
    ResourceNotFoundError,
)
from tests.fakes import ARN

INSTANCES = poller.resources["instance"]
REGIONS = poller.resources["region"]
ACCESS_CONTROL = poller.resources["access-control-attributes"]
PROVISIONING = poller.resources["permission-set-provisioning"]
ASSIGNMENT_CREATION = poller.resources["account-assignment-creation"]
ASSIGNMENT_DELETION = poller.resources["account-assignment-deletion"]
REQUEST = "1c3a8e52-63f1-4ba0-a4bc-1e3c52b0f0a1"
OTHER_REQUEST = "0b7e4a3c-2f6d-4e1a-9c8b-5d4f3e2a1b0c"


@pytest.mark.parametrize(
    ("fields", "who", "expected"),
    [
        (
            {
                "event": "region.status_changed",
                "region_name": "eu-west-1",
                "previous_status": "ADDING",
                "status": "ACTIVE",
                "reasons": [],
                "elapsed": 61.0,
            },
            "eu-west-1",
            "ADDING → ACTIVE after 61.0 s",
        ),
        (
            {
                "event": "account_assignment.status_changed",
                "request_id": REQUEST,
                "previous_status": "IN_PROGRESS",
                "status": "FAILED",
                "reasons": ["Account suspended."],
                "elapsed": 2.0,
            },
            REQUEST,
            "IN_PROGRESS → FAILED after 2.0 s: Account suspended.",
        ),
        (
            {
                "event": "access_control_attributes.unknown_status",
                "status": "MIGRATING",
                "attempt": 3,
            },
            "ssoins-1234567890abcdef",
            "unknown status MIGRATING: waiting on (poll 3)",
        ),
    ],
)
def test_console_lines_name_the_region_or_request(
    fields: dict[str, Any], who: str, expected: str
) -> None:
    """A Region's or a request's event reads with its name or ID and what changed."""
    event = {"instance_arn": ARN, "until": "active", "timestamp": "2026-11-25T12:00:00+00:00"}

    line = _render_console(None, "info", event | fields)

    assert f" {who}  {expected}" in line
    assert "region_name=" not in line
    assert "request_id=" not in line


def test_two_requests_of_one_instance_are_two_waits_on_the_status_line() -> None:
    """Requests of one instance are told apart by their IDs: two waits, not one."""
    stream = io.StringIO()
    console = Console(stream, live=True, width=lambda: 79)
    for request_id in (REQUEST, OTHER_REQUEST):
        common = {"instance_arn": ARN, "until": "succeeded", "request_id": request_id}
        console.on_event(events.WaitStarted(**common, timeout=60, min_delay=1, max_delay=10))
        console.on_event(
            events.AccountAssignmentStatusChanged(
                **common,
                previous_status=None,
                status="IN_PROGRESS",
                reasons=(),
                attempt=1,
                elapsed=0.1,
            )
        )
    console.on_event(
        events.WaitSucceeded(
            instance_arn=ARN, until="succeeded", request_id=REQUEST, status="SUCCEEDED",
            attempts=2, elapsed=1.0,
        )
    )  # fmt: skip

    last = stream.getvalue().rpartition("\x1b[K")[2]
    assert last.startswith(f"{OTHER_REQUEST} IN_PROGRESS"), last


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        ([Awaited(REGIONS, Identity(ARN, region_name="eu-west-1"), "active")],
         "✓ Region eu-west-1 is active."),
        ([Awaited(REGIONS, Identity(ARN, region_name=r), "removed") for r in ("a", "b")],
         "✓ 2 Regions are removed."),
        ([Awaited(ACCESS_CONTROL, Identity(ARN), "enabled")],
         "✓ ABAC of ssoins-1234567890abcdef is enabled."),
        ([Awaited(PROVISIONING, Identity(ARN, request_id=REQUEST), "succeeded")],
         f"✓ Provisioning request {REQUEST} succeeded."),
        ([Awaited(ASSIGNMENT_CREATION, Identity(ARN, request_id=REQUEST), "succeeded"),
          Awaited(ASSIGNMENT_DELETION, Identity(ARN, request_id=OTHER_REQUEST), "succeeded")],
         "✓ 2 assignment requests succeeded."),
        ([Awaited(INSTANCES, Identity(ARN), "active"),
          Awaited(REGIONS, Identity(ARN, region_name="eu-west-1"), "active")],
         "✓ ssoins-1234567890abcdef is active. Region eu-west-1 is active."),
    ],
)  # fmt: skip
def test_the_line_for_a_person_names_what_got_there(targets: list[Awaited], expected: str) -> None:
    """One kind reads as one sentence; creations and deletions count together; a mix lists."""
    assert expected == success_line(targets)


def test_a_request_failure_document_names_the_request_and_its_last_state() -> None:
    """A failed request: its identity in the API's names, the status object, its own hint."""
    last = type("Last", (), {"status": "FAILED", "to_api_json": lambda self: {"Status": "FAILED"}})
    error = AccountAssignmentFailedError(
        "Assignment creation request ... failed (Status FAILED): Account suspended.",
        instance_arn=ARN,
        request_id=REQUEST,
        last=last(),
        attempts=3,
        elapsed=4.04,
        reason="Account suspended.",
    )

    report = from_error(error, hints=ASSIGNMENT_CREATION.advice, last_key="Request")

    assert {
        "InstanceArn": ARN,
        "RequestId": REQUEST,
        "Outcome": "failed",
        "Attempts": 3,
        "Elapsed": 4.0,
        "Error": {
            "Type": "AccountAssignmentFailedError",
            "Message": error.message,
            "Reason": "Account suspended.",
        },
        "Request": {"Status": "FAILED"},
    } == report.document
    assert f"{ARN}\t{REQUEST}\tfailed\tFAILED\tAccountAssignmentFailedError" == report.text
    assert ASSIGNMENT_CREATION.advice[Outcome.FAILED] == report.hint


def test_hints_of_a_kind_give_way_to_the_generic_ones_it_lacks() -> None:
    """A kind's hint replaces the generic one for its outcome only."""
    missing = ResourceNotFoundError("No Region.", instance_arn=ARN, region_name="eu-west-1")
    denied = AccessDeniedError("Denied.", instance_arn=ARN, region_name="eu-west-1")

    report = from_error(missing, hints=REGIONS.advice, last_key="Region")
    generic = from_error(denied, hints=REGIONS.advice, last_key="Region")

    assert "list-regions" in str(report.hint)
    assert ("eu-west-1", None) == (report.document["RegionName"], report.document["Region"])
    assert "get-caller-identity" in str(generic.hint)
