"""A rollout in a process of its own, for tests/test_rollout_crash.py to kill.

    python tests/rollout_child.py ENDPOINT_URL INSTANCE_ARN PLAN_FILE RATE

Creates the assignments of PLAN_FILE (a JSON array of CreateAccountAssignment inputs) with
``poller.apply_account_assignments``, its limiter at RATE requests a second. Each rollout event
is a JSON line on stdout as it happens (``{"event": "rollout.adopted", "index": 3,
"request_id": ...}``), flushed, so that the test can act on them; the last line is
``{"outcomes": [...]}``, one word per assignment. Exit status 0 when every assignment is as
planned, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
from aiobotocore.session import AioSession

import poller
from poller.events import Event, RolloutEvent


def say(line: dict[str, object]) -> None:
    """One JSON line on stdout, at once."""
    print(json.dumps(line), flush=True)


def on_event(event: Event) -> None:
    """The rollout's events about its items, as they happen."""
    if isinstance(event, RolloutEvent):
        say({"event": event.name, "index": event.index, "request_id": event.request_id})


async def main(url: str, arn: str, plan: list[poller.Assignment], rate: float) -> int:
    session = AioSession()
    session.set_credentials("local", "local")
    async with poller.open_client("us-east-1", endpoint_url=url, session=session) as client:
        outcomes = await poller.apply_account_assignments(
            client,
            arn,
            plan,
            limiter=poller.RateLimiter(rate=rate, burst=10),
            min_delay=0.005,
            max_delay=0.05,
            timeout=120,
            on_event=on_event,
        )
    say({"outcomes": [str(outcome.outcome) for outcome in outcomes]})
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    url, arn, plan_file, rate = sys.argv[1:]
    keys = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    sys.exit(anyio.run(main, url, arn, [poller.Assignment.from_api(k) for k in keys], float(rate)))
