"""Helpers shared by the Slurm tests."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float, what: str, every: float = 0.2) -> object:
    """Poll ``predicate`` until it returns something true; fail naming ``what``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def queued_job_ids(name_prefix: str) -> list[str]:
    """Jobs still in the queue (pending, running, completing) whose name starts with ``name_prefix``."""
    return list(jobs_named(name_prefix, states=None))


class Reports:
    """Collects what an executor reports, from any thread."""

    def __init__(self) -> None:
        self.outcomes: dict[int, object] = {}
        self._lock = threading.Lock()

    def __call__(self, outcome) -> None:
        with self._lock:
            assert outcome.trial_index not in self.outcomes, f"trial {outcome.trial_index} reported twice"
            self.outcomes[outcome.trial_index] = outcome

    def wait(self, count: int, timeout: float = 60) -> dict[int, object]:
        wait_for(lambda: len(self.outcomes) >= count, timeout, f"{count} outcomes (have {len(self.outcomes)})")
        return dict(self.outcomes)


def omniopt_bin() -> str:
    """The ``omniopt`` command of the Python running the tests."""
    import shutil
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("omniopt")
    return str(script) if script.exists() else (shutil.which("omniopt") or "omniopt")


def run_args(name: str, program: str, *, max_eval: int, parallel: int, extra: tuple[str, ...] = ()) -> list[str]:
    """An OmniOpt2-style command line for a SOBOL run of ``program`` over x in [0, 1]."""
    return [omniopt_bin(), f"--experiment_name={name}", f"--run_program={program}",
            "--parameter", "x", "range", "0", "1", "float", f"--max_eval={max_eval}",
            f"--num_parallel_jobs={parallel}", f"--num_random_steps={max_eval}", "--model=SOBOL", "--seed=1",
            "--run_dir=runs", "--executor=slurm", *extra]


def results(run_dir) -> list[dict[str, str]]:
    """Rows of a run folder's results.csv."""
    import csv

    with open(f"{run_dir}/results.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def handles(run_dir) -> dict[int, dict]:
    """Executor handles of the trials submitted in a run folder (from its event log)."""
    return _events(run_dir, "submitted", "handle")


def finished_outcomes(run_dir) -> dict[int, dict]:
    """Outcomes (as JSON) of the trials that finished in a run folder (from its event log)."""
    return _events(run_dir, "finished", "outcome")


def _events(run_dir, kind: str, key: str) -> dict[int, dict]:
    import json

    found = {}
    with open(f"{run_dir}/state_files/trials.jsonl", encoding="utf-8") as handle:
        for line in handle:
            event = json.loads(line)
            if event["e"] == kind:
                found[int(event["trial"])] = event[key]
    return found


def jobs_named(prefix: str, states: str | None = "all") -> dict[str, str]:
    """job id -> state of the jobs (array tasks one by one) squeue knows whose name starts with ``prefix``."""
    which = [f"--states={states}"] if states else []  # squeue's default: jobs still queued or running
    out = subprocess.run(["squeue", "--noheader", "--array", *which, "--format=%i %j %T"],
                         capture_output=True, text=True).stdout
    return {parts[0]: parts[2] for parts in (line.split() for line in out.splitlines())
            if len(parts) == 3 and parts[1].startswith(prefix)}


def interrupt_when_running(args: list[str], cwd, prefix: str, count: int, sig: int = 2) -> tuple[int, str]:
    """Start omniopt, send ``sig`` (default Ctrl-C, SIGINT) once ``count`` of its jobs run; (exit code, stderr)."""
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(jobs_named(prefix, "running")) == count, 60, f"{count} running jobs")
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stderr
