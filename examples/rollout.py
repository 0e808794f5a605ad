"""Roll out access: an instance, a Region, ABAC, a permission set, and 200 account assignments.

When to use this: a script that sets up Identity Center and grants a group access to many
accounts, waiting on each asynchronous step, then saying which assignments did not happen and
why. Exit code 0 when every assignment is in place, 1 otherwise (an earlier step that fails
stops the rollout with poller's exit code for it).

    python examples/rollout.py [--fail N]          # an in-process local endpoint
    python examples/rollout.py --endpoint-url URL  # poller simulate --time-scale 1000
    python examples/rollout.py --aws [--profile P] [--region R] [--instance-arn ARN]
        --accounts-file FILE --principal-id GROUP_ID

Locally, 200 made-up accounts get the assignment; ``--fail N`` (default 0) has the in-process
endpoint fail N of them with a reason (``poller simulate --assignment-fail-account ID`` does it
for a running one). On AWS, pass the accounts (an ID a line), an Identity Store group, and your
organisation's instance: CreateInstance makes an account instance, which cannot assign
permission sets. The steps before the assignments assume they were not done before: this is a
first rollout. The assignments themselves are ``poller.apply_account_assignments``: 15 in
progress at most, every call through one rate limiter, throttles and conflicts retried, and
safe to run again after a crash (those in place are left alone, those in progress adopted).
"""

from __future__ import annotations

import argparse
import collections
import sys
from contextlib import AsyncExitStack
from typing import Any, TypedDict

import anyio
from aiobotocore.session import AioSession

import poller

NEW_REGION = "eu-west-1"
LOCAL_GROUP = "9a672b3314-d1b2c3d4-1234-5678-9abc-def012345678"
LOCAL_FAILURE = "The account is suspended (simulated by --fail)."


class Pace(TypedDict, total=False):
    """Pauses between polls, and the rollout's rate: poller's defaults on AWS, faster locally."""

    min_delay: float
    max_delay: float
    limiter: poller.RateLimiter


async def prepare(client: Any, instance_arn: str | None, pace: Pace) -> tuple[str, str]:
    """Instance, Region, ABAC, permission set, each waited on; return the two ARNs."""
    if instance_arn is None:
        instance_arn = (await client.create_instance(Name="rollout"))["InstanceArn"]
        await poller.wait_for_instance(client, instance_arn, **pace)
    arn = {"InstanceArn": instance_arn}
    await client.add_region(**arn, RegionName=NEW_REGION)
    await poller.wait_for_region(client, instance_arn, NEW_REGION, **pace)
    attributes = [{"Key": "CostCenter", "Value": {"Source": ["${path:enterprise.costCenter}"]}}]
    await client.create_instance_access_control_attribute_configuration(
        **arn, InstanceAccessControlAttributeConfiguration={"AccessControlAttributes": attributes}
    )
    await poller.wait_for_access_control_attributes(client, instance_arn, **pace)
    created = await client.create_permission_set(**arn, Name="ReadOnly")
    ps_arn = created["PermissionSet"]["PermissionSetArn"]
    # One permission set here; a list of them is provisioned in parallel, one at a time each.
    (provisioned,) = await poller.provision_permission_sets(client, instance_arn, [ps_arn], **pace)
    if provisioned.error is not None:
        raise provisioned.error
    print(f"{instance_arn}: Region {NEW_REGION}, ABAC and permission set {ps_arn} ready")
    return instance_arn, ps_arn


async def rollout(client: Any, args: argparse.Namespace, pace: Pace) -> int:
    arn, ps_arn = await prepare(client, args.instance_arn, pace)
    assignments = [
        poller.Assignment(account_id, ps_arn, "GROUP", args.principal_id)
        for account_id in args.accounts
    ]
    outcomes = await poller.apply_account_assignments(
        client, arn, assignments, timeout=1800, **pace
    )
    failures: dict[str, list[str]] = collections.defaultdict(list)  # outcome -> examples
    for outcome in outcomes:  # in input order
        if outcome.error is not None:
            reason = outcome.error.reason or outcome.error  # AWS's FailureReason, or the error
            failures[outcome.outcome].append(f"{outcome.assignment.account_id}: {reason}")
    words = collections.Counter(outcome.outcome for outcome in outcomes)
    created, there = words[poller.Outcome.REACHED], words[poller.Outcome.UNCHANGED]
    print(
        f"assignments: {len(outcomes)} requested, {created + there} in place "
        f"({created} created, {there} already there)"
    )
    for label, examples in sorted(failures.items()):  # by kind: count, then a few examples
        print(f"{label}: {len(examples)}", *examples[:3], sep="\n  ")
    return 1 if failures else 0


async def run(args: argparse.Namespace) -> int:
    async with AsyncExitStack() as stack:
        url, region, session = args.endpoint_url, args.region, None
        if not args.aws:  # a local endpoint takes any credentials
            session = AioSession()
            session.set_credentials("local", "local")
            region = region or "us-east-1"
        if not args.aws and url is None:  # one in this process: a simulated minute in 60 ms
            from poller.testing import local_identity_center  # noqa: PLC0415 - local only

            center = await stack.enter_async_context(local_identity_center(time_scale=1000))
            url, region = center.endpoint_url, center.region
            for i in range(args.fail):  # accounts spread over the list
                account_id = args.accounts[(i + 1) * len(args.accounts) // (args.fail + 1)]
                center.simulator.fail_assignments(LOCAL_FAILURE, account_id=account_id)
        client = await stack.enter_async_context(
            poller.open_client(region, args.profile, url, session=session)
        )
        # On AWS, poller's defaults (a rollout keeps to 20 requests a second); locally, shorter
        # pauses and a faster rate for the clock that runs 1000 times faster.
        pace = Pace()
        if not args.aws:
            pace = Pace(min_delay=0.02, max_delay=0.2, limiter=poller.RateLimiter(rate=1000))
        try:
            return await rollout(client, args, pace)
        except poller.PollerError as error:  # an earlier step failed, timed out, was denied
            print(f"rollout stopped: {error}", file=sys.stderr)
            return int(error.exit_code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aws", action="store_true", help="AWS, not the local endpoint")
    parser.add_argument("--profile", help="an AWS profile (implies --aws)")
    parser.add_argument("--region")
    parser.add_argument("--endpoint-url")
    parser.add_argument("--instance-arn", help="an existing instance, rather than a new one")
    parser.add_argument("--accounts-file", type=argparse.FileType(), help="account IDs")
    parser.add_argument("--principal-id", help="the Identity Store group to assign")
    parser.add_argument("--fail", type=int, default=0, help="in-process: assignments to FAIL")
    args = parser.parse_args()
    args.aws = args.aws or args.profile is not None
    if args.aws and (args.accounts_file is None or args.principal_id is None):
        parser.error("on AWS, give --accounts-file and --principal-id")
    if args.fail and (args.aws or args.endpoint_url):
        parser.error("--fail arms the in-process endpoint only (poller simulate has its own)")
    local_accounts = [str(210_000_000_000 + i) for i in range(200)]
    args.accounts = args.accounts_file.read().split() if args.aws else local_accounts
    if not 0 <= args.fail <= len(args.accounts):
        parser.error(f"--fail must be between 0 and {len(args.accounts)}, not {args.fail}")
    args.principal_id = args.principal_id or LOCAL_GROUP
    return anyio.run(run, args)


if __name__ == "__main__":
    sys.exit(main())
