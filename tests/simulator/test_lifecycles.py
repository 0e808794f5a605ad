"""Request durations: fixed, or drawn from a seeded log-normal of a given median and sigma.

Every expectation below holds for the seeds given: the draws are the same on every run, so
the statistics are checked on them without any chance of a flaky failure.
"""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest

from poller.simulator import Simulator
from poller.simulator._lifecycles import Durations, Lifecycle
from poller.simulator._requests import RequestKind

from .conftest import ACCOUNT, GROUP

CREATION = RequestKind.ASSIGNMENT_CREATION


def _assignments(sim: Simulator, arn: str, ps_arn: str, count: int) -> list[float]:
    """Start *count* scripted assignment creations; the duration of each."""
    return [
        sim.find_request(sim.create_account_assignment(arn, ps_arn, f"{n:012d}")).seconds
        for n in range(count)
    ]


def _rollout(**options: Any) -> list[float]:
    """The durations of 5 creations and 5 provisionings, interleaved, in a new simulator."""
    sim = Simulator(time_scale=1e-6, **options)
    arn = sim.create_instance(create_seconds=0)
    ps_arn = sim.create_permission_set(arn, "Admin")
    durations = []
    for n in range(5):
        created = sim.create_account_assignment(arn, ps_arn, f"{n:012d}")
        provisioned = sim.provision_permission_set(arn, ps_arn)
        durations += [sim.find_request(created).seconds, sim.find_request(provisioned).seconds]
    return durations


def test_fixed_by_default(sim: Simulator, arn: str, ps_arn: str) -> None:
    """Without a sigma, every request takes the simulator's seconds, as it always did."""
    provisioned = sim.find_request(sim.provision_permission_set(arn, ps_arn)).seconds

    assert ([10.0] * 3, 15.0) == (_assignments(sim, arn, ps_arn, 3), provisioned)


def test_seeded_draws_are_reproducible() -> None:
    """The same seed draws the same durations; another seed, others."""
    options = {"assignment_sigma": 0.5, "provisioning_sigma": 0.8}
    first = _rollout(lifecycle_seed=11, **options)
    again = _rollout(lifecycle_seed=11, **options)
    other = _rollout(lifecycle_seed=12, **options)

    assert first == again
    assert first != other
    assert 10 == len(set(first))


def test_the_seed_defaults_to_the_identifiers_seed() -> None:
    """Without lifecycle_seed, seed seeds the durations too."""
    assert _rollout(seed=5, assignment_sigma=0.5) == _rollout(
        seed=5, lifecycle_seed=5, assignment_sigma=0.5
    )
    assert 5 == Simulator(seed=5).lifecycle_seed


def test_each_kind_draws_from_its_own_stream() -> None:
    """The assignments' durations do not depend on the provisionings between them."""
    options: dict[str, Any] = {"assignment_sigma": 0.5, "lifecycle_seed": 3}
    interleaved = _rollout(provisioning_sigma=0.9, **options)[::2]
    sim = Simulator(time_scale=1e-6, **options)
    arn = sim.create_instance(create_seconds=0)
    alone = _assignments(sim, arn, sim.create_permission_set(arn, "Admin"), 5)

    assert alone == interleaved


def test_median_and_sigma_are_honoured() -> None:
    """Over 4,001 seeded draws, the median is within 3 % and the log's deviation within 3 %."""
    sim = Simulator(time_scale=1e-6, assignment_seconds=10, assignment_sigma=0.5, seed=1)
    draws = [sim.request_seconds(CREATION) for _ in range(4001)]
    logs = [math.log(draw) for draw in draws]

    assert pytest.approx(10, rel=0.03) == statistics.median(draws)
    assert pytest.approx(0.5, rel=0.03) == statistics.stdev(logs)
    assert min(draws) > 0


def test_a_wide_sigma_spreads_the_durations() -> None:
    """A sigma of 1 puts about 5 % of the draws beyond exp(1.645) times the median."""
    sim = Simulator(time_scale=1e-6, provisioning_seconds=4, provisioning_sigma=1.0, seed=2)
    draws = [sim.request_seconds(RequestKind.PROVISIONING) for _ in range(4000)]
    beyond = sum(draw > 4 * math.exp(1.645) for draw in draws) / len(draws)

    assert pytest.approx(0.05, abs=0.01) == beyond


