"""Watch an instance's states as they change, with poller's events as JSON log lines.

When to use this: a service or job whose logs go to a collector. Configure structlog once
(poller never does it for you) and every poller event arrives as one JSON line on stderr,
while the `async for` loop reacts to each new state.

    python examples/watch_with_json_logs.py INSTANCE_ARN [--region R] [--endpoint-url URL]
"""

from __future__ import annotations

import argparse
import sys

import anyio
import structlog

import poller


def configure_json_logs() -> None:
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


async def watch(arn: str, region: str | None, endpoint_url: str | None) -> None:
    async with poller.open_client(region=region, endpoint_url=endpoint_url) as client:
        async for state in poller.watch_instance(client, arn, timeout=900):
            print(f"now {state.status}", flush=True)  # react to each state here


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance_arn")
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    configure_json_logs()
    anyio.run(watch, args.instance_arn, args.region, args.endpoint_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
