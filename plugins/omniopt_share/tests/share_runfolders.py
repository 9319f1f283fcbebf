"""Small run folders in the documented format, written by hand for the tests.

``layout="omniopt"`` writes what the core writes (results.csv with
``generation_node``, state_files/run.json, per-trial logs); ``"omniopt2"``
writes OmniOpt2's older layout (``generation_method``, lower-case ``result``).
"""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

META = ["trial_index", "submit_time", "queue_time", "worker_generator_uuid", "start_time", "end_time",
        "run_time", "program_string", "exit_code", "signal", "hostname", "arm_name", "trial_status"]


def make_run(
    folder: Path,
    *,
    trials: int = 12,
    experiment: str = "demo",
    objectives: tuple[tuple[str, bool], ...] = (("RESULT", True),),
    parameters: tuple[str, ...] = ("x", "y"),
    layout: str = "omniopt",
    status: str = "finished",
    max_eval: int | None = None,
    failed_every: int = 5,
    logs: bool = True,
    seed: int = 1,
    log_text: str = "",
) -> Path:
    """Write a run folder with ``trials`` finished trials and return it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    result_names = [name for name, _ in objectives]
    if layout == "omniopt2":
        result_names = ["result"]
    node_column = "generation_method" if layout == "omniopt2" else "generation_node"
    header = META + [node_column] + result_names + list(parameters)
    start = 1_760_000_000.0
    with open(folder / "results.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for index in range(trials):
            values = {p: rng.uniform(-5, 5) for p in parameters}
            failed = failed_every > 0 and index % failed_every == failed_every - 1
            results = ["" if failed else f"{sum(v * v for v in values.values()) + k + math.sin(index):.6f}"
                       for k in range(len(result_names))]
            begin = start + index * 2.0
            writer.writerow(
                [index, begin, 0.0, "uuid", begin, begin + 1.5, 1.5, f"echo {index}", 1 if failed else 0, "",
                 "host", f"{index}_0", "FAILED" if failed else "COMPLETED", "SOBOL" if index < 5 else "BOTORCH_MODULAR"]
                + results + [f"{values[p]:.6f}" for p in parameters]
            )
            if logs:
                trial_dir = folder / "single_runs" / str(index)
                trial_dir.mkdir(parents=True, exist_ok=True)
                (trial_dir / "stdout.txt").write_text(f"trial {index} {log_text}\nRESULT: {results[0]}\n")
                (trial_dir / "stderr.txt").write_text("")
    with open(folder / "worker_usage.csv", "w") as handle:
        for index in range(trials):
            handle.write(f"{start + index * 2.0},2,{1 + index % 2},{50 * (1 + index % 2)}\n")
    if layout == "omniopt2":
        return folder
    (folder / "result_names.txt").write_text("".join(f"{n}\n" for n in result_names))
    (folder / "result_min_max.txt").write_text("".join("min\n" if m else "max\n" for _, m in objectives))
    state = folder / "state_files"
    state.mkdir(exist_ok=True)
    (state / "run.json").write_text(json.dumps({
        "experiment_name": experiment,
        "objectives": [{"name": n, "minimize": m} for n, m in objectives],
        "parameters": [{"name": p, "kind": "range", "low": -5, "high": 5, "value_type": "float", "log_scale": False}
                       for p in parameters],
        "max_eval": max_eval or trials,
        "num_parallel_jobs": 2,
        "started_at": start,
        "finished_at": None if status == "running" else start + trials * 2.0,
        "status": status,
        "omniopt_version": "0.1.0",
    }))
    return folder
