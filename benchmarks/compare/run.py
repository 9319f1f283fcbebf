#!/usr/bin/env python3
"""Side-by-side benchmark: omniopt, OmniOpt2, Optuna and Ax on the same problems, same budgets.

    .venv/bin/python benchmarks/compare/run.py [--quick] [--tools ...] [--problems ...]
                                                        [--resume] [--report-only]

Every run is one process (the tool's CLI, or drivers.py for the libraries),
timed from launch to exit, with the peak memory of its whole process tree.
The trial program logs its own start/end and results, so every tool's trials
are read the same way. Writes benchmarks/results/compare/<mode>.md and results/<mode>-*.png.
Nothing here is a test: these are figures, for this machine, at this load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import omniopt2_env  # noqa: E402
from commands import RunSpec, driver_command, omniopt2_command, omniopt_command  # noqa: E402
from problems import PROBLEMS  # noqa: E402

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE.parent / "results" / "compare"
RAW = RESULTS / "raw"
TOOLS = ("omniopt", "omniopt_tpe", "omniopt2", "optuna_tpe", "optuna_gp", "ax")
RUN_TIMEOUT_S = 3600


def random_steps(budget: int) -> int:
    """Initial quasi-random points, the same for every tool: a third of the budget."""
    return budget // 3


def full_plan(
    tools: tuple[str, ...],
    problems: tuple[str, ...],
    budgets: tuple[int, ...] = (30, 60),
    sleeps: tuple[float, ...] = (0.0, 1.0),
    slot_counts: tuple[int, ...] = (1, 4),
    seeds: int = 5,
    first_seed: int = 1,
) -> list[RunSpec]:
    """Every problem x {0 s, 1 s} x budgets {30, 60} x slots {1, 4} x seeds 1-5 (each narrowable)."""
    return [
        RunSpec(tool, problem, sleep, budget, seed, slots, random_steps(budget))
        for budget in budgets
        for sleep in sleeps
        for slots in slot_counts
        for problem in problems
        for seed in range(first_seed, seeds + 1)
        for tool in tools
    ]


def quick_plan(tools: tuple[str, ...], problems: tuple[str, ...]) -> list[RunSpec]:
    """Branin, budget 30, seed 1, one slot, every tool once; the 1-second Branin with 1 and 4 slots for omniopt.

    That measures every target once in about 10 minutes: OmniOpt2 spends about
    12 s per trial, so its one run is most of it. Naming `--problems` runs
    those instead (each adds OmniOpt2's six minutes).
    """
    chosen = problems if problems != tuple(PROBLEMS) else ("branin",)
    instant = [RunSpec(tool, chosen[0], 0.0, 30, 1, 1, 10) for tool in tools]
    one_second = [RunSpec("omniopt", chosen[0], 1.0, 30, 1, slots, 10) for slots in (1, 4) if "omniopt" in tools]
    later = [RunSpec(tool, problem, 0.0, 30, 1, 1, 10) for problem in chosen[1:] for tool in tools]
    return instant + one_second + later


def command_for(spec: RunSpec, run_dir: Path) -> list[str]:
    if spec.tool == "omniopt":
        return omniopt_command(spec, run_dir, model=None)
    if spec.tool == "omniopt_tpe":
        return omniopt_command(spec, run_dir, model="OPTUNA_TPE")
    if spec.tool == "omniopt2":
        omniopt2_env.ensure()
        return omniopt2_command(spec, run_dir, omniopt2_env.python(), omniopt2_env.omniopt2_script())
    return driver_command(spec)


def read_trials(trial_log: Path, started: float) -> list[dict]:
    """The program's own records, times relative to the tool's launch, in order of finishing."""
    if not trial_log.exists():
        return []
    trials = [json.loads(line) for line in trial_log.read_text().splitlines() if line.strip()]
    for trial in trials:
        trial["start"] -= started
        trial["end"] -= started
    return sorted(trials, key=lambda t: t["end"])


def run_one(spec: RunSpec, threads: int = 1) -> dict:
    """Run one spec in a fresh work folder; its record (also saved under benchmarks/results/compare/raw/)."""
    from measure import run_measured

    workdir = WORK / spec.key
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    command = command_for(spec, workdir / "runs")
    trial_log = workdir / "trials.jsonl"
    env = {"BENCH_TRIAL_LOG": str(trial_log), "PYTHONUNBUFFERED": "1"}
    if threads:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    if spec.tool == "omniopt2":
        env.update(omniopt2_env.environment())
    load_before = os.getloadavg()[0]
    measured = run_measured(
        command, cwd=workdir, env=env,
        log=workdir / "tool.log", timeout=RUN_TIMEOUT_S,
    )
    record = {
        "spec": asdict(spec),
        "command": command,
        "threads": threads,
        "harness_command": " ".join([sys.executable, *sys.argv]),
        **asdict(measured),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "trials": read_trials(trial_log, measured.started),
    }
    RAW.mkdir(parents=True, exist_ok=True)
    (RAW / f"{spec.key}.json").write_text(json.dumps(record, indent=1))
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small plan that ends in about 10 minutes")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--problems", nargs="+", choices=list(PROBLEMS), default=list(PROBLEMS))
    parser.add_argument(
        "--threads", type=int, default=1,
        help="OMP/MKL threads for every tool (default 1: torch's spinning threads suffer badly on a loaded"
        " machine; 0 keeps each tool's own default)",
    )
    parser.add_argument("--budgets", nargs="+", type=int, default=[30, 60], help="full plan: budgets to run")
    parser.add_argument("--sleeps", nargs="+", type=float, default=[0.0, 1.0], help="full plan: program seconds")
    parser.add_argument("--slots", nargs="+", type=int, default=[1, 4], help="full plan: parallel slots")
    parser.add_argument("--seeds", type=int, default=5, help="full plan: seeds up to N")
    parser.add_argument(
        "--first-seed", type=int, default=1,
        help="full plan: first seed (two runs on different seeds can share a machine when only regret matters)",
    )
    parser.add_argument("--name", help="report name under benchmarks/results/compare/ (default: quick or full)")
    parser.add_argument("--resume", action="store_true", help="keep runs already recorded under benchmarks/results/compare/raw/")
    parser.add_argument("--report-only", action="store_true", help="only rebuild the report from recorded runs")
    args = parser.parse_args(argv)
    if args.quick:
        plan = quick_plan(tuple(args.tools), tuple(args.problems))
    else:
        plan = full_plan(
            tuple(args.tools), tuple(args.problems), tuple(args.budgets), tuple(args.sleeps), tuple(args.slots),
            args.seeds, args.first_seed,
        )
    mode = args.name or ("quick" if args.quick else "full")
    if not args.report_only:
        for number, spec in enumerate(plan, 1):
            if args.resume and (RAW / f"{spec.key}.json").exists():
                continue
            record = run_one(spec, args.threads)
            print(
                f"[{number}/{len(plan)}] {spec.key}: {record['wall']:.1f} s, "
                f"{len(record['trials'])} trials, exit {record['exit_code']}, load {record['load_after']:.1f}",
                flush=True,
            )
    from report import write_report

    records = [json.loads((RAW / f"{spec.key}.json").read_text()) for spec in plan if (RAW / f"{spec.key}.json").exists()]
    command = " ".join([sys.executable, *sys.argv]) if argv is None else " ".join(argv)
    print(write_report(records, mode, command, RESULTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
