"""Wait for the instances of many member accounts at once, each with its own credentials.

When to use this: an organisation gives each member account its own account instance. A job
assumes a role in every account, creates the instance there, and waits for all of them under
one deadline, with a rate limit per account and each account's own outcome at the end.

    python examples/many_accounts.py ACCOUNT_ID... [--role-name NAME] [--region R]
        [--endpoint-url URL]

Against the local endpoint (--endpoint-url), the role is not really assumed: every account
gets the same dummy credentials, which is all the simulator needs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import anyio

import poller


async def assume_role(account_id: str, role_name: str, region: str | None) -> dict[str, Any]:
    """STS credentials for *role_name* in *account_id* (the ``Credentials`` of AssumeRole)."""
    from aiobotocore.session import get_session  # noqa: PLC0415 - only against AWS

    async with get_session().create_client("sts", region_name=region) as sts:
        answer = await sts.assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="poller"
        )
    return dict(answer["Credentials"])


async def run(args: argparse.Namespace) -> int:
    if args.endpoint_url:  # the simulator accepts any signature
        credentials = [{"AccessKeyId": "local", "SecretAccessKey": "local"}] * len(args.accounts)
    else:
        credentials = [await assume_role(a, args.role_name, args.region) for a in args.accounts]
    async with poller.open_clients(
        credentials, region=args.region, endpoint_url=args.endpoint_url
    ) as clients:
        arns = []
        for account_id, client in zip(args.accounts, clients, strict=True):
            created = await client.create_instance(Name=f"member-{account_id}")
            arns.append(created["InstanceArn"])
        outcomes = await poller.wait_for_instances(zip(clients, arns, strict=True), timeout=1800)
    for account_id, outcome in zip(args.accounts, outcomes, strict=True):
        print(f"{account_id}: {'ACTIVE' if outcome.ok else outcome.error}")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("accounts", nargs="+", metavar="ACCOUNT_ID")
    parser.add_argument("--role-name", default="OrganizationAccountAccessRole")
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    return anyio.run(run, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
