"""Small run folders written by hand in the documented format (runfolder.md).

They stand in where a real run cannot produce the data (OmniOpt2's older
layout, CPU/GPU logs) and keep unit tests independent of the engine.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random

from omniopt.run_data import LEADING_COLUMNS

T0 = 1_760_000_000.0


def _objective_values(x: float, y: float, c: str, count: int) -> list[float]:
    base = (x - 0.3) ** 2 + (y - 2.0) ** 2 / 10 + (0.5 if c == "b" else 0.0)
    return [base, math.sin(3 * x) + y / 5, (1 - x) ** 2 + c.count("c")][:count]


def write_run(
    folder: str,
    *,
    trials: int = 12,
    objectives: tuple[tuple[str, str], ...] = (("RESULT", "min"),),
    failed: tuple[int, ...] = (),
    extras: bool = True,
    seed: int = 1,
) -> str:
    """A run folder of omniopt's layout with x (float), y (int, log) and c (choice)."""
    rng = random.Random(seed)
    os.makedirs(os.path.join(folder, "state_files"), exist_ok=True)
    names = [n for n, _ in objectives]
    header = list(LEADING_COLUMNS) + names + ["x", "y", "c"]
    rows = []
    for index in range(trials):
        x, y, c = rng.uniform(0, 1), rng.randint(1, 8), rng.choice(["a", "b", "c"])
        start = T0 + index * 5
        status = "FAILED" if index in failed else "COMPLETED"
        values = _objective_values(x, y, c, len(names))
        rows.append(
            [
                index,
                start - 1,
                0.5,
                "uuid",
                start,
                start + 3 + index % 3,
                3 + index % 3,
                f"prog --x {x}",
                1 if status == "FAILED" else 0,
                "",
                "host1",
                f"{index}_0",
                status,
                "SOBOL" if index < trials // 2 else "BOTORCH_MODULAR",
            ]
            + (
                ["" for _ in names]
                if status == "FAILED"
                else [f"{v:.6f}" for v in values]
            )
            + [f"{x:.6f}", y, c]
        )
    rng.shuffle(rows)  # trials are appended in finishing order
    _write_csv(os.path.join(folder, "results.csv"), header, rows)
    meta = {
        "experiment_name": os.path.basename(os.path.dirname(os.path.abspath(folder))),
        "objectives": [{"name": n, "minimize": d == "min"} for n, d in objectives],
        "parameters": [
            {
                "name": "x",
                "kind": "range",
                "low": 0,
                "high": 1,
                "value_type": "float",
                "log_scale": False,
            },
            {
                "name": "y",
                "kind": "range",
                "low": 1,
                "high": 8,
                "value_type": "int",
                "log_scale": True,
            },
            {
                "name": "c",
                "kind": "choice",
                "values": ["a", "b", "c"],
                "ordered": False,
            },
            {"name": "f", "kind": "fixed", "value": 3},
        ],
        "max_eval": trials,
        "num_parallel_jobs": 2,
        "started_at": T0 - 2,
        "finished_at": T0 + trials * 5 + 6,
        "status": "finished",
        "omniopt_version": "0.1.0",
    }
    with open(os.path.join(folder, "state_files", "run.json"), "w") as handle:
        json.dump(meta, handle)
    _write_lines(os.path.join(folder, "result_names.txt"), names)
    _write_lines(os.path.join(folder, "result_min_max.txt"), [d for _, d in objectives])
    _write_csv(
        os.path.join(folder, "failed_trials.csv"),
        ["trial_index", "reason", "detail"],
        [[i, "no_result", "no RESULT line in the output"] for i in failed],
    )
    if extras:
        _write_csv(
            os.path.join(folder, "worker_usage.csv"),
            None,
            [[T0 + i * 5, 2, 1 + i % 2, 50 * (1 + i % 2)] for i in range(trials)],
        )
        _write_csv(
            os.path.join(folder, "get_next_trials.csv"),
            None,
            [[f"2025-10-09 10:0{i % 10}:00", 1, 2] for i in range(6)],
        )
        _write_csv(
            os.path.join(folder, "cpu_ram_usage.csv"),
            ["timestamp", "ram_usage_mb", "cpu_usage_percent"],
            [[T0 + i * 5, 300 + i, 10 + i] for i in range(trials)],
        )
        _write_csv(
            os.path.join(folder, "gpu_usage__node1.csv"),
            None,
            [
                [
                    f"2025/10/09 10:00:{i:02d}.123",
                    "Tesla V100",
                    "00000000:1A:00.0",
                    "535.1",
                    "P0",
                    3,
                    3,
                    40,
                    f"{20 + i} %",
                    "5 %",
                    "16384 MiB",
                    "15000 MiB",
                    f"{1000 + i} MiB",
                ]
                for i in range(8)
            ],
        )
    return folder


def write_omniopt2_run(folder: str, *, trials: int = 8, seed: int = 2) -> str:
    """OmniOpt2's older layout: ``generation_method`` and lower-case ``result``, no state_files/run.json."""
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    header = [
        "trial_index",
        "arm_name",
        "trial_status",
        "generation_method",
        "result",
        "lr",
        "optimizer",
    ]
    rows = []
    for index in range(trials):
        lr, optimizer = rng.uniform(0.001, 0.1), rng.choice(["adam", "sgd"])
        rows.append(
            [
                index,
                f"{index}_0",
                "COMPLETED",
                "Sobol" if index < 4 else "BoTorch",
                f"{(lr - 0.03) ** 2 + (optimizer == 'sgd') * 0.01:.6f}",
                f"{lr:.6f}",
                optimizer,
            ]
        )
    _write_csv(os.path.join(folder, "results.csv"), header, rows)
    return folder


def _write_csv(path: str, header: list[str] | None, rows: list[list[object]]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)


def _write_lines(path: str, lines: list[str]) -> None:
    with open(path, "w") as handle:
        handle.write("".join(line + "\n" for line in lines))
