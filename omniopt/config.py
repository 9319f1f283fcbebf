"""Command line and config files (YAML/TOML/JSON) into one validated ``RunConfig``.

Every option comes from an ``OptionSpec`` declaration (core or plugin), so the
flags, the config keys and their checks cannot drift apart. OmniOpt2's
spelling is accepted: ``--flag value``, ``--flag=value``, several values after
one flag (``--result_names A=min B=max``) and repeated flags (``--parameter``).
Precedence: defaults < config file < command line.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.errors import MissingOptionError, ParameterError, UsageError
from omniopt.model import Objective, SearchSpace
from omniopt import constraint_expr
from omniopt.constraint_expr import NonLinearConstraint
from omniopt.parameters import parse_objectives, parse_parameters
from omniopt.program import decode_program, placeholders_in
from omniopt.types import OptionSpec

CONFIG_FILE_OPTIONS = ("config_yaml", "config_toml", "config_json")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """A run, fully decided: option values plus the objects made from them."""

    options: Mapping[str, Any]
    explicit: frozenset[str]
    search_space: SearchSpace
    #: Constraints Ax cannot take (``a * b >= 10``): checked after generation.
    nonlinear_constraints: tuple[NonLinearConstraint, ...]
    objectives: tuple[Objective, ...]
    program: str
    generation_plan: tuple[tuple[str, int | None], ...]

    @property
    def experiment_name(self) -> str:
        return str(self.options["experiment_name"])


# -- tokens -----------------------------------------------------------------------
def split_argv(argv: Sequence[str], specs: Mapping[str, OptionSpec]) -> dict[str, list[list[str]]]:
    """Group ``argv`` into ``{option: [values of each occurrence]}``; unknown flags are errors."""
    grouped: dict[str, list[list[str]]] = {}
    current: list[str] | None = None
    for token in argv:
        if token.startswith("--") and len(token) > 2 and not _is_number(token):
            name, has_value, value = token[2:].partition("=")
            name = name.replace("-", "_") if name.replace("-", "_") in specs else name
            if name not in specs:
                raise UsageError(f"unknown option --{name}", _suggest(name, specs))
            current = [value] if has_value else []
            grouped.setdefault(name, []).append(current)
        elif current is None:
            raise UsageError(f"unexpected argument {token!r}", "options start with --, e.g. --max_eval 30")
        else:
            current.append(token)
    return grouped


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _suggest(name: str, specs: Mapping[str, OptionSpec]) -> str:
    close = difflib.get_close_matches(name, list(specs), n=1, cutoff=0.6)
    if close:
        return f"did you mean --{close[0]}?"
    return "see 'omniopt --help' for the options"


# -- values -----------------------------------------------------------------------
def convert(spec: OptionSpec, raw: Any) -> Any:
    """Check and convert one option value (from the command line or a file)."""
    where = f"--{spec.name}"
    if spec.type == "list":
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        return list(items)
    if isinstance(raw, list):
        if spec.type == "bool" and not raw:
            return True  # a bare --flag
        if len(raw) != 1:
            raise UsageError(f"{where} takes one value, got {len(raw)}", f"write {where} VALUE once")
        raw = raw[0]
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text == "":
            return True
        if text in _FALSE:
            return False
        raise UsageError(f"{where}: {raw!r} is not true or false", f"write {where} or {where}=false")
    if spec.type in ("int", "float"):
        value = _number(spec, raw, where)
        if spec.min is not None and value < spec.min:
            raise UsageError(f"{where} must be at least {spec.min:g}, got {value:g}", f"raise {where}")
        if spec.max is not None and value > spec.max:
            raise UsageError(f"{where} must be at most {spec.max:g}, got {value:g}", f"lower {where}")
        return value
    text = str(raw)
    if spec.choices is not None and text not in spec.choices:
        raise UsageError(f"{where}: {text!r} is not one of {', '.join(spec.choices)}", f"pick one of {', '.join(spec.choices)}")
    return text


def _number(spec: OptionSpec, raw: Any, where: str) -> int | float:
    if isinstance(raw, bool):
        raise UsageError(f"{where}: {raw!r} is not a number", f"write {where} 10")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        kind = "a whole number" if spec.type == "int" else "a number"
        raise UsageError(f"{where}: {raw!r} is not {kind}", f"write e.g. {where} 10") from None
    if spec.type == "int":
        if value != int(value):
            raise UsageError(f"{where}: {raw!r} is not a whole number", f"write e.g. {where} 10")
        return int(value)
    return value


def values_from_argv(argv: Sequence[str], specs: Mapping[str, OptionSpec]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, occurrences in split_argv(argv, specs).items():
        spec = specs[name]
        if spec.repeat:
            values[name] = [convert(spec, occ) for occ in occurrences]
        elif spec.type == "list":
            values[name] = [v for occ in occurrences for v in convert(spec, occ)]
        else:
            if spec.type != "bool" and not occurrences[-1]:
                raise UsageError(f"--{name} needs a value", f"write --{name} VALUE")
            values[name] = convert(spec, occurrences[-1])
    return values


# -- files ------------------------------------------------------------------------
def read_config_file(kind: str, path: str) -> dict[str, Any]:
    """Load a YAML/TOML/JSON config file into raw option values."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}", "check the path") from None
    try:
        if kind == "config_yaml":
            import yaml

            loaded = yaml.safe_load(data) or {}
        elif kind == "config_toml":
            import tomllib

            loaded = tomllib.loads(data.decode())
        else:
            loaded = json.loads(data)
    except Exception as exc:  # each parser has its own error type; all mean "bad file"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"config file {path} is not valid: {first}", "fix the syntax") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"config file {path} must hold a mapping of option names to values", "write key: value lines")
    return loaded


