"""What the user sees while a run goes on, and the summary at its end."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from omniopt.engine import Progress, RunSummary
from omniopt.program import format_value


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class ProgressDisplay:
    """One live line on a terminal; a plain line every few seconds elsewhere."""

    def __init__(self, stream: TextIO | None = None, plain_every_s: float = 5.0):
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._plain_every = plain_every_s
        self._last = 0.0
        self._last_done = -1
        self._width = 0

    def update(self, p: Progress) -> None:
        now = time.monotonic()
        if self._tty:
            if now - self._last < 0.1 and p.done != p.total:
                return
        elif p.done == self._last_done or (now - self._last < self._plain_every and p.done != p.total):
            return
        self._last = now
        self._last_done = p.done
        line = self._line(p)
        if self._tty:
            self._stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    @staticmethod
    def _line(p: Progress) -> str:
        eta = ""
        if 0 < p.done < p.total:
            eta = f" ETA {_duration(p.elapsed_s / p.done * (p.total - p.done))}"
        if not p.best:
            best = ""
        elif len(p.best) == 1:
            best = f" best {format_value(next(iter(p.best.values())))}"
        else:  # several objectives: each one's best on its own (no single trial need reach them all)
            best = " best " + " ".join(f"{name}={format_value(value)}" for name, value in p.best.items())
        return (
            f"{p.phase}: {p.done}/{p.total} done, {p.running} running, {p.failed} failed"
            f"{best}, {_duration(p.elapsed_s)}{eta}"
        )

    def end(self) -> None:
        if self._tty and self._width:
            self._stream.write("\n")
            self._stream.flush()

    def message(self, text: str) -> None:
        if self._tty and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self._stream.write(text + "\n")
        self._stream.flush()


def format_summary(summary: RunSummary, objectives) -> str:
    """The final report: counts, best point (or Pareto front), run folder."""
    lines = [
        f"{summary.total} trials in {_duration(summary.duration_s)}: "
        f"{summary.completed} completed, {summary.failed} failed, {summary.abandoned} abandoned",
    ]
    if summary.best is not None:
        name = objectives[0].name
        params = ", ".join(f"{k}={format_value(v)}" for k, v in summary.best.params.items())
        lines.append(f"best {name} = {format_value(summary.best.outcome.results[name])} (trial {summary.best.trial_index}): {params}")
    if summary.pareto:
        lines.append(f"Pareto front: {len(summary.pareto)} trials (pareto_front_table.txt)")
        for trial in sorted(summary.pareto, key=lambda t: t.trial_index)[:10]:
            values = ", ".join(f"{o.name}={format_value(trial.outcome.results[o.name])}" for o in objectives)
            lines.append(f"  trial {trial.trial_index}: {values}")
    if summary.message:
        lines.append(summary.message)
    lines.append(f"run folder: {summary.run_dir}")
    return "\n".join(lines)
