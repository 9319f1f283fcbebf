"""Builds the separate virtual environment that OmniOpt2 (PyPI `omniopt2`) runs in.

torch goes in first, pinned, from the CPU wheel on local disk; a constraints
file keeps every later step on that same torch, so a dependency asking for a
different one makes pip fail instead of fetching a multi-GB CUDA build.

OmniOpt2's `omniopt` script builds its own virtualenv unless it is already
started by a Python inside a virtualenv: the harness calls it as
`<venv>/bin/python <venv>/bin/omniopt`, so the prepared venv is the one used.

OmniOpt2 calls `squeue` for every trial when Slurm is installed, even with
`--force_local_execution`. On a machine that has Slurm's packages but no
controller running (any machine that ran omniopt's Slurm tests) each call
waits about three minutes, so runs see Slurm's commands as stubs that fail at
once, the way they fail on a machine without Slurm.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-omniopt2"
TORCH_PIN = "torch==2.13.0"
OMNIOPT2_PIN = "omniopt2==10025"
READY_MARK = VENV / ".ready"
SLURM_COMMANDS = ("sbatch", "squeue", "sacct", "scontrol", "sinfo", "srun", "scancel")
NO_SLURM_BIN = VENV / "no-slurm-bin"


def python() -> Path:
    """The venv's interpreter."""
    return VENV / "bin" / "python"


def omniopt2_script() -> Path:
    """OmniOpt2's main script inside the venv."""
    return VENV / "bin" / "omniopt"


def ensure(log=print) -> Path:
    """Create the venv once (idempotent); returns its interpreter."""
    if READY_MARK.exists():
        return python()
    base = getattr(sys, "_base_executable", sys.executable)
    if not python().exists():
        log(f"creating {VENV} with {base}")
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    constraints = VENV / "constraints.txt"
    constraints.write_text(TORCH_PIN + "\n")
    pip = [str(python()), "-m", "pip", "install", "--quiet", "-c", str(constraints)]
    log(f"installing {TORCH_PIN} into {VENV}")
    subprocess.run([*pip, TORCH_PIN], check=True)
    log(f"installing {OMNIOPT2_PIN} into {VENV}")
    subprocess.run([*pip, OMNIOPT2_PIN], check=True)
    READY_MARK.write_text(OMNIOPT2_PIN + "\n")
    return python()


def environment() -> dict[str, str]:
    """Environment for OmniOpt2 runs: Slurm's commands first in PATH as stubs that fail at once."""
    NO_SLURM_BIN.mkdir(parents=True, exist_ok=True)
    for name in SLURM_COMMANDS:
        stub = NO_SLURM_BIN / name
        if stub.exists():
            continue
        stub.write_text(f'#!/bin/sh\necho "{name}: not available in this benchmark" >&2\nexit 127\n')
        stub.chmod(0o755)
    return {"PATH": f"{NO_SLURM_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def version() -> str:
    """Installed OmniOpt2 and torch versions, for the results header."""
    code = (
        "import importlib.metadata as m;"
        "print(' '.join(f'{p}={m.version(p)}' for p in"
        " ('omniopt2','ax-platform','botorch','torch')))"
    )
    done = subprocess.run([str(python()), "-c", code], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    ensure()
    print(version())
