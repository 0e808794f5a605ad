"""The rollout resources' state tables (Regions, access control, requests), cell by cell.

Each case is an observation that the state tables name (README.md's "States"; DESIGN.md,
"Resources and state tables"), and the verdict (or error) it must give for every target,
written out here rather than read from the code. No I/O.
"""

from __future__ import annotations

from typing import Any

import pytest

import poller
from poller._engine._acceptors import Observation, Verdict, decide
from poller._engine._failures import WaitState
from poller._engine._resource import Resource
from poller._identity import Identity
from poller._resources._access_control import (
    ACCESS_CONTROL_ATTRIBUTES,
    AccessControlAttributesDescription,
)
from poller._resources._region import REGION, RegionDescription
from poller._resources._requests import (
    ACCOUNT_ASSIGNMENT_CREATION,
    ACCOUNT_ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    RequestDescription,
)
from tests.fakes import ARN

S, W, R, Q = Verdict.SUCCESS, Verdict.WAIT, Verdict.RETRY, Verdict.RESOLVE
REGION_NAME = "eu-west-1"
REQUEST_ID = "b2a5e1f0-4c3d-4e5f-8a9b-0c1d2e3f4a5b"
TRANSPORT = "Throttling (any Reason), InternalServer, HTTP 5xx"


def error(code: str, **fields: Any) -> Observation:
    """An error answer."""
    return Observation(error_code=code, operation="Describe", **fields)


def region(status: str) -> Observation:
    """A DescribeRegion answer, parsed."""
    answer = {"RegionName": REGION_NAME, "Status": status, "IsPrimaryRegion": False}
    return Observation(description=RegionDescription.from_api(answer), operation="DescribeRegion")


def abac(status: str, reason: str | None = None) -> Observation:
    """A DescribeInstanceAccessControlAttributeConfiguration answer, parsed."""
    answer: dict[str, Any] = {"Status": status}
    if reason is not None:
        answer["StatusReason"] = reason
    description = AccessControlAttributesDescription.from_api(answer)
    return Observation(description=description, operation="x")


def request(status: str, reason: str | None = None) -> Observation:
    """A request's status object, parsed."""
    answer: dict[str, Any] = {"Status": status, "RequestId": REQUEST_ID}
    if reason is not None:
        answer["FailureReason"] = reason
    return Observation(description=RequestDescription.from_api(answer), operation="x")


def shared(
    every: int, invalid: type[Exception]
) -> list[tuple[str, Observation, str, tuple[object, ...]]]:
    """The rows every table shares, for a table of *every* targets."""
    return [
        (
            "unreachable",
            error("EndpointConnectionError", transport_error=True, unreachable=True),
            "connecting failed",
            (poller.EndpointUnreachableError,) * every,
        ),
        ("throttled", error("ThrottlingException", http_status=400), TRANSPORT, (R,) * every),
        ("internal", error("InternalServerException", http_status=500), TRANSPORT, (R,) * every),
        ("gateway", error("503", http_status=503), TRANSPORT, (R,) * every),
        ("dropped", error("ReadTimeoutError", transport_error=True), TRANSPORT, (R,) * every),
        (
            "invalid",
            error("ValidationException", http_status=400),
            "ValidationException",
            (invalid,) * every,
        ),
        (
            "expired",
            error("ExpiredTokenException", http_status=403),
            "any other error code",
            (poller.ApiError,) * every,
        ),
    ]


# observation → (row, then active, removed), as in the Regions table.
REGION_CASES = [
    ("active", region("ACTIVE"), "Status ACTIVE", (S, W)),
    ("adding", region("ADDING"), "Status ADDING", (W, W)),
    ("removing", region("REMOVING"), "Status REMOVING", (poller.RegionRemovedError, W)),
    ("unknown", region("MOVING"), "unknown Status", (W, W)),
    (
        "gone after removing",
        error("ResourceNotFoundException", removal_seen=True),
        "ResourceNotFound after REMOVING was seen",
        (poller.RegionRemovedError, S),
    ),
    ("not found", error("ResourceNotFoundException"), "ResourceNotFound otherwise", (Q, Q)),
    (
        "denied",
        error("AccessDeniedException", error_reason="KMS_AccessDeniedException"),
        "AccessDenied (any Reason)",
        (poller.AccessDeniedError,) * 2,
    ),
    *shared(2, poller.InvalidArgumentError),
]

