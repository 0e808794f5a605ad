"""The waiting commands are made from the kinds of ``poller.resources``, and so for a new kind."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

import click
import pytest
from click.testing import CliRunner

import poller
from poller import Command, Identity, ResourceKind
from poller.cli import cli
from poller.cli._commands import wait_commands
from poller.cli._kinds import by_command
from poller.exceptions import InvalidArgumentError

from .conftest import Center, json_lines

INSTANCE = poller.resources["instance"]
#: A kind the registry might gain: shape instance, a command of its own.
EXTRA = dataclasses.replace(
    INSTANCE,
    name="permission-sets-enabled",
    command=Command(
        name="wait-permission-sets",
        summary="Wait until permission sets are enabled.",
        help="After EnablePermissionSets: every instance at once, under one deadline.",
    ),
)
#: Credentials the local endpoint accepts, and no AWS config files, for the command in-process.
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # a placeholder the local endpoint accepts
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
MALFORMED = "arn:aws:sso:::instance/not-an-instance"
#: A well-formed ARN that :class:`Picky` refuses.
REFUSED = "arn:aws:sso:::instance/ssoins-0000000000000000"


class Picky(ResourceKind):
    """A kind whose own check refuses one well-formed ARN too."""

    __slots__ = ()

    def check(self, identity: Identity) -> None:
        """Refuse :data:`REFUSED`, then check as the kind copied does."""
        if identity.instance_arn == REFUSED:
            raise InvalidArgumentError("Picky refuses this one", instance_arn=REFUSED)
        super().check(identity)


def group_of(kinds: Mapping[str, ResourceKind]) -> click.Group:
    """A group with the waiting commands of *kinds*, as ``poller`` has those of the registry."""
    group = click.Group("poller")
    for command in wait_commands(kinds):
        group.add_command(command)
    return group


def kind_message(kind: ResourceKind, arn: str) -> str:
    """What *kind*'s own check says of *arn*, as the command shows it (one line)."""
    with pytest.raises(InvalidArgumentError) as refused:
        kind.check(kind.identity(arn))
    return " ".join(str(refused.value).rstrip(".").split())


def test_every_command_of_the_registry_is_made() -> None:
    """`poller` has one waiting command per command name of poller.resources, with its summary."""
    names = {kind.command.name for kind in poller.resources.values()}

    for name in names:
        command = cli.commands[name]
        kind = next(k for k in poller.resources.values() if k.command.name == name)
        assert kind.command.summary == (command.help or "").split("\n\n")[0]
    assert {
        "wait",
        "wait-region",
        "wait-abac",
        "wait-provisioning",
        "wait-assignment",
        "wait-permission-sets",
    } == names


@pytest.mark.parametrize(
    ("name", "arguments", "options"),
    [
        ("wait", ["arns"], {"--all", "--allow-empty", "--until"}),
        ("wait-region", ["arn", "region_names"], {"--until"}),
        ("wait-abac", ["arns"], set()),
        ("wait-provisioning", ["arn", "request_ids"], set()),
        ("wait-assignment", ["arn", "request_ids"], {"--deletion"}),
        ("wait-permission-sets", ["arns"], set()),
    ],
)
def test_arguments_follow_the_shape(name: str, arguments: list[str], options: set[str]) -> None:
    """Shape decides the arguments; several targets give --until, a shared command its flags."""
    command = cli.commands[name]
    own = {"--all", "--allow-empty", "--until", "--deletion"}

    assert arguments == [p.name for p in command.params if isinstance(p, click.Argument)]
    assert options == {o for p in command.params for o in p.opts} & own


def test_a_new_kind_gets_its_command() -> None:
    """A kind added to the registry is a command: listed, with its summary, checking its ARNs."""
    group = group_of({**poller.resources, EXTRA.name: EXTRA})
    runner = CliRunner()

    listed = runner.invoke(group, ["--help"])
    helped = runner.invoke(group, ["wait-permission-sets", "--help"])
    refused = runner.invoke(group, ["wait-permission-sets", MALFORMED])

    assert 0 == listed.exit_code, listed.output
    assert "wait-permission-sets" in listed.output
    assert 0 == helped.exit_code, helped.output
    assert EXTRA.command.summary in helped.output
    assert "ARN..." in helped.output
    assert 2 == refused.exit_code, refused.output
    assert kind_message(EXTRA, MALFORMED) in " ".join(refused.output.split())


