"""The admin routes of the service limits and the request lifecycles, and a real child."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

from typing import Any

import pytest

from poller.simulator import Server, Simulator

from .conftest import boto_client
from .running import Running
from .test_admin import call
from .test_limits import assign, outcome


def test_limits_are_off_and_read_as_such(server: Server) -> None:
    """GET /_poller/limits: off, AWS's figures, and counters at zero."""
    status, answer = call(server, "GET", "/_poller/limits")

    assert 200 == status
    assert {
        "enabled": False,
        "rate": 20.0,
        "burst": 20.0,
        "outstanding": 15,
        "counters": {
            "throttled": {"rate": 0, "outstanding": 0},
            "conflicts": 0,
            "peak_outstanding_writes": 0,
            "peak_outstanding_writes_by_instance": {},
            "outstanding_writes": {},
        },
    } == answer


def test_turn_on_tune_and_read_the_counters(
    server: Server, sim: Simulator, arn: str, ps_arn: str
) -> None:
    """POST /_poller/limits turns them on and tunes them; GET reads what they refused."""
    status, answer = call(
        server, "POST", "/_poller/limits", {"enabled": True, "burst": 1000, "outstanding": 2}
    )
    boto = boto_client(server)
    outcomes = [assign(boto, arn, ps_arn, f"{n:012d}") for n in range(3)]
    call(server, "POST", "/_poller/limits", {"burst": 1})  # the bucket keeps one token at most
    listed = [outcome(boto.list_instances) for _ in range(2)]
    boto.close()
    _, read = call(server, "GET", "/_poller/limits")

    assert (200, True, 1000.0, 2) == (
        status,
        answer["enabled"],
        answer["burst"],
        answer["outstanding"],
    )
    assert ["ok", "ok", "ThrottlingException"] == outcomes
    assert ["ok", "ThrottlingException"] == listed
    assert {
        "throttled": {"rate": 1, "outstanding": 1},
        "conflicts": 0,
        "peak_outstanding_writes": 2,
        "peak_outstanding_writes_by_instance": {arn: 2},
        "outstanding_writes": {arn: 2},
    } == read["counters"]


def test_turn_off(server: Server, sim: Simulator) -> None:
    """POST {"enabled": false} turns the limits off, keeping their settings."""
    sim.configure_limits(True, rate=5)
    status, answer = call(server, "POST", "/_poller/limits", {"enabled": False})

    assert (200, False, 5.0) == (status, answer["enabled"], answer["rate"])
    assert not sim.aws_limits


def test_reset_the_counters(server: Server, sim: Simulator, arn: str, ps_arn: str) -> None:
    """DELETE /_poller/limits/counters zeroes them; the peak restarts from what runs."""
    sim.create_account_assignment(arn, ps_arn, "111122223333", seconds=1)
    sim.create_account_assignment(arn, ps_arn, "444455556666", seconds=5)
    sim.advance(2)
    status, answer = call(server, "DELETE", "/_poller/limits/counters")

    assert 200 == status
    assert (1, {arn: 1}) == (
        answer["counters"]["peak_outstanding_writes"],
        answer["counters"]["outstanding_writes"],
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"enabled": "yes"}, "'enabled' must be true or false, not \"yes\""),
        ({"rate": 0}, "'rate' must be a number above 0"),
        ({"rate": "fast"}, "'rate' must be a number above 0"),
        ({"burst": 0.5}, "the burst must be a finite number, 1 or more"),
        ({"burst": 1e999}, "'burst' must be finite"),
        ({"outstanding": 0}, "'outstanding' must be a positive integer"),
        ({"outstanding": 1.5}, "'outstanding' must be a positive integer"),
        ({"limit": 3}, "unknown key(s) limit; it takes enabled, rate, burst, outstanding"),
    ],
)
def test_bad_limits_are_400(server: Server, sim: Simulator, body: Any, message: str) -> None:
    """A bad setting is 400 saying why, and changes nothing."""
    status, answer = call(server, "POST", "/_poller/limits", body)

    assert (400, False, 20.0, 20.0, 15) == (
        status,
        sim.aws_limits,
        sim.limits.rate,
        sim.limits.burst,
        sim.limits.outstanding,
    )
    assert message in answer["error"]


def test_read_and_set_lifecycles(server: Server, sim: Simulator, arn: str, ps_arn: str) -> None:
    """GET /_poller/lifecycles reads the durations; POST sets medians, sigmas and the seed."""
    _, before = call(server, "GET", "/_poller/lifecycles")
    status, after = call(
        server,
        "POST",
        "/_poller/lifecycles",
        {"assignment_seconds": 20, "assignment_sigma": 0.5, "provisioning_seconds": 0, "seed": 4},
    )
    drawn = sim.find_request(sim.create_account_assignment(arn, ps_arn, "111122223333")).seconds
    reference = Simulator(assignment_seconds=20, assignment_sigma=0.5, lifecycle_seed=4)
    instance = reference.create_instance(create_seconds=0)
    expected = reference.find_request(
        reference.create_account_assignment(
            instance, reference.create_permission_set(instance, "Admin"), "111122223333"
        )
    ).seconds

    assert {
        "assignment_seconds": 10.0,
        "assignment_sigma": 0.0,
        "provisioning_seconds": 15.0,
        "provisioning_sigma": 0.0,
        "seed": 7,
    } == before
    assert (200, 20.0, 0.5, 0.0, 0.0, 4) == (
        status,
        after["assignment_seconds"],
        after["assignment_sigma"],
        after["provisioning_seconds"],
        after["provisioning_sigma"],
        after["seed"],
    )
    assert expected == drawn


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"assignment_seconds": -1}, "'assignment_seconds' must be a number 0 or more"),
        ({"assignment_seconds": 1e999}, "'assignment_seconds' must be finite"),
        ({"provisioning_sigma": -0.5}, "'provisioning_sigma' must be a number 0 or more"),
        ({"seed": 1.5}, "'seed' must be an integer, not 1.5"),
        ({"median": 3}, "unknown key(s) median; it takes assignment_seconds, "),
    ],
)
def test_bad_lifecycles_are_400(server: Server, sim: Simulator, body: Any, message: str) -> None:
    """A bad duration, sigma or seed is 400 saying why, and changes nothing."""
    status, answer = call(server, "POST", "/_poller/lifecycles", body)

    assert (400, 10.0, 0.0) == (status, sim.assignment_seconds, sim.provisioning_sigma)
    assert message in answer["error"]


def test_limits_of_a_real_child() -> None:
    """`python -m poller.simulator --aws-limits --aws-burst 2`: the third request is refused."""
    argv = ["--aws-limits", "--aws-burst", "2", "--time-scale", "1e-6", "--instance", "x"]
    with Running(*argv) as child:
        endpoint_url, arn = child.line(), child.line()
        ready = child.line("stderr")
        boto = boto_client(endpoint_url)
        codes = [outcome(boto.describe_instance, InstanceArn=arn) for _ in range(3)]
        boto.close()
        _, limits = call(endpoint_url, "GET", "/_poller/limits")
        child.stop()

    assert ["ok", "ok", "ThrottlingException"] == codes
    assert (True, 2.0, {"rate": 1, "outstanding": 0}) == (
        limits["enabled"],
        limits["burst"],
        limits["counters"]["throttled"],
    )
    assert "AWS limits: 20 requests a simulated second, 15 outstanding writes" in ready
    assert arn.startswith("arn:aws:sso:::instance/")
