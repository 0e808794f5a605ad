"""A rollout's input: assignments and permission sets checked all at once, before any request."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import poller
from poller._rollout import _plan
from poller.simulator._model import shape
from tests.fake_identity_center import ARN, GROUP, OTHER_SET, PERMISSION_SET, USER

ACCOUNT = "111122223333"
FOREIGN_SET = "arn:aws:sso:::permissionSet/ssoins-fedcba0987654321/ps-0000000000000001"


class NoCalls:
    """A client that fails the test if the rollout sends anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} was called: input is checked before any request")


def test_an_assignment_is_a_frozen_value_with_the_api_keys() -> None:
    """Equal by value, hashable, frozen; to_api gives CreateAccountAssignment's keys."""
    one = poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)

    assert one == poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)
    assert 1 == len({one, poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.account_id = "x"  # type: ignore[misc]
    assert {
        "TargetId": ACCOUNT,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": PERMISSION_SET,
        "PrincipalType": "GROUP",
        "PrincipalId": GROUP,
    } == one.to_api()
    assert poller.Assignment.from_api(one.to_api()) == one
    assert f"GROUP {GROUP} in account {ACCOUNT} with permission set {PERMISSION_SET}" == str(one)


def test_from_api_reads_the_api_key_names() -> None:
    """TargetId (or a listing's AccountId), PermissionSetArn, PrincipalType, PrincipalId."""
    listed = {
        "AccountId": ACCOUNT,
        "PermissionSetArn": PERMISSION_SET,
        "PrincipalType": "USER",
        "PrincipalId": USER,
    }

    assert poller.Assignment(ACCOUNT, PERMISSION_SET, "USER", USER) == (
        poller.Assignment.from_api(listed)
    )


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ({"TargetId": ACCOUNT, "PermissionSetArn": PERMISSION_SET}, "PrincipalType, PrincipalId"),
        (
            {"PermissionSetArn": PERMISSION_SET, "PrincipalType": "USER", "PrincipalId": USER},
            "TargetId",
        ),
        (
            {
                "TargetId": ACCOUNT,
                "TargetType": "AWS_OU",
                "PermissionSetArn": PERMISSION_SET,
                "PrincipalType": "USER",
                "PrincipalId": USER,
            },
            "TargetType must be AWS_ACCOUNT",
        ),
    ],
)
def test_from_api_refuses_missing_keys_and_other_targets(keys: dict[str, str], words: str) -> None:
    """A key missing, or a TargetType other than AWS_ACCOUNT: ValueError saying which."""
    with pytest.raises(ValueError, match=words):
        poller.Assignment.from_api(keys)


async def test_every_bad_assignment_is_listed_with_its_index_before_any_request() -> None:
    """One InvalidArgumentError (a ValueError) lists each problem, with index and a quote."""
    good = poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)
    assignments: list[Any] = [
        good,
        poller.Assignment("12345", PERMISSION_SET, "GROUP", GROUP),
        poller.Assignment(ACCOUNT, "arn:aws:sso:::permissionSet/nope", "GROUP", GROUP),
        poller.Assignment(ACCOUNT, FOREIGN_SET, "GROUP", GROUP),
        poller.Assignment(ACCOUNT, PERMISSION_SET, "ROLE", "not-an-id"),
        {"TargetId": ACCOUNT},
        good,
        poller.Assignment(ACCOUNT, OTHER_SET, "USER", USER),
    ]

    with pytest.raises(poller.InvalidArgumentError) as raised:
        await poller.apply_account_assignments(NoCalls(), ARN, assignments)

    error = raised.value
    assert isinstance(error, ValueError)
    assert [1, 2, 3, 4, 4, 5, 6] == [index for index, _ in error.problems]
    assert [
        "account ID '12345': expected 12 digits",
        "permission set ARN 'arn:aws:sso:::permissionSet/nope': expected "
        "arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16> (the service model's pattern)",
        f"permission set ARN {repr(FOREIGN_SET)[:36]}...' belongs to instance "
        "ssoins-fedcba0987654321, not to ssoins-1234567890abcdef",
        "principal type 'ROLE': expected USER or GROUP",
        "principal ID 'not-an-id': expected an Identity Store user or group ID (a UUID, perhaps "
        "after 10 hex digits and a dash)",
        "{'TargetId': '111122223333'} is not a poller.Assignment",
        f"repeats [0]: {good}",
    ] == [problem for _, problem in error.problems]
    text = str(error)
    assert text.startswith("6 of the 8 assignments cannot be sent, and nothing was:\n")
    assert "  [4] principal type 'ROLE'" in text
    assert ARN == error.instance_arn
    assert poller.Outcome.INVALID == error.outcome


