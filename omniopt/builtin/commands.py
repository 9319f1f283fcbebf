"""Built-in sub-commands: ``omniopt plugins``."""

from __future__ import annotations

import json
import sys

from omniopt.hookspecs import hookimpl
from omniopt.types import CommandEntry


def plugins_command(args: list[str]) -> int:
    """``omniopt plugins [--json]``: what is installed and what each plugin provides."""
    from omniopt.errors import UsageError
    from omniopt.plugins import PluginManager

    unknown = [a for a in args if a not in ("--json",)]
    if unknown:
        raise UsageError(f"unknown argument {unknown[0]!r} for 'omniopt plugins'", "use 'omniopt plugins [--json]'")
    pm = PluginManager()
    infos = pm.plugin_infos()
    if "--json" in args:
        data = {
            "plugins": [
                {"name": i.name, "distribution": i.distribution, "version": i.version, "provides": i.provides}
                for i in infos
            ],
            "generators": {
                e.name: {
                    "description": e.description,
                    "multi_objective": e.supports_multi_objective,
                    "constraints": e.supports_constraints,
                    "choice": e.supports_choice,
                    "continue": e.supports_continue,
                }
                for e in pm.generators().values()
            },
            "executors": {e.name: {"description": e.description, "available": e.is_available()} for e in pm.executors().values()},
            "warnings": pm.warnings,
        }
        json.dump(data, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    rows = [("plugin", "distribution", "version", "provides")]
    for info in infos:
        provides = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in info.provides.items()) or "-"
        rows.append((info.name, info.distribution, info.version, provides))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
    for warning in pm.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


@hookimpl
def omniopt_commands() -> list[CommandEntry]:
    return [CommandEntry(name="plugins", help="list installed plugins and what they provide (--json for machines)", run=plugins_command)]
