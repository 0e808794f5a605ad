"""The permission-sets-enabled state table, cell by cell, and its description; no I/O.

Each case is a DescribeInstance answer (or an error) and the verdict, or error, it must give
for the one target ``enabled``, written out here rather than read from the code.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

import poller
from poller._engine._acceptors import Observation, Verdict, decide
from poller._engine._failures import WaitState, timed_out
from poller._resources._instance import INSTANCE
from poller._resources._permission_sets_enabled import (
    PERMISSION_SETS_ENABLED,
    PERMISSION_SETS_ENABLED_KIND,
    PermissionSetsDescription,
    PermissionSetsStatus,
)
from tests.fakes import ARN, described

S, W, R, Q = Verdict.SUCCESS, Verdict.WAIT, Verdict.RETRY, Verdict.RESOLVE
ENABLED = "enabled"
TRANSPORT = "Throttling (any Reason), InternalServer, HTTP 5xx"


def description(status: str, enabled: bool | None = None, **fields: Any) -> Any:
    """A DescribeInstance answer, parsed for permission sets (*enabled* None: no flag)."""
    answer = described(status, **fields)
    if enabled is not None:
        answer["PermissionSetsEnabled"] = enabled
    return PermissionSetsDescription.from_api(answer)


def seen(status: str, enabled: bool | None = None, **fields: Any) -> Observation:
    """A DescribeInstance answer, observed."""
    return Observation(description=description(status, enabled, **fields), operation="x")


def error(code: str, **fields: Any) -> Observation:
    """An error answer."""
    return Observation(error_code=code, operation="DescribeInstance", **fields)


# observation → (the row that decides, the verdict or error for `enabled`).
CASES: list[tuple[str, Observation, str, object]] = [
    (
        "create failed",
        seen("CREATE_FAILED", reason="quota"),
        "Status CREATE_FAILED",
        poller.InstanceCreateFailedError,
    ),
    (
        "create failed, flag false",
        seen("CREATE_FAILED", False, reason="quota"),
        "Status CREATE_FAILED",
        poller.InstanceCreateFailedError,
    ),
    (
        "deleting",
        seen("DELETE_IN_PROGRESS", True),
        "Status DELETE_IN_PROGRESS",
        poller.InstanceDeletedError,
    ),
    ("enabled", seen("ACTIVE", True), "Status ACTIVE, PermissionSetsEnabled true", S),
    ("enabling", seen("ACTIVE", False), "Status ACTIVE, PermissionSetsEnabled false", W),
    ("never asked", seen("ACTIVE"), "Status ACTIVE, PermissionSetsEnabled false", W),
    ("creating", seen("CREATE_IN_PROGRESS"), "Status CREATE_IN_PROGRESS", W),
    ("creating, flag true", seen("CREATE_IN_PROGRESS", True), "Status CREATE_IN_PROGRESS", W),
    ("unknown", seen("MIGRATING"), "an unknown Status value", W),
    ("unknown, flag true", seen("MIGRATING", True), "an unknown Status value", W),
    (
        "kms denied",
        error("AccessDeniedException", error_reason="KMS_AccessDeniedException"),
        "AccessDenied, Reason KMS_*",
        poller.AccessDeniedError,
    ),
    ("denied", error("AccessDeniedException"), "AccessDenied otherwise", Q),
    (
        "denied, a deletion seen",
        error("AccessDeniedException", removal_seen=True),
        "AccessDenied otherwise",
        Q,
    ),
    (
        "unreachable",
        error("EndpointConnectionError", transport_error=True, unreachable=True),
        "connecting failed",
        poller.EndpointUnreachableError,
    ),
    ("throttled", error("ThrottlingException", http_status=400), TRANSPORT, R),
    (
        "kms throttled",
        error("ThrottlingException", error_reason="KMS_ThrottlingException"),
        TRANSPORT,
        R,
    ),
    ("internal", error("InternalServerException", http_status=500), TRANSPORT, R),
    ("gateway", error("503", http_status=503), TRANSPORT, R),
    ("refused once", error("EndpointConnectionError", transport_error=True), TRANSPORT, R),
    ("garbled", error("MalformedResponse", transport_error=True), TRANSPORT, R),
    (
        "invalid",
        error("ValidationException", http_status=400),
        "ValidationException",
        poller.InvalidInstanceArnError,
    ),
    (
        "expired",
        error("ExpiredTokenException", http_status=403),
        "any other error code",
        poller.ApiError,
    ),
    ("not implemented", error("501", http_status=501), "any other error code", poller.ApiError),
]


@pytest.mark.parametrize(
    ("observation", "row", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_cell(observation: Observation, row: str, expected: object) -> None:
    """The first matching row decides, and its cell for `enabled` is the one written here."""
    acceptor, decision = decide(PERMISSION_SETS_ENABLED.acceptors, observation, ENABLED)

    assert acceptor.observation.startswith(row)
    if isinstance(expected, Verdict):
        assert expected is decision.verdict
        return
    assert (Verdict.FAIL, expected) == (decision.verdict, decision.error)
    assert decision.build is not None
    who = PERMISSION_SETS_ENABLED_KIND.identity(ARN)
    state = WaitState(PERMISSION_SETS_ENABLED, who, ENABLED, observation.description, 1, 0.5)
    built = decision.build(observation, state)
    assert type(built) is expected
    assert ARN == built.instance_arn
    assert ARN in str(built)


def test_every_row_is_exercised() -> None:
    """No row of the table goes untested above."""
    tested = {row for _, _, row, _ in CASES}

    assert all(
        any(a.observation.startswith(r) for r in tested) for a in PERMISSION_SETS_ENABLED.acceptors
    )


def test_no_row_means_gone() -> None:
    """No observation of this table means the instance is gone: ListInstances says so."""
    assert [] == [a.observation for a in PERMISSION_SETS_ENABLED.acceptors if a.gone]


def test_instance_failures_are_the_instance_tables_own() -> None:
    """A failed creation, a deletion and a rejected ARN are the very cells of the instance."""
    cells = {a.observation: a.decision(ENABLED) for a in PERMISSION_SETS_ENABLED.acceptors}
    instance = {a.observation: a.decision("active") for a in INSTANCE.acceptors}
    shared = ["Status CREATE_FAILED", "Status DELETE_IN_PROGRESS", "ValidationException"]

    assert [instance[row].build for row in shared] == [cells[row].build for row in shared]


def test_failures_carry_aws_reason() -> None:
    """CREATE_FAILED's error holds the instance's StatusReason, as the instance's does."""
    observation = seen("CREATE_FAILED", reason="Organization limit reached")
    _, decision = decide(PERMISSION_SETS_ENABLED.acceptors, observation, ENABLED)
    assert decision.build is not None
    who = PERMISSION_SETS_ENABLED_KIND.identity(ARN)
    state = WaitState(PERMISSION_SETS_ENABLED, who, ENABLED, None, 1, 0.5)

    built = decision.build(observation, state)

    assert "Organization limit reached" == built.reason


