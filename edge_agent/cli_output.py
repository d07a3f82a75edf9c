"""How `dotmac-agent` prints: every text as written, colour only where the code puts it.

Help texts and printed data (agent ids, id patterns, device errors, paths) hold brackets:
rich reads `[env DOTMAC_AGENT_CONFIG]` or `[a-z0-9]` as markup and drops them. So the
consoles print without markup (styles come as `Text`), and the help of every command is
escaped before typer renders it, which keeps typer's panels and colours.
(`dotmac-hub` has its twin in hub/cli_output.py: hub and agent share no code.)
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

console = Console(markup=False)
errors = Console(stderr=True, soft_wrap=True, markup=False)  # no hard wraps: paths stay whole


def styled(label: str, detail: object = "", style: str = "red") -> Text:
    """`label` in `style`, then `detail` exactly as written (an error line, a status line)."""
    return Text.assemble((label, style), " " if detail != "" else "", str(detail))


class LiteralHelpGroup(TyperGroup):
    """The root command group: its help and that of every command below it print literally.

    Give it to the root `typer.Typer(cls=...)` only: the sub-groups below are escaped with it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _escape_help(self)


def _escape_help(command: TyperCommand | TyperGroup) -> None:
    command.help = escape(command.help) if command.help else command.help
    command.short_help = escape(command.short_help) if command.short_help else None
    command.epilog = escape(command.epilog) if command.epilog else command.epilog
    for param in command.params:
        if isinstance(param, TyperOption | TyperArgument) and param.help:
            param.help = escape(param.help)
    for sub in getattr(command, "commands", {}).values():
        _escape_help(sub)
