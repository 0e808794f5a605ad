"""``python -m benchmarks [--quick] [--only NAME ...]``: run the benchmarks, print the figures."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from benchmarks import (
    airflow,
    assign,
    clients,
    deadline,
    detection,
    overhead,
    rollout,
    scale,
    startup,
)
from benchmarks._common import quiet

NAMES = (
    "overhead",
    "scale",
    "clients",
    "rollout",
    "assign",
    "deadline",
    "detection",
    "startup",
    "airflow",
)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks one after the other (never two at once: 2 cores)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--only", nargs="+", choices=NAMES, default=list(NAMES))
    parser.add_argument("--accounts", type=int, help="instances (one client each) for scale")
    parser.add_argument("--one-client", type=int, help="instances on one client for scale")
    parser.add_argument("--requests", type=int, help="assignment requests for rollout")
    parser.add_argument(
        "--time-scale", type=float, help="rollout's speed-up of every duration (default 20)"
    )
    parser.add_argument(
        "--plot", type=Path, default=Path("benchmarks/detection.png"), help="detection's PNG"
    )
    args = parser.parse_args(argv)
    quiet()
    print(f"# poller benchmarks: Python {platform.python_version()} on {platform.platform()}")
    print(f"# command: python -m benchmarks {' '.join(argv if argv is not None else sys.argv[1:])}")
    started = time.perf_counter()
    if "overhead" in args.only:
        overhead.run(quick=args.quick)
    if "scale" in args.only:
        scale.run(quick=args.quick, accounts=args.accounts, one_client=args.one_client)
    if "clients" in args.only:
        clients.run(quick=args.quick)
    if "rollout" in args.only:
        rollout.run(quick=args.quick, requests=args.requests, scale=args.time_scale)
    if "assign" in args.only:
        assign.run(quick=args.quick)
    if "deadline" in args.only:
        deadline.run(quick=args.quick)
    if "detection" in args.only:
        detection.run(quick=args.quick, plot_path=args.plot)
    if "startup" in args.only:
        startup.run(quick=args.quick)
    if "airflow" in args.only:
        airflow.run(quick=args.quick)
    print(f"\n# done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