def test_absence_resolution() -> None:
    """ListInstances decides a denial as for the instance: listed, denied; absent, gone."""
    listing = PERMISSION_SETS_ENABLED.listing
    assert listing is not None

    assert ("ListInstances", poller.AccessDeniedError) == (
        listing.operation,
        listing.when_listed(ENABLED).error,
    )
    assert poller.ResourceNotFoundError is listing.when_absent(ENABLED, False).error
    assert poller.InstanceDeletedError is listing.when_absent(ENABLED, True).error


@pytest.mark.parametrize(
    ("status", "enabled", "expected"),
    [
        ("ACTIVE", True, PermissionSetsStatus.ENABLED),
        ("ACTIVE", False, PermissionSetsStatus.NOT_ENABLED),
        ("ACTIVE", None, PermissionSetsStatus.NOT_ENABLED),
        ("CREATE_IN_PROGRESS", None, PermissionSetsStatus.NOT_ENABLED),
        ("DELETE_IN_PROGRESS", True, PermissionSetsStatus.ENABLED),
        ("MIGRATING", True, "MIGRATING"),
    ],
    ids=["true", "false", "absent", "creating", "deleting", "unknown Status"],
)
def test_description_status(status: str, enabled: bool | None, expected: str) -> None:
    """ENABLED by the flag, NOT_ENABLED when false or absent; an unknown Status as it is."""
    parsed = description(status, enabled)

    assert (expected, status) == (parsed.status, parsed.instance.status)
    assert type(expected) is type(parsed.status)