def test_identifiers_are_checked_by_the_kind_own_check() -> None:
    """The command asks its kind's check, not the instance's: a picky kind's refusal shows."""
    fields = {field.name: getattr(EXTRA, field.name) for field in dataclasses.fields(EXTRA)}
    picky = Picky(**fields)
    group = group_of({picky.name: picky})

    refused = CliRunner().invoke(group, ["wait-permission-sets", REFUSED])
    through_stdin = CliRunner().invoke(group, ["wait-permission-sets", "-"], input=REFUSED)

    assert 2 == refused.exit_code, refused.output
    assert "Picky refuses this one" in refused.output
    assert 2 == through_stdin.exit_code, through_stdin.output
    assert "Picky refuses this one (line 1 of stdin)" in through_stdin.output


def test_a_new_kind_waits(center: Center) -> None:
    """The new kind's command waits through the library, by its kind's table, as any other."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    group = group_of({EXTRA.name: EXTRA})

    # standalone_mode=False: the command's exit code is the callback's return value.
    done = CliRunner().invoke(
        group,
        ["wait-permission-sets", arn, *center.options()],
        env=DUMMY_CREDENTIALS,
        standalone_mode=False,
    )

    assert 0 == done.return_value, done.output
    assert [(arn, "ACTIVE")] == [(r["InstanceArn"], r["Status"]) for r in json_lines(done.stdout)]
    assert 1 <= center.simulator.calls("DescribeInstance")


def test_kinds_of_one_command_must_be_told_apart() -> None:
    """Two kinds on one command without a flag, or of two shapes, are refused at once."""
    region = poller.resources["region"]
    twin = dataclasses.replace(EXTRA, name="twin")
    other_shape = dataclasses.replace(region, name="regional", command=EXTRA.command)

    with pytest.raises(ValueError, match="exactly one kind without a flag"):
        by_command({EXTRA.name: EXTRA, twin.name: twin})
    with pytest.raises(ValueError, match="different shapes"):
        by_command({EXTRA.name: EXTRA, other_shape.name: other_shape})


def test_a_shared_command_picks_its_kind_by_flag() -> None:
    """wait-assignment's default kind is the creation; --deletion picks the deletion."""
    [assignments] = [g for g in by_command(poller.resources) if g.name == "wait-assignment"]

    assert poller.resources["account-assignment-creation"] is assignments.default
    assert {"--deletion": poller.resources["account-assignment-deletion"]} == dict(
        assignments.flagged
    )


def shared_command() -> dict[str, ResourceKind]:
    """:data:`EXTRA`'s command shared with an ABAC-like kind (``--abac``) and an instance twin."""
    abac = poller.resources["access-control-attributes"]
    flagged = dataclasses.replace(
        abac, name="abac-too", command=dataclasses.replace(EXTRA.command, flag="--abac")
    )
    twin = dataclasses.replace(
        INSTANCE, name="twin", command=dataclasses.replace(EXTRA.command, flag="--twin")
    )
    return {kind.name: kind for kind in (EXTRA, flagged, twin)}


def test_a_shared_command_takes_a_flag_per_kind_and_the_targets_of_all() -> None:
    """Each flag is listed with its kind's words; --until offers the targets of every kind."""
    command = group_of(shared_command()).commands["wait-permission-sets"]
    until = next(p for p in command.params if p.name == "until")
    helped = " ".join(CliRunner().invoke(command, ["--help"]).output.split())

    assert ["active", "encryption-enabled", "replicated", "deleted", "enabled"] == list(
        getattr(until.type, "choices", [])
    )
    assert "--abac Wait on access-control configurations, after" in helped
    assert "--twin Wait on instances, after CreateInstance or UpdateInstance" in helped


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--abac", "--twin"], "Give --abac or --twin, not several."),
        (["--abac", "--until", "deleted"], "cannot be waited on --until deleted"),
    ],
)
def test_flags_that_do_not_fit_are_refused(args: list[str], words: str) -> None:
    """Two flags at once, or a target the picked kind lacks: usage errors, before any request."""
    group = group_of(shared_command())

    done = CliRunner().invoke(group, ["wait-permission-sets", REFUSED, *args])

    assert 2 == done.exit_code, done.output
    assert words in " ".join(done.output.split())


def test_a_picked_kind_waits_for_its_own_default_target(center: Center) -> None:
    """A flag's kind without --until waits for its own default target, not the command's."""
    arn = center.simulator.create_instance("x", create_seconds=0)
    center.simulator.create_access_control_attributes(arn, seconds=0)
    group = group_of(shared_command())

    done = CliRunner().invoke(
        group,
        ["wait-permission-sets", arn, "--abac", *center.options()],
        env=DUMMY_CREDENTIALS,
        standalone_mode=False,
    )

    assert 0 == done.return_value, done.output
    [result] = json_lines(done.stdout)
    assert (arn, "ENABLED") == (result["InstanceArn"], result["Status"])
    assert 0 == center.simulator.calls("DescribeInstance")
