"""The executor against the real local Slurm cluster, called directly (no engine).

Every test runs for both ways of submitting (plain sbatch, submitit).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from omniopt.model import FailureReason, TrialJob, TrialStatus
from omniopt.types import ExecutorContext
from slurm_testkit import Reports, queued_job_ids, wait_for

from omniopt_slurm.errors import SlurmSubmitError
from omniopt_slurm.executor import SlurmExecutor

pytestmark = [pytest.mark.slurm, pytest.mark.usefixtures("slurm_cluster", "slurm_timeout_probe")]
SUBMIT_WAYS = ["sbatch", "submitit"]


def open_executor(tmp_path: Path, report, kind: str, parallel: int = 4, **options) -> tuple[SlurmExecutor, str]:
    name = f"t{uuid.uuid4().hex[:8]}"
    executor = SlurmExecutor()
    executor.open(ExecutorContext(run_dir=str(tmp_path), num_parallel_jobs=parallel, report=report,
                                  options={"slurm_submit": kind, "experiment_name": name, **options}))
    return executor, f"omniopt_{name}"


def trial(tmp_path: Path, index: int, command: str, timeout_s: float | None = None) -> TrialJob:
    return TrialJob(trial_index=index, params={"x": index}, command=command, result_names=("RESULT",),
                    trial_dir=str(tmp_path / "single_runs" / str(index)), timeout_s=timeout_s)


@pytest.mark.parametrize("kind", SUBMIT_WAYS)
def test_outcomes_of_completed_failing_and_timed_out_trials(tmp_path, reports: Reports, kind):
    executor, _ = open_executor(tmp_path, reports, kind)
    try:
        assert executor.free_slots() == 4
        handles = [executor.submit(trial(tmp_path, 0, "echo RESULT: 1.5")),
                   executor.submit(trial(tmp_path, 1, "echo oops >&2; exit 3")),
                   executor.submit(trial(tmp_path, 2, "sleep 30; echo RESULT: 2", timeout_s=2)),
                   executor.submit(trial(tmp_path, 3, 'echo "RESULT: $OMNIOPT_TRIAL_INDEX"; pwd'))]
        assert executor.free_slots() == 0
        outcomes = reports.wait(4)
    finally:
        executor.close()
    assert {h["submit"] for h in handles} == {kind}
    assert len({h["slurm_job_id"] for h in handles}) == 4
    done = outcomes[0]
    assert done.status is TrialStatus.COMPLETED and done.results == {"RESULT": 1.5}
    assert done.executor_info["slurm_job_id"] == handles[0]["slurm_job_id"]
    assert done.executor_info["slurm_submit"] == kind
    assert done.hostname and done.queue_time is not None
    assert (outcomes[1].status, outcomes[1].failure_reason, outcomes[1].exit_code) == (
        TrialStatus.FAILED, FailureReason.EXIT_CODE, 3)
    assert (outcomes[2].status, outcomes[2].failure_reason) == (TrialStatus.FAILED, FailureReason.TIMEOUT)
    assert outcomes[3].results == {"RESULT": 3.0}
    # the program ran in the run's working directory and wrote its logs into the trial folder
    assert (tmp_path / "single_runs/3/stdout.txt").read_text().splitlines()[1] == str(Path.cwd())
    assert "oops" in (tmp_path / "single_runs/1/stderr.txt").read_text()
    if kind == "sbatch":
        script = (tmp_path / "single_runs/0/slurm_job.sh").read_text()
        assert "#SBATCH --job-name=omniopt_" in script and "-m omniopt.worker" in script
    assert executor.free_slots() == 4


@pytest.mark.parametrize("kind", SUBMIT_WAYS)
def test_trials_submitted_together_become_one_job_array(tmp_path, reports, kind):
    executor, prefix = open_executor(tmp_path, reports, kind)
    try:
        handles = executor.submit_batch([trial(tmp_path, 5, "echo RESULT: 5"), trial(tmp_path, 6, "exit 2"),
                                         trial(tmp_path, 7, "echo RESULT: 7")])
        assert executor.free_slots() == 1
        outcomes = reports.wait(3)
    finally:
        executor.close()
    array_ids = {h["slurm_job_id"].split("_")[0] for h in handles}
    assert len(array_ids) == 1 and [h["slurm_job_id"].split("_")[1] for h in handles] == ["0", "1", "2"]
    assert {i: o.status for i, o in outcomes.items()} == {
        5: TrialStatus.COMPLETED, 6: TrialStatus.FAILED, 7: TrialStatus.COMPLETED}
    assert outcomes[7].results == {"RESULT": 7.0}
    assert outcomes[6].executor_info["slurm_job_id"] == handles[1]["slurm_job_id"]
    if kind == "sbatch":
        script = (tmp_path / "slurm_arrays" / "trials_5-7.sh").read_text()
        assert "#SBATCH --array=0-2" in script and f"#SBATCH --job-name={prefix}_5-7" in script


@pytest.mark.parametrize("kind", SUBMIT_WAYS)
@pytest.mark.parametrize(("options", "message"), [
    ({"partition": "no_such_partition"}, "invalid partition specified: no_such_partition"),
    ({"mem_gb": 100000.0}, "Memory specification can not be satisfied"),
])
def test_refused_submission_raises_slurms_message(tmp_path, reports, kind, options, message):
    executor, prefix = open_executor(tmp_path, reports, kind, **options)
    try:
        with pytest.raises(SlurmSubmitError) as info:
            executor.submit(trial(tmp_path, 0, "echo RESULT: 1"))
    finally:
        executor.close()
    assert message in info.value.message and info.value.hint
    assert executor.free_slots() == 4 and not queued_job_ids(prefix)


@pytest.mark.parametrize("kind", SUBMIT_WAYS)
def test_cancel_all_leaves_no_job_in_the_queue(tmp_path, reports, kind):
    executor, prefix = open_executor(tmp_path, reports, kind)
    try:
        executor.submit(trial(tmp_path, 0, "sleep 120; echo RESULT: 1"))
        executor.submit_batch([trial(tmp_path, i, "sleep 120; echo RESULT: 1") for i in (1, 2)])  # an array
        wait_for(lambda: all((tmp_path / f"single_runs/{i}/stdout.txt").exists() for i in range(3)), 30,
                 "the three trials to start")
        started = time.time()
        executor.cancel_all()
        cancel_s = time.time() - started
    finally:
        executor.close()
    assert not queued_job_ids(prefix), f"jobs left in squeue {cancel_s:.1f} s after cancel_all"
    assert {(o.status, o.failure_reason) for o in reports.outcomes.values()} == {
        (TrialStatus.FAILED, FailureReason.CANCELLED)}
    assert len(reports.outcomes) == 3


@pytest.mark.parametrize("kind", SUBMIT_WAYS)
def test_reattach_finds_running_and_finished_jobs_of_a_dead_process(tmp_path, reports, kind):
    first, _ = open_executor(tmp_path, lambda outcome: None, kind)
    running, finished = first.submit_batch([trial(tmp_path, 0, "sleep 5; echo RESULT: 7"),
                                            trial(tmp_path, 1, "echo RESULT: 8")])  # two tasks of an array
    first.close()  # the process "died": nobody cancels, nobody reports
    wait_for(lambda: (tmp_path / "single_runs/1/outcome.json").exists(), 30, "trial 1 to finish")

    second, _ = open_executor(tmp_path, reports, kind)
    try:
        # the same job id under another name: a cluster whose numbering started over
        assert not second.reattach(trial(tmp_path, 0, "sleep 5; echo RESULT: 7"),
                                   {**running, "slurm_job_name": "someone_else"})
        assert second.reattach(trial(tmp_path, 0, "sleep 5; echo RESULT: 7"), running)
        assert second.reattach(trial(tmp_path, 1, "echo RESULT: 8"), finished)
        assert not second.reattach(trial(tmp_path, 2, "true"), {"slurm_job_id": "99999999",
                                                               "trial_dir": str(tmp_path / "none")})
        outcomes = reports.wait(2, timeout=60)
    finally:
        second.close()
    assert {i: o.results for i, o in outcomes.items()} == {0: {"RESULT": 7.0}, 1: {"RESULT": 8.0}}


def test_slurm_time_limit_becomes_a_timeout(slurm_timeout_probe):
    """The probe was submitted at the start of the session; Slurm ends it after its 1-minute limit."""
    outcome = slurm_timeout_probe.wait(1, timeout=200)[0]
    assert (outcome.status, outcome.failure_reason) == (TrialStatus.FAILED, FailureReason.TIMEOUT)
    assert outcome.executor_info["slurm_state"] == "TIMEOUT"


test_slurm_time_limit_becomes_a_timeout = pytest.mark.after_accounting(test_slurm_time_limit_becomes_a_timeout)


def test_resources_srun_and_signal_reach_the_job(tmp_path, reports):
    partition = subprocess.run(["sinfo", "--noheader", "--format=%R"], capture_output=True, text=True).stdout.split()[0]
    executor, _ = open_executor(tmp_path, reports, "sbatch", partition=partition, mem_gb=0.1, cpus_per_task=1,
                                slurm_use_srun=True, slurm_signal_delay_s=30)
    try:
        executor.submit(trial(tmp_path, 0, 'echo "RESULT: $SLURM_STEP_ID"'))
        reports.wait(1)
    finally:
        executor.close()
    script = (tmp_path / "single_runs/0/slurm_job.sh").read_text()
    for line in (f"#SBATCH --partition={partition}", "#SBATCH --mem=103M", "#SBATCH --cpus-per-task=1",
                 "#SBATCH --signal=USR1@30", "exec srun --ntasks=1 --nodes=1 "):
        assert line in script
    outcome = reports.outcomes[0]
    assert outcome.status is TrialStatus.COMPLETED and outcome.results == {"RESULT": 0.0}  # ran as step 0 under srun
