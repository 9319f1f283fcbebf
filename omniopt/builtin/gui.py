"""Built-in plugin: the ``omniopt gui`` sub-command (the web command builder).

Only the command entry lives here; the page and its server are imported when
the command runs, so ``omniopt --help`` stays fast.
"""

from __future__ import annotations

from omniopt.hookspecs import hookimpl
from omniopt.types import CommandEntry


def _run(argv: list[str]) -> int:
    from omniopt.gui.command import main

    return main(argv)


@hookimpl
def omniopt_commands() -> list[CommandEntry]:
    return [
        CommandEntry(
            name="gui",
            help="Build an omniopt command in a web form (serve on 127.0.0.1, or 'gui export DIR').",
            run=_run,
        )
    ]
