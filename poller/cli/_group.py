"""A click group whose heavy commands are imported only when they run.

``poller simulate`` needs aiohttp, which ``poller --help`` and ``poller wait`` must not pay for:
such a command is named here with where it lives, and imported on first use. ``--help`` lists
it with the short help given alongside, without importing it.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from typing import Any, Final

import click

from poller.cli._startup import started

__all__ = ["LazyCommand", "LazyGroup"]

#: click's spacing between a command's name and its short help, as click.Group computes it.
_HELP_SPACING: Final = 6


@dataclasses.dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a command lives, and what ``--help`` says of it before it is imported.

    Attributes:
        location: ``module:attribute``.
        short_help: One line for the group's ``--help``.
    """

    location: str
    short_help: str

    def load(self) -> click.Command:
        """Import the command.

        Raises:
            LookupError: The location holds no click command.
        """
        module_name, _, attribute = self.location.partition(":")
        command = getattr(importlib.import_module(module_name), attribute, None)
        if not isinstance(command, click.Command):
            # Missing, most likely (a rename): not found, rather than of the wrong type.
            raise LookupError(f"no click command at {self.location}")  # noqa: TRY004
        return command


class LazyGroup(click.Group):
    """A :class:`click.Group` that also has commands imported on first use.

    Args:
        lazy_commands: The commands to import when asked for, by name.
        **kwargs: As for :class:`click.Group`.
    """

    def __init__(self, *, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, those not imported yet included."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, imported now if it is a lazy one."""
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self.lazy_commands[cmd_name].load(), cmd_name)
            started()  # such a command is heavy to import, and may run for long: start-up is over
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands, with the lazy ones' given short help: listing imports nothing."""
        entries: list[tuple[str, click.Command | str]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                entries.append((name, self.lazy_commands[name].short_help))
            elif not command.hidden:
                entries.append((name, command))
        if not entries:
            return
        limit = formatter.width - _HELP_SPACING - max(len(name) for name, _ in entries)
        rows = [
            (name, entry if isinstance(entry, str) else entry.get_short_help_str(limit))
            for name, entry in entries
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
