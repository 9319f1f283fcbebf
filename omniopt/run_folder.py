"""The run folder ``runs/<experiment>/<N>/``: its layout, its writer and its reader.

The layout is OmniOpt2's, so its tools and users find what they know. Writing
one trial appends a line to a few files (O(1)) and each line is written with a
single ``write`` and flushed before the trial's slot is reused, so a SIGKILL
at any moment loses no finished trial and leaves no half-written row.
``state_files/trials.jsonl`` is the append-only event log continuing reads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from omniopt.errors import ContinueError, RunDirError
from omniopt.model import BestTracker, FinishedTrial, Objective, TrialJob, TrialOutcome, TrialStatus, pareto_front
from omniopt.program import format_value
from omniopt.types import BaseResultSink, RunInfo
from omniopt.usage_sampler import UsageSampler

RESULTS_CSV = "results.csv"
JOB_INFOS_CSV = "job_infos.csv"
FAILED_TRIALS_CSV = "failed_trials.csv"
ERRORS_TXT = "oo_errors.txt"
WORKER_USAGE_CSV = "worker_usage.csv"
NEXT_TRIALS_CSV = "get_next_trials.csv"
STATE_DIR = "state_files"
TRIALS_LOG = f"{STATE_DIR}/trials.jsonl"
RUN_JSON = f"{STATE_DIR}/run.json"
CONFIG_YAML = f"{STATE_DIR}/config.yaml"
SINGLE_RUNS = "single_runs"

RESULTS_HEAD = [
    "trial_index", "submit_time", "queue_time", "worker_generator_uuid", "start_time", "end_time",
    "run_time", "program_string", "exit_code", "signal", "hostname", "arm_name", "trial_status",
    "generation_node",
]
JOB_INFOS_HEAD = [
    "trial_index", "submit_time", "queue_time", "worker_generator_uuid", "start_time", "end_time",
    "run_time", "program_string",
]
#: Files carried over into the new folder when a run is continued.
CARRIED_OVER = (RESULTS_CSV, JOB_INFOS_CSV, FAILED_TRIALS_CSV, ERRORS_TXT, WORKER_USAGE_CSV, NEXT_TRIALS_CSV, TRIALS_LOG)


# -- creating ----------------------------------------------------------------------
def new_run_dir(run_root: str, experiment_name: str) -> Path:
    """Create ``run_root/experiment/N`` with the first free N."""
    base = Path(run_root) / experiment_name
    try:
        base.mkdir(parents=True, exist_ok=True)
        number = 0
        while True:
            candidate = base / str(number)
            try:
                candidate.mkdir()
            except FileExistsError:
                number += 1
                continue
            (candidate / STATE_DIR).mkdir()
            (candidate / SINGLE_RUNS).mkdir()
            return candidate
    except OSError as exc:
        raise RunDirError(
            f"cannot create a run folder under {base}: {exc.strerror}",
            "choose a writable --run_dir",
        ) from None


def check_writable(run_root: str) -> None:
    """Fail early, before anything is started, if the run root cannot be written."""
    path = Path(run_root)
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK) or (probe.exists() and not probe.is_dir()):
        raise RunDirError(f"the run folder root {run_root} is not writable", "choose a writable --run_dir")


def carry_over(previous: Path, new: Path) -> None:
    """Copy what a continued run keeps; trial logs are hard-linked where possible."""
    for name in CARRIED_OVER:
        source = previous / name
        if source.exists():
            shutil.copy2(source, new / name)
    source_runs = previous / SINGLE_RUNS
    if source_runs.is_dir():
        shutil.copytree(source_runs, new / SINGLE_RUNS, dirs_exist_ok=True, copy_function=_link_or_copy)


def _cut_torn_line(path: Path) -> None:
    """Drop a last line without its newline (a write cut short by SIGKILL)."""
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(size - 65536, 0))
        tail = handle.read()
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        handle.truncate(size - len(tail) + cut + 1 if cut >= 0 else (0 if size <= 65536 else size))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# -- reading (continue) ------------------------------------------------------------
class TrialLog:
    """What ``state_files/trials.jsonl`` says: finished trials and those left running."""

    def __init__(self, finished: list[FinishedTrial], unfinished: list[tuple[TrialJob, dict]], last_index: int):
        self.finished = finished
        self.unfinished = unfinished
        self.last_index = last_index


def read_trial_log(run_dir: Path) -> TrialLog:
    """Read the event log; a torn last line (SIGKILL mid-write) is ignored."""
    path = run_dir / TRIALS_LOG
    if not path.exists():
        raise ContinueError(
            f"{run_dir} is not an omniopt run folder (no {TRIALS_LOG})",
            "give the folder of a run, e.g. runs/NAME/0",
        )
    started: dict[int, tuple[TrialJob, dict]] = {}
    finished: dict[int, FinishedTrial] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            index = int(event["trial"])
            if event["e"] == "submitted":
                started[index] = (TrialJob.from_json(event["job"]), event.get("handle") or {})
            elif event["e"] == "finished":
                if (event["outcome"] or {}).get("failure_reason") == "cancelled":
                    continue  # stopped by Ctrl-C, SIGTERM or --time: runs again when continued
                finished[index] = FinishedTrial(
                    trial_index=index,
                    params=event["params"],
                    outcome=TrialOutcome.from_json(event["outcome"]),
                    generation_node=event.get("node", ""),
                )
    unfinished = [started[i] for i in sorted(started) if i not in finished]
    indices = list(started) + list(finished)
    return TrialLog(
        finished=[finished[i] for i in sorted(finished)],
        unfinished=unfinished,
        last_index=max(indices) if indices else -1,
    )


def read_run_json(run_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((run_dir / RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise ContinueError(
            f"{run_dir} has no readable {RUN_JSON}", "give the folder of an omniopt run, e.g. runs/NAME/0"
        ) from None


# -- writing -----------------------------------------------------------------------
def _line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else repr(round(value, 6)) if isinstance(value, float) else str(value)


class RunFolderWriter(BaseResultSink):
    """The built-in result sink: writes OmniOpt2's run-folder files as the run goes."""

    def __init__(self, options: Mapping[str, Any]):
        self._options = options
        self._files: dict[str, TextIO] = {}
        self._info_keys: list[str] = []
        self._finished: list[FinishedTrial] = []

    # -- events ------------------------------------------------------------------
    def run_started(self, run: RunInfo, history: Sequence[FinishedTrial]) -> None:
        self._run = run
        self._dir = Path(run.run_dir)
        self._objectives: tuple[Objective, ...] = run.objectives
        self._result_names = list(run.result_names or [o.name for o in run.objectives])
        self._param_names = run.search_space.names
        self._uuid = str(run.config.get("run_uuid", ""))
        self._finished = list(history)
        self._best = BestTracker(run.objectives[0], history)
        self._write_text("result_names.txt", "".join(f"{o.name}\n" for o in self._objectives))
        self._write_text("result_min_max.txt", "".join(f"{o.direction}\n" for o in self._objectives))
        self._write_text("parameters.txt", _parameters_table(run))
        self._info_keys = self._existing_info_keys()
        self._open(RESULTS_CSV, self._results_header())
        self._open(JOB_INFOS_CSV, self._job_infos_header())
        self._open(FAILED_TRIALS_CSV, ["trial_index", "reason", "detail"])
        self._open(TRIALS_LOG, None)
        self._open(ERRORS_TXT, None)
        self._open(WORKER_USAGE_CSV, None)
        self._open(NEXT_TRIALS_CSV, None)
        self.write_run_json(status="running")
        self._usage = UsageSampler(self._dir / "cpu_ram_usage.csv")
        self._usage.start()

    def trial_started(self, job: TrialJob, handle: Mapping[str, Any]) -> None:
        event = {"e": "submitted", "trial": job.trial_index, "t": time.time(), "job": job.to_json(), "handle": dict(handle)}
        self._append(TRIALS_LOG, json.dumps(event) + "\n")

    def trial_finished(self, trial: FinishedTrial, job: TrialJob) -> None:
        outcome = trial.outcome
        new_keys = [k for k in outcome.info if f"OO_Info_{k}" not in self._info_keys]
        if new_keys:
            self._add_info_columns([f"OO_Info_{k}" for k in new_keys])
        # The log first: continuing trusts it, so a kill between the two writes
        # can cost a CSV row but never makes a finished trial run twice.
        event = {
            "e": "finished", "trial": trial.trial_index, "params": trial.params,
            "node": trial.generation_node, "outcome": outcome.to_json(),
        }
        self._append(TRIALS_LOG, json.dumps(event) + "\n")
        self._append(RESULTS_CSV, _line(self._results_row(trial, job)))
        self._append(JOB_INFOS_CSV, _line(self._job_infos_row(trial, job)))
        if outcome.status is not TrialStatus.COMPLETED:
            reason = outcome.failure_reason.value if outcome.failure_reason else ""
            self._append(FAILED_TRIALS_CSV, _line([trial.trial_index, reason, outcome.failure_detail]))
            self._append(ERRORS_TXT, f"trial {trial.trial_index}: {reason}: {outcome.failure_detail}\n")
        self._finished.append(trial)
        if self._best.offer(trial) and len(self._objectives) == 1:
            self._write_best()

    def workers_changed(self, when: float, running: int, capacity: int) -> None:
        percentage = round(100.0 * running / capacity, 1) if capacity else 0.0
        self._append(WORKER_USAGE_CSV, f"{when:.3f},{capacity},{running},{percentage}\n")

    def points_generated(self, when: float, got: int, requested: int) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
        self._append(NEXT_TRIALS_CSV, f"{stamp}, {got}, {requested}\n")

    def error(self, message: str) -> None:
        self._append(ERRORS_TXT, message.rstrip("\n") + "\n")

    def run_finished(self, summary: Mapping[str, Any]) -> None:
        self._usage.stop()
        if len(self._objectives) == 1:
            self._write_best()
        else:
            self._write_pareto()
        self.write_run_json(status=str(summary.get("status", "finished")), summary=summary)
        for handle in self._files.values():
            handle.close()
        self._files.clear()

    # -- files -------------------------------------------------------------------
    def write_run_json(self, status: str, summary: Mapping[str, Any] | None = None) -> None:
        run = self._run
        data = {
            "experiment_name": run.experiment_name,
            "objectives": [{"name": o.name, "minimize": o.minimize} for o in run.objectives],
            "parameters": [_parameter_json(p) for p in run.search_space.parameters],
            "constraints": [c.text for c in run.search_space.constraints],
            "max_eval": run.config.get("max_eval"),
            "num_parallel_jobs": run.config.get("num_parallel_jobs"),
            "started_at": run.config.get("started_at"),
            "finished_at": time.time() if status != "running" else None,
            "status": status,
            "omniopt_version": run.config.get("omniopt_version"),
            "run_uuid": self._uuid,
        }
        if summary:
            data["summary"] = {k: v for k, v in summary.items() if isinstance(v, (int, float, str, type(None)))}
        self._write_text(RUN_JSON, json.dumps(data, indent=1) + "\n")

    def _write_text(self, name: str, text: str) -> None:
        """Replace a small file atomically (written aside, renamed)."""
        path = self._dir / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def _open(self, name: str, header: list[str] | None) -> None:
        path = self._dir / name
        fresh = not path.exists() or path.stat().st_size == 0
        if not fresh:
            _cut_torn_line(path)
        handle = open(path, "a", encoding="utf-8", buffering=1 << 16)
        if fresh and header:
            handle.write(_line(header))
            handle.flush()
        self._files[name] = handle

    def _append(self, name: str, text: str) -> None:
        handle = self._files[name]
        handle.write(text)
        handle.flush()  # one write() per line: durable against SIGKILL of omniopt

    def _results_header(self) -> list[str]:
        return RESULTS_HEAD + self._result_names + self._param_names + self._info_keys

    def _job_infos_header(self) -> list[str]:
        return JOB_INFOS_HEAD + self._param_names + self._result_names + ["exit_code", "signal", "hostname"] + self._info_keys

    def _existing_info_keys(self) -> list[str]:
        path = self._dir / RESULTS_CSV
        if not path.exists():
            return []
        with open(path, encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
        return [h for h in header if h.startswith("OO_Info_")]

    def _add_info_columns(self, columns: list[str]) -> None:
        """A new OO-Info key: rewrite the two tables once with the wider header."""
        self._info_keys.extend(columns)
        for name, header in ((RESULTS_CSV, self._results_header()), (JOB_INFOS_CSV, self._job_infos_header())):
            self._files.pop(name).close()
            path = self._dir / name
            with open(path, encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))[1:]
            tmp = path.with_name(path.name + ".tmp")
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                for row in rows:
                    writer.writerow(row + [""] * (len(header) - len(row)))
            os.replace(tmp, path)
            self._open(name, None)

    def _results_row(self, trial: FinishedTrial, job: TrialJob) -> list[Any]:
        o = trial.outcome
        return [
            trial.trial_index, _number(o.submit_time), _number(o.queue_time), self._uuid,
            _number(o.start_time), _number(o.end_time), _number(o.run_time), job.command,
            o.exit_code, o.signal, o.hostname, f"{trial.trial_index}_0", o.status.value, trial.generation_node,
            *[format_value(o.results[n]) if n in o.results else "" for n in self._result_names],
            *[format_value(trial.params[n]) for n in self._param_names],
            *[o.info.get(k[len("OO_Info_"):], "") for k in self._info_keys],
        ]

    def _job_infos_row(self, trial: FinishedTrial, job: TrialJob) -> list[Any]:
        o = trial.outcome
        return [
            trial.trial_index, _number(o.submit_time), _number(o.queue_time), self._uuid,
            _number(o.start_time), _number(o.end_time), _number(o.run_time), job.command,
            *[format_value(trial.params[n]) for n in self._param_names],
            *[format_value(o.results[n]) if n in o.results else "" for n in self._result_names],
            o.exit_code, o.signal, o.hostname,
            *[o.info.get(k[len("OO_Info_"):], "") for k in self._info_keys],
        ]

    def _write_best(self) -> None:
        best = self._best.best
        if best is None:
            return
        rows = [("trial_index", str(best.trial_index))]
        rows += [(n, format_value(v)) for n, v in best.outcome.results.items()]
        rows += [(n, format_value(v)) for n, v in best.params.items()]
        self._write_text("best_result.txt", _table(["name", "value"], rows))

    def _write_pareto(self) -> None:
        names = self._result_names
        front = pareto_front(self._finished, self._objectives)
        table_rows = [
            [str(t.trial_index), *[format_value(t.outcome.results[n]) for n in names], *[format_value(t.params[p]) for p in self._param_names]]
            for t in sorted(front, key=lambda t: t.trial_index)
        ]
        self._write_text("pareto_front_table.txt", _table(["trial_index", *names, *self._param_names], table_rows))
        pairs: dict[str, dict[str, list[int]]] = {}
        for x in self._objectives:
            for y in self._objectives:
                if x.name != y.name:
                    pair_front = pareto_front(self._finished, (x, y))
                    pairs.setdefault(x.name, {})[y.name] = sorted(t.trial_index for t in pair_front)
        self._write_text("pareto_idxs.json", json.dumps(pairs, indent=1) + "\n")


def _parameter_json(param) -> dict[str, Any]:
    data = {"name": param.name, "kind": param.kind}
    if param.kind == "range":
        data.update(low=param.low, high=param.high, value_type=param.value_type, log_scale=param.log_scale)
    elif param.kind == "choice":
        data.update(values=list(param.values), ordered=param.ordered)
    else:
        data.update(value=param.value)
    return data


def _parameters_table(run: RunInfo) -> str:
    rows = []
    for p in run.search_space.parameters:
        if p.kind == "range":
            detail = f"{format_value(p.low)} .. {format_value(p.high)} {p.value_type}" + (" log" if p.log_scale else "")
        elif p.kind == "choice":
            detail = ", ".join(map(str, p.values))
        else:
            detail = format_value(p.value)
        rows.append((p.name, p.kind, detail))
    return _table(["name", "type", "values"], rows)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]]) + "\n"
