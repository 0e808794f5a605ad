"""The instance's state table, row by row and target by target, without any I/O.

Each case is an observation that the instance's state table names (README.md's "States";
DESIGN.md, "Resources and state tables"), and the verdict (or error) it must give for every
target, written out here rather than read from the code.
"""

from __future__ import annotations

from typing import Any

import pytest

import poller
from poller._engine._acceptors import Observation, Verdict, decide
from poller._engine._failures import WaitState
from poller._identity import Identity
from poller._resources._instance import INSTANCE
from poller._resources._instance_description import InstanceDescription
from tests.fakes import ARN, described

ACTIVE, ENCRYPTED, REPLICATED, DELETED = (t.value for t in poller.Target)
S, W, R, Q = Verdict.SUCCESS, Verdict.WAIT, Verdict.RETRY, Verdict.RESOLVE


def seen(status: str, encryption: str | None = None, **fields: Any) -> Observation:
    """A DescribeInstance answer, parsed."""
    answer = described(status, encryption) | fields
    return Observation(description=InstanceDescription.from_api(answer), operation="x")


def error(code: str, **fields: Any) -> Observation:
    """An error answer."""
    return Observation(error_code=code, operation="DescribeInstance", **fields)


REGIONS_ADDING = {
    "Regions": [
        {"RegionName": "us-east-1", "Status": "ACTIVE"},
        {"RegionName": "eu-west-1", "Status": "ADDING"},
    ]
}

# observation → (row, then ACTIVE, ENCRYPTION_ENABLED, REPLICATED, DELETED), as in the table.
CASES: list[tuple[str, Observation, str, tuple[object, object, object, object]]] = [
    (
        "create failed",
        seen("CREATE_FAILED", reason="quota"),
        "Status CREATE_FAILED",
        (poller.InstanceCreateFailedError,) * 3 + (W,),
    ),
    (
        "update failed",
        seen("ACTIVE", "UPDATE_FAILED"),
        "EncryptionStatus UPDATE_FAILED",
        (poller.EncryptionUpdateFailedError,) * 3 + (W,),
    ),
    (
        "deleting",
        seen("DELETE_IN_PROGRESS"),
        "Status DELETE_IN_PROGRESS",
        (poller.InstanceDeletedError,) * 3 + (W,),
    ),
    ("active, encrypted", seen("ACTIVE", "ENABLED"), "Status ACTIVE", (S, S, S, W)),
    ("active, updating", seen("ACTIVE", "UPDATING"), "Status ACTIVE", (S, W, S, W)),
    ("active, no encryption", seen("ACTIVE"), "Status ACTIVE", (S, W, S, W)),
    (
        "active, Region adding",
        seen("ACTIVE", "ENABLED", **REGIONS_ADDING),
        "Status ACTIVE",
        (S, S, W, W),
    ),
    ("creating", seen("CREATE_IN_PROGRESS"), "Status CREATE_IN_PROGRESS", (W, W, W, W)),
    ("unknown", seen("MIGRATING"), "an unknown Status value", (W, W, W, W)),
    (
        "kms denied",
        error("AccessDeniedException", error_reason="KMS_AccessDeniedException"),
        "AccessDenied, Reason KMS_*",
        (poller.AccessDeniedError,) * 4,
    ),
    (
        "denied after deletion",
        error("AccessDeniedException", removal_seen=True),
        "AccessDenied after DELETE_IN_PROGRESS was seen in this wait",
        (poller.InstanceDeletedError,) * 3 + (S,),
    ),
    ("denied", error("AccessDeniedException"), "AccessDenied otherwise", (Q, Q, Q, Q)),
    (
        "unreachable",
        error("EndpointConnectionError", transport_error=True, unreachable=True),
        "connecting failed 3 times and 10 s in a row, never answered",
        (poller.EndpointUnreachableError,) * 4,
    ),
    ("throttled", error("ThrottlingException", http_status=400), "Throttling", (R, R, R, R)),
    (
        "kms throttled",
        error("ThrottlingException", error_reason="KMS_ThrottlingException"),
        "Throttling",
        (R, R, R, R),
    ),
    ("internal", error("InternalServerException", http_status=500), "Throttling", (R, R, R, R)),
    ("gateway", error("503", http_status=503), "Throttling", (R, R, R, R)),
    (
        "refused once",
        error("EndpointConnectionError", transport_error=True),
        "Throttling",
        (R, R, R, R),
    ),
    ("garbled", error("MalformedResponse", transport_error=True), "Throttling", (R, R, R, R)),
    (
        "invalid",
        error("ValidationException", http_status=400),
        "ValidationException",
        (poller.InvalidInstanceArnError,) * 4,
    ),
    (
        "expired",
        error("ExpiredTokenException", http_status=403),
        "any other error code",
        (poller.ApiError,) * 4,
    ),
    (
        "not implemented",
        error("501", http_status=501),
        "any other error code",
        (poller.ApiError,) * 4,
    ),
]


@pytest.mark.parametrize(
    ("observation", "row", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("column", range(4), ids=[ACTIVE, ENCRYPTED, REPLICATED, DELETED])
def test_each_cell(
    observation: Observation, row: str, expected: tuple[object, ...], column: int
) -> None:
    """The first matching row decides, and its cell for the target is the table's."""
    target = (ACTIVE, ENCRYPTED, REPLICATED, DELETED)[column]

    acceptor, decision = decide(INSTANCE.acceptors, observation, target)

    assert acceptor.observation.startswith(row)
    want = expected[column]
    if isinstance(want, Verdict):
        assert want is decision.verdict
    else:
        assert (Verdict.FAIL, want) == (decision.verdict, decision.error)
        assert decision.build is not None
        state = WaitState(INSTANCE, Identity(ARN), target, observation.description, 1, 0.5)
        built = decision.build(observation, state)
        assert type(built) is want
        assert ARN in str(built)
        assert ARN == built.instance_arn


def test_every_row_is_exercised() -> None:
    """No row of the table goes untested above."""
    tested = {row for _, _, row, _ in CASES}

    assert all(any(a.observation.startswith(r) for r in tested) for a in INSTANCE.acceptors)


def test_absence_resolution() -> None:
    """ListInstances' answer decides an ambiguous denial, per target and whether seen."""
    listing = INSTANCE.listing
    assert listing is not None

    assert [poller.AccessDeniedError] * 4 == [
        listing.when_listed(t).error for t in (ACTIVE, ENCRYPTED, REPLICATED, DELETED)
    ]
    assert S is listing.when_absent(DELETED, False).verdict
    assert S is listing.when_absent(DELETED, True).verdict
    for target in (ACTIVE, ENCRYPTED, REPLICATED):
        assert poller.ResourceNotFoundError is listing.when_absent(target, False).error
        assert poller.InstanceDeletedError is listing.when_absent(target, True).error


def test_only_deletion_rows_mean_gone() -> None:
    """The one row whose observation means the instance is gone is the denial after deletion."""
    gone = [a.observation for a in INSTANCE.acceptors if a.gone]

    assert ["AccessDenied after DELETE_IN_PROGRESS was seen in this wait"] == gone


def test_unknown_target_is_refused() -> None:
    """A target the resource does not have is a ValueError naming the choices."""
    with pytest.raises(ValueError, match="expected one of active, encryption-enabled"):
        INSTANCE.target("running")
