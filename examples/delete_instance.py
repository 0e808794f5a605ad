"""Delete an Identity Center instance and wait until it is really gone.

When to use this: tearing down a sandbox account. DeleteInstance returns at once; the
instance then spends a while in DELETE_IN_PROGRESS, after which DescribeInstance answers
AccessDenied. poller tells that from a missing permission (it checks ListInstances), so a
policy mistake is never reported as a successful deletion.

    python examples/delete_instance.py INSTANCE_ARN [--region R] [--endpoint-url URL]
"""

from __future__ import annotations

import argparse
import sys

import anyio

import poller


async def delete(arn: str, region: str | None, endpoint_url: str | None) -> int:
    async with poller.open_client(region=region, endpoint_url=endpoint_url) as client:
        await client.delete_instance(InstanceArn=arn)
        try:
            result = await poller.wait_for_instance(client, arn, until="deleted", timeout=600)
        except poller.AccessDeniedError as error:
            print(f"cannot tell whether it is gone: {error}", file=sys.stderr)
            return 4
    states = " -> ".join(str(s.status or "gone") for s in result.history)
    print(f"{arn} deleted after {result.attempts} polls: {states}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance_arn")
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    return anyio.run(delete, args.instance_arn, args.region, args.endpoint_url)


if __name__ == "__main__":
    sys.exit(main())
