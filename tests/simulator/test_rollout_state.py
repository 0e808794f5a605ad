"""The rollout's state without HTTP: model checks, failure rules, assignments, many requests."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import re
import tracemalloc

import pytest

from poller.simulator import Fault, ServiceError, Simulator
from poller.simulator._faults import FaultPlan
from poller.simulator._model import matches, python_pattern, validate
from poller.simulator._requests import FailureRules

from .conftest import ACCOUNT, UNKNOWN_ARN


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "Département 42", True),
        (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "semi;colon", False),
        (r"\p{L}+(?:\.\p{L}+){0,2}", "user.name", True),
        (r"\p{L}+(?:\.\p{L}+){0,2}", "user.42", False),
    ],
)
def test_unicode_classes_are_translated(pattern: str, text: str, expected: bool) -> None:
    """The model's Java Unicode classes are read by Python's re, in and out of brackets."""
    assert expected == (re.fullmatch(python_pattern(pattern), text) is not None)


def test_validation_reports_the_first_broken_rule_in_the_services_words() -> None:
    """Missing members, bad enums, and out-of-range numbers are refused as the service says."""
    messages = []
    for body in (
        {"InstanceArn": UNKNOWN_ARN},
        {"InstanceArn": UNKNOWN_ARN, "PermissionSetArn": "x" * 9, "TargetType": "AWS_ACCOUNT"},
        {"InstanceArn": UNKNOWN_ARN, "MaxResults": 101},
        {"InstanceArn": UNKNOWN_ARN, "MaxResults": "ten"},
    ):
        operation = "ProvisionPermissionSet" if len(body) != 2 else "ListRegions"
        with pytest.raises(ServiceError) as caught:
            validate(operation, body)
        messages.append((caught.value.code, caught.value.message))

    assert [
        (
            "ValidationException",
            "1 validation error detected: Value null at 'permissionSetArn' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            "ValidationException",
            "1 validation error detected: Value 'xxxxxxxxx' at 'permissionSetArn' failed to "
            "satisfy constraint: Member must have length greater than or equal to 10",
        ),
        (
            "ValidationException",
            "1 validation error detected: Value '101' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 100",
        ),
        ("SerializationException", "Expected a number at 'maxResults'"),
    ] == messages


def test_matches_reads_model_shapes() -> None:
    """matches() tells whether a value fits a shape: Region names, request IDs, accounts."""
    assert [True, False, True, False, True, False] == [
        matches("RegionName", "ap-southeast-2"),
        matches("RegionName", "moon-1"),
        matches("UUId", "0b5ee1a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b"),
        matches("UUId", "0B5EE1A4-5C6D-4E7F-8A9B-0C1D2E3F4A5B"),
        matches("TargetId", ACCOUNT),
        matches("TargetId", ACCOUNT[:-1]),
    ]


def test_failure_rules_match_in_order_and_wear_out() -> None:
    """The first matching rule decides and uses up one of its count."""
    rules = FailureRules()
    rules.add("account", account_id=ACCOUNT, count=1)
    rules.add("ps", permission_set_arn="ps-1")
    taken = [
        rules.take(ACCOUNT, "ps-1"),
        rules.take(ACCOUNT, "ps-1"),
        rules.take(ACCOUNT, "ps-2"),
        rules.take("000000000000", "ps-1"),
    ]
    rules.clear()

    assert ["account", "ps", None, "ps", None] == [*taken, rules.take(ACCOUNT, "ps-1")]
    with pytest.raises(ValueError, match="count"):
        rules.add("never", count=0)


def test_fault_plan_filters_by_region_and_request() -> None:
    """Faults armed with region_name or request_id match only the requests naming them."""
    plan = FaultPlan()
    plan.add(Fault.throttling(count=None), region_name="eu-west-1")
    plan.add(Fault.internal_error(count=None), request_id="r-1", operation="X")

    assert [Fault.throttling(None), None, Fault.internal_error(None), None] == [
        plan.take("DescribeRegion", UNKNOWN_ARN, region_name="eu-west-1"),
        plan.take("DescribeRegion", UNKNOWN_ARN, region_name="eu-west-2"),
        plan.take("X", UNKNOWN_ARN, request_id="r-1"),
        plan.take("Y", UNKNOWN_ARN, request_id="r-1"),
    ]


def test_scripting_refuses_nonsense() -> None:
    """Scripts get the service's errors for identifiers and resources that cannot be."""
    sim = Simulator(time_scale=1e-6, seed=2)
    arn = sim.create_instance("x", create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    codes = []
    for script in (
        lambda: sim.add_region(arn, "Mars"),
        lambda: sim.add_region(arn, "us-east-1"),
        lambda: sim.remove_region(arn, "eu-west-1"),
        lambda: sim.create_permission_set(arn, "has space"),
        lambda: sim.create_account_assignment(arn, ps_arn, "42"),
        lambda: sim.create_account_assignment(arn, ps_arn, ACCOUNT, principal_type="ROBOT"),
        lambda: sim.provision_permission_set(arn, ps_arn.replace("ps-", "ps-f")[:-1]),
        lambda: sim.find_request("0b5ee1a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b"),
        lambda: sim.set_request_status("nope", "FAILED"),
        lambda: sim.add_region(UNKNOWN_ARN, "eu-west-1"),
    ):
        with pytest.raises(ServiceError) as caught:
            script()
        codes.append(caught.value.code)

    assert [
        "ValidationException",
        "ConflictException",
        "ResourceNotFoundException",
        "ValidationException",
        "ValidationException",
        "ValidationException",
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        "ValidationException",
        "AccessDeniedException",
    ] == codes


def test_negative_durations_are_refused() -> None:
    """A negative duration is a ValueError, whatever the resource."""
    sim = Simulator(time_scale=1e-6)
    arn = sim.create_instance("x", create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    for script in (
        lambda: sim.add_region(arn, "eu-west-1", seconds=-1),
        lambda: sim.create_access_control_attributes(arn, seconds=-1),
        lambda: sim.provision_permission_set(arn, ps_arn, seconds=-1),
        lambda: sim.create_account_assignment(arn, ps_arn, ACCOUNT, seconds=-1),
    ):
        with pytest.raises(ValueError, match="negative"):
            script()


def test_request_ids_are_reproducible_with_a_seed() -> None:
    """The same seed gives the same request IDs, lowercase UUIDs."""

    def first_request(seed: int) -> str:
        sim = Simulator(seed=seed)
        arn = sim.create_instance("x")
        return sim.provision_permission_set(arn, sim.create_permission_set(arn, "Admin"))

    request_id = first_request(3)

    assert request_id == first_request(3) != first_request(4)
    assert matches("UUId", request_id)


def test_ten_thousand_requests_cost_only_memory() -> None:
    """Requests run on timestamps: 10,000 of them are answered and settle with no task."""
    sim = Simulator(time_scale=1e-6, seed=1)
    arn = sim.create_instance("x", create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    tracemalloc.start()
    try:
        ids = [sim.create_account_assignment(arn, ps_arn, f"{n:012d}") for n in range(10_000)]
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sim.advance(10)
    statuses = {sim.find_request(request_id).status(sim.now()) for request_id in ids}

    assert {"SUCCEEDED"} == statuses
    assert size / len(ids) < 4096  # bytes per request, with its assignment record