def test_a_long_list_of_problems_is_cut_in_the_message_not_in_problems() -> None:
    """Beyond twenty, the message says how many more; ``problems`` has them all."""
    bad = [poller.Assignment(f"{i}", PERMISSION_SET, "GROUP", GROUP) for i in range(25)]

    with pytest.raises(poller.InvalidArgumentError) as raised:
        _plan.check_assignments(ARN, bad)

    assert 25 == len(raised.value.problems)
    assert "... and 5 more (error.problems lists them all)" in str(raised.value)
    assert "[19]" in str(raised.value)
    assert "[20]" not in str(raised.value)


async def test_a_bad_instance_arn_is_refused_first() -> None:
    """InvalidInstanceArnError, before the assignments are looked at."""
    with pytest.raises(poller.InvalidInstanceArnError):
        await poller.apply_account_assignments(NoCalls(), "arn:nope", [object()])  # type: ignore[list-item]
    with pytest.raises(poller.InvalidInstanceArnError):
        await poller.provision_permission_sets(NoCalls(), "arn:nope", [PERMISSION_SET])


@pytest.mark.parametrize("max_outstanding", [0, 16, -1, True, 1.5, "15"])
async def test_max_outstanding_beyond_the_service_limit_is_refused(max_outstanding: Any) -> None:
    """From 1 to 15 (AWS's limit, which cannot be raised): anything else is a ValueError."""
    assignment = poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)

    with pytest.raises(ValueError, match="max_outstanding must be an integer from 1 to 15"):
        await poller.apply_account_assignments(
            NoCalls(), ARN, [assignment], max_outstanding=max_outstanding
        )
    with pytest.raises(ValueError, match="cannot be raised"):
        await poller.provision_permission_sets(
            NoCalls(), ARN, [PERMISSION_SET], max_outstanding=max_outstanding
        )


@pytest.mark.parametrize("max_outstanding", [1, 15])
def test_max_outstanding_from_one_to_fifteen_is_taken(max_outstanding: int) -> None:
    """The bounds themselves are fine."""
    assert max_outstanding == _plan.check_max_outstanding(max_outstanding)


async def test_settings_are_checked_before_any_request() -> None:
    """A keyword that is no setting, a bad timeout, a hook that is not callable."""
    assignment = [poller.Assignment(ACCOUNT, PERMISSION_SET, "GROUP", GROUP)]

    with pytest.raises(TypeError, match="unexpected keyword argument 'rate'"):
        await poller.apply_account_assignments(NoCalls(), ARN, assignment, rate=5)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="timeout must be positive"):
        await poller.apply_account_assignments(NoCalls(), ARN, assignment, timeout=0)
    with pytest.raises(TypeError, match="on_outcome must be callable"):
        await poller.apply_account_assignments(NoCalls(), ARN, assignment, on_outcome=3)  # type: ignore[arg-type]


async def test_bad_and_repeated_permission_sets_are_listed() -> None:
    """provision_permission_sets: malformed, foreign and repeated ARNs, each with its index."""
    with pytest.raises(poller.InvalidArgumentError) as raised:
        await poller.provision_permission_sets(
            NoCalls(),
            ARN,
            [PERMISSION_SET, "ps-1", FOREIGN_SET, PERMISSION_SET, 7],  # type: ignore[list-item]
        )

    assert [1, 2, 3, 4] == [index for index, _ in raised.value.problems]
    assert f"repeats [0]: {PERMISSION_SET}" == raised.value.problems[2][1]
    assert str(raised.value).startswith("4 of the 5 permission sets cannot be sent")


@pytest.mark.parametrize(
    ("name", "pattern", "bounds"),
    [
        ("TargetId", _plan.TARGET_ID_PATTERN, None),
        (
            "PermissionSetArn",
            _plan.PERMISSION_SET_ARN_PATTERN,
            (_plan.PERMISSION_SET_ARN_MIN_LENGTH, _plan.PERMISSION_SET_ARN_MAX_LENGTH),
        ),
        (
            "PrincipalId",
            _plan.PRINCIPAL_ID_PATTERN,
            (_plan.PRINCIPAL_ID_MIN_LENGTH, _plan.PRINCIPAL_ID_MAX_LENGTH),
        ),
    ],
)
def test_patterns_are_the_service_models(
    name: str, pattern: str, bounds: tuple[int, int] | None
) -> None:
    """The checks are botocore's sso-admin model, written out so that a face needs no botocore."""
    model = shape(name)

    assert model["pattern"] == pattern
    if bounds is not None:
        assert (model["min"], model["max"]) == bounds


def test_principal_types_are_the_service_models() -> None:
    """USER and GROUP: PrincipalType's enum."""
    assert list(_plan.PRINCIPAL_TYPES) == shape("PrincipalType")["enum"]
    assert _plan.MAX_OUTSTANDING == 15
