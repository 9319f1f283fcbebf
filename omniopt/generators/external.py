"""EXTERNAL_GENERATOR: a user's program proposes each point (OmniOpt2's protocol).

For every point, ``CMD <dir>`` runs with ``<dir>/input.json`` holding the
search space, constraints, seed, the finished trials and the objectives; the
program writes ``<dir>/results.json`` as ``{"parameters": {name: value}}``.
Every way this can go wrong (no command, the program fails or hangs, no or
bad JSON, a missing, unknown, wrongly typed or out-of-range value) ends the
generation with one line that says what and how to fix it.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omniopt.errors import ExitCode, OmniOptError
from omniopt.model import ChoiceParameter, FinishedTrial, FixedParameter, Params, RangeParameter, TrialStatus
from omniopt.types import GeneratorContext, OptionSpec

EXTERNAL_OPTIONS = (
    OptionSpec(
        name="external_generator", type="list", section="Optimization", metavar="CMD",
        help="Program that proposes points for EXTERNAL_GENERATOR: run as 'CMD DIR', reads DIR/input.json, writes DIR/results.json (base64 or plain).",
    ),
    OptionSpec(
        name="external_generator_timeout", type="float", default=600.0, min=0, section="Optimization",
        help="Seconds the external generator may take for one point.",
    ),
)

_PROTOCOL_HINT = 'the program must write DIR/results.json as {"parameters": {"name": value, ...}}'


class ExternalGeneratorError(OmniOptError):
    """The external generator did not produce a usable point."""

    exit_code = ExitCode.GENERATION_FAILED


def describe_parameters(context_space) -> dict[str, dict[str, Any]]:
    """The ``parameters`` section of ``input.json`` (OmniOpt2's field names)."""
    described: dict[str, dict[str, Any]] = {}
    for p in context_space.parameters:
        if isinstance(p, RangeParameter):
            described[p.name] = {
                "parameter_type": "RANGE",
                "type": p.value_type.upper(),
                "range": [int(p.low), int(p.high)] if p.value_type == "int" else [p.low, p.high],
                "log_scale": p.log_scale,
            }
        elif isinstance(p, ChoiceParameter):
            described[p.name] = {
                "parameter_type": "CHOICE",
                "type": {"str": "STRING", "bool": "BOOL"}.get(p.value_type, p.value_type.upper()),
                "values": list(p.values),
                "is_ordered": p.ordered,
            }
        else:
            assert isinstance(p, FixedParameter)
            described[p.name] = {"parameter_type": "FIXED", "type": type(p.value).__name__.upper(), "value": p.value}
    return described


class ExternalGenerator:
    """Runs the user's program once per point; stateless, so continuing just works."""

    def __init__(self, context: GeneratorContext):
        from omniopt.program import decode_program

        raw = context.options.get("external_generator")
        if isinstance(raw, (list, tuple)):
            raw = " ".join(map(str, raw))
        if not raw or not str(raw).strip():
            raise ExternalGeneratorError(
                "EXTERNAL_GENERATOR needs the program that proposes points",
                "add --external_generator 'python3 my_generator.py'",
            )
        self._command = decode_program(str(raw)).strip()
        self._timeout = float(context.options.get("external_generator_timeout") or 600.0)
        self._space = context.search_space
        self._objectives = context.objectives
        self._seed = context.seed
        self._constraints = [str(c) for c in context.options.get("experiment_constraints") or []]
        self._workdir = context.options.get("workdir") or None
        self._trials: list[FinishedTrial] = []
        self._base = Path(context.run_dir) / "external_generator" if context.run_dir else None
        self._calls = 0

    def tell(self, finished: Sequence[FinishedTrial]) -> None:
        self._trials.extend(finished)

    def ask(self, n: int, pending: Sequence[Params]) -> list[Params]:
        points: list[Params] = []
        for _ in range(n):
            points.append(self._one_point([*pending, *points]))
        return points

    # -- one call --------------------------------------------------------------------
    def _input(self, pending: Sequence[Params]) -> dict[str, Any]:
        done = [t for t in self._trials if t.status is TrialStatus.COMPLETED]
        return {
            "parameters": describe_parameters(self._space),
            "constraints": self._constraints,
            "seed": self._seed,
            "trials": [[t.params for t in done], [dict(t.outcome.results) for t in done]],
            "objectives": {o.name: o.direction for o in self._objectives},
            "pending": [dict(p) for p in pending],
        }

    def _call_dir(self) -> Path:
        if self._base is not None:
            self._base.mkdir(parents=True, exist_ok=True)
            self._calls += 1
            path = self._base / str(self._calls)
            path.mkdir(exist_ok=True)
            return path
        return Path(tempfile.mkdtemp(prefix="omniopt-external-"))

    def _one_point(self, pending: Sequence[Params]) -> Params:
        folder = self._call_dir()
        (folder / "input.json").write_text(json.dumps(self._input(pending), indent=1), encoding="utf-8")
        results = folder / "results.json"
        results.unlink(missing_ok=True)
        self._run(folder)
        if not results.exists():
            raise ExternalGeneratorError(f"the external generator wrote no {results}", _PROTOCOL_HINT)
        try:
            data = json.loads(results.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ExternalGeneratorError(f"{results} is not valid JSON ({exc})", _PROTOCOL_HINT) from None
        if not isinstance(data, Mapping) or not isinstance(data.get("parameters"), Mapping):
            raise ExternalGeneratorError(f"{results} has no 'parameters' object", _PROTOCOL_HINT)
        return self._checked(data["parameters"], results)

    def _run(self, folder: Path) -> None:
        command = f"{self._command} {shlex.quote(str(folder))}"
        try:
            done = subprocess.run(
                command, shell=True, cwd=self._workdir, timeout=self._timeout or None,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                env={**os.environ, "OMNIOPT_GENERATOR_DIR": str(folder)},
            )
        except subprocess.TimeoutExpired:
            raise ExternalGeneratorError(
                f"the external generator took longer than {self._timeout:g} s for one point",
                "make it faster or raise --external_generator_timeout",
            ) from None
        (folder / "stdout.txt").write_bytes(done.stdout)
        (folder / "stderr.txt").write_bytes(done.stderr)
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no error output"]
            raise ExternalGeneratorError(
                f"the external generator '{self._command}' exited with code {done.returncode}: {tail[0]}",
                f"see {folder}/stderr.txt",
            )

    def _checked(self, proposed: Mapping[str, Any], where: Path) -> Params:
        """The proposed values, typed and checked against the space."""
        point: Params = {}
        for param in self._space.tunable:
            if param.name not in proposed:
                raise ExternalGeneratorError(f"{where} lacks a value for parameter {param.name!r}", _PROTOCOL_HINT)
            point[param.name] = _typed(param, proposed[param.name], where)
        unknown = sorted(set(proposed) - set(self._space.names))
        if unknown:
            raise ExternalGeneratorError(f"{where} names unknown parameters {unknown}", f"known: {', '.join(self._space.names)}")
        full = self._space.with_fixed(point)
        for c in self._space.constraints:
            if not c.satisfied(full):
                raise ExternalGeneratorError(f"the external generator proposed {point}, which breaks the constraint {c.text!r}", "make it honour the constraints in input.json")
        return full


def _typed(param, value: Any, where: Path):
    name = param.name
    if isinstance(param, ChoiceParameter):
        for allowed in param.values:
            if value == allowed or (not isinstance(value, (list, dict)) and str(value) == str(allowed)):
                return allowed
        raise ExternalGeneratorError(f"{where}: {name}={value!r} is not one of {list(param.values)}", "propose one of the listed values")
    assert isinstance(param, RangeParameter)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ExternalGeneratorError(f"{where}: {name}={value!r} is not a number", f"{name} is a {param.value_type} range")
    if param.value_type == "int" and float(value) != int(value):
        raise ExternalGeneratorError(f"{where}: {name}={value!r} is not a whole number", f"{name} is an int range")
    if not param.low <= value <= param.high:
        raise ExternalGeneratorError(f"{where}: {name}={value!r} is outside [{param.low:g}, {param.high:g}]", "propose values inside the range")
    return int(value) if param.value_type == "int" else float(value)
