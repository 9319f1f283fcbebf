"""kill -9 then continue, Ctrl-C and SIGTERM: nothing finished is lost, nothing survives."""

from __future__ import annotations

import csv
import os
import signal
import time
from pathlib import Path

from core_testkit import base_args, program

SLEEPY = program("sleepy.py")


def wait_for_rows(run_dir: Path, count: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        path = run_dir / "results.csv"
        if path.exists() and len(path.read_text().splitlines()) - 1 >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} rows after {timeout} s")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose; its parent reaps it.
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split()[2] != "Z"


def sleepy_args(name: str, *extra: str) -> list[str]:
    return base_args(
        name,
        f"python3 {SLEEPY} %(t)",
        "--parameter", "t", "choice", "0.2,0.3,5,6",
        "--parameter", "x", "range", "0", "1", "float",
        "--model=SOBOL", "--num_parallel_jobs=3", "--seed=1",
        *extra,
    )


def test_kill_9_then_continue(omniopt):
    process = omniopt.start(*sleepy_args("killed", "--max_eval=12"))
    run_dir = omniopt.run_dir("killed")
    try:
        wait_for_rows(run_dir, 2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with open(run_dir / "results.csv", newline="") as handle:
        finished_before = {r["trial_index"]: r for r in csv.DictReader(handle)}  # parses: no torn row
    assert finished_before
    started = [l for l in (run_dir / "state_files/trials.jsonl").read_text().splitlines() if '"submitted"' in l]
    assert len(started) > len(finished_before)  # some trials were running when killed

    omniopt(*sleepy_args("killed", "--max_eval=2"), f"--continue_previous_job={run_dir}", timeout=120, check=0)
    rows = omniopt.rows(omniopt.run_dir("killed", 1))
    indices = [r["trial_index"] for r in rows]
    assert len(indices) == len(set(indices)), "no trial may be evaluated twice"
    assert set(finished_before) <= set(indices)
    # The trials that were running were run again with the same parameters, plus 2 new ones.
    assert len(rows) == len(started) + 2
    old_runs = {json_index(l): l for l in started}
    for row in rows:
        if row["trial_index"] in old_runs:
            assert f'"t": {row["t"]}' in old_runs[row["trial_index"]] or f'"t": "{row["t"]}"' in old_runs[row["trial_index"]]


def json_index(line: str) -> str:
    import json

    return str(json.loads(line)["trial"])


def wait_until_gone(pids: list[int], timeout: float = 10) -> list[int]:
    """The pids still alive after waiting up to `timeout` seconds."""
    deadline = time.time() + timeout
    while (left := [p for p in pids if alive(p)]) and time.time() < deadline:
        time.sleep(0.1)
    return left


def test_kill_9_leaves_no_trial_running(omniopt, tmp_path):
    """omniopt cannot stop its trials when SIGKILLed: the kernel's parent-death signal does."""
    args = base_args(
        "orphans", f"python3 {SLEEPY} %(t)", "--parameter", "t", "choice", "60,70",
        "--model=SOBOL", "--num_parallel_jobs=2", "--max_eval=4",
    )
    process = omniopt.start(*args, env={"PIDDIR": str(tmp_path)})
    deadline = time.time() + 60
    while len(list(tmp_path.glob("*.pid"))) < 2 and time.time() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    pids = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert pids
    survivors = wait_until_gone(pids)
    for pid in survivors:  # do not leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "a trial outlived a SIGKILLed omniopt"


def test_ctrl_c_stops_trials_saves_and_exits_130(omniopt, tmp_path):
    piddir = tmp_path / "pids"
    piddir.mkdir()
    process = omniopt.start(*sleepy_args("interrupted", "--max_eval=30"), env={"PIDDIR": str(piddir)})
    run_dir = omniopt.run_dir("interrupted")
    wait_for_rows(run_dir, 1)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "continue with --continue_previous_job" in out
    pids = [int(p.stem) for p in piddir.glob("*.pid")]
    assert pids
    assert not wait_until_gone(pids, timeout=0.5), "a trial survived omniopt"
    rows = omniopt.rows(run_dir)
    assert any(r["trial_status"] == "ABANDONED" for r in rows) or len(rows) >= 1
    status = (run_dir / "state_files/run.json").read_text()
    assert '"interrupted"' in status


def test_sigterm_exits_143(omniopt):
    process = omniopt.start(*sleepy_args("terminated", "--max_eval=30"))
    wait_for_rows(omniopt.run_dir("terminated"), 1)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 143


def test_continue_with_widened_range_and_changed_type(omniopt):
    args = base_args("widen", "echo RESULT: %(x)", "--model=SOBOL", "--max_eval=3")
    omniopt(*args, "--parameter", "x", "range", "0", "1", "float", check=0)
    first = omniopt.run_dir("widen")
    omniopt(*args, "--parameter", "x", "range", "-5", "5", "float", f"--continue_previous_job={first}", check=0)
    assert len(omniopt.rows(omniopt.run_dir("widen", 1))) == 6
    result = omniopt(*args, "--parameter", "x", "choice", "a,b", f"--continue_previous_job={first}")
    assert result.returncode == 105
    assert "changed its type" in result.stderr


def test_continue_needs_only_the_folder(omniopt):
    omniopt(*base_args("short", "echo RESULT: %(x)", "--model=SOBOL", "--max_eval=2", "--parameter", "x", "range", "0", "1")).check_returncode()
    omniopt(f"--continue_previous_job={omniopt.run_dir('short')}", "--max_eval=2", check=0)
    assert len(omniopt.rows(omniopt.run_dir("short", 1))) == 4


def test_time_limit_bounds_the_whole_run(omniopt):
    started = time.time()
    result = omniopt(*sleepy_args("timed", "--max_eval=40", "--time=0.1"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert time.time() - started < 60
    assert "--time limit" in result.stdout
    rows = omniopt.rows(omniopt.run_dir("timed"))
    assert len(rows) < 40
