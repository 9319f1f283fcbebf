"""Unit tests: Slurm states and worker outcomes become trial outcomes in one function."""

from __future__ import annotations

import pytest
from omniopt.model import FailureReason, TrialJob, TrialOutcome, TrialStatus

from omniopt_slurm.slurm_cli import JobFacts, first_error_line, submit_error
from omniopt_slurm.states import is_final, trial_outcome

JOB = TrialJob(trial_index=3, params={"x": 1.0}, command="prog", trial_dir="/tmp/t3", result_names=("RESULT",))


def facts(state: str) -> JobFacts:
    return JobFacts(job_id="42", state=state, node="n1", submit_time=100.0, start_time=104.0, end_time=110.0)


def worker(status: TrialStatus, **kw) -> TrialOutcome:
    return TrialOutcome(trial_index=3, status=status, hostname="n1", start_time=105.0, end_time=109.0, **kw)


@pytest.mark.parametrize(("state", "reason"), [
    ("TIMEOUT", FailureReason.TIMEOUT),
    ("OUT_OF_MEMORY", FailureReason.OUT_OF_MEMORY),
    ("NODE_FAIL", FailureReason.EXECUTOR),
    ("CANCELLED", FailureReason.CANCELLED),
    ("PREEMPTED", FailureReason.EXECUTOR),
    ("FAILED", FailureReason.EXECUTOR),
    ("COMPLETED", FailureReason.EXECUTOR),  # ended, but the worker wrote nothing
])
def test_job_without_outcome_file_fails_with_slurms_reason(state, reason):
    outcome = trial_outcome(JOB, facts(state), None, job_id="42", log_path="/tmp/t3/slurm-42.out")
    assert outcome.status is TrialStatus.FAILED
    assert outcome.failure_reason is reason
    assert "42" in outcome.failure_detail and "slurm-42.out" in outcome.failure_detail
    assert outcome.executor_info["slurm_state"] == state
    assert outcome.queue_time == 4.0
    assert outcome.hostname == "n1"


def test_gone_job_without_outcome_is_an_executor_failure():
    outcome = trial_outcome(JOB, None, None, job_id="42")
    assert (outcome.status, outcome.failure_reason) == (TrialStatus.FAILED, FailureReason.EXECUTOR)
    assert outcome.executor_info["slurm_state"] == "GONE"


def test_completed_worker_outcome_wins_and_gets_slurm_facts():
    done = worker(TrialStatus.COMPLETED, results={"RESULT": 1.5}, exit_code=0)
    outcome = trial_outcome(JOB, facts("COMPLETED"), done, job_id="42", submit_time=103.5)
    assert outcome.status is TrialStatus.COMPLETED and outcome.results == {"RESULT": 1.5}
    assert outcome.queue_time == 1.5  # from submission to the program's start
    assert outcome.executor_info == {"slurm_job_id": "42", "slurm_state": "COMPLETED", "slurm_node": "n1",
                                     "slurm_queue_s": 4.0}


def test_slurm_end_overrides_a_failed_worker_outcome():
    killed = worker(TrialStatus.FAILED, failure_reason=FailureReason.SIGNAL, failure_detail="killed by SIGKILL",
                    signal="SIGKILL")
    outcome = trial_outcome(JOB, facts("OUT_OF_MEMORY"), killed, job_id="42")
    assert outcome.failure_reason is FailureReason.OUT_OF_MEMORY
    assert "SIGKILL" in outcome.failure_detail and outcome.signal == "SIGKILL"


def test_failed_worker_outcome_kept_when_slurm_saw_a_normal_end():
    failed = worker(TrialStatus.FAILED, failure_reason=FailureReason.EXIT_CODE, failure_detail="exit code 3")
    outcome = trial_outcome(JOB, facts("COMPLETED"), failed, job_id="42")
    assert outcome.failure_reason is FailureReason.EXIT_CODE


@pytest.mark.parametrize(("state", "final"), [("PENDING", False), ("RUNNING", False), ("COMPLETING", False),
                                              ("UNKNOWN", False), ("COMPLETED", True), ("TIMEOUT", True)])
def test_final_states(state, final):
    assert is_final(state) is final


def test_submit_error_carries_slurms_message():
    err = submit_error("sbatch: error: invalid partition specified: nope\n"
                       "sbatch: error: Batch job submission failed: Invalid partition name specified\n")
    assert err.message == ("Slurm refused the job: invalid partition specified: nope; "
                           "Batch job submission failed: Invalid partition name specified")
    assert "--partition" in err.hint
    assert first_error_line("x\nsbatch: error: boom\n") == "boom"


def test_submit_error_without_a_controller_points_to_the_controller_and_local_runs():
    err = submit_error("sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n")
    assert "Unable to contact slurm controller" in err.message
    assert "scontrol ping" in err.hint and "--executor local" in err.hint
    assert "--partition" not in err.hint
