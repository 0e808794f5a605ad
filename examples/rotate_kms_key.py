"""Move an instance to a customer managed KMS key and wait until encryption is ENABLED.

When to use this: a key rotation or a compliance change. UpdateInstance starts the change;
EncryptionStatus goes UPDATING, then ENABLED, or UPDATE_FAILED with a reason (most often a key
policy that does not let Identity Center use the key), which this script reports.

    python examples/rotate_kms_key.py INSTANCE_ARN KMS_KEY_ARN [--region R] [--endpoint-url URL]
"""

from __future__ import annotations

import argparse
import sys

import anyio

import poller


async def rotate(arn: str, key: str, region: str | None, endpoint_url: str | None) -> int:
    async with poller.open_client(region=region, endpoint_url=endpoint_url) as client:
        await client.update_instance(
            InstanceArn=arn,
            EncryptionConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": key},
        )
        try:
            await poller.wait_for_instance(client, arn, until="encryption-enabled", timeout=900)
        except poller.EncryptionUpdateFailedError as error:
            print(f"the key change failed: {error.reason}", file=sys.stderr)
            return 1
        except poller.AccessDeniedError as error:
            hint = "the key policy denies Identity Center" if error.kms else "missing permission"
            print(f"access denied ({hint}): {error}", file=sys.stderr)
            return 4
    print(f"{arn} is now encrypted with {key}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance_arn")
    parser.add_argument("kms_key_arn")
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    return anyio.run(rotate, args.instance_arn, args.kms_key_arn, args.region, args.endpoint_url)


if __name__ == "__main__":
    sys.exit(main())
