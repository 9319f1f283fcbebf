"""Readable sbatch scripts: what a site admin sees when looking at a job omniopt submitted."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence


def render(
    *,
    comment: Sequence[str],
    directives: Sequence[str],
    env: Mapping[str, str],
    command: Sequence[str],
    srun: bool = False,
) -> str:
    """A bash job script: comment lines, ``#SBATCH`` lines, exports, then the one command."""
    lines = ["#!/bin/bash"]
    lines += [f"# {line}" for line in comment]
    lines += [f"#SBATCH {directive}" for directive in directives]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in env.items()]
    prefix = ["srun", "--ntasks=1", "--nodes=1"] if srun else []
    # exec: the job's main process is the worker itself, so Slurm's signals reach it.
    lines.append("exec " + " ".join(shlex.quote(part) for part in [*prefix, *command]))
    return "\n".join(lines) + "\n"


def worker_command(job_file: str, outcome_file: str) -> list[str]:
    """The command that runs one trial on the compute node: the core's worker, same Python."""
    return [sys.executable, "-m", "omniopt.worker", job_file, outcome_file]
