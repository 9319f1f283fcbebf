"""Read a run folder (omniopt's or OmniOpt2's older layout) into a light structure.

Stable API (used by ``omniopt plot``, ``omniopt report`` and the Share server)::

    from omniopt.run_data import load_run
    run = load_run("runs/my_experiment/0")
    run.objectives            # (ObjectiveInfo(name="RESULT", minimize=True), ...)
    run.parameters            # (ParameterInfo(name="x", kind="range", ...), ...)
    run.trials                # (TrialRecord(...), ...) sorted by trial_index
    run.completed()           # trials with every objective value finite

Only the standard library is used here, so importing this module is instant;
anything heavy (pandas, plotting) belongs to the functions that need it.
Bad or missing files raise :class:`RunDataError` with one line of message and a
hint; a value that is not a number where one is needed names file, column and row.
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from omniopt.errors import ExitCode, OmniOptError
from omniopt.model import Objective


class RunDataError(OmniOptError):
    """A run folder cannot be read or has too little data for what was asked."""

    exit_code = ExitCode.RUN_DATA_UNUSABLE


#: The leading columns of omniopt's results.csv, in order (results and parameters follow).
LEADING_COLUMNS = (
    "trial_index",
    "submit_time",
    "queue_time",
    "worker_generator_uuid",
    "start_time",
    "end_time",
    "run_time",
    "program_string",
    "exit_code",
    "signal",
    "hostname",
    "arm_name",
    "trial_status",
    "generation_node",
)
#: Columns of results.csv that are neither parameters nor results (OmniOpt2 says generation_method).
META_COLUMNS = frozenset(LEADING_COLUMNS) | {"generation_method"}
INFO_PREFIX = "OO_Info_"


#: An objective of a run: the core's own record (name, minimize, direction).
ObjectiveInfo = Objective


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ParameterInfo:
    """One parameter as the run declared it (or as guessed from an old results.csv).

    Choice values are kept as strings, the way they appear in results.csv.
    """

    name: str
    kind: str  # "range" | "choice" | "fixed"
    low: float | None = None
    high: float | None = None
    value_type: str = "float"
    log_scale: bool = False
    values: tuple[str, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return self.kind == "range"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class TrialRecord:
    """One row of results.csv, typed."""

    index: int
    status: str
    generation_node: str = ""
    arm_name: str = ""
    submit_time: float | None = None
    start_time: float | None = None
    end_time: float | None = None
    run_time: float | None = None
    exit_code: int | None = None
    signal: str = ""
    hostname: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    results: Mapping[str, float | None] = dataclasses.field(default_factory=dict)
    info: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class FailureRecord:
    """Why a trial failed (failed_trials.csv)."""

    trial_index: int
    reason: str
    detail: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """Everything the plots and the report read from one run folder."""

    path: str
    experiment_name: str
    layout: str  # "omniopt" or "omniopt2"
    objectives: tuple[ObjectiveInfo, ...]
    parameters: tuple[ParameterInfo, ...]
    trials: tuple[TrialRecord, ...]
    failures: tuple[FailureRecord, ...] = ()
    errors: tuple[str, ...] = ()
    max_eval: int | None = None
    num_parallel_jobs: int | None = None
    status: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    #: worker_usage.csv rows: (time, num_parallel_jobs, nr_current_workers, percentage)
    worker_usage: tuple[tuple[float, float, float, float], ...] = ()
    #: get_next_trials.csv rows: (unix time, got, requested)
    next_trials: tuple[tuple[float, float, float], ...] = ()
    #: cpu_ram_usage.csv rows: (time, ram_usage_mb, cpu_usage_percent)
    cpu_ram: tuple[tuple[float, float, float], ...] = ()
    #: gpu_usage__<host>.csv: host -> rows of (time, gpu name, utilization %, memory used MiB)
    gpu: Mapping[str, tuple[tuple[float, str, float, float], ...]] = dataclasses.field(
        default_factory=dict
    )

    # -- views ---------------------------------------------------------------
    @property
    def objective_names(self) -> list[str]:
        return [o.name for o in self.objectives]

    def objective(self, name: str | None = None) -> ObjectiveInfo:
        """The named objective, or the first one."""
        if name is None:
            return self.objectives[0]
        for objective in self.objectives:
            if objective.name == name:
                return objective
        raise RunDataError(
            f"the run has no objective {name!r}",
            f"objectives of this run: {', '.join(self.objective_names)}",
        )

    def tunable_parameters(self, exclude: Iterable[str] = ()) -> list[ParameterInfo]:
        """Parameters that vary (not fixed), minus the excluded ones."""
        skip = set(exclude)
        return [p for p in self.parameters if p.kind != "fixed" and p.name not in skip]

    def completed(self) -> list[TrialRecord]:
        """COMPLETED trials whose every objective value is a finite number."""
        return [
            t
            for t in self.trials
            if t.status == "COMPLETED"
            and all(_finite(t.results.get(o.name)) for o in self.objectives)
        ]

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for trial in self.trials:
            counts[trial.status] = counts.get(trial.status, 0) + 1
        return counts

    def failure_of(self, trial_index: int) -> FailureRecord | None:
        for failure in self.failures:
            if failure.trial_index == trial_index:
                return failure
        return None

    def time_span(self) -> tuple[float, float] | None:
        """(first start, last end) in unix seconds, from run.json or the trials."""
        starts = [
            t
            for t in (x.submit_time or x.start_time for x in self.trials)
            if t is not None
        ]
        ends = [x.end_time for x in self.trials if x.end_time is not None]
        begin = (
            self.started_at
            if self.started_at is not None
            else (min(starts) if starts else None)
        )
        end = (
            self.finished_at
            if self.finished_at is not None
            else (max(ends) if ends else None)
        )
        if begin is None or end is None:
            return None
        return begin, end


def _finite(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


# -- loading -------------------------------------------------------------------


def load_run(path: str | os.PathLike[str]) -> Run:
    """Read a run folder; raises RunDataError with one clear line when it cannot."""
    folder = os.fspath(path)
    if not os.path.isdir(folder):
        raise RunDataError(
            f"run folder {folder} does not exist",
            "give a folder like runs/<experiment>/<N>",
        )
    results_path = os.path.join(folder, "results.csv")
    if not os.path.isfile(results_path):
        raise RunDataError(
            f"{folder} has no results.csv",
            "give a run folder (runs/<experiment>/<N>) in which at least one trial has finished",
        )
    header, rows = _read_csv_with_header(results_path)
    meta = _read_json(os.path.join(folder, "state_files", "run.json"))
    objectives = _objectives(folder, header, meta)
    parameters = _parameters(header, rows, objectives, meta)
    layout = "omniopt2" if "generation_method" in header or not meta else "omniopt"
    trials = tuple(
        sorted(
            (
                _trial(row, number, objectives, parameters)
                for number, row in enumerate(rows, 2)
            ),
            key=lambda t: t.index,
        )
    )
    return Run(
        path=folder,
        experiment_name=str(
            meta.get("experiment_name") or _experiment_from_path(folder)
        ),
        layout=layout,
        objectives=objectives,
        parameters=parameters,
        trials=trials,
        failures=_failures(os.path.join(folder, "failed_trials.csv")),
        errors=_lines(os.path.join(folder, "oo_errors.txt")),
        max_eval=_int_or_none(meta.get("max_eval")),
        num_parallel_jobs=_int_or_none(meta.get("num_parallel_jobs")),
        status=str(meta.get("status") or ""),
        started_at=_time_or_none(meta.get("started_at")),
        finished_at=_time_or_none(meta.get("finished_at")),
        worker_usage=_numeric_rows(os.path.join(folder, "worker_usage.csv"), 4),
        next_trials=_next_trials(os.path.join(folder, "get_next_trials.csv")),
        cpu_ram=_cpu_ram(os.path.join(folder, "cpu_ram_usage.csv")),
        gpu=_gpu_usage(folder),
    )


def _experiment_from_path(folder: str) -> str:
    parent = os.path.basename(os.path.dirname(os.path.abspath(folder)))
    return parent or os.path.basename(os.path.abspath(folder))


def _read_csv_with_header(path: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                return [], []
            header = [h.strip() for h in header]
            # A shorter row is one a live run is still writing: it is read next time.
            rows = [
                dict(zip(header, (v.strip() for v in row)))
                for row in reader
                if len(row) >= len(header)
            ]
    except UnicodeDecodeError:
        raise RunDataError(
            f"{path} is not UTF-8 text", "restore the file from the run"
        ) from None
    except OSError as exc:
        raise RunDataError(
            f"cannot read {path}: {exc.strerror}", "check the file's permissions"
        ) from None
    return header, rows


def _read_json(path: str) -> dict[str, Any]:
    if not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise RunDataError(
            f"{path} is not valid JSON ({exc})", "restore the file from the run"
        ) from None
    return data if isinstance(data, dict) else {}


def _lines(path: str) -> tuple[str, ...]:
    if not os.path.isfile(path):
        return ()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return tuple(line.rstrip("\n") for line in handle if line.strip())


def _objectives(
    folder: str, header: list[str], meta: Mapping[str, Any]
) -> tuple[ObjectiveInfo, ...]:
    declared = meta.get("objectives")
    if isinstance(declared, list) and declared:
        return tuple(
            ObjectiveInfo(name=str(o["name"]), minimize=bool(o.get("minimize", True)))
            for o in declared
        )
    names = list(_lines(os.path.join(folder, "result_names.txt")))
    directions = list(_lines(os.path.join(folder, "result_min_max.txt")))
    if not names:
        # OmniOpt2's oldest runs: a lower-case ``result`` column, always minimized.
        names = [n for n in ("RESULT", "result") if n in header][:1]
    if not names:
        raise RunDataError(
            f"cannot tell the objectives of {folder}: no state_files/run.json, no result_names.txt "
            "and no RESULT column in results.csv",
            "give a complete run folder",
        )
    found = []
    for position, name in enumerate(names):
        column = name if name in header else _case_insensitive(header, name)
        if column is None:
            raise RunDataError(
                f"results.csv in {folder} has no column for the objective {name!r}",
                "the run folder is incomplete; copy results.csv again",
            )
        direction = (
            directions[position].strip().lower()
            if position < len(directions)
            else "min"
        )
        found.append(ObjectiveInfo(name=column, minimize=direction != "max"))
    return tuple(found)


def _case_insensitive(header: list[str], name: str) -> str | None:
    for column in header:
        if column.casefold() == name.casefold():
            return column
    return None


def _parameters(
    header: list[str],
    rows: list[dict[str, str]],
    objectives: tuple[ObjectiveInfo, ...],
    meta: Mapping[str, Any],
) -> tuple[ParameterInfo, ...]:
    declared = meta.get("parameters")
    if isinstance(declared, list) and declared:
        return tuple(_declared_parameter(p) for p in declared)
    result_columns = {o.name for o in objectives}
    guessed = []
    for column in header:
        if (
            column in META_COLUMNS
            or column in result_columns
            or column.startswith(INFO_PREFIX)
        ):
            continue
        values = [row.get(column, "") for row in rows if row.get(column, "") != ""]
        numbers = [_float_or_none(v) for v in values]
        if values and all(n is not None for n in numbers):
            is_int = all(float(n).is_integer() for n in numbers if n is not None)
            guessed.append(
                ParameterInfo(
                    name=column,
                    kind="range",
                    low=min(numbers),  # type: ignore[type-var]
                    high=max(numbers),  # type: ignore[type-var]
                    value_type="int" if is_int else "float",
                )
            )
        else:
            guessed.append(
                ParameterInfo(
                    name=column, kind="choice", values=tuple(dict.fromkeys(values))
                )
            )
    return tuple(guessed)


def _declared_parameter(spec: Mapping[str, Any]) -> ParameterInfo:
    kind = str(spec.get("kind", "range"))
    name = str(spec["name"])
    if kind == "choice":
        return ParameterInfo(
            name=name,
            kind="choice",
            values=tuple(_as_text(v) for v in spec.get("values", ())),
        )
    if kind == "fixed":
        return ParameterInfo(
            name=name, kind="fixed", values=(_as_text(spec.get("value")),)
        )
    return ParameterInfo(
        name=name,
        kind="range",
        low=_float_or_none(spec.get("low")),
        high=_float_or_none(spec.get("high")),
        value_type=str(spec.get("value_type", "float")),
        log_scale=bool(spec.get("log_scale", False)),
    )


def _as_text(value: Any) -> str:
    """Choice values as results.csv spells them (1.0 stays 1.0, True stays True)."""
    return str(value)


def _trial(
    row: Mapping[str, str],
    line: int,
    objectives: tuple[ObjectiveInfo, ...],
    parameters: tuple[ParameterInfo, ...],
) -> TrialRecord:
    index = _required_int(row, "trial_index", line)
    status = (row.get("trial_status") or "").upper()
    results: dict[str, float | None] = {}
    for objective in objectives:
        text = row.get(objective.name, "")
        value = _float_or_none(text)
        if (
            text not in ("", "nan", "NaN", "None")
            and value is None
            and status != "FAILED"
        ):
            raise RunDataError(
                f"results.csv line {line}: column {objective.name!r} holds {text!r}, not a number",
                "fix or remove that row; results must be numbers",
            )
        results[objective.name] = value
    if not status:
        status = "COMPLETED" if all(_finite(v) for v in results.values()) else "FAILED"
    params: dict[str, Any] = {}
    for parameter in parameters:
        text = row.get(parameter.name, "")
        if parameter.kind == "range":
            value = _float_or_none(text)
            if text != "" and value is None:
                raise RunDataError(
                    f"results.csv line {line}: parameter {parameter.name!r} holds {text!r}, not a number",
                    "fix that row, or declare the parameter as a choice",
                )
            params[parameter.name] = value
        else:
            params[parameter.name] = text
    exit_code = _float_or_none(row.get("exit_code", ""))
    return TrialRecord(
        index=index,
        status=status,
        generation_node=row.get("generation_node")
        or row.get("generation_method")
        or "",
        arm_name=row.get("arm_name", ""),
        submit_time=_float_or_none(row.get("submit_time", "")),
        start_time=_float_or_none(row.get("start_time", "")),
        end_time=_float_or_none(row.get("end_time", "")),
        run_time=_float_or_none(row.get("run_time", "")),
        exit_code=int(exit_code)
        if exit_code is not None and math.isfinite(exit_code)
        else None,
        signal=row.get("signal", ""),
        hostname=row.get("hostname", ""),
        params=params,
        results=results,
        info={
            k[len(INFO_PREFIX) :]: v
            for k, v in row.items()
            if k.startswith(INFO_PREFIX)
        },
    )


def _required_int(row: Mapping[str, str], column: str, line: int) -> int:
    value = _float_or_none(row.get(column, ""))
    if value is None or not value.is_integer():
        raise RunDataError(
            f"results.csv line {line}: {column} is {row.get(column)!r}, not a whole number",
            "fix or remove that row",
        )
    return int(value)


def _float_or_none(text: Any) -> float | None:
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    text = str(text).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    number = _float_or_none(value)
    return int(number) if number is not None and math.isfinite(number) else None


def _time_or_none(value: Any) -> float | None:
    """run.json times: unix seconds, or an ISO 8601 text."""
    number = _float_or_none(value)
    if number is not None:
        return number
    if isinstance(value, str) and value:
        from datetime import datetime

        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


def _plain_rows(path: str) -> list[list[str]]:
    if not os.path.isfile(path):
        return []
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        return [[cell.strip() for cell in row] for row in csv.reader(handle) if row]


def _numeric_rows(path: str, width: int) -> tuple[tuple[float, ...], ...]:
    """Headerless numeric CSV; rows that are not numbers (a header, a torn line) are skipped."""
    rows = []
    for row in _plain_rows(path):
        numbers = [_float_or_none(cell) for cell in row[:width]]
        if len(numbers) == width and all(n is not None for n in numbers):
            rows.append(tuple(numbers))
    return tuple(rows)  # type: ignore[return-value]


def _next_trials(path: str) -> tuple[tuple[float, float, float], ...]:
    from datetime import datetime

    rows = []
    for row in _plain_rows(path):
        if len(row) < 3:
            continue
        try:
            moment = datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S").timestamp()
        except ValueError:
            moment = _float_or_none(row[0])  # type: ignore[assignment]
        got, requested = _float_or_none(row[1]), _float_or_none(row[2])
        if moment is not None and got is not None and requested is not None:
            rows.append((moment, got, requested))
    return tuple(rows)


def _cpu_ram(path: str) -> tuple[tuple[float, float, float], ...]:
    """OmniOpt2's cpu_ram_usage.csv: header ``timestamp,ram_usage_mb,cpu_usage_percent``."""
    return _numeric_rows(path, 3)  # type: ignore[return-value]


