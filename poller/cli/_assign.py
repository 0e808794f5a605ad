"""``poller assign ARN --plan FILE|-``: a plan of account assignments applied, then waited on.

The rollout is the library's (:func:`poller.apply_account_assignments`): at most
``--max-outstanding`` requests in progress (AWS allows 15 per instance), 20 calls a second,
throttles and conflicts retried, an assignment already as planned left unchanged, a request an
earlier run left in progress waited on rather than sent again. ``--delete`` deletes the plan's
assignments instead. Every other option is every waiting command's, with the same meaning:
``--timeout 0`` looks once (:func:`poller.look_account_assignments`), writing nothing: exit 0
if the plan is in place now (absent, with ``--delete``), 3 if not yet. The plan is read and
checked whole before any request (:mod:`._plan`); an empty one is refused unless
``--allow-empty``.
"""

from __future__ import annotations

from typing import Any, Final

import click
import structlog

import poller
from poller import ExitCode
from poller.cli import _options as options
from poller.cli._arns import check_arn
from poller.cli._commands import argument
from poller.cli._help import EXIT_CODES, ORDER
from poller.cli._launch import assign as apply_plan
from poller.cli._launch import begin
from poller.cli._plan import PLAN_READ, open_plan, read_plan
from poller.cli._stdin import quote

__all__ = ["MAX_OUTSTANDING", "Outstanding", "assign"]

#: IAM Identity Center's limit of asynchronous assignment writes in progress per instance,
#: which cannot be raised: the library's most, and its default (the tests hold the two
#: together).
MAX_OUTSTANDING: Final = 15
#: The kinds of the rollout's requests: their delays are the command's defaults.
_CREATION: Final = poller.resources["account-assignment-creation"]
_DELETION: Final = poller.resources["account-assignment-deletion"]
_EPILOG: Final = f"""{EXIT_CODES}

stdout: one line per assignment of the plan (JSON, or text on a terminal): on success the
request's status object (AccountAssignmentCreationStatus or ...DeletionStatus, with InstanceArn
added); for an assignment as planned already, an object with Outcome unchanged and the
assignment's keys; else an object with an Outcome key. {ORDER}

--plan FILE or - (stdin) holds {PLAN_READ}. Every item is checked before any request, and
every bad one is listed. On a terminal, end the input with Ctrl-D.

\b
  jq -c '.[]' plan.json | poller assign $ARN --plan -
  poller assign $ARN --plan plan.json --delete --timeout 0   # 0: all gone already, 3: not yet
"""

_logger = structlog.get_logger("poller")


class Outstanding(click.ParamType):  # type: ignore[type-arg]
    """``--max-outstanding``: a whole number from 1 to :data:`MAX_OUTSTANDING`."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """*value* as a number of requests, or a usage error that says the service's limit."""
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            self.fail(f"{quote(str(value))} is not a whole number.", param, ctx)
        if not 1 <= number <= MAX_OUTSTANDING:
            self.fail(
                f"{number} is not from 1 to {MAX_OUTSTANDING}: IAM Identity Center allows at most "
                f"{MAX_OUTSTANDING} assignment requests in progress per instance, a limit that "
                "cannot be raised.",
                param,
                ctx,
            )
        return number


@click.command(
    "assign",
    short_help="Create or delete a plan's account assignments, and wait on them.",
    help="Create (or delete) the account assignments of a plan, inside the service's limits."
    "\n\nEach assignment is written once it is checked and one of the --max-outstanding slots "
    "is free, and its request waited on; one as planned already is left unchanged, so a plan "
    "may be run again after a failure or a timeout.",
    epilog=_EPILOG,
)
@click.argument("arn", metavar="ARN", callback=lambda ctx, p, v: check_arn(v, ctx, p))
@click.option(
    "--plan",
    "plan",
    metavar="FILE|-",
    required=True,
    help="The assignments: CreateAccountAssignment's input as JSON lines or a JSON array, in a "
    "file or on stdin (-).",
)
@click.option(
    "--delete",
    is_flag=True,
    help="Delete the plan's assignments (DeleteAccountAssignment) rather than create them.",
)
@click.option(
    "--max-outstanding",
    type=Outstanding(),
    default=MAX_OUTSTANDING,
    show_default=True,
    help=f"The most requests in progress at once, 1 to {MAX_OUTSTANDING} (the service's limit "
    "per instance).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="An empty plan is a success, with nothing to do (else exit 2, as for empty stdin).",
)
@options.waiting(_CREATION, noun="assignment")
def assign(
    arn: str,
    *,
    plan: str,
    delete: bool,
    max_outstanding: int,
    allow_empty: bool,
    timeout: float | None,
    min_delay: float | None,
    max_delay: float | None,
    **common: Any,
) -> int:
    """Check the options, read and check the plan, then apply it (or look once); the exit code."""
    kind = _DELETION if delete else _CREATION
    # Looking once, the delays pace only the retries of a throttled listing; a bad pair is
    # still bad input.
    settings = options.wait_settings(
        kind, timeout=timeout or None, min_delay=min_delay, max_delay=max_delay
    )
    run = begin(**common)
    with argument("plan"), open_plan(plan) as (stream, name):
        read = read_plan(stream, name, arn)
        if not read.items and not allow_empty:
            raise click.BadParameter(
                f"{name} holds no assignment: a plan holds {PLAN_READ} (--allow-empty accepts "
                "an empty one)."
            )
    if not read.items:
        _logger.warning("cli.empty_plan", message="The plan holds no assignment: nothing to do.")
        run.console.finish()
        return ExitCode.OK
    return apply_plan(
        run,
        arn,
        read,
        delete=delete,
        max_outstanding=max_outstanding,
        settings=settings,
        look_once=timeout == 0,
    )
