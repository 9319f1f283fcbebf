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
    """Jobs in squeue (any active state) whose name starts with ``name_prefix``."""
    out = subprocess.run(["squeue", "--noheader", "--format=%i %j"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.split()[1:2] and line.split()[1].startswith(name_prefix)]


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
