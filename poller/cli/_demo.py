"""``poller demo``: the local endpoint, an instance and a small rollout, each step waited on.

Over the wire, through one client with dummy credentials: CreateInstance, then ``poller
wait``'s wait (through a burst of throttling, to show a retry); then AddRegion, attribute-based
access control and a permission set's provisioning, waited on together; then a few account
assignments, applied as ``poller assign`` applies a plan (:func:`poller.apply_account_assignments`).
Every wait is the commands' own (:func:`poller.cli._wait.wait_on`), under one deadline, printing
a line per resource on stdout.
Needs aiohttp (through :mod:`poller.simulator`), so this module is imported only when the demo
runs.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio
import structlog

import poller
from poller import Assignment, AssignmentOutcome, ExitCode, Identity, ResourceKind
from poller.cli._apply import assignment_report
from poller.cli._kinds import INSTANCE, Awaited, success_line
from poller.cli._options import wait_settings
from poller.cli._output import Reporter
from poller.cli._run import close_run, end_run, run_until_signal
from poller.cli._startup import open_client
from poller.cli._wait import budget, ending_by, wait_on

__all__ = ["demo"]

#: Simulated seconds per real one: the instance's simulated 36 s take 3 real ones.
DEMO_TIME_SCALE: Final = 12.0
DEMO_CREATE_SECONDS: Final = 36.0
#: The rollout's steps, in simulated seconds: each takes a real second or less.
DEMO_REGION_SECONDS: Final = 12.0
DEMO_STEP_SECONDS: Final = 6.0
DEMO_REGION: Final = "eu-west-1"
#: The accounts the demo's permission set is assigned to.
DEMO_ACCOUNTS: Final = tuple(f"1111222233{n:02d}" for n in range(1, 6))
DEMO_GROUP: Final = "906723b8-1234-5678-9abc-def012345678"
#: Quick polls, so that the few seconds of the demo show a few of them.
DEMO_TIMEOUT: Final = 60.0
DEMO_MIN_DELAY: Final = 0.25
DEMO_MAX_DELAY: Final = 1.0
#: Dummy credentials for the demo's own client only: the local endpoint checks for a
#: signature, not for who signed. The user's AWS environment is never read or changed.
_DUMMY_KEY: Final = "poller-demo"
_DUMMY_SECRET: Final = "poller-demo"  # a placeholder, not a secret

_logger = structlog.get_logger("poller")


@asynccontextmanager
async def _local_client(endpoint_url: str, region: str) -> AsyncIterator[Any]:
    """A client of the local endpoint, with the demo's dummy credentials."""
    from aiobotocore.session import AioSession  # noqa: PLC0415 - heavy, only for the demo

    session = AioSession()
    session.set_credentials(_DUMMY_KEY, _DUMMY_SECRET)
    async with open_client(region=region, endpoint_url=endpoint_url, session=session) as client:
        yield client


def _awaited(name: str, identity: Identity) -> Awaited:
    """The resource of kind *name* (in ``poller.resources``) waited on for its default target."""
    kind: ResourceKind = poller.resources[name]
    return Awaited(kind, identity, kind.default_target)


