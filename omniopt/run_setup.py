"""From command-line arguments to everything a run needs, checked up front.

All user errors surface here, before a run folder exists or a trial starts:
options, parameters, generators and what they support, the executor, and
whether a continued run fits the one it continues.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from omniopt.config import (
    RunConfig,
    build_run_config,
    dump_yaml,
    read_config_file,
    resolve_options,
    values_from_file,
)
from omniopt import outcome_constraints
from omniopt import warm_start as warm_start_loader
from omniopt.errors import ContinueError, UnknownGeneratorError
from omniopt.model import ChoiceParameter, FinishedTrial
from omniopt.run_folder import CONFIG_YAML, RUN_JSON
from omniopt.types import ExecutorEntry, GeneratorEntry, OptionSpec, ResultSink


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RunSetup:
    config: RunConfig
    config_yaml: str
    executor_entry: ExecutorEntry | None
    generator_entries: Mapping[str, GeneratorEntry]
    sinks: Sequence[ResultSink]
    run_dir_hint: str
    warm_start: Sequence[FinishedTrial] = ()


def prepare_run(args: Sequence[str], pm, warn: Callable[[str], None]) -> RunSetup:
    specs: dict[str, OptionSpec] = {spec.name: spec for _, spec in pm.run_options()}
    options, explicit = resolve_options(args, specs)
    previous = options.get("continue_previous_job")
    if previous:
        options = _with_previous_options(Path(previous), options, explicit, specs)
    generators = pm.generators()
    config = build_run_config(options, explicit, specs, [g.name for g in generators.values()])
    if previous:
        _check_continuation(Path(previous), config)
    _check_generators(config, generators)
    # Checked here so that a bad one fails before a run folder exists.
    outcome_constraints.from_options(config.options, config.objectives)
    warm_start = _load_warm_start(config, warn)
    # --dump_config runs nothing, so it needs no executor.
    executor_entry = None if config.options.get("dump_config") else _choose_executor(pm, config.options)
    if executor_entry is not None:
        _warn_unused(pm, config, executor_entry, warn)
    sinks = [entry.create(config.options) for entry in _sink_entries(pm, config.options)]
    run_root = str(config.options.get("run_dir") or "runs")
    return RunSetup(
        config=config,
        config_yaml=dump_yaml(config, specs),
        executor_entry=executor_entry,
        generator_entries=generators,
        sinks=sinks,
        run_dir_hint=f"{run_root}/{config.experiment_name}/<next free number>",
        warm_start=warm_start,
    )


def _load_warm_start(config: RunConfig, warn: Callable[[str], None]) -> list[FinishedTrial]:
    folders = config.options.get("load_data_from_existing_jobs") or []
    if not folders:
        return []
    return warm_start_loader.load(folders, config.search_space, config.objectives, warn=warn)


def _with_previous_options(
    previous: Path, options: dict[str, Any], explicit: frozenset[str], specs: Mapping[str, OptionSpec]
) -> dict[str, Any]:
    """Options of the run being continued, overridden by what is given now."""
    config_file = previous / CONFIG_YAML
    if not (previous / RUN_JSON).exists() or not config_file.exists():
        raise ContinueError(
            f"{previous} is not an omniopt run folder (no {RUN_JSON})",
            "give the folder of an earlier run, e.g. runs/NAME/0",
        )
    earlier = values_from_file(read_config_file("config_yaml", str(config_file)), specs, str(config_file))
    merged = {name: spec.default for name, spec in specs.items()}
    merged.update(earlier)
    merged.update({name: options[name] for name in explicit})
    return merged


def _check_continuation(previous: Path, config: RunConfig) -> None:
    import json

    data = json.loads((previous / RUN_JSON).read_text(encoding="utf-8"))
    earlier = {p["name"]: p for p in data.get("parameters", [])}
    now = config.search_space.by_name()
    if set(earlier) != set(now):
        raise ContinueError(
            f"parameters differ from the run being continued: was {sorted(earlier)}, now {sorted(now)}",
            "keep the parameter names when continuing; only ranges may change",
        )
    for name, param in now.items():
        before = earlier[name]
        if before["kind"] != param.kind or before.get("value_type", getattr(param, "value_type", None)) != getattr(param, "value_type", before.get("value_type")):
            raise ContinueError(
                f"parameter {name!r} changed its type (was {before['kind']} {before.get('value_type', '')})",
                "keep each parameter's type when continuing",
            )
    objectives_before = [o["name"] for o in data.get("objectives", [])]
    if objectives_before != [o.name for o in config.objectives]:
        raise ContinueError(
            f"result names differ from the run being continued ({', '.join(objectives_before)})",
            "keep --result_names when continuing",
        )


def _check_generators(config: RunConfig, generators: Mapping[str, GeneratorEntry]) -> None:
    """Refuse a generator that cannot handle this run, naming those that can."""
    needs = {
        "several objectives": len(config.objectives) > 1,
        "constraints": bool(config.search_space.constraints),
        "choice parameters": any(isinstance(p, ChoiceParameter) for p in config.search_space.parameters),
        "continuing": bool(config.options.get("continue_previous_job")),
    }

    def supports(entry: GeneratorEntry, need: str) -> bool:
        return {
            "several objectives": entry.supports_multi_objective,
            "constraints": entry.supports_constraints,
            "choice parameters": entry.supports_choice,
            "continuing": entry.supports_continue,
        }[need]

    for name, _count in config.generation_plan:
        entry = generators[name.casefold()]
        reason = entry.unavailable()
        if reason:
            raise UnknownGeneratorError(f"generator {entry.name} cannot run here: {reason}", "install what it names, or pick another --model")
        for need, needed in needs.items():
            if needed and not supports(entry, need):
                working = sorted(e.name for e in generators.values() if all(supports(e, n) for n, x in needs.items() if x))
                raise UnknownGeneratorError(
                    f"generator {entry.name} does not support {need}",
                    f"generators that would work: {', '.join(working)}",
                )


def _choose_executor(pm, options: Mapping[str, Any]) -> ExecutorEntry:
    if options.get("executor"):
        return pm.executor(str(options["executor"]))
    if options.get("force_local_execution"):
        return pm.executor("local")
    return pm.auto_executor()


def _warn_unused(pm, config: RunConfig, executor: ExecutorEntry, warn: Callable[[str], None]) -> None:
    """Say once for each given option that nothing in this run uses."""
    visible_core = {spec.name for owner, spec in pm.run_options() if owner == "core" and not spec.hidden}
    in_use = {f"executor:{executor.name}"}
    in_use |= {f"generator:{name}" for name, _ in config.generation_plan}
    in_use |= {f"sink:{entry.name}" for entry in _sink_entries(pm, config.options)}
    for name in sorted(config.explicit):
        if name in visible_core:
            continue
        users = pm.option_users(name)
        if any(user.casefold() in {u.casefold() for u in in_use} for user in users):
            continue
        if users:
            warn(f"--{name} is used by {', '.join(users)}, not by this run's executor {executor.name}: ignored")
        else:
            warn(f"--{name} is accepted for OmniOpt2 compatibility, but no installed plugin uses it: ignored")


def _sink_entries(pm, options: Mapping[str, Any]):
    """Enabled sinks, the run folder first: others (live sharing) read what it wrote."""
    enabled = [entry for entry in pm.result_sinks().values() if entry.enabled(options)]
    return sorted(enabled, key=lambda entry: entry.name != "run_folder")
