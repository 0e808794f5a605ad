"""Embed a wait in an orchestration job: beside other work, cancellable, resumable.

When to use this: a long-running worker that waits on an instance while doing other things,
may be told to stop at any moment, and may be restarted. The deadline is saved as wall-clock
time when the job starts; a restarted job waits only for what is left of it, instead of
starting the clock again.

    python examples/orchestration_job.py INSTANCE_ARN --state-file job.json
        [--stop-after SECONDS] [--region R] [--endpoint-url URL]

Exit codes: 0 reached, 75 stopped early (run again to resume), 3 the saved deadline passed.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

import anyio

import poller

TIMEOUT = 30 * 60


def load_deadline(state_file: pathlib.Path) -> float:
    """The job's absolute deadline (epoch seconds), saved the first time it runs."""
    if state_file.exists():
        return float(json.loads(state_file.read_text())["deadline"])
    deadline = time.time() + TIMEOUT
    state_file.write_text(json.dumps({"deadline": deadline}))
    return deadline


async def other_work() -> None:
    while True:  # e.g. heartbeats, progress reports, other provisioning steps
        await anyio.sleep(0.1)


async def job(args: argparse.Namespace) -> int:
    remaining = load_deadline(args.state_file) - time.time()
    if remaining <= 0:
        print("the saved deadline has passed", file=sys.stderr)
        return 3
    async with poller.open_client(region=args.region, endpoint_url=args.endpoint_url) as client:
        with anyio.move_on_after(args.stop_after):  # stands in for "the orchestrator says stop"
            async with anyio.create_task_group() as group:
                group.start_soon(other_work)
                arn = args.instance_arn
                result = await poller.wait_for_instance(client, arn, timeout=remaining)
                group.cancel_scope.cancel()  # the wait is over: stop the other work too
            print(f"{args.instance_arn} is {result.instance.status}")  # type: ignore[union-attr]
            args.state_file.unlink()
            return 0
    print("stopped before the instance was ready; run again to resume", file=sys.stderr)
    return 75


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance_arn")
    parser.add_argument("--state-file", type=pathlib.Path, required=True)
    parser.add_argument("--stop-after", type=float, default=None)
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    return anyio.run(job, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
