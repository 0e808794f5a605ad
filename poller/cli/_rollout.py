"""The rollout's commands: wait-region, wait-abac, wait-provisioning and wait-assignment.

Each names its arguments and its kind (:mod:`poller.cli._kinds`), checks what it is given
(:mod:`poller.cli._targets`), and hands over to :func:`poller.cli._launch.launch`, as
``poller wait`` does: the same options, deadline, output, events, signals and exit codes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final

import click

from poller._resources._region import RegionTarget
from poller.cli import _options as options
from poller.cli._arns import Arns, check_arn
from poller.cli._kinds import (
    ACCESS_CONTROL,
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PROVISIONING,
    REGIONS,
)
from poller.cli._launch import WAIT_EXIT_CODES, launch
from poller.cli._targets import instances, regions, requests

__all__ = ["ROLLOUT_COMMANDS"]

_SUCCESS_KEYS: Final = "with InstanceArn added where the answer lacks it"
_STDIN: Final = (
    "REQUEST_ID - reads from stdin the JSON that `aws sso-admin {aws}` printed: one answer, "
    "several one after the other, JSON lines, or a JSON array; or request IDs one per line."
)


def _epilog(*paragraphs: str) -> str:
    return "\n\n".join([WAIT_EXIT_CODES, *paragraphs])


@contextlib.contextmanager
def _argument(name: str) -> Iterator[None]:
    """Refusals of the argument *name*, shown as click shows a bad argument (usage, hint)."""
    try:
        yield
    except click.BadParameter as error:
        ctx = click.get_current_context()
        error.ctx = ctx
        error.param = next(p for p in ctx.command.params if p.name == name)
        raise


def _arn(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_arn(value, ctx, param)


_instance_arn = click.argument("arn", metavar="ARN", callback=_arn)


@click.command(
    "wait-region",
    epilog=_epilog(
        "stdout: one line per Region (JSON, or text on a terminal): the DescribeRegion answer "
        f"on success ({_SUCCESS_KEYS}); with --until removed, an object with Outcome removed; "
        "else an object with an Outcome key.",
        "REGION... are the Regions to wait on; --region is the Region to call, the instance's.",
    ),
)
@_instance_arn
@click.argument("region_names", metavar="REGION...", nargs=-1)
@click.option(
    "--until",
    type=click.Choice([t.value for t in RegionTarget]),
    default=RegionTarget.ACTIVE.value,
    show_default=True,
    help="active: AddRegion has finished; removed: RemoveRegion has.",
)
@options.waiting(REGIONS)
def wait_region(arn: str, region_names: tuple[str, ...], *, until: str, **common: Any) -> int:
    """Wait until Regions of an instance are active (or removed).

    After AddRegion (--until active) or RemoveRegion (--until removed): every Region at once,
    under one deadline.
    """
    with _argument("region_names"):
        targets = regions(arn, region_names, until)
    return launch(targets, kind=REGIONS, **common)


@click.command(
    "wait-abac",
    epilog=_epilog(
        "stdout: one line per instance (JSON, or text on a terminal): the "
        f"DescribeInstanceAccessControlAttributeConfiguration answer on success ({_SUCCESS_KEYS}"
        "), else an object with an Outcome key. ARN - reads the ARNs from stdin."
    ),
)
@options.arns
@options.waiting(ACCESS_CONTROL)
def wait_abac(arns: Arns, **common: Any) -> int:
    """Wait until attribute-based access control is enabled.

    After CreateInstanceAccessControlAttributeConfiguration: every instance at once, under
    one deadline.
    """
    if not arns:
        raise click.UsageError("Give at least one instance ARN (or - to read them).")
    return launch(instances(arns, ACCESS_CONTROL), kind=ACCESS_CONTROL, **common)


@click.command(
    "wait-provisioning",
    epilog=_epilog(
        "stdout: one line per request (JSON, or text on a terminal): the status object "
        f"(PermissionSetProvisioningStatus) on success ({_SUCCESS_KEYS}), else an object with "
        "an Outcome key.",
        _STDIN.format(aws="provision-permission-set"),
        "\b\n  aws sso-admin provision-permission-set --instance-arn $ARN \\\n"
        "    --permission-set-arn $PS --target-type ALL_PROVISIONED_ACCOUNTS \\\n"
        "    | poller wait-provisioning $ARN -",
    ),
)
@_instance_arn
@click.argument("request_ids", metavar="REQUEST_ID...", nargs=-1)
@options.waiting(PROVISIONING)
def wait_provisioning(arn: str, request_ids: tuple[str, ...], **common: Any) -> int:
    """Wait until permission-set provisionings succeed.

    The requests that ProvisionPermissionSet started: every one at once, under one deadline,
    through one client and its rate.
    """
    with _argument("request_ids"):
        targets = requests(arn, request_ids, kinds=(PROVISIONING,), default=PROVISIONING)
    return launch(targets, kind=PROVISIONING, **common)


@click.command(
    "wait-assignment",
    epilog=_epilog(
        "stdout: one line per request (JSON, or text on a terminal): the status object "
        f"(AccountAssignmentCreationStatus or ...DeletionStatus) on success ({_SUCCESS_KEYS}), "
        "else an object with an Outcome key.",
        _STDIN.format(aws="create-account-assignment` or `delete-account-assignment")
        + " Each answer says whether it is a creation or a deletion, and may be mixed; bare "
        "request IDs are creations, or deletions with --deletion.",
        "\b\n  aws sso-admin create-account-assignment --instance-arn $ARN ... \\\n"
        "    | poller wait-assignment $ARN -",
    ),
)
@_instance_arn
@click.argument("request_ids", metavar="REQUEST_ID...", nargs=-1)
@click.option(
    "--deletion",
    is_flag=True,
    help="The request IDs are DeleteAccountAssignment's (answers on stdin say for themselves).",
)
@options.waiting(ASSIGNMENT_CREATION)
def wait_assignment(
    arn: str, request_ids: tuple[str, ...], *, deletion: bool, **common: Any
) -> int:
    """Wait until account-assignment requests succeed.

    The requests that CreateAccountAssignment and DeleteAccountAssignment started: every one
    at once, under one deadline, through one client and its rate.
    """
    default = ASSIGNMENT_DELETION if deletion else ASSIGNMENT_CREATION
    with _argument("request_ids"):
        targets = requests(
            arn,
            request_ids,
            kinds=(ASSIGNMENT_CREATION, ASSIGNMENT_DELETION),
            default=default,
            forced=deletion,
        )
    return launch(targets, kind=default, **common)


#: Registered on the ``poller`` group by :mod:`poller.cli._main`.
ROLLOUT_COMMANDS: Final = (wait_region, wait_abac, wait_provisioning, wait_assignment)