ABAC_CASES = [
    ("enabled", abac("ENABLED"), "Status ENABLED", (S,)),
    ("creating", abac("CREATION_IN_PROGRESS"), "Status CREATION_IN_PROGRESS", (W,)),
    (
        "failed",
        abac("CREATION_FAILED", "No such attribute"),
        "Status CREATION_FAILED",
        (poller.AccessControlAttributesFailedError,),
    ),
    ("unknown", abac("UPDATING"), "unknown Status", (W,)),
    (
        "not found",
        error("ResourceNotFoundException"),
        "ResourceNotFound",
        (poller.ResourceNotFoundError,),
    ),
    (
        "denied",
        error("AccessDeniedException"),
        "AccessDenied (any Reason)",
        (poller.AccessDeniedError,),
    ),
    *shared(1, poller.InvalidArgumentError),
]


def request_cases(
    failed: type[Exception],
) -> list[tuple[str, Observation, str, tuple[object, ...]]]:
    """The requests' table, failing FAILED with *failed*."""
    return [
        ("succeeded", request("SUCCEEDED"), "Status SUCCEEDED", (S,)),
        ("in progress", request("IN_PROGRESS"), "Status IN_PROGRESS", (W,)),
        ("failed", request("FAILED", "Account is suspended."), "Status FAILED", (failed,)),
        ("unknown", request("QUEUED"), "unknown Status", (W,)),
        (
            "not found",
            error("ResourceNotFoundException"),
            "ResourceNotFound",
            (poller.ResourceNotFoundError,),
        ),
        (
            "denied",
            error("AccessDeniedException"),
            "AccessDenied (any Reason)",
            (poller.AccessDeniedError,),
        ),
        *shared(1, poller.InvalidArgumentError),
    ]


TABLES: list[tuple[Resource, Identity, list[tuple[str, Observation, str, tuple[object, ...]]]]] = [
    (REGION, Identity(ARN, region_name=REGION_NAME), REGION_CASES),
    (ACCESS_CONTROL_ATTRIBUTES, Identity(ARN), ABAC_CASES),
    (
        PERMISSION_SET_PROVISIONING,
        Identity(ARN, request_id=REQUEST_ID),
        request_cases(poller.PermissionSetProvisioningFailedError),
    ),
    (
        ACCOUNT_ASSIGNMENT_CREATION,
        Identity(ARN, request_id=REQUEST_ID),
        request_cases(poller.AccountAssignmentFailedError),
    ),
    (
        ACCOUNT_ASSIGNMENT_DELETION,
        Identity(ARN, request_id=REQUEST_ID),
        request_cases(poller.AccountAssignmentFailedError),
    ),
]

CELLS = [
    pytest.param(
        resource,
        identity,
        observation,
        row,
        (target, expected[column]),
        id=f"{resource.operation}-{name}-{target}",
    )
    for resource, identity, cases in TABLES
    for name, observation, row, expected in cases
    for column, target in enumerate(resource.targets)
]


@pytest.mark.parametrize(("resource", "identity", "observation", "row", "cell"), CELLS)
def test_each_cell(
    resource: Resource,
    identity: Identity,
    observation: Observation,
    row: str,
    cell: tuple[str, object],
) -> None:
    """The first matching row decides, and its cell for the target is the table's."""
    target, want = cell
    acceptor, decision = decide(resource.acceptors, observation, target)

    assert acceptor.observation.startswith(row)
    if isinstance(want, Verdict):
        assert want is decision.verdict
        return
    assert (Verdict.FAIL, want) == (decision.verdict, decision.error)
    assert decision.build is not None
    built = decision.build(observation, WaitState(resource, identity, target, None, 1, 0.5))
    assert type(built) is want
    assert ARN in str(built)
    assert (ARN, identity.region_name, identity.request_id) == (
        built.instance_arn,
        built.region_name,
        built.request_id,
    )


@pytest.mark.parametrize(
    ("resource", "identity", "cases"), TABLES, ids=lambda v: getattr(v, "operation", "")
)
def test_every_row_is_exercised(resource: Resource, identity: Identity, cases: list[Any]) -> None:
    """No row of a table goes untested above."""
    tested = {row for _, _, row, _ in cases}

    assert all(any(a.observation.startswith(r) for r in tested) for a in resource.acceptors)


