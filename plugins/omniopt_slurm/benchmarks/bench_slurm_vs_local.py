"""Slurm executor against the local one: 40 trials of a 1-second program, 4 at a time.

Usage (the local Slurm cluster must be running, e.g. scripts/local-slurm.sh start)::

    python benchmarks/bench_slurm_vs_local.py [--trials 40] [--parallel 4] [--seconds 1]
        [--executors local,slurm:sbatch,slurm:submitit]

For each executor it runs the real ``omniopt`` command (SOBOL only, so no model
fit is measured) and reads the run folder's results.csv:

- wall: the whole command, start-up included;
- span: first submission to last trial end (the part an executor influences);
- overhead/trial: slot-seconds not spent in the program, per trial:
  (span * parallel - sum of program run times) / trials;
- utilization: sum of program run times / (span * parallel);
- submit->start: mean time from submission to the program's start;
- Slurm wait: of that, the mean time Slurm counts from submission to the job's
  start (whole seconds per job, so only the mean means something); the rest is
  the job's launch and the worker's start-up on the node.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(executor: str, trials: int, parallel: int, seconds: float, folder: Path) -> dict[str, float]:
    name, _, submit = executor.partition(":")
    experiment = executor.replace(":", "_")
    args = [str(Path(sys.executable).with_name("omniopt")), f"--experiment_name={experiment}",
            f"--run_program=sleep {seconds}; echo RESULT: %(x)", "--parameter", "x", "range", "0", "1", "float",
            f"--max_eval={trials}", f"--num_parallel_jobs={parallel}", f"--num_random_steps={trials}",
            "--model=SOBOL", "--seed=1", f"--run_dir={folder}", f"--executor={name}"]
    if name == "slurm":
        args += ["--slurm_main_here", f"--slurm_submit={submit or 'sbatch'}"]
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{executor}: omniopt failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    with open(folder / experiment / "0" / "results.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    completed = [r for r in rows if r["trial_status"] == "COMPLETED"]
    slurm_waits = []
    with open(folder / experiment / "0" / "state_files" / "trials.jsonl", encoding="utf-8") as handle:
        for line in handle:
            event = json.loads(line)
            if event["e"] == "finished" and "slurm_queue_s" in event["outcome"]["executor_info"]:
                slurm_waits.append(event["outcome"]["executor_info"]["slurm_queue_s"])
    span = max(float(r["end_time"]) for r in rows) - min(float(r["submit_time"]) for r in rows)
    busy = sum(float(r["run_time"]) for r in rows)
    return {
        "wall_s": wall,
        "span_s": span,
        "completed": len(completed),
        "overhead_per_trial_s": (span * parallel - busy) / len(rows),
        "utilization_pct": 100 * busy / (span * parallel),
        "submit_to_start_s": statistics.mean(float(r["queue_time"]) for r in rows if r["queue_time"]),
        "slurm_wait_s": statistics.mean(slurm_waits) if slurm_waits else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--executors", default="local,slurm:sbatch,slurm:submitit")
    options = parser.parse_args()
    ideal = -(-options.trials // options.parallel) * options.seconds
    print(f"{options.trials} trials of 'sleep {options.seconds:g}', {options.parallel} parallel; "
          f"ideal span {ideal:.1f} s")
    header = (f"{'executor':<16} {'wall s':>7} {'span s':>7} {'overhead/trial s':>17} {'utilization':>11} "
              f"{'submit->start s':>16} {'Slurm wait s':>13}")
    print(header)
    with tempfile.TemporaryDirectory(prefix="omniopt-bench-") as tmp:
        for executor in options.executors.split(","):
            m = run_once(executor, options.trials, options.parallel, options.seconds, Path(tmp))
            print(f"{executor:<16} {m['wall_s']:>7.1f} {m['span_s']:>7.1f} {m['overhead_per_trial_s']:>17.2f} "
                  f"{m['utilization_pct']:>10.0f}% {m['submit_to_start_s']:>16.2f} "
                  + (f"{m['slurm_wait_s']:>13.2f}" if m["slurm_wait_s"] is not None else f"{'-':>13}")
                  + ("" if m["completed"] == options.trials else f"  ({m['completed']} completed)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
