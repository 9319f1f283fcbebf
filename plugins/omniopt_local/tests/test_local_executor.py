"""The local executor against the Executor contract, with real processes."""

from __future__ import annotations

import queue
import time

from omniopt.model import TrialJob, TrialStatus
from omniopt.types import Executor, ExecutorContext
from omniopt_local.executor import LocalExecutor


def open_executor(tmp_path, slots: int):
    outcomes: queue.Queue = queue.Queue()
    executor = LocalExecutor()
    executor.open(ExecutorContext(run_dir=str(tmp_path), options={}, num_parallel_jobs=slots, report=outcomes.put))
    return executor, outcomes


def job(tmp_path, index: int, command: str) -> TrialJob:
    return TrialJob(trial_index=index, params={}, command=command, trial_dir=str(tmp_path / str(index)), result_names=("RESULT",))


def test_satisfies_the_protocol():
    assert isinstance(LocalExecutor(), Executor)


def test_slots_fill_and_free(tmp_path):
    executor, outcomes = open_executor(tmp_path, 2)
    assert executor.free_slots() == 2
    executor.submit(job(tmp_path, 0, "sleep 0.3; echo RESULT: 1"))
    executor.submit(job(tmp_path, 1, "echo RESULT: 2"))
    assert executor.free_slots() <= 1
    got = {outcomes.get(timeout=10).trial_index for _ in range(2)}
    assert got == {0, 1}
    time.sleep(0.05)
    assert executor.free_slots() == 2
    executor.close()


def test_cancel_all_stops_running_trials(tmp_path):
    executor, outcomes = open_executor(tmp_path, 2)
    started = time.time()
    executor.submit(job(tmp_path, 0, "sleep 30"))
    executor.submit(job(tmp_path, 1, "trap '' TERM; sleep 30"))  # ignores TERM: gets KILL
    time.sleep(0.3)
    executor.cancel_all()
    results = [outcomes.get(timeout=15) for _ in range(2)]
    assert all(r.status is TrialStatus.ABANDONED and r.failure_reason.value == "cancelled" for r in results)
    assert time.time() - started < 10
    executor.close()


def test_reattach_is_refused(tmp_path):
    executor, _ = open_executor(tmp_path, 1)
    assert executor.reattach(job(tmp_path, 0, "true"), {"executor": "local"}) is False
