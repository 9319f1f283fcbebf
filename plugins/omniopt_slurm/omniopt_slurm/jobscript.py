"""Readable sbatch scripts: what a site admin sees when looking at a job omniopt submitted."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence


def render(
    *,
    comment: Sequence[str],
    directives: Sequence[str],
    command: str,
    setup: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    srun: bool = False,
) -> str:
    """A bash job script: comments, ``#SBATCH`` lines, exports, setup lines, then one shell command."""
    lines = ["#!/bin/bash"]
    lines += [f"# {line}" for line in comment]
    lines += [f"#SBATCH {directive}" for directive in directives]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in (env or {}).items()]
    lines += setup
    prefix = "srun --ntasks=1 --nodes=1 " if srun else ""
    # exec: the job's main process is the worker itself, so Slurm's signals reach it.
    lines.append(f"exec {prefix}{command}")
    return "\n".join(lines) + "\n"


def worker_command(job_file: str, outcome_file: str) -> str:
    """The command that runs one trial on the compute node: the core's worker, same Python."""
    return shlex.join([sys.executable, "-m", "omniopt.worker", job_file, outcome_file])


def array_task_lines(trial_dirs: Sequence[str]) -> tuple[list[str], str]:
    """Setup lines and command of an array task: task k runs the k-th trial folder."""
    setup = ["trial_dirs=(", *(f"  {shlex.quote(d)}" for d in trial_dirs), ")",
             'trial_dir="${trial_dirs[$SLURM_ARRAY_TASK_ID]}"']
    command = f'{shlex.quote(sys.executable)} -m omniopt.worker "$trial_dir/job.json" "$trial_dir/outcome.json"'
    return setup, command
