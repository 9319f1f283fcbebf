"""Command lines: the trial program's template and each tool's full command.

Every tool runs the very same program string; the CLI tools get it with
`%(name)` placeholders, the direct drivers fill the placeholders themselves.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from problems import PROBLEMS, Param, Problem

HERE = Path(__file__).resolve().parent
PROGRAM = HERE / "program.py"
# The interpreter behind the main venv: starts fast and needs nothing installed.
TRIAL_PYTHON = getattr(sys, "_base_executable", sys.executable)


@dataclass(frozen=True)
class RunSpec:
    """One run of one tool on one problem."""

    tool: str
    problem: str
    sleep: float
    budget: int
    seed: int
    slots: int
    random_steps: int

    @property
    def key(self) -> str:
        return (
            f"{self.tool}__{self.problem}__s{self.sleep:g}__b{self.budget}"
            f"__p{self.slots}__seed{self.seed}"
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "RunSpec":
        return cls(**json.loads(text))


def program_template(problem: Problem, sleep: float) -> str:
    """`python program.py NAME --sleep S --x1 %(x1) ...`."""
    args = " ".join(f"--{p.name} %({p.name})" for p in problem.params)
    return f"{TRIAL_PYTHON} {PROGRAM} {problem.name} --sleep {sleep:g} {args}"


def fill(template: str, values: dict[str, object]) -> str:
    """Replace each `%(name)` with its value."""
    return re.sub(r"%\((\w+)\)", lambda m: str(values[m.group(1)]), template)


def parse_results(output: str, names: tuple[str, ...]) -> dict[str, float]:
    """Read `NAME: <number>` lines (anchored at line start, first match kept)."""
    found: dict[str, float] = {}
    for name in names:
        match = re.search(rf"^{re.escape(name)}:\s*(\S+)", output, re.MULTILINE)
        if match:
            found[name] = float(match.group(1))
    return found


def _parameter_tokens(param: Param) -> list[str]:
    """OmniOpt2-style `--parameter` tokens (omniopt reads the same)."""
    if param.kind == "choice":
        return ["--parameter", param.name, "choice", ",".join(param.values)]
    return [
        "--parameter", param.name, "range", f"{param.low:g}", f"{param.high:g}",
        param.kind, "true" if param.log else "false",
    ]


def _shared_flags(spec: RunSpec, run_dir: Path) -> list[str]:
    problem = PROBLEMS[spec.problem]
    flags = [
        "--experiment_name", "bench",
        "--run_program", program_template(problem, spec.sleep),
        "--max_eval", str(spec.budget),
        "--num_random_steps", str(spec.random_steps),
        "--num_parallel_jobs", str(spec.slots),
        "--seed", str(spec.seed),
        "--run_dir", str(run_dir),
    ]
    for param in problem.params:
        flags += _parameter_tokens(param)
    if problem.multi_objective:
        flags += ["--result_names", *(f"{name}=min" for name in problem.objectives)]
    return flags


def omniopt_command(spec: RunSpec, run_dir: Path, model: str | None) -> list[str]:
    """The real omniopt CLI of the main venv, local executor."""
    cli = str(Path(sys.executable).with_name("omniopt"))
    extra = ["--model", model] if model else []
    return [cli, *_shared_flags(spec, run_dir), *extra, "--executor", "local"]


def omniopt2_command(spec: RunSpec, run_dir: Path, python: Path, script: Path) -> list[str]:
    """OmniOpt2 started by its venv's Python, which makes it skip its own venv bootstrap.

    `--time` is required by OmniOpt2 even for local runs; `--no_sleep` drops its
    pauses between job submissions (meant for clusters), the fairest setting on one machine.
    """
    return [
        str(python), str(script), *_shared_flags(spec, run_dir),
        "--force_local_execution", "--time", "600", "--no_sleep", "--disable_tqdm",
    ]


def driver_command(spec: RunSpec) -> list[str]:
    """The direct Optuna/Ax drivers, in the main venv."""
    return [sys.executable, str(HERE / "drivers.py"), spec.to_json()]
