"""Read what the run page and the index need from an uploaded run folder.

Accepts omniopt's run folders and OmniOpt2's older ones (``generation_method``
instead of ``generation_node``, a lower-case ``result`` column, no
``state_files/run.json``).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

csv.field_size_limit(16 * 1024 * 1024)

MAX_LOG_FILES = 8
MAX_LOG_BYTES = 512 * 1024


def read_results(folder: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of results.csv as text (empty if there is none yet)."""
    try:
        with open(folder / "results.csv", newline="", errors="replace") as handle:
            rows = list(csv.reader(handle))
    except OSError:
        return [], []
    if not rows:
        return [], []
    header, body = rows[0], [r for r in rows[1:] if r]
    width = len(header)
    return header, [(r + [""] * width)[:width] for r in body]


def as_number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def summarize(folder: Path) -> dict[str, Any]:
    """Status, progress and best result of a run folder, for the index and the page header.

    A folder the core's reader cannot read yet (a live run before its first
    trial ended) gives an empty summary rather than an error.
    """
    from omniopt.run_data import RunDataError, load_run

    try:
        run = load_run(folder)
    except RunDataError as exc:
        return {"status": "", "n_trials": 0, "counts": {}, "objectives": [], "parameters": [], "best": {},
                "note": exc.message}
    best: dict[str, Any] = {}
    completed = run.completed()
    if completed and run.objectives:
        objective = run.objectives[0]
        sign = 1 if objective.minimize else -1
        winner = min(completed, key=lambda t: sign * (t.results[objective.name] or 0.0))
        best = {
            "objective": objective.name,
            "value": winner.results[objective.name],
            "trial_index": winner.index,
            "params": {k: v for k, v in winner.params.items()},
        }
    return {
        "status": run.status,
        "layout": run.layout,
        "n_trials": len(run.trials),
        "counts": run.status_counts(),
        "max_eval": run.max_eval,
        "objectives": [{"name": o.name, "minimize": o.minimize} for o in run.objectives],
        "parameters": [p.name for p in run.parameters],
        "best": best,
    }


def table(folder: Path) -> dict[str, Any]:
    """results.csv as JSON for the page's table: numbers as numbers, text as text."""
    header, rows = read_results(folder)
    converted = []
    for row in rows:
        converted.append([v if (n := as_number(v)) is None else n for v in row])
    return {"columns": header, "rows": converted}


def trial_log(folder: Path, trial_index: str) -> dict[str, str] | None:
    """The text files of one trial's log folder (stdout first, each capped), or None."""
    if not trial_index.isdigit():
        return None
    trial_dir = folder / "single_runs" / trial_index
    if not trial_dir.is_dir():
        return None
    order = {"stdout.txt": 0, "stderr.txt": 1}
    names = sorted((p.name for p in trial_dir.iterdir() if p.is_file()), key=lambda n: (order.get(n, 2), n))
    logs = {}
    for name in names[:MAX_LOG_FILES]:
        with open(trial_dir / name, "rb") as handle:
            logs[name] = handle.read(MAX_LOG_BYTES).decode("utf-8", errors="replace")
    return logs
