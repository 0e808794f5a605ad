"""Simulated time: a monotonic clock that runs *time_scale* times faster than the real one."""

from __future__ import annotations

import math
import threading
import time


class SimulatedClock:
    """Simulated seconds since the simulator started, readable from any thread.

    The clock is derived from :func:`time.monotonic`, so it needs no event loop and costs one
    system call per read. :meth:`advance` jumps ahead, for tests that want to step a lifecycle
    by hand rather than wait for it.

    Args:
        time_scale: Simulated seconds per real second (``1000.0`` turns a minute into 60 ms).
    """

    def __init__(self, time_scale: float = 1.0) -> None:
        _check_scale(time_scale)
        self._lock = threading.Lock()
        self._scale = float(time_scale)
        self._real_origin = time.monotonic()
        self._simulated_origin = 0.0
        #: Wall-clock epoch seconds when the clock started; the dates the API reports count
        #: from here in real seconds (:meth:`wall_elapsed`), never ahead of the wall clock.
        self.epoch_origin = time.time()

    @property
    def time_scale(self) -> float:
        """Simulated seconds per real second; setting it keeps the current time continuous."""
        return self._scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        _check_scale(value)
        with self._lock:
            now_real = time.monotonic()
            self._simulated_origin += (now_real - self._real_origin) * self._scale
            self._real_origin = now_real
            self._scale = float(value)

    def now(self) -> float:
        """Return the current simulated time in seconds."""
        return self._simulated_origin + (time.monotonic() - self._real_origin) * self._scale

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by *seconds* without waiting."""
        if seconds < 0:
            raise ValueError(f"cannot go back in time ({seconds!r} s)")
        with self._lock:
            self._simulated_origin += seconds

    def wall_elapsed(self) -> float:
        """Return the real wall-clock seconds since the clock started, to date a creation.

        Dates stay on the wall clock whatever the time scale: a ``CreatedDate`` computed from
        simulated seconds would lie in the future as soon as time runs faster than real time.
        """
        return time.time() - self.epoch_origin

    def epoch(self, elapsed: float) -> float:
        """Convert a :meth:`wall_elapsed` reading to epoch seconds, as ``CreatedDate`` has it."""
        return self.epoch_origin + elapsed

    def to_real(self, simulated_seconds: float) -> float:
        """Convert a simulated duration to real seconds."""
        return simulated_seconds / self._scale


def _check_scale(value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"time_scale must be a positive finite number, not {value!r}")
