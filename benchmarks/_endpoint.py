"""The local endpoint in a process of its own, scripted over its stdin.

The simulator's server spends CPU on every request. In the benchmarking process it would
compete with the client for the interpreter's lock and blur what is measured, so it runs in a
child process (on the other core) and the benchmark scripts it line by line:

* ``create SECONDS [COUNT]`` answers with the new instance ARNs, space-separated;
* ``assignments SECONDS COUNT`` creates an ACTIVE instance, a permission set and COUNT
  account-assignment creation requests (one account each) that are IN_PROGRESS for SECONDS
  simulated seconds (``inf``: for ever), and answers with the ARN then the request IDs;
* ``throttle RATE BURST`` makes the service answer ThrottlingException above RATE requests
  per simulated second (a token bucket holding BURST); ``throttles`` answers how many
  requests it throttled; ``throttled OPERATION`` how many of them were OPERATION's;
* ``count`` answers with the number of requests served;
* ``limited RATE BURST OUTSTANDING MEDIAN SIGMA SEED`` turns on the service's limits (RATE
  requests per simulated second over every call, a bucket of BURST, OUTSTANDING writes in
  progress per instance) and draws assignment lifecycles from a log-normal of MEDIAN and
  SIGMA, seeded; creates an ACTIVE instance and a permission set, and answers both ARNs;
* ``report ARN`` answers, as JSON, the limits' counters, how many assignments of ARN are in
  place, the sum of the assignment requests' lifecycles, and how many creations each
  assignment had (its distinct counts).
"""

from __future__ import annotations

import collections
import json
import math
import subprocess
import sys
from types import TracebackType
from typing import Any, Self

from poller.simulator import Fault, Simulator, serve_in_thread
from poller.simulator._clock import SimulatedClock
from poller.simulator._faults import FaultPlan
from poller.simulator._requests import RequestKind

__all__ = ["RemoteEndpoint", "ServiceThrottle"]

#: The simulated clock barely moves while requests are being created, so that all of them
#: start together however long creating them takes.
_PAUSED = 1e-9


class RemoteEndpoint:
    """A simulator served by a child process.

    Args:
        time_scale: Simulated seconds per real second (lifecycles, and a throttle's rate).
    """

    def __init__(self, time_scale: float = 1.0) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._endpoint", repr(float(time_scale))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.endpoint_url = self._readline()
        self.region = "us-east-1"

    def _readline(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark endpoint stopped")
        return line.strip()

    def _ask(self, command: str) -> str:
        assert self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._readline()

    def create(self, create_seconds: float, count: int = 1) -> list[str]:
        """Create *count* instances that turn ACTIVE after *create_seconds* simulated seconds."""
        return self._ask(f"create {create_seconds!r} {count}").split()

    def assignments(self, seconds: float, count: int) -> tuple[str, list[str]]:
        """Start *count* assignment creations, all at once; the instance and the request IDs.

        Each request is IN_PROGRESS for *seconds* simulated seconds (``math.inf``: for ever),
        counted from the moment this returns (the clock is paused while they are created).
        """
        arn, *request_ids = self._ask(f"assignments {seconds!r} {count}").split()
        return arn, request_ids

    def throttle(self, rate: float, burst: float) -> None:
        """Answer ThrottlingException above *rate* requests per simulated second."""
        self._ask(f"throttle {rate!r} {burst!r}")

    def throttles(self) -> int:
        """How many requests the service has answered with ThrottlingException."""
        return int(self._ask("throttles"))

    def throttled(self, operation: str) -> int:
        """How many requests of *operation* the service answered with ThrottlingException."""
        return int(self._ask(f"throttled {operation}"))

    def limited(
        self,
        *,
        rate: float,
        burst: float,
        outstanding: int,
        median: float,
        sigma: float,
        seed: int,
    ) -> tuple[str, str]:
        """Turn the service's limits and log-normal lifecycles on; an instance and a set."""
        arn, permission_set = self._ask(
            f"limited {rate!r} {burst!r} {outstanding} {median!r} {sigma!r} {seed}"
        ).split()
        return arn, permission_set

    def report(self, arn: str) -> dict[str, Any]:
        """The limits' counters, the assignments in place and the lifecycles, for *arn*."""
        answer: dict[str, Any] = json.loads(self._ask(f"report {arn}"))
        return answer

    def request_count(self) -> int:
        """How many requests the endpoint has answered."""
        return int(self._ask("count"))

    def close(self) -> None:
        """Stop the child process."""
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=30)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ServiceThrottle(FaultPlan):
    """The simulator's fault plan with a service-side rate limit in front of it.

    Identity Center throttles an account above a collective rate (20 requests per second on
    its quotas page). This plays that part: a plain token bucket on the simulator's clock (so
    a scaled clock scales the rate too) answers ThrottlingException, through the simulator's
    own fault path, to any request that finds it empty. Throttled requests take no token.

    Args:
        clock: The simulator's clock.
        rate: Requests per simulated second.
        burst: The most requests let through at once after a quiet spell.
    """

    def __init__(self, clock: SimulatedClock, rate: float, burst: float) -> None:
        super().__init__()
        self._clock = clock
        self._rate = rate
        self._burst = burst
        self._tokens = burst
        self._updated = clock.now()
        self._fault = Fault.throttling(count=None)
        #: Requests answered ThrottlingException by this limit ...
        self.throttled = 0
        #: ... by operation.
        self.throttled_by: collections.Counter[str] = collections.Counter()

    def take(
        self,
        operation: str,
        instance_arn: str | None = None,
        *,
        region_name: str | None = None,
        request_id: str | None = None,
    ) -> Fault | None:
        """ThrottlingException when the bucket is empty, else the armed faults as usual."""
        now = self._clock.now()
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens < 1:
            self.throttled += 1
            self.throttled_by[operation] += 1
            return self._fault
        self._tokens -= 1
        return super().take(operation, instance_arn, region_name=region_name, request_id=request_id)


