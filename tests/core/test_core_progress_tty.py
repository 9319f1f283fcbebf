"""On a terminal the progress is one line rewritten in place; elsewhere plain lines."""

from __future__ import annotations

import os
import pty
import subprocess
import threading

from core_testkit import OMNIOPT, base_args, program


def run_on_terminal(workdir, args: list[str]) -> str:
    """Run omniopt with stdout and stderr on a pseudo-terminal; all it wrote there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([OMNIOPT, *args], cwd=workdir, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    assert process.wait(timeout=120) == 0
    reader.join(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode()


def test_live_line_on_a_terminal(tmp_path):
    args = base_args(
        "tty", f"python3 {program('sleepy.py')} %(t)", "--parameter", "t", "range", "0.05", "0.1", "float",
        "--model=SOBOL", "--max_eval=12", "--num_parallel_jobs=2",
    )
    output = run_on_terminal(tmp_path, args)
    updates = [part for part in output.split("\r") if " done, " in part]
    assert len(updates) >= 2, output  # rewritten in place, not one line per update
    assert "12/12 done" in output
    assert "best " in output and "running" in output
    final = output.split("12/12 done", 1)[1]
    assert "\n" in final  # the live line is ended before the summary


def _progress(best):
    from omniopt.engine import Progress

    return Progress(done=3, total=10, running=2, failed=1, best=best, elapsed_s=30.0, phase="SOBOL")


def test_progress_line_names_each_objectives_best_when_there_are_several():
    from omniopt.progress import ProgressDisplay

    single = ProgressDisplay._line(_progress({"RESULT": 0.5}))
    assert single.startswith("SOBOL: 3/10 done, 2 running, 1 failed best 0.5, 30s ETA 1m10s")
    several = ProgressDisplay._line(_progress({"f1": 0.0, "f2": 0.87}))
    assert "1 failed best f1=0.0 f2=0.87, 30s" in several
    assert " best " not in ProgressDisplay._line(_progress({}))