class _Rollout:
    """The demo's steps through one client, each waited on before the next starts."""

    def __init__(self, client: Any, reporter: Reporter) -> None:
        self.client = client
        self.reporter = reporter
        settings = wait_settings(
            INSTANCE, timeout=DEMO_TIMEOUT, min_delay=DEMO_MIN_DELAY, max_delay=DEMO_MAX_DELAY
        )
        #: One deadline for every step.
        self.settings = ending_by(settings, time.time() + budget(settings))
        #: Everything waited on so far, for the end of the run.
        self.targets: list[Awaited] = []
        #: The assignments applied, once they all are.
        self.assigned = 0

    async def wait(self, targets: list[Awaited]) -> bool:
        """Wait on *targets*; whether all got there (else the demo stops)."""
        self.targets.extend(targets)
        await wait_on(self.client, targets, self.settings, self.reporter)
        return self.reporter.exit_code() == ExitCode.OK

    async def instance(self) -> str | None:
        """CreateInstance, then wait until it is ACTIVE; its ARN, if it got there."""
        created = await self.client.create_instance(Name="poller-demo")
        arn = str(created["InstanceArn"])
        _logger.info("demo.created", instance_arn=arn, message="CreateInstance answered.")
        ok = await self.wait([_awaited("instance", Identity(arn))])
        return arn if ok else None

    async def replicate_and_provision(self, arn: str) -> str | None:
        """A Region, access control and a permission set, waited on together; the set's ARN."""
        client = self.client
        await client.add_region(InstanceArn=arn, RegionName=DEMO_REGION)
        await client.create_instance_access_control_attribute_configuration(
            InstanceArn=arn,
            InstanceAccessControlAttributeConfiguration={
                "AccessControlAttributes": [
                    {"Key": "CostCenter", "Value": {"Source": ["${path:enterprise.costCenter}"]}}
                ]
            },
        )
        created = await client.create_permission_set(InstanceArn=arn, Name="ReadOnly")
        permission_set_arn = str(created["PermissionSet"]["PermissionSetArn"])
        provisioning = await client.provision_permission_set(
            InstanceArn=arn,
            PermissionSetArn=permission_set_arn,
            TargetType="ALL_PROVISIONED_ACCOUNTS",
        )
        request_id = provisioning["PermissionSetProvisioningStatus"]["RequestId"]
        _logger.info(
            "demo.started",
            instance_arn=arn,
            message=f"AddRegion {DEMO_REGION}, CreateInstanceAccessControlAttributeConfiguration "
            "and ProvisionPermissionSet answered.",
        )
        ok = await self.wait(
            [
                _awaited("region", Identity(arn, region_name=DEMO_REGION)),
                _awaited("access-control-attributes", Identity(arn)),
                _awaited("permission-set-provisioning", Identity(arn, request_id=request_id)),
            ]
        )
        return permission_set_arn if ok else None

    async def assign(self, arn: str, permission_set_arn: str) -> None:
        """The demo accounts' assignments, applied as ``poller assign`` applies a plan.

        :func:`poller.apply_account_assignments` sends the writes inside the service's limits
        and waits on them (the demo's endpoint has no limits on); each prints as it ends.
        """
        plan = [
            Assignment(account, permission_set_arn, "GROUP", DEMO_GROUP)
            for account in DEMO_ACCOUNTS
        ]
        kind: ResourceKind = poller.resources["account-assignment-creation"]

        def on_outcome(ending: AssignmentOutcome) -> None:
            self.reporter.report(assignment_report(ending, arn, kind))

        _logger.info(
            "demo.started",
            instance_arn=arn,
            message=f"Applying {len(plan)} account assignments: at most 15 in progress.",
        )
        await poller.apply_account_assignments(
            self.client, arn, plan, on_outcome=on_outcome,
            **self.settings | {"on_event": self.reporter.on_event},
        )  # fmt: skip
        self.assigned = len(plan)


async def _demo(reporter: Reporter) -> int:
    """Serve the simulator and run the demo's steps; the exit code."""
    from poller.simulator import Fault, Simulator, serve  # noqa: PLC0415 - aiohttp

    simulator = Simulator(
        time_scale=DEMO_TIME_SCALE,
        create_seconds=DEMO_CREATE_SECONDS,
        add_region_seconds=DEMO_REGION_SECONDS,
        access_control_seconds=DEMO_STEP_SECONDS,
        provisioning_seconds=DEMO_STEP_SECONDS,
        assignment_seconds=DEMO_STEP_SECONDS,
    )
    # One burst of throttling, so that the demo shows a transient error being retried.
    simulator.add_fault(Fault.throttling(count=2), operation="DescribeInstance")
    targets: list[Awaited] = []
    assigned = 0

    async def body() -> None:
        """The demo's steps, each waited on before the next."""
        async with serve(simulator) as server:
            url = server.endpoint_url
            _logger.info("demo.endpoint", endpoint_url=url, time_scale=DEMO_TIME_SCALE)
            async with _local_client(url, simulator.region) as client:
                rollout = _Rollout(client, reporter)
                try:
                    arn = await rollout.instance()
                    permission_set_arn = arn and await rollout.replicate_and_provision(arn)
                    if arn and permission_set_arn:
                        await rollout.assign(arn, permission_set_arn)
                finally:
                    nonlocal assigned
                    targets.extend(rollout.targets)
                    assigned = rollout.assigned

    signum = await run_until_signal(body, reporter.console)
    if signum is None and assigned:
        done = f"{success_line(targets)} {assigned} account assignments are in place."
        return close_run(reporter, done)
    return end_run(reporter, targets, signum)


def demo(reporter: Reporter) -> int:
    """Run ``poller demo``; the exit code of its waits (OK once every step got there)."""
    return int(anyio.run(_demo, reporter))
