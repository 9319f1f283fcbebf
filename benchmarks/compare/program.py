"""The trial program every tool runs: `program.py PROBLEM [--sleep S] --NAME VALUE ...`.

It prints `RESULT: <v>` (or `f1: <v>` and `f2: <v>` for the two-objective
problem). When BENCH_TRIAL_LOG is set it also appends one JSON line with its
own start/end time and results: the harness reads every tool's trials from
that one file, so all tools are measured the same way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STARTED = time.time()
sys.path.insert(0, str(Path(__file__).resolve().parent))

from problems import PROBLEMS  # noqa: E402


def parse(argv: list[str]) -> tuple[str, float, dict[str, str]]:
    """(problem name, sleep seconds, parameter values as text)."""
    name, rest = argv[0], argv[1:]
    values = dict(zip((flag.removeprefix("--") for flag in rest[::2]), rest[1::2]))
    sleep = float(values.pop("sleep", "0"))
    return name, sleep, values


def main() -> None:
    name, sleep, values = parse(sys.argv[1:])
    results = PROBLEMS[name].evaluate(values)
    if sleep:
        time.sleep(sleep)
    for key, value in results.items():
        print(f"{key}: {value!r}")
    log = os.environ.get("BENCH_TRIAL_LOG")
    if log:
        line = json.dumps({"start": STARTED, "end": time.time(), "results": results, "params": values})
        with open(log, "a") as handle:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()
