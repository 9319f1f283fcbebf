"""The local executor: a fixed set of slot threads, each running one trial at a time.

The program contract (command, logs, results, timeout) is the core's
``TrialProcess``; this module only decides how many run at once. Slot threads
are started once and fed through a queue: starting a thread per trial cost
more than running a trivial trial.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from typing import Any

from omniopt.model import FailureReason, TrialJob, TrialOutcome, TrialStatus
from omniopt.trial_runner import TrialProcess
from omniopt.types import ExecutorContext

_STOP = None  # queue sentinel: a slot thread ends


class LocalExecutor:
    """Runs up to ``num_parallel_jobs`` trials at once on this machine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, TrialProcess] = {}
        self._queue: queue.SimpleQueue[TrialProcess | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def open(self, context: ExecutorContext) -> None:
        self._context = context
        self._slots = context.num_parallel_jobs
        self._workdir = context.options.get("workdir") or None
        max_mb = context.options.get("local_max_output_mb") or 1024
        self._max_output = int(float(max_mb) * (1 << 20))

    def free_slots(self) -> int:
        with self._lock:
            return self._slots - len(self._running)

    def submit(self, job: TrialJob) -> dict[str, Any]:
        process = TrialProcess(job, workdir=self._workdir, max_output_bytes=self._max_output)
        with self._lock:
            self._running[job.trial_index] = process
            if len(self._threads) < min(len(self._running), self._slots):
                thread = threading.Thread(target=self._slot, name=f"slot-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
        self._queue.put(process)
        return {"executor": "local"}

    def _slot(self) -> None:
        while (process := self._queue.get()) is not _STOP:
            try:
                outcome = process.run()
            except Exception as exc:  # the engine waits for every trial: always report
                outcome = TrialOutcome(
                    trial_index=process.job.trial_index,
                    status=TrialStatus.FAILED,
                    failure_reason=FailureReason.EXECUTOR,
                    failure_detail=f"could not run the trial: {exc}",
                )
            with self._lock:
                self._running.pop(process.job.trial_index, None)
            self._context.report(outcome)

    def reattach(self, job: TrialJob, handle: Mapping[str, Any]) -> bool:
        """A local trial dies with the omniopt process that started it: run it again."""
        return False

    def cancel_all(self) -> None:
        with self._lock:
            running = list(self._running.values())
        for process in running:
            process.stop(FailureReason.CANCELLED, "the run was stopped")

    def close(self) -> None:
        self.cancel_all()
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=10)