def _assignments(simulator: Simulator, seconds: float, count: int) -> list[str]:
    scale = simulator.time_scale
    simulator.time_scale = _PAUSED
    try:
        arn = simulator.create_instance("rollout", create_seconds=0)
        permission_set = simulator.create_permission_set(arn, "Rollout")
        request_ids = [
            simulator.create_account_assignment(
                arn,
                permission_set,
                f"{100_000_000_000 + index}",
                seconds=seconds,
                never_finish=math.isinf(seconds),
            )
            for index in range(count)
        ]
    finally:
        simulator.time_scale = scale
    return [arn, *request_ids]


def _limited(simulator: Simulator, arguments: list[float]) -> list[str]:
    rate, burst, outstanding, median, sigma, seed = arguments
    simulator.configure_limits(True, rate=rate, burst=burst, outstanding=int(outstanding))
    simulator.set_lifecycles(assignment_seconds=median, assignment_sigma=sigma, seed=int(seed))
    arn = simulator.create_instance("limits", create_seconds=0)
    permission_set = simulator.create_permission_set(arn, "Rollout")
    simulator.reset_limit_counters()
    return [arn, permission_set]


def _report(simulator: Simulator, arn: str) -> dict[str, object]:
    counters = simulator.limit_counters()
    now = simulator.clock.now()
    instance = simulator._instances[arn]
    in_place = sum(
        assignment.exists(now)
        for by_principal in instance.assignments.values()
        for assignment in by_principal.values()
    )
    kinds = (RequestKind.ASSIGNMENT_CREATION, RequestKind.ASSIGNMENT_DELETION)
    requests = [
        request
        for request in simulator._async_requests.values()
        if request.kind in kinds and request.instance_arn == arn
    ]
    creations = collections.Counter(
        (r.target_id, r.permission_set_arn, r.principal_type, r.principal_id)
        for r in requests
        if r.kind is RequestKind.ASSIGNMENT_CREATION
    )
    return {
        "throttled_rate": counters.throttled_rate,
        "throttled_outstanding": counters.throttled_outstanding,
        "conflicts": counters.conflicts,
        "peak_outstanding": counters.peak_outstanding,
        "in_place": in_place,
        "lifecycle_seconds": sum(request.seconds for request in requests),
        "writes_per_assignment": sorted(set(creations.values())),
    }


def _serve(time_scale: float) -> None:
    simulator = Simulator(time_scale=time_scale, request_log_size=0, seed=1)
    throttle: ServiceThrottle | None = None
    with serve_in_thread(simulator) as server:
        print(server.endpoint_url, flush=True)
        for line in sys.stdin:
            command, *arguments = line.split()
            if command == "create":
                seconds, count = float(arguments[0]), int(arguments[1])
                arns = [simulator.create_instance(create_seconds=seconds) for _ in range(count)]
                print(" ".join(arns), flush=True)
            elif command == "assignments":
                seconds, count = float(arguments[0]), int(arguments[1])
                print(" ".join(_assignments(simulator, seconds, count)), flush=True)
            elif command == "throttle":
                rate, burst = float(arguments[0]), float(arguments[1])
                throttle = ServiceThrottle(simulator.clock, rate, burst)
                simulator.faults = throttle
                print("ok", flush=True)
            elif command == "throttles":
                print(0 if throttle is None else throttle.throttled, flush=True)
            elif command == "throttled":
                print(0 if throttle is None else throttle.throttled_by[arguments[0]], flush=True)
            elif command == "count":
                print(simulator.request_count, flush=True)
            elif command == "limited":
                print(" ".join(_limited(simulator, [float(a) for a in arguments])), flush=True)
            elif command == "report":
                print(json.dumps(_report(simulator, arguments[0])), flush=True)


if __name__ == "__main__":
    _serve(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
