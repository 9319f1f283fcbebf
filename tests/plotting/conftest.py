"""Run folders for the plotting tests: made by real ``omniopt`` runs (SOBOL only, fast) and by hand.

The real runs start together in one session fixture, so their waiting overlaps.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from handmade import write_omniopt2_run, write_run
from plotting_testkit import omniopt_command

PROGRAM = textwrap.dedent(
    """
    import argparse, math, sys
    parser = argparse.ArgumentParser()
    parser.add_argument("--x", type=float)
    parser.add_argument("--y", type=int)
    parser.add_argument("--c")
    parser.add_argument("--mode")
    a = parser.parse_args()
    if a.mode == "fail_all" or (a.mode == "fail_some" and a.x > 0.75):
        print("something went wrong", file=sys.stderr)
        sys.exit(3)
    penalty = {"red": 0.0, "green": 0.4, "blue": 0.9}[a.c]
    print(f"RESULT: {(a.x - 0.3) ** 2 + math.log(a.y) / 10 + penalty}")
    print(f"SPEED: {math.sin(3 * a.x) + a.y / 8}")
    print(f"COST: {(1 - a.x) ** 2 + penalty}")
    """
)

#: name -> (extra arguments, max_eval)
REAL_RUNS: dict[str, tuple[list[str], int]] = {
    "single": (["--parameter", "mode", "fixed", "fail_some"], 12),
    "three": (
        [
            "--parameter",
            "mode",
            "fixed",
            "ok",
            "--result_names",
            "RESULT=min",
            "SPEED=max",
            "COST=min",
        ],
        12,
    ),
    "all_failed": (["--parameter", "mode", "fixed", "fail_all"], 3),
    "one_trial": (["--parameter", "mode", "fixed", "ok"], 1),
}


@pytest.fixture(scope="session")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four real runs: single objective with failures, three objectives, all failed, one trial."""
    base = tmp_path_factory.mktemp("real_runs")
    (base / "prog.py").write_text(PROGRAM)
    processes = {}
    for name, (extra, max_eval) in REAL_RUNS.items():
        command = omniopt_command() + [
            "--experiment_name", name,
            "--run_program", "python3 prog.py --x %(x) --y %(y) --c %(c) --mode %(mode)",
            "--parameter", "x", "range", "0", "1", "float",
            "--parameter", "y", "range", "1", "16", "int", "true",
            "--parameter", "c", "choice", "red,green,blue",
            *extra,
            "--max_eval", str(max_eval),
            "--num_random_steps", str(max_eval),
            "--model", "SOBOL",
            "--seed", "7",
            "--num_parallel_jobs", "4",
            "--run_dir", str(base / "runs"),
            "--force_local_execution",
        ]  # fmt: skip
        processes[name] = subprocess.Popen(
            command,
            cwd=base,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    folders = {}
    for name, process in processes.items():
        output, _ = process.communicate(timeout=300)
        folder = base / "runs" / name / "0"
        assert (folder / "results.csv").exists(), (
            f"run {name} wrote no results.csv:\n{output}"
        )
        folders[name] = folder
    return folders


@pytest.fixture(scope="session")
def handmade_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders no local run produces: OmniOpt2's older layout, CPU/RAM and GPU logs."""
    base = tmp_path_factory.mktemp("handmade")
    return {
        "omniopt2": Path(write_omniopt2_run(str(base / "old" / "0"))),
        "with_usage_logs": Path(
            write_run(str(base / "logs" / "0"), failed=(2,), trials=10)
        ),
    }


@pytest.fixture(scope="session")
def all_runs(
    real_runs: dict[str, Path], handmade_runs: dict[str, Path]
) -> dict[str, Path]:
    return {**real_runs, **handmade_runs}


@pytest.fixture(autouse=True)
def _no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    # matplotlib must never look for a screen in tests.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("DISPLAY", raising=False)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