def test_a_drawn_lifecycle_on_the_wire(sim: Simulator, boto: Any, arn: str, ps_arn: str) -> None:
    """A creation is IN_PROGRESS until its drawn duration is up, then SUCCEEDED."""
    sim.set_lifecycles(assignment_sigma=0.7, seed=9)
    answer = boto.create_account_assignment(
        InstanceArn=arn,
        TargetId=ACCOUNT,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps_arn,
        PrincipalType="GROUP",
        PrincipalId=GROUP,
    )
    request_id = answer["AccountAssignmentCreationStatus"]["RequestId"]
    seconds = sim.find_request(request_id).seconds

    def status() -> str:
        described = boto.describe_account_assignment_creation_status(
            InstanceArn=arn, AccountAssignmentCreationRequestId=request_id
        )
        return str(described["AccountAssignmentCreationStatus"]["Status"])

    sim.advance(seconds * 0.99)
    before = status()
    sim.advance(seconds * 0.02)

    assert 10.0 != seconds
    assert ("IN_PROGRESS", "SUCCEEDED") == (before, status())


def test_an_explicit_duration_or_never_draws_nothing(sim: Simulator, arn: str, ps_arn: str) -> None:
    """seconds= and never_finish= take precedence over the distribution, and use no draw."""
    sim.set_lifecycles(assignment_sigma=0.5, seed=4)
    given = sim.create_account_assignment(arn, ps_arn, ACCOUNT, seconds=3)
    never = sim.create_account_assignment(arn, ps_arn, "444455556666", never_finish=True)
    drawn = _assignments(sim, arn, ps_arn, 1)
    reference = Simulator(time_scale=1e-6, assignment_sigma=0.5, lifecycle_seed=4)
    reference_arn = reference.create_instance(create_seconds=0)
    first_draw = _assignments(
        reference, reference_arn, reference.create_permission_set(reference_arn, "Admin"), 1
    )

    assert (3.0, math.inf) == (sim.find_request(given).seconds, sim.find_request(never).seconds)
    assert first_draw == drawn


def test_set_lifecycles_changes_and_reseeds() -> None:
    """set_lifecycles changes what it is given and keeps the rest; a seed restarts the draws."""
    sim = Simulator(time_scale=1e-6, seed=1)
    sim.set_lifecycles(provisioning_seconds=30, provisioning_sigma=0.25, seed=8)
    first = [sim.request_seconds(RequestKind.PROVISIONING) for _ in range(3)]
    sim.set_lifecycles(seed=8)
    again = [sim.request_seconds(RequestKind.PROVISIONING) for _ in range(3)]

    assert first == again
    assert (10.0, 0.0, 30, 0.25, 8) == (
        sim.assignment_seconds,
        sim.assignment_sigma,
        sim.provisioning_seconds,
        sim.provisioning_sigma,
        sim.lifecycle_seed,
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"assignment_seconds": -1}, "the assignment duration must be 0 or more seconds"),
        ({"assignment_sigma": -0.1}, "the assignment sigma must be a finite number"),
        ({"provisioning_sigma": math.inf}, "the provisioning sigma must be a finite number"),
        ({"provisioning_seconds": math.nan}, "the provisioning duration must be 0 or more"),
    ],
)
def test_bad_lifecycles_are_refused(settings: dict[str, float], message: str) -> None:
    """Negative or undefined durations and sigmas are refused, by the constructor too."""
    sim = Simulator()
    with pytest.raises(ValueError, match=message):
        sim.set_lifecycles(**settings)
    with pytest.raises(ValueError, match=message):
        Simulator(**settings)

    assert (10.0, 0.0, 15.0, 0.0) == (
        sim.assignment_seconds,
        sim.assignment_sigma,
        sim.provisioning_seconds,
        sim.provisioning_sigma,
    )


@pytest.mark.parametrize(
    ("lifecycle", "expected"),
    [(Lifecycle(7.0), 7.0), (Lifecycle(0.0, 2.0), 0.0), (Lifecycle(math.inf, 1.0), math.inf)],
)
def test_what_needs_no_draw(lifecycle: Lifecycle, expected: float) -> None:
    """A fixed duration, a median of 0 and a request that never ends are what they say."""
    assert expected == Durations(1).draw("AccountAssignmentCreation", lifecycle)
