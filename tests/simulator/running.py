"""The simulator's command in a child process, its output read line by line with timeouts."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Final

REPO: Final = Path(__file__).resolve().parents[2]
#: Generous: a loaded CI machine may take seconds to import aiohttp and botocore.
TIMEOUT: Final = 60.0


def child_env() -> dict[str, str]:
    """The environment of a child that imports this checkout's ``poller``."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


class Running:
    """A child process whose stdout and stderr lines are read by threads into queues.

    Use it as a context manager: leaving the block kills the child if it still runs.

    Args:
        command: The command to run; ``python -m poller.simulator`` with *args* by default.
        args: Arguments of ``python -m poller.simulator``.
    """

    def __init__(self, *args: str, command: list[str] | None = None) -> None:
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "poller.simulator", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        self._lines: dict[str, queue.Queue[str | None]] = {}
        self._readers = [
            self._read("stdout", self.process.stdout),
            self._read("stderr", self.process.stderr),
        ]

    def _read(self, name: str, stream: IO[str] | None) -> threading.Thread:
        lines: queue.Queue[str | None] = queue.Queue()
        self._lines[name] = lines

        def pump() -> None:
            assert stream is not None
            for line in stream:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        thread = threading.Thread(target=pump, daemon=True)
        thread.start()
        return thread

    def line(self, stream: str = "stdout") -> str:
        """Wait for the next line of *stream* (``"stdout"`` or ``"stderr"``)."""
        try:
            line = self._lines[stream].get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no line on {stream} within {TIMEOUT} s") from None
        if line is None:
            raise AssertionError(f"{stream} closed; stderr: {self.rest('stderr')}")
        return line

    def rest(self, stream: str) -> list[str]:
        """The lines of *stream* not read yet (all of them, once the child has ended)."""
        lines: list[str] = []
        while True:
            try:
                line = self._lines[stream].get_nowait()
            except queue.Empty:
                return lines
            if line is not None:
                lines.append(line)

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Send *signum*, wait for the child to end and its output to be read; its status."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:
            reader.join(timeout=TIMEOUT)
        return code

    def __enter__(self) -> Running:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:  # they end at EOF: closing under them would raise
            reader.join(timeout=TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
