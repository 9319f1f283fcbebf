"""Helpers of the core tests: the real ``omniopt`` command on real programs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path


OMNIOPT = str(Path(sys.executable).with_name("omniopt"))
PROGRAMS = Path(__file__).parent / "programs"


class OmniOptRun:
    """Runs ``omniopt`` in a folder and reads what it wrote."""

    def __init__(self, workdir: Path):
        self.workdir = workdir

    def __call__(self, *args: str, timeout: float = 300, env: dict | None = None, check: int | None = None):
        full_env = {**os.environ, **(env or {})}
        result = subprocess.run(
            [OMNIOPT, *args], cwd=self.workdir, capture_output=True, text=True, timeout=timeout, env=full_env
        )
        if check is not None:
            assert result.returncode == check, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        return result

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            [OMNIOPT, *args], cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})},
        )

    def run_dir(self, experiment: str, number: int = 0) -> Path:
        return self.workdir / "runs" / experiment / str(number)

    @staticmethod
    def rows(run_dir: Path, name: str = "results.csv") -> list[dict[str, str]]:
        with open(run_dir / name, newline="") as handle:
            return list(csv.DictReader(handle))


def program(name: str) -> str:
    """Path of a test program under tests/core/programs."""
    return str(PROGRAMS / name)


def base_args(experiment: str, run_program: str, *extra: str) -> list[str]:
    """An OmniOpt2-style command with a fast generator and the local executor."""
    return [
        f"--experiment_name={experiment}",
        f"--run_program={run_program}",
        "--executor=local",
        *extra,
    ]
