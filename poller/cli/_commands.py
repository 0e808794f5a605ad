"""The waiting commands, made from a mapping of kinds (``poller.resources``): one per command.

:func:`wait_commands` makes a click command for each command name the kinds give
(:attr:`poller.ResourceKind.command`); its arguments follow the kinds' shape:

- ``instance``: ``ARN...``, or ``-`` to read the ARNs from stdin;
- ``region``: ``ARN REGION...``;
- ``request``: ``ARN REQUEST_ID...``, or ``ARN -`` to read the AWS CLI's answers from stdin,
  each told apart by its answer key.

Kinds that share a command are picked by their flag (``--deletion``); kinds with several
targets get ``--until``. The instance's command, ``poller wait``, also takes ``--all`` and
``--allow-empty``. Every command looks once with ``--timeout 0`` (as ``poller check`` does for
instances), by its kind's own table. Each command checks its options first, then reads what it
waits on (stdin for ``-``, each identifier checked by its kind's own check as it is read), all
before any request, and hands over to :mod:`poller.cli._launch`: the same options, deadline,
output, events, signals and exit codes for all.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import click
from click.core import ParameterSource

from poller import ResourceKind
from poller.cli import _options as options
from poller.cli._arns import ArnArguments, arns_of, check_arn, read_arns
from poller.cli._help import epilog, flag_help
from poller.cli._kinds import INSTANCE, CommandKinds, Listing, by_answer, by_command
from poller.cli._launch import begin, launch, look
from poller.cli._targets import Targets, instances, regions, requests

__all__ = ["argument", "check_listing", "wait_commands"]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

#: The name and metavar of the arguments after the instance ARN, by shape.
_MORE: Final = {
    "region": ("region_names", "REGION..."),
    "request": ("request_ids", "REQUEST_ID..."),
}


def wait_commands(kinds: Mapping[str, ResourceKind]) -> list[click.Command]:
    """A waiting command for each command name of *kinds* (``poller.resources``), in order.

    Raises:
        ValueError: Kinds that cannot share their command (:func:`poller.cli._kinds.by_command`).
    """
    answers = by_answer(kinds)
    return [_command(group, answers) for group in by_command(kinds)]


def check_listing(arns: ArnArguments, *, all_instances: bool, allow_empty: bool) -> None:
    """Refuse ARNs beside ``--all``, neither, or ``--allow-empty`` without ``--all``.

    Raises:
        click.UsageError: Which.
    """
    if not arns and not all_instances:
        raise click.UsageError("Give at least one instance ARN (or - to read them), or --all.")
    if arns and all_instances:
        raise click.UsageError("Give instance ARNs or --all, not both.")
    if allow_empty and not all_instances:
        raise click.UsageError("--allow-empty goes with --all.")


def _lists(group: CommandKinds) -> bool:
    """Whether the command waits on what ListInstances lists: ``--all``, and looks once."""
    return group.default.name == INSTANCE.name


def _flag_name(kind: ResourceKind) -> str:
    """The parameter of the flag that picks *kind*."""
    return "pick_" + kind.name.replace("-", "_")


def _arguments(kind: ResourceKind) -> list[Decorator]:
    """The arguments of a command of *kind*'s shape."""
    if kind.shape == "instance":
        return [arns_of(kind)]
    name, metavar = _MORE[kind.shape]
    # The ARN alone is the instance's, checked as such; the kind's check then judges the whole
    # identity (with the Region or request ID) in poller.cli._targets.
    return [
        click.argument("arn", metavar="ARN", callback=lambda ctx, p, v: check_arn(v, ctx, p)),
        click.argument(name, metavar=metavar, nargs=-1),
    ]


