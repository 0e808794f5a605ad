"""Create an Identity Center instance, wait until it is ACTIVE, then use it.

When to use this: a provisioning script (bootstrap of a new account, a CI job) that needs the
instance's identity store right after creating it. Errors are caught by kind, so the script
can say what went wrong and exit with a meaningful code.

    python examples/provision_instance.py --name my-org [--region us-east-1] [--endpoint-url URL]
"""

from __future__ import annotations

import argparse
import sys

import anyio

import poller


async def provision(name: str, region: str | None, endpoint_url: str | None) -> int:
    async with poller.open_client(region=region, endpoint_url=endpoint_url) as client:
        created = await client.create_instance(Name=name)
        arn = created["InstanceArn"]
        try:
            result = await poller.wait_for_instance(client, arn, timeout=15 * 60)
        except poller.InstanceCreateFailedError as error:
            print(f"creation failed: {error.reason}", file=sys.stderr)
            return 1
        except poller.WaitTimeoutError as error:
            late = f"still {error.status} after {error.elapsed:.0f} s: try again later"
            print(late, file=sys.stderr)
            return 3
        except poller.PollerError as error:  # denied, throttled to death, bad credentials ...
            print(error, file=sys.stderr)
            return 4
    instance = result.instance
    assert instance is not None
    print(f"{arn} is {instance.status}; identity store {instance.identity_store_id}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    return anyio.run(provision, args.name, args.region, args.endpoint_url)


if __name__ == "__main__":
    sys.exit(main())