def test_description_keeps_the_instance() -> None:
    """The instance's own fields, its raw answer and its JSON stay reachable."""
    parsed = description("CREATE_FAILED", False, reason="quota")

    assert (ARN, "quota", False) == (
        parsed.instance.instance_arn,
        parsed.status_reason,
        parsed.instance.permission_sets_enabled,
    )
    assert parsed.raw is parsed.instance.raw
    assert parsed.instance.to_api_json() == parsed.to_api_json()
    assert () == PERMISSION_SETS_ENABLED.reasons(description("ACTIVE"))
    assert ("quota",) == PERMISSION_SETS_ENABLED.reasons(parsed)


def test_kind_in_the_registry() -> None:
    """poller.resources holds the kind, with its own target, events, delays and words."""
    kind = poller.resources["permission-sets-enabled"]

    assert kind is PERMISSION_SETS_ENABLED_KIND
    assert (
        "DescribeInstance",
        ("enabled",),
        "instance",
        ("instance_arn",),
        ("update-instance",),
        "wait-permission-sets",
        PermissionSetsDescription,
        poller.InstanceFailedError,
    ) == (
        kind.operation,
        kind.targets,
        kind.shape,
        kind.identity_keys,
        kind.aws_commands,
        kind.command.name,
        kind.description_type,
        kind.failure,
    )
    assert (5.0, 20.0) == (kind.delays.min_delay, kind.delays.max_delay)
    assert (
        "permission_sets_enabled.status_changed",
        "permission_sets_enabled.unknown_status",
        "PermissionSetsEnabledStatusChanged",
    ) == (kind.status_changed.name, kind.unknown_status.name, kind.status_changed.__name__)


def test_meets() -> None:
    """A look meets `enabled` when the flag is true; CREATE_FAILED raises the instance's error."""
    kind = poller.resources["permission-sets-enabled"]
    who = kind.identity(ARN)

    assert (True, False, False) == (
        kind.meets(description("ACTIVE", True), who),
        kind.meets(description("ACTIVE", False), who),
        kind.meets(description("ACTIVE"), who),
    )
    with pytest.raises(poller.InstanceCreateFailedError):
        kind.meets(description("CREATE_FAILED", reason="quota"), who)


def test_timeout_names_the_permission_sets() -> None:
    """A timeout's message says what was waited for, and the last state seen."""
    who = PERMISSION_SETS_ENABLED_KIND.identity(ARN)
    last = description("ACTIVE", False)
    state = WaitState(PERMISSION_SETS_ENABLED, who, ENABLED, last, 3, 12.0)

    message = str(timed_out(state, None, budget=12.0, stopped="deadline"))

    assert (
        f"Timed out after 12.0 s of its 12.0 s waiting for the permission sets of instance {ARN} "
        "to become enabled (last seen NOT_ENABLED, 3 polls): the deadline came."
    ) == message


def test_bad_identity_and_target_are_refused() -> None:
    """A malformed ARN, a Region given, or an unknown target: refused before any request."""
    kind = PERMISSION_SETS_ENABLED_KIND

    with pytest.raises(poller.InvalidInstanceArnError):
        kind.check(kind.identity("arn:nope"))
    with pytest.raises(ValueError, match="takes no Region or request ID"):
        kind.identity(ARN, "eu-west-1")
    with pytest.raises(ValueError, match="expected one of enabled"):
        kind.target("active")