def _command(group: CommandKinds, answers: Mapping[str, ResourceKind]) -> click.Command:
    """The click command that waits on *group*'s kinds."""
    default = group.default
    decorators = _arguments(default)
    decorators.extend(
        click.option(flag, _flag_name(kind), is_flag=True, help=flag_help(kind))
        for flag, kind in group.flagged.items()
    )
    if _lists(group):
        decorators.append(options.all_instances)
    if len(options.targets_of(*group.kinds)) > 1:
        decorators.append(options.until(*group.kinds))
    decorators.append(options.waiting(default))

    def callback(**params: Any) -> int:
        """The command's click callback: its parameters, by name."""
        return _run(group, answers, params)

    for decorator in reversed(decorators):  # the first is listed first in --help
        callback = decorator(callback)
    command = default.command
    return click.command(
        command.name,
        help=f"{command.summary}\n\n{command.help}",
        epilog=epilog(group),
    )(callback)


def _chosen(group: CommandKinds, params: dict[str, Any]) -> ResourceKind:
    """The kind the flags pick, or the command's default.

    Raises:
        click.UsageError: Several flags.
    """
    picked = [kind for kind in group.flagged.values() if params.pop(_flag_name(kind))]
    if len(picked) > 1:
        flags = " or ".join(str(kind.command.flag) for kind in picked)
        raise click.UsageError(f"Give {flags}, not several.")
    return picked[0] if picked else group.default


def _run(group: CommandKinds, answers: Mapping[str, ResourceKind], params: dict[str, Any]) -> int:
    """Check a waiting command's options, read what it waits on, then wait (or look once)."""
    kind = _chosen(group, params)
    until = params.pop("until", None)
    source = click.get_current_context().get_parameter_source("until")
    if until is None or source is ParameterSource.DEFAULT:
        until = kind.default_target  # the picked kind's, which may not be the command's
    try:
        kind.target(until)
    except ValueError:  # another kind of the command has it, not this one
        nouns = kind.nouns[:1].upper() + kind.nouns[1:]
        raise click.UsageError(f"{nouns} cannot be waited on --until {until}.") from None
    delays = {key: params.pop(key) for key in ("min_delay", "max_delay")}
    timeout = params.pop("timeout")
    listing = None
    if _lists(group):
        all_instances = params.pop("all_instances")
        allow_empty = params.pop("allow_empty")
        check_listing(params["arns"], all_instances=all_instances, allow_empty=allow_empty)
        listing = Listing(kind, until, allow_empty) if all_instances else None
    elif kind.shape == "instance" and not params["arns"]:
        raise click.UsageError("Give at least one instance ARN (or - to read them).")
    # Looking once, the delays are never used; but a bad pair is still bad input.
    settings = options.wait_settings(kind, timeout=timeout or None, **delays)
    arguments = {name: params.pop(name) for name in _argument_names(kind)}
    run = begin(**params)
    targets = _targets(group, kind, until, answers, arguments)
    if timeout == 0:
        return look(run, targets, listing=listing)
    return launch(run, targets, settings=settings, listing=listing)


def _argument_names(kind: ResourceKind) -> tuple[str, ...]:
    """The parameters of a command of *kind*'s shape that name what it waits on."""
    if kind.shape == "instance":
        return ("arns",)
    return ("arn", _MORE[kind.shape][0])


def _targets(
    group: CommandKinds,
    kind: ResourceKind,
    until: str,
    answers: Mapping[str, ResourceKind],
    arguments: dict[str, Any],
) -> Targets:
    """What the arguments name (or stdin, for ``-``), each checked by its kind's check.

    Raises:
        click.BadParameter: Nothing else to wait on, or a malformed identifier.
    """
    if kind.shape == "instance":
        with argument("arns"):
            return instances(read_arns(arguments["arns"], kind, sys.stdin), kind, until)
    arn = arguments["arn"]
    name, _ = _MORE[kind.shape]
    values = arguments[name]
    with argument(name):
        if kind.shape == "region":
            return regions(arn, values, kind, until)
        return requests(
            arn,
            values,
            kinds=group.kinds,
            default=kind,
            answers=answers,
            forced=kind is not group.default,
        )


@contextlib.contextmanager
def argument(name: str) -> Iterator[None]:
    """Refusals of the argument *name*, shown as click shows a bad argument (usage, hint)."""
    try:
        yield
    except click.BadParameter as error:
        ctx = click.get_current_context()
        error.ctx = ctx
        error.param = next(p for p in ctx.command.params if p.name == name)
        raise
