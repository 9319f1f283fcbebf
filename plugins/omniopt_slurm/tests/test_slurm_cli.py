"""End to end: the real ``omniopt`` command on the real local Slurm cluster."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from slurm_testkit import (
    finished_outcomes, handles, interrupt_when_running, jobs_named, queued_job_ids, results, run_args, wait_for,
)

pytestmark = [pytest.mark.slurm, pytest.mark.e2e,
              pytest.mark.usefixtures("slurm_cluster", "slurm_timeout_probe")]
HERE = ("--slurm_main_here",)

PROGRAM = textwrap.dedent("""\
    import os, sys, time
    x = float(sys.argv[1])
    trial = int(os.environ["OMNIOPT_TRIAL_INDEX"])
    if trial == 2:
        sys.exit("trial 2 breaks on purpose")
    if trial == 5:
        time.sleep(60)  # longer than --worker_timeout
    time.sleep(0.3)
    print(f"RESULT: {(x - 0.3) ** 2}")
""")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def run(args: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ten_trials_four_parallel_with_a_failing_and_a_timed_out_trial(tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM)
    name = unique("ten")
    proc = run(run_args(name, f"{sys.executable} prog.py %(x)", max_eval=10, parallel=4,
                        extra=("--worker_timeout=0.05", *HERE)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "runs" / name / "0"
    rows = {int(r["trial_index"]): r for r in results(folder)}
    assert sorted(rows) == list(range(10))
    statuses = {i: r["trial_status"] for i, r in rows.items()}
    assert [i for i, s in statuses.items() if s == "FAILED"] == [2, 5]
    assert all(r["hostname"] for r in rows.values())
    failed = (folder / "failed_trials.csv").read_text()
    assert "2,exit_code," in failed and "5,timeout," in failed
    job_ids = {h["slurm_job_id"] for h in handles(folder).values()}
    assert len(job_ids) == 10  # one Slurm job per trial
    for index, outcome in finished_outcomes(folder).items():  # Slurm's facts are kept per trial
        info = outcome["executor_info"]
        assert info["slurm_job_id"] in job_ids and info["slurm_node"] and info["slurm_state"], (index, info)
        assert float(rows[index]["queue_time"]) >= 0
    assert "breaks on purpose" in (folder / "single_runs/2/stderr.txt").read_text()
    # the first four trials started together as one job array, later ones one by one
    scripts = [*folder.glob("slurm_arrays/trials_*.sh"), *folder.glob("single_runs/*/slurm_job.sh")]
    assert [p.name for p in folder.glob("slurm_arrays/*.sh")] == ["trials_0-3.sh"]
    assert len(scripts) == 7 and all("#SBATCH --time=2\n" in p.read_text() for p in scripts)


def test_submitit_runs_the_same_trials(tmp_path):
    name = unique("subit")
    proc = run(run_args(name, "echo RESULT: %(x)", max_eval=4, parallel=3,
                        extra=("--slurm_submit=submitit", *HERE)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "runs" / name / "0"
    assert {r["trial_status"] for r in results(folder)} == {"COMPLETED"}
    assert {h["submit"] for h in handles(folder).values()} == {"submitit"}
    assert len(results(folder)) == 4


def test_refused_submission_stops_the_run_at_the_first_trial(tmp_path):
    name = unique("refused")
    proc = run(run_args(name, "echo RESULT: %(x)", max_eval=20, parallel=4,
                        extra=("--partition=no_such_partition", *HERE)), tmp_path)
    assert proc.returncode == 32  # the cluster refused a job
    output = proc.stdout + proc.stderr
    assert "invalid partition specified: no_such_partition" in output
    assert "Traceback" not in output
    assert "0 trials" in proc.stdout
    assert not jobs_named(f"omniopt_{name}")


def test_ctrl_c_cancels_every_job(tmp_path):
    name = unique("ctrlc")
    prefix = f"omniopt_{name}_"
    code, stderr = interrupt_when_running(run_args(name, "sleep 120; echo RESULT: %(x)", max_eval=8, parallel=4,
                                                   extra=HERE), tmp_path, prefix, 4)
    assert code == 130, stderr
    assert not queued_job_ids(prefix), "jobs left in the queue after Ctrl-C"
    rows = results(tmp_path / "runs" / name / "0")
    assert len(rows) == 4 and {r["trial_status"] for r in rows} <= {"FAILED", "ABANDONED"}


def test_continue_after_kill_9_collects_running_jobs_without_resubmitting(tmp_path):
    name = unique("kill")
    prefix = f"omniopt_{name}_"
    proc = start(run_args(name, "sleep 4; echo RESULT: %(x)", max_eval=4, parallel=4, extra=HERE), tmp_path)
    first = tmp_path / "runs" / name / "0"
    try:
        wait_for(lambda: (first / "state_files/trials.jsonl").exists() and len(handles(first)) == 4, 60,
                 "4 submitted trials")
    finally:
        proc.kill()  # SIGKILL: no cleanup at all
        proc.communicate()
    alive = jobs_named(prefix, "pending,running")
    assert len(alive) == 4, "the jobs should outlive the killed main process"

    proc = run([*run_args(name, "sleep 4; echo RESULT: %(x)", max_eval=4, parallel=4, extra=HERE)[:1],
                f"--continue_previous_job={first}", "--max_eval=2", "--executor=slurm", *HERE], tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = {int(r["trial_index"]): r["trial_status"] for r in results(tmp_path / "runs" / name / "1")}
    assert rows == {i: "COMPLETED" for i in range(6)}
    submitted = jobs_named(prefix)
    assert len(submitted) == 6, f"4 reattached + 2 new jobs expected, Slurm saw {submitted}"
    assert set(alive) <= set(submitted)


@pytest.mark.parametrize("mode", ["--follow", "--wait_until_ended"])
def test_head_node_mode_runs_the_main_process_as_a_job(tmp_path, mode):
    name = unique("head")
    proc = run(run_args(name, "echo RESULT: %(x)", max_eval=3, parallel=3, extra=(mode,)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "3 trials" in proc.stdout  # the main process's summary came through
    (main_id,) = jobs_named(f"omniopt_main_{name}")
    folder = tmp_path / "runs" / name / "0"
    assert {r["trial_status"] for r in results(folder)} == {"COMPLETED"}
    trial_jobs = {h["slurm_job_id"] for h in handles(folder).values()}
    assert len(trial_jobs) == 3 and main_id not in trial_jobs  # trials are jobs of their own
    assert "3 trials" in (tmp_path / "runs" / name / f"main_job_{main_id}.log").read_text()


def test_head_node_mode_without_follow_prints_the_job_id(tmp_path):
    name = unique("headp")
    proc = run(run_args(name, "echo RESULT: %(x)", max_eval=3, parallel=3, extra=("--time=5",)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    (main_id,) = jobs_named(f"omniopt_main_{name}")
    log = tmp_path / "runs" / name / f"main_job_{main_id}.log"
    assert f"scancel {main_id}" in proc.stdout and f"tail -f {log}" in proc.stdout
    script = next((tmp_path / "runs" / name).glob("main_job_*.sh")).read_text()
    assert "#SBATCH --time=5" in script and "export OMNIOPT_SLURM_MAIN_JOB=1" in script
    subprocess.run(["scancel", main_id], check=True)
    wait_for(lambda: not queued_job_ids(f"omniopt_main_{name}"), 60, "the main job to end")


def test_ctrl_c_stops_following_and_scancel_of_the_main_job_cancels_its_trials(tmp_path):
    name = unique("headc")
    follower = start(run_args(name, "sleep 120; echo RESULT: %(x)", max_eval=4, parallel=2, extra=("--follow",)),
                     tmp_path)
    try:
        wait_for(lambda: len(jobs_named(f"omniopt_{name}_", "running")) == 2, 90, "2 running trial jobs")
        follower.send_signal(signal.SIGINT)
        _, stderr = follower.communicate(timeout=30)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.communicate()
    assert follower.returncode == 130 and "keeps running" in stderr
    (main_id,) = jobs_named(f"omniopt_main_{name}", "running")  # following stopped, the run goes on
    subprocess.run(["scancel", main_id], check=True)
    # SIGTERM reaches omniopt in the main job, which cancels its trials before it ends
    wait_for(lambda: not queued_job_ids(f"omniopt_{name}_") and not queued_job_ids(f"omniopt_main_{name}"), 60,
             "the main job and its trials to leave the queue")
    rows = results(tmp_path / "runs" / name / "0")
    assert len(rows) == 2 and {r["trial_status"] for r in rows} <= {"FAILED", "ABANDONED"}
