"""The simulator's state without HTTP: clock, lifecycles, faults and the request log."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import pytest

from poller.simulator import Fault, RequestRecord, ServiceError, Simulator
from poller.simulator._faults import FaultPlan

from .conftest import KMS_KEY, UNKNOWN_ARN


def test_time_scale_change_keeps_time_continuous() -> None:
    """Changing the scale never makes simulated time jump back."""
    sim = Simulator(time_scale=1e-6)
    sim.advance(100)
    before = sim.now()
    sim.time_scale = 1e-9

    assert sim.now() == pytest.approx(before, abs=1e-3)


def test_bad_scale_and_negative_advance() -> None:
    """A non-positive scale and going back in time are errors."""
    with pytest.raises(ValueError, match="time_scale"):
        Simulator(time_scale=0)
    with pytest.raises(ValueError, match="back in time"):
        Simulator().advance(-1)


def test_lifecycle_steps() -> None:
    """Create, encryption update and delete step through their states as time advances."""
    sim = Simulator(time_scale=1e-6, create_seconds=10, update_seconds=5, delete_seconds=3)
    arn = sim.create_instance("x")
    instance = sim.get(arn)
    assert instance is not None
    seen = [instance.status(sim.now())]
    sim.advance(10)
    seen.append(instance.status(sim.now()))
    sim.update_encryption(arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY)
    seen.append(instance.encryption_status(sim.now()))
    sim.advance(5)
    seen.append(instance.encryption_status(sim.now()))
    sim.delete_instance(arn)
    seen.append(instance.status(sim.now()))
    sim.advance(3)

    assert ["CREATE_IN_PROGRESS", "ACTIVE", "UPDATING", "ENABLED", "DELETE_IN_PROGRESS"] == seen
    assert (None, 0) == (sim.get(arn), len(sim))


def test_forced_encryption_status_and_lifting_it() -> None:
    """A forced EncryptionStatus shows until lifted with None."""
    sim = Simulator(time_scale=1e-6)
    arn = sim.create_instance("x")
    instance = sim.get(arn)
    assert instance is not None
    sim.set_encryption_status(arn, "REENCRYPTING", reason="why not")
    forced = (instance.encryption_status(0), instance.encryption_status_reason(0))
    sim.set_encryption_status(arn, None)

    assert (("REENCRYPTING", "why not"), "ENABLED") == (forced, instance.encryption_status(0))


def test_scripting_unknown_or_invalid_arn() -> None:
    """The direct API refuses unknown ARNs as AccessDenied and malformed ones as invalid."""
    sim = Simulator()
    with pytest.raises(ServiceError) as unknown:
        sim.set_status(UNKNOWN_ARN, "ACTIVE")
    with pytest.raises(ServiceError) as invalid:
        sim.delete_instance("arn:nope")

    assert ("AccessDeniedException", "ValidationException") == (
        unknown.value.code,
        invalid.value.code,
    )


def test_ids_are_reproducible_with_a_seed() -> None:
    """The same seed gives the same ARNs, in the shape of the service's."""
    first = Simulator(seed=3).create_instance("a")

    assert first == Simulator(seed=3).create_instance("a")
    assert first.startswith("arn:aws:sso:::instance/ssoins-")


def test_partition_follows_region() -> None:
    """A China region gives aws-cn ARNs."""
    assert Simulator(region="cn-north-1").create_instance().startswith("arn:aws-cn:sso:::")


def test_fault_plan_first_match_and_counts() -> None:
    """Faults match in order, by filters, and disarm after their count."""
    plan = FaultPlan()
    plan.add(Fault.throttling(count=1), operation="ListInstances")
    plan.add(Fault.internal_error(count=None), instance_arn="a")

    taken = [
        plan.take("ListInstances", None),
        plan.take("ListInstances", None),
        plan.take("DescribeInstance", "a"),
        plan.take("DescribeInstance", "b"),
    ]
    assert [Fault.throttling(), None, Fault.internal_error(None), None] == taken


def test_fault_rejects_bad_count() -> None:
    """A count below one is an error: None means forever."""
    with pytest.raises(ValueError, match="count"):
        Fault.throttling(count=0)


def test_request_log_is_bounded_or_off() -> None:
    """The log keeps the last N records; size 0 keeps none but still counts."""
    bounded, off = Simulator(request_log_size=2), Simulator(request_log_size=0)
    for sim in (bounded, off):
        for n in range(3):
            sim.record(RequestRecord(float(n), "ListInstances", None, 200, None))

    assert ([1.0, 2.0], 3) == ([r.time for r in bounded.requests], bounded.request_count)
    assert ([], 3) == (list(off.requests), off.request_count)
