"""The ``slurm`` executor: one Slurm job per trial, watched until it ends.

A watcher thread looks for each job's outcome file (written atomically by the
core worker on the compute node) several times a second and asks the
controller for the states of all jobs at once about once a second. A trial
that completed is reported the moment its outcome file appears; a job that
ended otherwise is reported with the reason Slurm gives (see ``states``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.model import TrialJob, TrialOutcome, TrialStatus
from omniopt.types import ExecutorContext

from omniopt_slurm import slurm_cli
from omniopt_slurm.errors import SlurmCommandError
from omniopt_slurm.resources import trial_resources
from omniopt_slurm.slurm_cli import JobFacts
from omniopt_slurm.states import is_final, trial_outcome
from omniopt_slurm.submitters import SUBMITTERS, Submission, Submitter, TrialFiles

log = logging.getLogger(__name__)

#: How often outcome files are looked at, and the controller asked. Many jobs
#: are looked at less often (a shared file system pays for every stat).
FILE_POLL_S = 0.1
FILES_PER_POLL = 50
MAX_FILE_POLL_S = 2.0
QUEUE_POLL_S = 1.0
#: A job Slurm no longer knows is declared gone only after this many queue polls
#: (right after a controller restart it may briefly be missing).
GONE_AFTER_POLLS = 3
#: A failed worker outcome waits this long for Slurm's final state (memory, time limit).
FINAL_STATE_WAIT_S = 10.0
#: A job that ended COMPLETED waits this long for its outcome file (slow shared file systems).
OUTCOME_FILE_WAIT_S = 15.0
#: cancel_all waits at most this long for cancelled jobs to leave the queue.
CANCEL_WAIT_S = 15.0


@dataclasses.dataclass(slots=True)
class _Tracked:
    """A submitted trial the watcher still waits for."""

    job: TrialJob
    job_id: str
    submit_kind: str
    files: TrialFiles
    log: str
    submit_time: float
    missing_polls: int = 0
    final_seen_at: float | None = None
    failed_outcome_at: float | None = None
    facts: JobFacts | None = None


class SlurmExecutor:
    """Submits each trial as a Slurm job and reports its outcome when the job ends."""

    def __init__(self) -> None:
        self._context: ExecutorContext | None = None
        self._submitter: Submitter | None = None
        self._options: Mapping[str, Any] = {}
        self._workdir = os.getcwd()
        self._accounting = False
        self._tracked: dict[int, _Tracked] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._job_name_prefix = "omniopt"

    # -- Executor protocol ---------------------------------------------------------
    def open(self, context: ExecutorContext) -> None:
        self._context = context
        self._options = context.options
        kind = str(self._options.get("slurm_submit") or "sbatch")
        self._submitter = SUBMITTERS[kind]()
        self._workdir = os.path.abspath(str(self._options.get("workdir") or os.getcwd()))
        self._accounting = slurm_cli.accounting_enabled()
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", str(self._options.get("experiment_name") or ""))
        self._job_name_prefix = f"omniopt_{name}" if name else "omniopt"
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="omniopt-slurm-watcher", daemon=True)
        self._thread.start()

    def free_slots(self) -> int:
        assert self._context is not None, "open() first"
        with self._lock:
            return max(self._context.num_parallel_jobs - len(self._tracked), 0)

    def submit(self, job: TrialJob) -> dict[str, Any]:
        return self.submit_batch([job])[0]

    def submit_batch(self, jobs: Sequence[TrialJob]) -> list[dict[str, Any]]:
        """Submit several trials at once: one job array (all or none are submitted).

        An optional addition to the Executor protocol: an engine that has
        several trials to start calls this instead of ``submit`` for each.
        """
        assert self._submitter is not None and self._context is not None, "open() first"
        submissions = [self._prepare(job) for job in jobs]
        if not submissions:
            return []
        submit_time = time.time()
        array_dir = os.path.join(os.path.abspath(self._context.run_dir), "slurm_arrays")
        accepted = self._submitter.submit(submissions, array_dir)
        handles = []
        for submission, job in zip(submissions, accepted):
            log.debug("trial %d is Slurm job %s", submission.job.trial_index, job.job_id)
            self._track(_Tracked(job=submission.job, job_id=job.job_id, submit_kind=self._submitter.name,
                                 files=submission.files, log=job.log, submit_time=submit_time))
            handles.append({
                "executor": "slurm",
                "slurm_job_id": job.job_id,
                "slurm_job_name": job.name,
                "submit": self._submitter.name,
                "trial_dir": submission.files.trial_dir,
                "outcome_file": submission.files.outcome_json,
                "log": job.log,
                "submit_time": submit_time,
            })
        return handles

    def _prepare(self, job: TrialJob) -> Submission:
        """Write the trial's job file; what the submitter needs."""
        files = TrialFiles(trial_dir=os.path.abspath(job.trial_dir))
        os.makedirs(files.trial_dir, exist_ok=True)
        if os.path.exists(files.outcome_json):  # left by an earlier attempt of this trial
            os.remove(files.outcome_json)
        job = dataclasses.replace(job, trial_dir=files.trial_dir)
        with open(files.job_json, "w", encoding="utf-8") as handle:
            json.dump(job.to_json(), handle)
        return Submission(
            job=job, files=files, resources=trial_resources(self._options, job.timeout_s),
            job_name=f"{self._job_name_prefix}_{job.trial_index}", workdir=self._workdir,
            use_srun=bool(self._options.get("slurm_use_srun")),
        )

    def reattach(self, job: TrialJob, handle: Mapping[str, Any]) -> bool:
        """Watch a job submitted by an earlier omniopt process, if it or its outcome still exists."""
        job_id = str(handle.get("slurm_job_id") or "")
        if not job_id:
            return False
        files = TrialFiles(trial_dir=str(handle.get("trial_dir") or os.path.abspath(job.trial_dir)))
        tracked = _Tracked(job=job, job_id=job_id, submit_kind=str(handle.get("submit") or "sbatch"),
                           files=files, log=str(handle.get("log") or ""),
                           submit_time=float(handle.get("submit_time") or time.time()))
        known = os.path.exists(files.outcome_json)
        if not known:
            try:
                facts = slurm_cli.queue_states([job_id]).get(job_id)
                if facts is None and self._accounting:
                    facts = slurm_cli.accounted_states([job_id]).get(job_id)
            except SlurmCommandError as exc:
                log.warning("cannot look up Slurm job %s: %s", job_id, exc.message)
                return False
            # A job id of a cluster whose numbering started over belongs to someone else.
            expected = str(handle.get("slurm_job_name") or "")
            known = facts is not None and (not expected or facts.name == expected)
        if known:
            self._track(tracked)
        return known

    def cancel_all(self) -> None:
        """scancel every job of this run; report each trial (cancelled unless it completed)."""
        with self._lock:
            tracked = list(self._tracked.values())
            self._tracked.clear()
        if not tracked:
            return
        ids = [t.job_id for t in tracked]
        try:
            slurm_cli.scancel(ids)
        except SlurmCommandError as exc:
            log.warning("scancel failed: %s", exc.message)
        for t in tracked:
            worker = _read_outcome(t.files.outcome_json)
            if worker is not None and worker.status is TrialStatus.COMPLETED:
                self._report(t, t.facts, worker)
            else:
                self._report(t, JobFacts(job_id=t.job_id, state="CANCELLED"), worker)
        self._wait_until_gone(ids)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- watching ------------------------------------------------------------------
    def _track(self, tracked: _Tracked) -> None:
        with self._lock:
            self._tracked[tracked.job.trial_index] = tracked
        self._wake.set()

    def _watch(self) -> None:
        next_queue_poll = 0.0
        while not self._stop.is_set():
            with self._lock:
                tracked = list(self._tracked.values())
            if not tracked:
                self._wake.wait(QUEUE_POLL_S)
                self._wake.clear()
                continue
            now = time.time()
            try:
                if now >= next_queue_poll:
                    next_queue_poll = now + QUEUE_POLL_S
                    self._refresh_states(tracked)
                for t in tracked:
                    self._check(t, now)
            except Exception:  # the watcher must outlive one bad poll
                log.exception("watching Slurm jobs failed; retrying")
            self._stop.wait(min(FILE_POLL_S * max(1, len(tracked) // FILES_PER_POLL), MAX_FILE_POLL_S))

    def _refresh_states(self, tracked: list[_Tracked]) -> None:
        ids = [t.job_id for t in tracked]
        try:
            facts = slurm_cli.queue_states(ids)
            missing = [i for i in ids if i not in facts]
            if missing and self._accounting:
                facts.update(slurm_cli.accounted_states(missing))
        except SlurmCommandError as exc:
            log.warning("cannot read job states: %s", exc.message)
            return
        now = time.time()
        for t in tracked:
            t.facts = facts.get(t.job_id, t.facts)
            t.missing_polls = 0 if t.job_id in facts else t.missing_polls + 1
            if t.facts is not None and is_final(t.facts.state) and t.final_seen_at is None:
                t.final_seen_at = now

    def _fresh_facts(self, t: _Tracked) -> JobFacts | None:
        """The job's facts now (node, start), for a trial reported before Slurm saw it end."""
        try:
            return slurm_cli.queue_states([t.job_id]).get(t.job_id, t.facts)
        except SlurmCommandError:
            return t.facts

    def _check(self, t: _Tracked, now: float) -> None:
        """Report ``t`` if its job is over; otherwise leave it for the next round."""
        worker = _read_outcome(t.files.outcome_json)
        if worker is not None:
            if worker.status is TrialStatus.COMPLETED or t.final_seen_at is not None:
                self._finish(t, t.facts if t.final_seen_at else self._fresh_facts(t), worker)
                return
            # A failed trial may yet turn out to be Slurm's doing (memory, time limit).
            t.failed_outcome_at = t.failed_outcome_at or now
            if now - t.failed_outcome_at >= FINAL_STATE_WAIT_S:
                self._finish(t, t.facts, worker)
            return
        if t.final_seen_at is not None:
            waited = now - t.final_seen_at
            if t.facts is not None and t.facts.state == "COMPLETED" and waited < OUTCOME_FILE_WAIT_S:
                return
            self._finish(t, t.facts, None)
        elif t.missing_polls >= GONE_AFTER_POLLS:
            self._finish(t, None, None)

    def _finish(self, t: _Tracked, facts: JobFacts | None, worker: TrialOutcome | None) -> None:
        with self._lock:
            if self._tracked.get(t.job.trial_index) is not t:
                return  # reported elsewhere (cancel_all)
            del self._tracked[t.job.trial_index]
        self._report(t, facts, worker)

    def _report(self, t: _Tracked, facts: JobFacts | None, worker: TrialOutcome | None) -> None:
        assert self._context is not None
        outcome = trial_outcome(t.job, facts, worker, job_id=t.job_id, submit_time=t.submit_time,
                                log_path=t.log)
        outcome = dataclasses.replace(outcome, executor_info={**outcome.executor_info,
                                                              "slurm_submit": t.submit_kind})
        self._context.report(outcome)

    def _wait_until_gone(self, ids: list[str]) -> None:
        """Give cancelled jobs a moment to leave the queue, so none is seen there after exit."""
        deadline = time.time() + CANCEL_WAIT_S
        while time.time() < deadline:
            try:
                states = slurm_cli.queue_states(ids)
            except SlurmCommandError:
                return
            if all(is_final(f.state) and f.state != "COMPLETING" for f in states.values()):
                return
            time.sleep(0.2)


def _read_outcome(path: str) -> TrialOutcome | None:
    """The worker's outcome, or None while there is none (it appears atomically)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return TrialOutcome.from_json(json.load(handle))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("unreadable outcome file %s: %s", path, exc)
        return None
