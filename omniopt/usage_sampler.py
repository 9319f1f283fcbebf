"""Samples omniopt's own memory and CPU use into ``cpu_ram_usage.csv`` (OmniOpt2's format).

Reads ``/proc`` and ``os.times`` only, on a daemon thread, every few seconds:
cheap enough to run for every run.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

HEADER = "timestamp,ram_usage_mb,cpu_usage_percent\n"


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


class UsageSampler:
    """Appends one row per interval until stopped."""

    def __init__(self, path: Path, interval_s: float = 5.0):
        self._path = path
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="omniopt-usage")

    def start(self) -> None:
        if not self._path.exists():
            self._path.write_text(HEADER, encoding="utf-8")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        last_wall, last_cpu = time.monotonic(), _cpu_seconds()
        with open(self._path, "a", encoding="utf-8") as handle:
            while not self._stop.wait(self._interval):
                wall, cpu = time.monotonic(), _cpu_seconds()
                percent = 100.0 * (cpu - last_cpu) / max(wall - last_wall, 1e-9)
                last_wall, last_cpu = wall, cpu
                handle.write(f"{time.time():.3f},{_rss_mb():.1f},{percent:.1f}\n")
                handle.flush()


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system
