"""The local endpoint in a process of its own, scripted over its stdin.

The simulator's server spends CPU on every request. In the benchmarking process it would
compete with the client for the interpreter's lock and blur what is measured, so it runs in a
child process (on the other core) and the benchmark scripts it line by line:
``create SECONDS [COUNT]`` answers with the new ARNs, space-separated; ``count`` answers with
the number of requests served.
"""

from __future__ import annotations

import subprocess
import sys
from types import TracebackType
from typing import Self

from poller.simulator import Simulator, serve_in_thread

__all__ = ["RemoteEndpoint"]


class RemoteEndpoint:
    """A simulator served by a child process, running in real time (``time_scale=1``)."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._endpoint"],
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
        """Create *count* instances that turn ACTIVE after *create_seconds* real seconds."""
        return self._ask(f"create {create_seconds!r} {count}").split()

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


def _serve() -> None:
    simulator = Simulator(time_scale=1.0, request_log_size=0, seed=1)
    with serve_in_thread(simulator) as server:
        print(server.endpoint_url, flush=True)
        for line in sys.stdin:
            command, *arguments = line.split()
            if command == "create":
                seconds, count = float(arguments[0]), int(arguments[1])
                arns = [simulator.create_instance(create_seconds=seconds) for _ in range(count)]
                print(" ".join(arns), flush=True)
            elif command == "count":
                print(simulator.request_count, flush=True)


if __name__ == "__main__":
    _serve()
