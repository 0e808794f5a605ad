"""Wall-clock dates at any time scale, UPDATE_FAILED over the wire, and the request hook."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import pytest

from poller.simulator import RequestRecord, Server, Simulator, serve_in_thread
from poller.simulator._clock import SimulatedClock

from .conftest import UNKNOWN_ARN, boto_client


def test_created_date_never_runs_ahead_of_the_wall_clock(sim: Simulator, boto: Any) -> None:
    """An instance created after an hour of simulated time is dated now, not an hour ahead."""
    sim.advance(3600)
    arn = boto.create_instance(Name="late")["InstanceArn"]
    described = boto.describe_instance(InstanceArn=arn)
    listed = boto.list_instances()["Instances"][0]
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)  # CreatedDate is rounded to ms

    assert described["CreatedDate"] <= now
    assert listed["CreatedDate"] <= now
    assert described["Regions"][0]["AddedDate"] <= now


def test_created_date_at_a_fast_time_scale() -> None:
    """At 10⁶ simulated seconds per real one, CreatedDate is still the wall-clock moment."""
    sim = Simulator(time_scale=1e6)
    before = time.time()
    arn = sim.create_instance("fast")
    after = time.time()
    instance = sim.get(arn)
    assert instance is not None

    created = instance.describe(sim.now(), sim.clock.epoch_origin)["CreatedDate"]

    assert before - 0.001 <= created <= after + 0.001


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf])
def test_clock_refuses_a_scale_that_is_not_positive_and_finite(scale: float) -> None:
    """A time scale of zero, below zero, NaN or infinity is refused."""
    with pytest.raises(ValueError, match="positive finite"):
        SimulatedClock(scale)


def test_update_fail_reason_fails_wire_updates() -> None:
    """With update_fail_reason, an encryption update over the wire ends UPDATE_FAILED."""
    sim = Simulator(time_scale=1e-6, update_fail_reason="The KMS key is disabled")
    arn = sim.create_instance("x", create_seconds=0)
    with serve_in_thread(sim) as server:
        client = boto_client(server)
        try:
            client.update_instance(
                InstanceArn=arn, EncryptionConfiguration={"KeyType": "AWS_OWNED_KMS_KEY"}
            )
            sim.advance(30)
            details = client.describe_instance(InstanceArn=arn)["EncryptionConfigurationDetails"]
        finally:
            client.close()

    assert ("UPDATE_FAILED", "The KMS key is disabled") == (
        details["EncryptionStatus"],
        details.get("EncryptionStatusReason"),
    )


def test_on_request_sees_each_answer() -> None:
    """The on_request hook is called with each request's record as it is answered."""
    seen: list[RequestRecord] = []
    sim = Simulator(time_scale=1e-6, on_request=seen.append)
    with serve_in_thread(sim) as server:
        _describe_unknown(server)

    assert [("DescribeInstance", UNKNOWN_ARN, 400, "AccessDeniedException")] == [
        (r.operation, r.instance_arn, r.status, r.error_code) for r in seen
    ]


def _describe_unknown(server: Server) -> None:
    client = boto_client(server)
    try:
        with pytest.raises(client.exceptions.AccessDeniedException):
            client.describe_instance(InstanceArn=UNKNOWN_ARN)
    finally:
        client.close()
