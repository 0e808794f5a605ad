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
* ``count`` answers with the number of requests served.
"""

from __future__ import annotations

import collections
import math
import subprocess
import sys
from types import TracebackType
from typing import Self

from poller.simulator import Fault, Simulator, serve_in_thread
from poller.simulator._clock import SimulatedClock
from poller.simulator._faults import FaultPlan

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


if __name__ == "__main__":
    _serve(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
