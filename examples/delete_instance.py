"""Delete an Identity Center instance and wait until it is really gone.

When to use this: tearing down a sandbox account. DeleteInstance returns at once; the
instance then spends a while in DELETE_IN_PROGRESS, after which DescribeInstance answers
AccessDenied. poller tells that from a missing permission (it checks ListInstances), so a
policy mistake is never reported as a successful deletion.

An instance that is already gone is what a teardown wants: the script says so and exits 0.
DeleteInstance answers AccessDenied for it, as for a missing permission; ListInstances tells
the two apart here too (listed: the caller may not delete it, exit 4).

    python examples/delete_instance.py INSTANCE_ARN [--region R] [--endpoint-url URL]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import anyio
from botocore.exceptions import ClientError

import poller


async def is_listed(client: Any, arn: str) -> bool:
    async for page in client.get_paginator("list_instances").paginate():
        if any(instance["InstanceArn"] == arn for instance in page["Instances"]):
            return True
    return False


async def delete(arn: str, region: str | None, endpoint_url: str | None) -> int:
    async with poller.open_client(region=region, endpoint_url=endpoint_url) as client:
        try:
            await client.delete_instance(InstanceArn=arn)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "AccessDeniedException" and not await is_listed(client, arn):
                print(f"{arn} is already gone: nothing to delete")
                return 0
            message = error.response["Error"].get("Message", "")
            print(f"cannot delete {arn}: {code}: {message}", file=sys.stderr)
            return 4
        try:
            result = await poller.wait_for_instance(client, arn, until="deleted", timeout=600)
        except poller.AccessDeniedError as error:
            print(f"cannot tell whether it is gone: {error}", file=sys.stderr)
            return 4
        except poller.PollerError as error:
            print(f"deletion not confirmed: {error}", file=sys.stderr)
            return error.exit_code
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
