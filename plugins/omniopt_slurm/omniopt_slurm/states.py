"""The one place where Slurm job states become trial outcomes."""

from __future__ import annotations

import dataclasses
from typing import Any

from omniopt.model import FailureReason, TrialJob, TrialOutcome, TrialStatus

from omniopt_slurm.slurm_cli import JobFacts

#: States in which a job can still produce an outcome.
ACTIVE_STATES = frozenset({
    "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_FED",
    "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
})

#: Ends in which Slurm, not the program, stopped the trial; they win over the worker's account.
_SLURM_ENDS: dict[str, tuple[FailureReason, str]] = {
    "TIMEOUT": (FailureReason.TIMEOUT, "the job reached its Slurm time limit"),
    "DEADLINE": (FailureReason.TIMEOUT, "the job reached its Slurm deadline"),
    "OUT_OF_MEMORY": (FailureReason.OUT_OF_MEMORY, "the job ran out of memory (raise --mem_gb)"),
    "CANCELLED": (FailureReason.CANCELLED, "the job was cancelled"),
    "NODE_FAIL": (FailureReason.EXECUTOR, "the job's node failed"),
    "BOOT_FAIL": (FailureReason.EXECUTOR, "the job's node failed to boot"),
    "PREEMPTED": (FailureReason.EXECUTOR, "the job was preempted"),
    "REVOKED": (FailureReason.EXECUTOR, "the job was revoked"),
}


def is_final(state: str) -> bool:
    return state not in ACTIVE_STATES and state != "UNKNOWN"


def trial_outcome(
    job: TrialJob,
    facts: JobFacts | None,
    worker: TrialOutcome | None,
    *,
    job_id: str,
    submit_time: float | None = None,
    log_path: str = "",
) -> TrialOutcome:
    """Combine what Slurm says (``facts``; None: the job is gone) with the worker's outcome file.

    A worker outcome that completed is the truth. Otherwise a Slurm-made end
    (time limit, memory, cancel, node failure) names the reason; a job that
    ended without an outcome file failed in the executor.
    """
    state = facts.state if facts else "GONE"
    info: dict[str, Any] = {"slurm_job_id": job_id, "slurm_state": state}
    if facts and facts.node:
        info["slurm_node"] = facts.node
    if facts and facts.queue_time is not None:
        info["slurm_queue_s"] = facts.queue_time  # Slurm counts whole seconds
    # Submission to program start, to the millisecond where the worker ran.
    if worker is not None and worker.start_time is not None and submit_time is not None:
        queue_time: float | None = max(worker.start_time - submit_time, 0.0)
    else:
        queue_time = facts.queue_time if facts else None

    slurm_end = _SLURM_ENDS.get(state)
    if worker is not None and (worker.status is TrialStatus.COMPLETED or slurm_end is None):
        return dataclasses.replace(
            worker,
            hostname=worker.hostname or (facts.node if facts else ""),
            queue_time=queue_time,
            executor_info={**worker.executor_info, **info},
        )
    if slurm_end is not None:
        reason, text = slurm_end
        detail = f"Slurm job {job_id}: {text} ({state})"
    elif facts is None:
        reason, detail = FailureReason.EXECUTOR, f"Slurm job {job_id} is gone and left no outcome file"
    else:
        exit_code = f", exit code {facts.exit_code}" if facts.exit_code else ""
        detail = f"Slurm job {job_id} ended {state}{exit_code} without an outcome"
        reason = FailureReason.EXECUTOR
    if log_path:
        detail += f"; see {log_path}"
    base = worker or TrialOutcome(trial_index=job.trial_index, status=TrialStatus.FAILED)
    return dataclasses.replace(
        base,
        status=TrialStatus.FAILED,
        results={},
        sems={},
        failure_reason=reason,
        failure_detail=detail if worker is None else f"{detail}; {worker.failure_detail}".rstrip("; "),
        hostname=base.hostname or (facts.node if facts else ""),
        start_time=base.start_time or (facts.start_time if facts else None),
        end_time=base.end_time or (facts.end_time if facts else None),
        queue_time=queue_time,
        executor_info={**base.executor_info, **info},
    )
