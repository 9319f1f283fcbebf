"""Runs one tool's command and measures its wall time and the peak memory of its process tree."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1


@dataclass(frozen=True)
class Measured:
    """What one measured process run gave."""

    started: float
    wall: float
    peak_rss_mb: float
    exit_code: int


def _tree_rss(root: psutil.Process) -> int:
    """Summed resident memory of a process and all its descendants (bytes)."""
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(command: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float) -> Measured:
    """Run `command` to its end (or kill it after `timeout` s); stdout+stderr go to `log`."""
    peak = 0
    stop = threading.Event()
    with open(log, "w") as output:
        started = time.time()
        clock = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        root = psutil.Process(process.pid)

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(root))
                stop.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            code = process.wait()
        wall = time.perf_counter() - clock
        stop.set()
        sampler.join()
    return Measured(started=started, wall=wall, peak_rss_mb=peak / 2**20, exit_code=code)