def values_from_file(data: Mapping[str, Any], specs: Mapping[str, OptionSpec], path: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = str(key).replace("-", "_")
        if name not in specs:
            raise UsageError(f"unknown key {key!r} in {path}", _suggest(name, specs))
        spec = specs[name]
        if name == "parameter":
            if not isinstance(raw, list):
                raise UsageError(f"'parameter' in {path} must be a list", "write one entry per parameter, e.g. - [x, range, 0, 1, float]")
            values[name] = [_file_parameter(item, path) for item in raw]
        elif spec.type == "list":
            items = raw if isinstance(raw, list) else str(raw).split() if name == "result_names" else [raw]
            values[name] = convert(spec, items)
        else:
            values[name] = convert(spec, raw)
    return values


def _file_parameter(item: Any, path: str) -> list[Any]:
    """A parameter from a file: a list, ``{param: [...]}`` (OmniOpt2 TOML) or a string."""
    if isinstance(item, dict) and "param" in item:
        item = item["param"]
    if isinstance(item, dict) and "name" in item:
        item = _parameter_from_mapping(item)
    if isinstance(item, str):
        item = item.split()
    if not isinstance(item, list):
        raise UsageError(f"a parameter in {path} is neither a list nor a string", "write [x, range, 0, 1, float]")
    return item


def _parameter_from_mapping(item: Mapping[str, Any]) -> list[Any]:
    kind = item.get("type", "range")
    if kind == "range":
        tokens = [item["name"], "range", item.get("low"), item.get("high"), item.get("value_type", "float")]
        return tokens + (["true"] if item.get("log_scale") else [])
    if kind == "choice":
        return [item["name"], "choice", ",".join(map(str, item.get("values", [])))]
    return [item["name"], "fixed", item.get("value")]


# -- the whole configuration ------------------------------------------------------
def resolve_options(argv: Sequence[str], specs: Mapping[str, OptionSpec]) -> tuple[dict[str, Any], frozenset[str]]:
    """Effective option values (defaults < file < command line) and the names set explicitly."""
    cli_values = values_from_argv(argv, specs)
    file_values: dict[str, Any] = {}
    for kind in CONFIG_FILE_OPTIONS:
        if cli_values.get(kind):
            file_values.update(values_from_file(read_config_file(kind, cli_values[kind]), specs, cli_values[kind]))
    explicit = {**file_values, **cli_values}
    options = {name: spec.default for name, spec in specs.items()}
    options.update(explicit)
    return options, frozenset(explicit)


def build_run_config(
    options: Mapping[str, Any],
    explicit: frozenset[str],
    specs: Mapping[str, OptionSpec],
    known_generators: Sequence[str],
) -> RunConfig:
    """Validate a run's options and build its search space, objectives and plan."""
    for name, spec in specs.items():
        if spec.required and options.get(name) in (None, [], ""):
            if name == "max_eval" and options.get("continue_previous_job"):
                continue
            raise MissingOptionError(f"--{name} is required", f"add --{name} ({spec.help.rstrip('.')})")
    params = parse_parameters(options.get("parameter") or [])
    linear, nonlinear = constraint_expr.split(options.get("experiment_constraints") or [], params)
    space = SearchSpace(parameters=params, constraints=linear)
    objectives = parse_objectives(options.get("result_names") or ["RESULT=min"])
    clash = sorted({o.name for o in objectives} & set(space.names))
    if clash:
        raise ParameterError(f"{clash[0]!r} is both a result name and a parameter", "rename one of them")
    name = str(options.get("experiment_name") or "")
    if "/" in name or name in (".", "..") or "\0" in name:
        raise UsageError(f"experiment name {name!r} may not contain / or be . or ..", "use a plain name like my_experiment")
    program = decode_program(options["run_program"])
    missing = sorted(placeholders_in(program) - set(space.names))
    missing = [m for m in missing if f"%({m})" in program]
    if missing:
        raise ParameterError(
            f"the program uses %({missing[0]}) but there is no parameter {missing[0]!r}",
            f"add --parameter {missing[0]} ... or fix the placeholder",
        )
    plan = generation_plan(options, known_generators)
    return RunConfig(
        options=dict(options),
        explicit=explicit,
        search_space=space,
        nonlinear_constraints=nonlinear,
        objectives=objectives,
        program=program,
        generation_plan=plan,
    )


def generation_plan(options: Mapping[str, Any], known: Sequence[str]) -> tuple[tuple[str, int | None], ...]:
    """Which generator makes how many points; ``None`` = all the rest."""
    from omniopt.errors import UnknownGeneratorError

    by_fold = {name.casefold(): name for name in known}

    def canonical(name: str) -> str:
        found = by_fold.get(name.strip().casefold())
        if found is None:
            raise UnknownGeneratorError(f"unknown generator {name.strip()!r}", f"available: {', '.join(sorted(known))}")
        return found

    if options.get("gridsearch"):
        return ((canonical("GRIDSEARCH"), None),)
    text = options.get("generation_strategy")
    if text:
        steps: list[tuple[str, int | None]] = []
        for part in str(text).split(","):
            name, _, count = part.partition("=")
            try:
                number = int(count) if count.strip() else None
            except ValueError:
                raise UsageError(f"--generation_strategy: {count!r} is not a number of trials", "write SOBOL=5,BOTORCH_MODULAR=10") from None
            steps.append((canonical(name), number))
        if steps[-1][1] is not None:
            steps[-1] = (steps[-1][0], None)  # the last step takes whatever budget is left
        return tuple(steps)
    model = canonical(str(options.get("model") or "BOTORCH_MODULAR"))
    random_steps = int(options.get("num_random_steps") or 0)
    if model == canonical("SOBOL") or random_steps == 0:
        return ((model, None),)
    return ((canonical("SOBOL"), random_steps), (model, None))


def dump_yaml(config: RunConfig, specs: Mapping[str, OptionSpec]) -> str:
    """The effective configuration as a config file that reproduces the run."""
    import yaml

    skip = {"dump_config", *CONFIG_FILE_OPTIONS}
    data: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in skip or spec.secret:
            continue
        value = config.options.get(name)
        if name == "run_program":
            data[name] = config.program
        elif name == "parameter":
            data[name] = [list(p) for p in config.options.get("parameter") or []]
        elif spec.required or (name in config.explicit) or (value != spec.default and value is not None):
            if value is None or (spec.hidden and name not in config.explicit):
                continue
            data[name] = value
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, allow_unicode=True)