def test_failures_carry_aws_reason() -> None:
    """FAILED and CREATION_FAILED errors carry AWS's reason as ``.reason`` and in the message."""
    identity = Identity(ARN, request_id=REQUEST_ID)
    observation = request("FAILED", "Account is suspended.")
    _, decision = decide(ACCOUNT_ASSIGNMENT_CREATION.acceptors, observation, "succeeded")
    assert decision.build is not None
    state = WaitState(ACCOUNT_ASSIGNMENT_CREATION, identity, "succeeded", None, 1, 0.5)
    built = decision.build(observation, state)
    assert "Account is suspended." == built.reason
    assert "Account is suspended" in str(built)
    assert REQUEST_ID in str(built)

    observation = abac("CREATION_FAILED", "Bad source")
    _, decision = decide(ACCESS_CONTROL_ATTRIBUTES.acceptors, observation, "enabled")
    assert decision.build is not None
    state = WaitState(ACCESS_CONTROL_ATTRIBUTES, Identity(ARN), "enabled", None, 1, 0.5)
    assert "Bad source" == decision.build(observation, state).reason


def test_region_absence_resolution() -> None:
    """ListRegions decides a ResourceNotFound with no REMOVING before it."""
    listing = REGION.listing
    assert listing is not None

    assert [R, R] == [listing.when_listed(t).verdict for t in ("active", "removed")]
    assert S is listing.when_absent("removed", False).verdict
    assert S is listing.when_absent("removed", True).verdict
    assert poller.ResourceNotFoundError is listing.when_absent("active", False).error
    assert poller.ResourceNotFoundError is listing.when_absent("active", True).error


def test_only_removal_rows_mean_gone() -> None:
    """Only the Region's ResourceNotFound after REMOVING means gone."""
    assert ["ResourceNotFound after REMOVING was seen"] == [
        a.observation for a in REGION.acceptors if a.gone
    ]
    for resource in (ACCESS_CONTROL_ATTRIBUTES, PERMISSION_SET_PROVISIONING):
        assert not [a for a in resource.acceptors if a.gone]


def test_unknown_values_stay_strings() -> None:
    """Values from a newer API are kept as plain strings."""
    assert "MOVING" == region("MOVING").status
    assert "QUEUED" == request("QUEUED").status
    parsed = RequestDescription.from_api({"Status": "SUCCEEDED", "TargetType": "AWS_OU"})
    assert "AWS_OU" == parsed.target_type
    assert {"Status": "SUCCEEDED", "TargetType": "AWS_OU"} == parsed.to_api_json()


@pytest.mark.parametrize(
    ("resource", "identity"),
    [
        (REGION, Identity(ARN, region_name="EU-WEST-1")),
        (REGION, Identity(ARN, region_name="euwest1")),
        (REGION, Identity(ARN, region_name="eu-west-" + "x" * 30 + "-1")),
        (REGION, Identity("arn:aws:sso:::instance/nope", region_name="eu-west-1")),
        (PERMISSION_SET_PROVISIONING, Identity(ARN, request_id=REQUEST_ID.upper())),
        (ACCOUNT_ASSIGNMENT_CREATION, Identity(ARN, request_id="not-a-uuid")),
        (ACCOUNT_ASSIGNMENT_DELETION, Identity(ARN, request_id=REQUEST_ID + "0")),
        (ACCESS_CONTROL_ATTRIBUTES, Identity("arn:aws:sso:::instance/nope")),
    ],
)
def test_bad_identifiers_are_refused(resource: Resource, identity: Identity) -> None:
    """A malformed Region name, request ID or ARN is an InvalidArgumentError."""
    with pytest.raises(poller.InvalidArgumentError):
        resource.check(identity)


def test_good_identifiers_pass() -> None:
    """Names and IDs as the service gives them are accepted."""
    REGION.check(Identity(ARN, region_name="ap-southeast-2"))
    REGION.check(Identity(ARN, region_name="us-gov-west-1"))
    PERMISSION_SET_PROVISIONING.check(Identity(ARN, request_id=REQUEST_ID))
