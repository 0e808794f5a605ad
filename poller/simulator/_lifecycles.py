"""How long requests stay IN_PROGRESS: a fixed duration, or one drawn from a log-normal.

A request's duration is *median* simulated seconds when *sigma* is 0 (the simulator's
default), and otherwise ``median * exp(sigma * Z)`` with ``Z`` a standard normal draw: a
log-normal whose median is *median* and whose logarithm has standard deviation *sigma*. Its
mean is ``median * exp(sigma² / 2)``; half the requests take less than the median, and
``exp(1.645 * sigma)`` times the median bounds 95 % of them (sigma 0.5: 2.3 times).

Each kind of request (provisioning, assignment creation, assignment deletion) draws from a
stream of its own, seeded from one seed and the kind's name: with a seed, the n-th request of a
kind takes the same time on every run, whatever the other kinds do in between.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass


def check_lifecycle(median: float, sigma: float, what: str) -> None:
    """Check a median (0 or more; ``math.inf``: never over) and a sigma (finite, 0 or more).

    Raises:
        ValueError: Saying which, as *what* (``"assignment"``, ``"provisioning"``).
    """
    if math.isnan(median) or median < 0:
        raise ValueError(f"the {what} duration must be 0 or more seconds, not {median!r}")
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"the {what} sigma must be a finite number, 0 or more, not {sigma!r}")


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """The duration of one kind of request: *median* seconds, spread by *sigma* (0: fixed)."""

    median: float
    sigma: float = 0.0


class Durations:
    """One seeded random stream per kind of request, from which durations are drawn.

    Args:
        seed: The seed of every stream (``None``: unpredictable).
    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def reseed(self, seed: int | None) -> None:
        """Start every stream again from *seed*."""
        self.seed = seed
        self._streams = {}

    def draw(self, kind: str, lifecycle: Lifecycle) -> float:
        """Return how long the next request of *kind* takes, in simulated seconds.

        *kind* names the stream (``"AccountAssignmentCreation"`` ...). A fixed lifecycle
        (sigma 0), a median of 0 and one that never ends draw nothing.
        """
        median, sigma = lifecycle.median, lifecycle.sigma
        if sigma == 0 or median == 0 or math.isinf(median):
            return median
        stream = self._streams.get(kind)
        if stream is None:
            seed = None if self.seed is None else f"{self.seed}/{kind}"
            stream = self._streams[kind] = random.Random(seed)
        return stream.lognormvariate(math.log(median), sigma)
