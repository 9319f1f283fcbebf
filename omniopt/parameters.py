"""Parsing parameters, objectives and linear constraints from their OmniOpt2 spellings."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from omniopt.errors import ParameterError, ParameterSyntaxError, UsageError
from omniopt.model import (
    ChoiceParameter,
    FixedParameter,
    LinearConstraint,
    Objective,
    Parameter,
    ParamValue,
    RangeParameter,
)
from omniopt.program import try_base64

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names the run folder uses for its own columns; a parameter may not take them.
RESERVED_NAMES = frozenset(
    {
        "trial_index", "submit_time", "queue_time", "worker_generator_uuid", "start_time",
        "end_time", "run_time", "program_string", "exit_code", "signal", "hostname",
        "arm_name", "trial_status", "generation_node", "generation_method",
    }
)
_SYNTAX_HINT = (
    "write NAME range LOW HIGH [int|float] [true|false], NAME choice a,b,c or NAME fixed VALUE"
)
_TRUE = {"true", "1", "yes", "log"}
_FALSE = {"false", "0", "no", "linear"}


def parse_number(text: Any, what: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ParameterSyntaxError(f"{what}: {text!r} is not a number", _SYNTAX_HINT) from None


def typed_value(text: Any) -> ParamValue:
    """A choice or fixed value from text: int, then float, else the string."""
    if isinstance(text, (int, float, bool)):
        return text
    s = str(text).strip()
    for cast in (int, float):
        try:
            value = cast(s)
        except ValueError:
            continue
        return value
    return s


def parse_parameter(tokens: Sequence[Any]) -> Parameter:
    """One ``--parameter`` occurrence, e.g. ``['x', 'range', '-5', '10', 'float']``."""
    tokens = [t for t in tokens if str(t) != ""]
    if len(tokens) < 2:
        raise ParameterSyntaxError(f"--parameter {' '.join(map(str, tokens))!r} is incomplete", _SYNTAX_HINT)
    name, kind, rest = str(tokens[0]), str(tokens[1]).lower(), list(tokens[2:])
    if not NAME_PATTERN.match(name):
        raise ParameterError(
            f"parameter name {name!r} is not valid",
            "use letters, digits and _ and start with a letter or _",
        )
    if name in RESERVED_NAMES:
        raise ParameterError(f"parameter name {name!r} is reserved for a run-folder column", "rename the parameter")
    if kind == "range":
        return _parse_range(name, rest)
    if kind == "choice":
        return _parse_choice(name, rest)
    if kind == "fixed":
        if len(rest) != 1:
            raise ParameterSyntaxError(f"parameter {name!r}: fixed takes exactly one value", _SYNTAX_HINT)
        return FixedParameter(name=name, value=typed_value(rest[0]))
    raise ParameterSyntaxError(f"parameter {name!r}: unknown type {kind!r}", _SYNTAX_HINT)


def _parse_range(name: str, rest: list[Any]) -> RangeParameter:
    if len(rest) < 2 or len(rest) > 4:
        raise ParameterSyntaxError(f"parameter {name!r}: range needs LOW HIGH [int|float] [true|false]", _SYNTAX_HINT)
    low = parse_number(rest[0], f"parameter {name!r} lower bound")
    high = parse_number(rest[1], f"parameter {name!r} upper bound")
    value_type = str(rest[2]).lower() if len(rest) > 2 else "float"
    if value_type not in ("int", "float"):
        raise ParameterSyntaxError(f"parameter {name!r}: value type {rest[2]!r} is neither int nor float", _SYNTAX_HINT)
    log_scale = False
    if len(rest) > 3:
        flag = str(rest[3]).lower()
        if flag not in _TRUE | _FALSE:
            raise ParameterSyntaxError(f"parameter {name!r}: log-scale flag {rest[3]!r} is not true/false", _SYNTAX_HINT)
        log_scale = flag in _TRUE
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ParameterError(f"parameter {name!r}: bounds must be finite numbers", "give finite LOW and HIGH")
    if not (low < high):
        raise ParameterError(
            f"parameter {name!r}: lower bound {low:g} must be below upper bound {high:g}",
            "swap the bounds or use 'fixed' for a single value",
        )
    if value_type == "int" and (low != int(low) or high != int(high)):
        raise ParameterError(f"parameter {name!r}: int range bounds must be whole numbers", "round the bounds")
    if log_scale and low <= 0:
        raise ParameterError(f"parameter {name!r}: a log-scale range needs a lower bound above 0", "raise the lower bound or drop log scale")
    return RangeParameter(name=name, low=low, high=high, value_type=value_type, log_scale=log_scale)  # type: ignore[arg-type]


def _parse_choice(name: str, rest: list[Any]) -> Parameter:
    # OmniOpt2 writes "a,b,c"; a list from a config file or several tokens work too.
    raw: list[Any] = []
    for token in rest:
        raw.extend(token if isinstance(token, list) else str(token).split(","))
    values = [typed_value(v) for v in raw if str(v).strip() != ""]
    if not values:
        raise ParameterError(f"parameter {name!r}: choice has no values", "list them as a,b,c")
    if len(set(map(str, values))) != len(values):
        raise ParameterError(f"parameter {name!r}: choice lists a value twice", "remove the duplicate")
    if any(isinstance(v, str) for v in values):
        values = [str(v) for v in raw if str(v).strip() != ""]
        values = [v.strip() for v in values]
    elif any(isinstance(v, float) for v in values):
        values = [float(v) for v in values]
    if len(values) == 1:  # one value is no choice; a model cannot treat it as one
        return FixedParameter(name=name, value=values[0])
    numeric = all(isinstance(v, (int, float)) for v in values)
    ordered = numeric and values == sorted(values)
    return ChoiceParameter(name=name, values=tuple(values), ordered=ordered)


def parse_parameters(specs: Sequence[Sequence[Any]]) -> tuple[Parameter, ...]:
    if not specs:
        raise UsageError("no --parameter given", "add at least one, e.g. --parameter x range 0 1 float")
    params = [parse_parameter(spec) for spec in specs]
    seen: set[str] = set()
    for p in params:
        if p.name in seen:
            raise ParameterError(f"parameter {p.name!r} is defined twice", "give each parameter one --parameter")
        seen.add(p.name)
    if all(isinstance(p, FixedParameter) for p in params):
        raise ParameterError("every parameter is fixed: nothing to optimize", "make at least one a range or choice")
    return tuple(params)


def parse_objectives(tokens: Sequence[str]) -> tuple[Objective, ...]:
    """``RESULT=min LOSS=max`` (a bare name means min)."""
    objectives = []
    for token in tokens or ["RESULT=min"]:
        name, _, direction = str(token).partition("=")
        direction = (direction or "min").strip().lower()
        name = name.strip()
        if not NAME_PATTERN.match(name.replace("-", "_")):
            raise UsageError(f"result name {name!r} is not valid", "use letters, digits and _")
        if direction not in ("min", "max"):
            raise UsageError(f"result {name!r}: unknown direction {direction!r}", "use NAME=min or NAME=max")
        objectives.append(Objective(name=name, minimize=direction == "min"))
    names = [o.name for o in objectives]
    if len(set(names)) != len(names):
        raise UsageError("a result name is given twice in --result_names", "list each result once")
    return tuple(objectives)


_NUMBER_TEXT = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
CONSTRAINT_TERM = re.compile(
    rf"\s*(?P<sign>[+-])?\s*(?:(?P<coef>{_NUMBER_TEXT})\s*\*?\s*)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)?"
    rf"(?:\s*\*\s*(?P<post>{_NUMBER_TEXT}))?\s*"
)


def parse_linear_constraint(text: str, params: Sequence[Parameter]) -> LinearConstraint:
    """``x + 2*y <= 10`` (base64 accepted) into coefficients; ``>=`` is negated."""
    original = (try_base64(text) or text).strip()
    hint = "write a linear constraint like 'x + 2*y <= 10' over range parameters"
    match = re.fullmatch(r"(.+?)(<=|>=)(.+)", original)
    if not match:
        raise ParameterError(f"constraint {original!r} has no <= or >=", hint)
    left, op, right = match.groups()
    numeric = {p.name for p in params if isinstance(p, RangeParameter)}
    coefficients: dict[str, float] = {}
    constant = 0.0
    for side, side_sign in ((left, 1.0), (right, -1.0)):
        for coef, name in _terms(side, original, hint):
            if name is None:
                constant += side_sign * coef
            elif name not in numeric:
                raise ParameterError(f"constraint {original!r}: {name!r} is not a range parameter", hint)
            else:
                coefficients[name] = coefficients.get(name, 0.0) + side_sign * coef
    if not coefficients:
        raise ParameterError(f"constraint {original!r} names no parameter", hint)
    bound = -constant
    if op == ">=":
        coefficients = {k: -v for k, v in coefficients.items()}
        bound = -bound
    return LinearConstraint(coefficients=coefficients, bound=bound, text=original)


def _terms(side: str, original: str, hint: str) -> list[tuple[float, str | None]]:
    """(coefficient, name or None for a constant) for each term of one side."""
    terms = []
    position = 0
    while position < len(side):
        m = CONSTRAINT_TERM.match(side, position)
        if not m or m.end() == position or (m.group("coef") is None and m.group("name") is None):
            raise ParameterError(f"constraint {original!r}: cannot read {side[position:].strip()!r}", hint)
        if terms and m.group("sign") is None:
            raise ParameterError(f"constraint {original!r}: missing + or - before {m.group(0).strip()!r}", hint)
        coef = float(m.group("coef")) if m.group("coef") else 1.0
        if m.group("post"):
            coef *= float(m.group("post"))
        terms.append((-coef if m.group("sign") == "-" else coef, m.group("name")))
        position = m.end()
    if not terms:
        raise ParameterError(f"constraint {original!r}: a side is empty", hint)
    return terms
