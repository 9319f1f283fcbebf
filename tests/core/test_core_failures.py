"""Every failure of a user's program is recorded with its reason and the run goes on."""

from __future__ import annotations

import resource

import pytest
from core_testkit import base_args, program

from omniopt.model import TrialJob, TrialStatus
from omniopt.trial_runner import TrialProcess, run_trial

BEHAVE = program("behave.py")


def run_mode(tmp_path, mode: str, x: float = 1.0, timeout_s: float | None = None, **kwargs):
    job = TrialJob(
        trial_index=0,
        params={},
        command=f"python3 {BEHAVE} {mode} {x}",
        trial_dir=str(tmp_path / "trial"),
        result_names=("RESULT",),
        timeout_s=timeout_s,
    )
    return TrialProcess(job, **kwargs).run()


@pytest.mark.parametrize(
    "mode,reason,exit_code,signal_name",
    [
        ("crash", "exit_code", 3, None),
        ("segv", "signal", 139, "SIGSEGV"),
        ("noresult", "no_result", 0, None),
        ("nan", "non_finite_result", 0, None),
    ],
)
def test_failure_kinds(tmp_path, mode, reason, exit_code, signal_name):
    outcome = run_mode(tmp_path, mode)
    assert outcome.status is TrialStatus.FAILED
    assert outcome.failure_reason.value == reason
    assert outcome.exit_code == exit_code
    assert outcome.signal == signal_name


def test_result_with_nonzero_exit_is_kept(tmp_path):
    outcome = run_mode(tmp_path, "result_and_exit", 7)
    assert outcome.status is TrialStatus.COMPLETED
    assert outcome.results == {"RESULT": 7.0}
    assert outcome.exit_code == 2


def test_not_found_and_not_executable(tmp_path):
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho RESULT: 1\n")  # no execute bit
    for command, reason in (("no_such_program_xyz", "not_found"), (str(script), "not_executable")):
        job = TrialJob(trial_index=0, params={}, command=command, trial_dir=str(tmp_path / reason), result_names=("RESULT",))
        outcome = run_trial(job)
        assert outcome.failure_reason.value == reason, outcome


def test_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "child_survived"
    job = TrialJob(
        trial_index=0,
        params={},
        # The background child would write the marker after 3 s if it survived.
        command=f"(sleep 3; touch {marker}) & sleep 60",
        trial_dir=str(tmp_path / "trial"),
        result_names=("RESULT",),
        timeout_s=0.5,
    )
    outcome = run_trial(job)
    assert outcome.failure_reason.value == "timeout"
    import time

    time.sleep(3.5)
    assert not marker.exists()


def test_huge_output_streams_to_disk_not_memory(tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = run_mode(tmp_path, "huge", 200)  # 200 MiB on stdout
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert outcome.status is TrialStatus.COMPLETED
    assert (tmp_path / "trial" / "stdout.txt").stat().st_size > 200 * (1 << 20)
    assert after - before < 50 * 1024  # KiB: reading the log must not load it


def test_output_cap_stops_the_trial(tmp_path):
    outcome = run_mode(tmp_path, "huge", 10_000, max_output_bytes=5 << 20)
    assert outcome.status is TrialStatus.FAILED
    assert "output exceeded" in outcome.failure_detail


def test_run_goes_on_after_every_kind_of_failure(omniopt):
    modes = "ok,crash,segv,noresult,nan,result_and_exit"
    args = base_args(
        "failures",
        f"python3 {BEHAVE} %(mode) %(x)",
        "--parameter", "mode", "choice", modes,
        "--parameter", "x", "range", "1", "2", "float",
        "--model=SOBOL", "--max_eval=24", "--num_parallel_jobs=3", "--seed=3",
    )
    omniopt(*args, check=0)
    run_dir = omniopt.run_dir("failures")
    rows = omniopt.rows(run_dir)
    assert len(rows) == 24
    failures = {r["trial_index"]: r["reason"] for r in omniopt.rows(run_dir, "failed_trials.csv")}
    for row in rows:
        if row["mode"] in ("ok", "result_and_exit"):
            assert row["trial_status"] == "COMPLETED" and row["RESULT"] != ""
        else:
            assert row["trial_status"] == "FAILED" and row["RESULT"] == ""
            expected = {"crash": "exit_code", "segv": "signal", "noresult": "no_result", "nan": "non_finite_result"}
            assert failures[row["trial_index"]] == expected[row["mode"]]
    assert any(r["signal"] == "SIGSEGV" for r in rows)


def test_all_trials_failing_ends_with_89(omniopt):
    args = base_args("allfail", f"python3 {BEHAVE} crash %(x)", "--parameter", "x", "range", "0", "1", "float", "--model=SOBOL", "--max_eval=4")
    result = omniopt(*args, check=89)
    assert "all 4 trials failed" in result.stdout


def test_max_failed_jobs_stops_the_run(omniopt):
    args = base_args("maxfail", f"python3 {BEHAVE} crash %(x)", "--parameter", "x", "range", "0", "1", "float", "--model=SOBOL", "--max_eval=50", "--max_failed_jobs=3")
    result = omniopt(*args)
    assert result.returncode in (88, 89)
    rows = omniopt.rows(omniopt.run_dir("maxfail"))
    assert 3 <= len(rows) < 50


def test_worker_timeout_in_minutes_with_fractions(omniopt):
    program = "if [ %(mode) = sleep ]; then sleep 60; fi; echo RESULT: 1"
    args = base_args("timeout", program, "--parameter", "mode", "choice", "ok,sleep", "--model=FACTORIAL", "--num_random_steps=0", "--max_eval=2", "--worker_timeout=0.05", "--num_parallel_jobs=2")
    omniopt(*args, check=0)
    rows = {r["mode"]: r for r in omniopt.rows(omniopt.run_dir("timeout"))}
    assert rows["ok"]["trial_status"] == "COMPLETED"
    assert rows["sleep"]["trial_status"] == "FAILED"
    assert float(rows["sleep"]["run_time"]) < 10
    reasons = omniopt.rows(omniopt.run_dir("timeout"), "failed_trials.csv")
    assert reasons[0]["reason"] == "timeout"


def test_exhausted_search_space_ends_with_87(omniopt):
    args = base_args("exhaust", "echo RESULT: %(a)", "--parameter", "a", "choice", "1,2,3", "--model=SOBOL", "--max_eval=10")
    result = omniopt(*args, check=87)
    assert "exhausted" in result.stdout
    assert len(omniopt.rows(omniopt.run_dir("exhaust"))) == 3
