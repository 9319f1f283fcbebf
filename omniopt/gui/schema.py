"""The GUI's field schema, built from what the installed plugins declare.

Every form field, its limits and its help text come from an ``OptionSpec``;
nothing about an option is written again for the page. The schema is plain
JSON so that the page (and the Share server) can embed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from omniopt import parameters as core_parameters
from omniopt import program as core_program
from omniopt.types import OptionSpec

#: Options of the command line itself (reading files, printing): no form field.
CLI_ONLY_OPTIONS: frozenset[str] = frozenset({"config_yaml", "config_toml", "config_json", "dump_config"})

#: Core options with a dedicated editor in the page; the rest get one by type.
SPECIAL_WIDGETS: dict[str, str] = {
    "run_program": "program",
    "parameter": "parameters",
    "result_names": "objectives",
    "experiment_constraints": "constraints",
    "model": "generator",
    "generation_strategy": "generation_strategy",
    "executor": "executor",
}


def _js_pattern(pattern: re.Pattern[str]) -> str:
    """A Python regex as JavaScript writes it (named groups ``(?<name>``)."""
    return pattern.pattern.replace("(?P<", "(?<")


# The page validates with the CLI's own patterns, taken from the modules that parse.
#: The ``--parameter`` syntax the CLI accepts, as data the page validates with.
PARAMETER_RULES: dict[str, Any] = {
    "name_pattern": _js_pattern(core_parameters.NAME_PATTERN),
    "reserved_names": sorted(core_parameters.RESERVED_NAMES),
    "kinds": ["range", "choice", "fixed"],
    "value_types": ["float", "int"],
    "choice_separator": ",",
    "min_choice_values": 1,
}

#: Objective spelling in ``--result_names``: ``NAME=min`` or ``NAME=max``.
OBJECTIVE_RULES: dict[str, Any] = {
    "name_pattern": _js_pattern(core_parameters.NAME_PATTERN),
    "directions": ["min", "max"],
}

#: One term of a linear constraint (``-2.5*x``) and the placeholders of a program.
TEXT_RULES: dict[str, Any] = {
    "constraint_term": _js_pattern(core_parameters.CONSTRAINT_TERM),
    "placeholder": _js_pattern(core_program.ANY_PLACEHOLDER),
}

#: Head-node mode: the options that become ``#SBATCH`` lines of the job running
#: omniopt itself, in the Slurm executor's order and with its units.
SBATCH_OPTIONS: dict[str, str] = {
    "partition": "--partition",
    "account": "--account",
    "reservation": "--reservation",
    "time": "--time",
    "num_cpus_main_job": "--cpus-per-task",
    "main_process_gb": "--mem",
    "exclude": "--exclude",
}


def _jsonable(value: Any) -> Any:
    """Defaults as JSON values (tuples become lists, odd objects text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def field_schema(spec: OptionSpec, owner: str) -> dict[str, Any]:
    """One form field: the option's declaration plus its owner and editor."""
    return {
        "name": spec.name,
        "flag": spec.flag,
        "type": spec.type,
        "default": _jsonable(spec.default),
        "help": spec.help.replace("%%", "%"),
        "choices": list(spec.choices) if spec.choices else None,
        "min": spec.min,
        "max": spec.max,
        "required": spec.required,
        "repeat": spec.repeat,
        "metavar": spec.metavar,
        "owner": owner,
        "widget": SPECIAL_WIDGETS.get(spec.name, "choice" if spec.choices else spec.type)
        if owner == "core"
        else ("choice" if spec.choices else spec.type),
    }


def _owner_title(owner: str) -> str:
    kind, _, name = owner.partition(":")
    return f"{kind.capitalize()}: {name}" if name else kind


def _visible(pairs: Iterable[tuple[str, OptionSpec]]) -> list[tuple[str, OptionSpec]]:
    return [(o, s) for o, s in pairs if not s.hidden and s.name not in CLI_ONLY_OPTIONS]


def build_schema(pm: Any | None = None) -> dict[str, Any]:
    """The schema of the form for the plugins ``pm`` knows (a fresh manager if None)."""
    from omniopt import __version__
    from omniopt.plugins import PluginManager

    pm = pm or PluginManager()
    fields: dict[str, dict[str, Any]] = {}
    sections: dict[str, dict[str, Any]] = {}

    def add(section_id: str, title: str, description: str, owner: str, spec: OptionSpec, in_command: bool = True) -> None:
        section = sections.setdefault(
            section_id, {"id": section_id, "title": title, "description": description, "owner": owner, "fields": []}
        )
        fields[spec.name] = {**field_schema(spec, owner), "in_command": in_command}
        section["fields"].append(spec.name)

    descriptions = _entry_descriptions(pm)
    run_options = pm.run_options()
    for owner, spec in _visible(run_options):
        if owner == "core":
            add("core:" + spec.section, spec.section, "", owner, spec)
        else:
            add(owner, _owner_title(owner), descriptions.get(owner, ""), owner, spec)
    for entry in pm.gui_fields():
        for spec in entry.options:
            if spec.name in fields or spec.hidden or spec.name in CLI_ONLY_OPTIONS:
                continue
            # Options of a sub-command are shown, but only run options go into the command.
            in_command = any(spec.name == known.name for _, known in run_options)
            add("gui:" + entry.section, entry.section, entry.description, "gui:" + entry.section, spec, in_command)

    return {
        "version": __version__,
        "sections": list(sections.values()),
        "fields": fields,
        "generators": [_generator_info(e) for e in pm.generators().values()],
        "executors": [
            {"name": e.name, "description": e.description, "auto_priority": e.auto_priority}
            for e in pm.executors().values()
        ],
        "parameter_rules": PARAMETER_RULES,
        "objective_rules": OBJECTIVE_RULES,
        "text_rules": TEXT_RULES,
        "sbatch_options": SBATCH_OPTIONS if "slurm" in pm.executors() else {},
        # Plugins loaded by path for this page must be loaded by the command too.
        "plugins_by_path": [info.name for info in pm.plugin_infos() if info.distribution == "(by import path)"],
    }


def _entry_descriptions(pm: Any) -> dict[str, str]:
    found = {}
    for kind, entries in (("executor", pm.executors()), ("generator", pm.generators()), ("sink", pm.result_sinks())):
        for entry in entries.values():
            found[f"{kind}:{entry.name}"] = entry.description
    return found


def _generator_info(entry: Any) -> dict[str, Any]:
    return {
        "name": entry.name,
        "description": entry.description,
        "supports_multi_objective": entry.supports_multi_objective,
        "supports_constraints": entry.supports_constraints,
        "supports_choice": entry.supports_choice,
        "supports_continue": entry.supports_continue,
        "model_based": entry.model_based,
    }


def schema_script(schema: dict[str, Any]) -> str:
    """The schema as a script that sets ``window.OMNIOPT_SCHEMA`` (works from file://)."""
    text = json.dumps(schema, indent=1, sort_keys=False).replace("</", "<\\/")
    return f"window.OMNIOPT_SCHEMA = {text};\n"
