"""Commands imported on first use: listed by --help without being imported."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from poller.cli._group import LazyCommand, LazyGroup


@click.command()
def hello() -> None:
    """Say hello."""
    click.echo("hello")


def group_of(location: str) -> click.Group:
    """A group with one lazy command, `hello`, at *location*."""
    return LazyGroup(
        name="demo", lazy_commands={"hello": LazyCommand(location, "Greets, once imported.")}
    )


def test_help_lists_a_lazy_command_without_importing_it() -> None:
    """The group's --help shows the given short help; a module that cannot import is fine."""
    done = CliRunner().invoke(group_of("no_such_module_at_all:hello"), ["--help"])

    assert 0 == done.exit_code, done.output
    assert "hello  Greets, once imported." in done.output


def test_a_lazy_command_runs_once_asked_for() -> None:
    """Asked for by name, the command is imported and runs."""
    done = CliRunner().invoke(group_of("tests.cli.test_group:hello"), ["hello"])

    assert (0, "hello\n") == (done.exit_code, done.output)


@pytest.mark.parametrize("attribute", ["not_written", "group_of"])
def test_a_location_without_a_command(attribute: str) -> None:
    """A lazy command found nowhere is a programming error, said plainly."""
    group = group_of(f"tests.cli.test_group:{attribute}")

    with pytest.raises(LookupError, match="no click command"):
        group.get_command(click.Context(group), "hello")
