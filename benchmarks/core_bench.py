#!/usr/bin/env python3
"""Measures the core's speed targets; writes benchmarks/results/core.md.

    python benchmarks/core_bench.py [help] [throughput] [utilization] [overhead] [branin]

Nothing here is a test: these are figures for the notes, on this machine.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OMNIOPT = str(Path(sys.executable).with_name("omniopt"))
RESULTS = ROOT / "benchmarks" / "results"
BRANIN_OPTIMUM = 0.397887


def omniopt_run(workdir: Path, *args: str) -> tuple[float, int, list[dict]]:
    """Run omniopt under /usr/bin/time; (wall seconds, peak RSS KiB, results rows)."""
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", OMNIOPT, *args, "--executor=local"],
        cwd=workdir, capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    rss = int(match.group(1)) if match else -1
    name = next(a.split("=", 1)[1] for a in args if a.startswith("--experiment_name="))
    run_dir = sorted((workdir / "runs" / name).iterdir(), key=lambda p: int(p.name))[-1]
    with open(run_dir / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
    return wall, rss, rows


def bench_help() -> dict:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([OMNIOPT, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return {"omniopt --help, median of 5 (s)": round(statistics.median(times), 3)}


def bench_throughput(tmp: Path) -> dict:
    wall, rss, rows = omniopt_run(
        tmp, "--experiment_name=throughput", "--run_program=echo RESULT: %(x)",
        "--parameter", "x", "range", "0", "1", "float", "--model=SOBOL", "--max_eval=2000",
        "--num_parallel_jobs=8",
    )
    first = min(float(r["submit_time"]) for r in rows)
    last = max(float(r["end_time"]) for r in rows)
    return {
        "2000 SOBOL trials, 8 slots: trials": len(rows),
        "  wall time of the command (s)": round(wall, 2),
        "  trials/s over the command": round(len(rows) / wall, 1),
        "  trials/s from first submit to last end": round(len(rows) / (last - first), 1),
        "  peak RSS of omniopt (MiB)": round(rss / 1024, 1),
    }


def busy_fraction(rows: list[dict], slots: int) -> float:
    start = min(float(r["submit_time"]) for r in rows)
    end = max(float(r["end_time"]) for r in rows)
    busy = sum(float(r["end_time"]) - float(r["start_time"]) for r in rows)
    return busy / (slots * (end - start))


def bench_utilization(tmp: Path) -> dict:
    wall, _, rows = omniopt_run(
        tmp, "--experiment_name=utilization", "--run_program=sleep 1; echo RESULT: %(x)",
        "--parameter", "x", "range", "0", "1", "float", "--model=SOBOL", "--max_eval=48",
        "--num_parallel_jobs=8",
    )
    return {"8 slots of 1-second trials (48, SOBOL): slot utilization": f"{busy_fraction(rows, 8):.1%}"}


def bench_overhead(tmp: Path) -> dict:
    wall, _, rows = omniopt_run(
        tmp, "--experiment_name=overhead", "--run_program=sleep 0.1; echo RESULT: %(x)",
        "--parameter", "x", "range", "0", "1", "float", "--model=SOBOL", "--max_eval=100",
        "--num_parallel_jobs=1",
    )
    ordered = sorted(rows, key=lambda r: float(r["start_time"]))
    gaps = [float(b["start_time"]) - float(a["end_time"]) for a, b in zip(ordered, ordered[1:])]
    return {
        "framework overhead per trial, 1 slot, SOBOL (ms, median gap end->next start)": round(statistics.median(gaps) * 1000, 2),
        "  mean (ms)": round(statistics.mean(gaps) * 1000, 2),
    }


def bench_branin(tmp: Path, seeds=(1, 2, 3, 4, 5)) -> dict:
    program = f"python3 {ROOT / 'examples' / 'branin.py'} --x %(x) --y %(y)"
    walls, bests = [], []
    for seed in seeds:
        wall, rss, rows = omniopt_run(
            tmp, f"--experiment_name=branin{seed}", f"--run_program={program}",
            "--parameter", "x", "range", "-5", "10", "float", "--parameter", "y", "range", "0", "15", "float",
            "--max_eval=30", "--num_random_steps=10", f"--seed={seed}", "--num_parallel_jobs=1",
        )
        walls.append(wall)
        bests.append(min(float(r["RESULT"]) for r in rows if r["RESULT"]))
    median_best = statistics.median(bests)
    return {
        "Branin 30 trials (10 SOBOL + 20 BOTORCH_MODULAR, 1 slot), seeds": list(seeds),
        "  wall times (s)": [round(w, 1) for w in walls],
        "  median wall time (s)": round(statistics.median(walls), 1),
        "  best per seed": [round(b, 5) for b in bests],
        "  median best": round(median_best, 5),
        "  median best vs optimum 0.397887": f"{(median_best - BRANIN_OPTIMUM) / BRANIN_OPTIMUM:+.2%}",
    }


BENCHMARKS = ("help", "throughput", "utilization", "overhead", "branin")


def main(argv: list[str]) -> int:
    wanted = argv or list(BENCHMARKS)
    unknown = [name for name in wanted if name not in BENCHMARKS]
    if unknown:
        print(f"usage: core_bench.py [{'] ['.join(BENCHMARKS)}] (not a benchmark: {' '.join(unknown)})", file=sys.stderr)
        return 2
    figures: dict = {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load average at start": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name in wanted:
            result = bench_help() if name == "help" else globals()[f"bench_{name}"](tmp)
            figures.update(result)
            print(json.dumps(result, indent=1), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = ["# Core benchmarks", "", f"`python benchmarks/core_bench.py {' '.join(wanted)}`", "", "| measure | value |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in figures.items()]
    (RESULTS / f"core-{'-'.join(wanted)}.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