_LEADING_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _gpu_usage(folder: str) -> dict[str, tuple[tuple[float, str, float, float], ...]]:
    """OmniOpt2's ``gpu_usage__<host>.csv`` (nvidia-smi query columns, no header).

    Columns: timestamp, name, pci.bus_id, driver_version, pstate, pcie.link.gen.max,
    pcie.link.gen.current, temperature.gpu, utilization.gpu, utilization.memory,
    memory.total, memory.free, memory.used; values may carry units (``45 %``).
    """
    from datetime import datetime

    found: dict[str, tuple[tuple[float, str, float, float], ...]] = {}
    for path in sorted(glob.glob(os.path.join(folder, "gpu_usage__*.csv"))):
        host = os.path.basename(path)[len("gpu_usage__") : -len(".csv")]
        rows = []
        for row in _plain_rows(path):
            if len(row) < 13:
                continue
            moment = _float_or_none(row[0])
            if moment is None:
                try:
                    moment = datetime.strptime(
                        row[0][:19], "%Y/%m/%d %H:%M:%S"
                    ).timestamp()
                except ValueError:
                    continue
            utilization = _LEADING_NUMBER.search(row[8])
            memory_used = _LEADING_NUMBER.search(row[12])
            if utilization and memory_used:
                rows.append(
                    (
                        moment,
                        row[1],
                        float(utilization.group()),
                        float(memory_used.group()),
                    )
                )
        if rows:
            found[host] = tuple(rows)
    return found


def _failures(path: str) -> tuple[FailureRecord, ...]:
    if not os.path.isfile(path):
        return ()
    _, rows = _read_csv_with_header(path)
    failures = []
    for row in rows:
        index = _float_or_none(row.get("trial_index"))
        if index is not None:
            failures.append(
                FailureRecord(
                    trial_index=int(index),
                    reason=row.get("reason", ""),
                    detail=row.get("detail", ""),
                )
            )
    return tuple(failures)
