"""``--load_data_from_existing_jobs DIR ...``: seed a new run with the trials of earlier runs.

Reads each folder's ``results.csv``, from omniopt and from OmniOpt2 (whose
older folders call the node column ``generation_method`` and the default
result ``result``). Every row is checked against the new search space and
objectives; a row that does not fit is skipped with a message saying which
value is wrong, so a widened or narrowed space can still reuse what fits.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from omniopt.errors import ContinueError
from omniopt.model import (
    ChoiceParameter,
    FinishedTrial,
    FixedParameter,
    Objective,
    Params,
    ParamValue,
    RangeParameter,
    SearchSpace,
    TrialOutcome,
    TrialStatus,
)

RESULTS_CSV = "results.csv"
#: Statuses worth learning from; running or abandoned rows say nothing about the objective.
USED_STATUSES = {"COMPLETED": TrialStatus.COMPLETED, "FAILED": TrialStatus.FAILED}
#: Detailed messages per folder; the rest are counted.
MAX_DETAILS = 5
_HINT = "give run folders that contain results.csv, e.g. runs/NAME/0"


class RowMismatch(ValueError):
    """A row that does not fit the new run; the message says which value and why."""


def load(
    dirs: Sequence[str | Path],
    space: SearchSpace,
    objectives: Sequence[Objective],
    warn: Callable[[str], None] = lambda message: None,
    first_index: int = 0,
) -> list[FinishedTrial]:
    """The usable trials of all folders, numbered from ``first_index`` in reading order.

    Raises:
        ContinueError: a folder is missing or has no readable ``results.csv``.
    """
    trials: list[FinishedTrial] = []
    for folder in dirs:
        loaded = _load_folder(Path(folder), space, objectives, warn, first_index + len(trials))
        trials.extend(loaded)
    return trials


def _load_folder(
    folder: Path, space: SearchSpace, objectives: Sequence[Objective], warn: Callable[[str], None], first_index: int
) -> list[FinishedTrial]:
    path = folder / RESULTS_CSV
    if not folder.is_dir():
        raise ContinueError(f"--load_data_from_existing_jobs: {folder} is not a folder", _HINT)
    if not path.is_file():
        raise ContinueError(f"--load_data_from_existing_jobs: {folder} has no {RESULTS_CSV}", _HINT)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ContinueError(f"--load_data_from_existing_jobs: cannot read {path}: {exc}", _HINT) from None
    columns = _result_columns(header, objectives, path)
    missing = [p.name for p in space.parameters if p.name not in header and not isinstance(p, FixedParameter)]
    if missing:
        raise ContinueError(
            f"--load_data_from_existing_jobs: {path} has no column for parameter(s) {', '.join(missing)}",
            "load runs over the same parameter names",
        )
    trials: list[FinishedTrial] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        status = USED_STATUSES.get((row.get("trial_status") or "COMPLETED").strip().upper())
        if status is None:
            continue
        try:
            params = row_params(row, space)
            results = _row_results(row, columns, status)
        except RowMismatch as exc:
            problems.append(f"{path} line {number}: {exc}")
            continue
        trials.append(_trial(first_index + len(trials), row, params, results, status))
    _report(problems, path, len(trials), warn)
    return trials


def _result_columns(header: Sequence[str], objectives: Sequence[Objective], path: Path) -> dict[str, str]:
    """Objective name -> its column; OmniOpt2's lower-case ``result`` counts for ``RESULT``."""
    by_fold = {name.casefold(): name for name in header}
    columns = {}
    for objective in objectives:
        column = objective.name if objective.name in header else by_fold.get(objective.name.casefold())
        if column is None:
            raise ContinueError(
                f"--load_data_from_existing_jobs: {path} has no column for the result {objective.name!r}",
                "load runs with the same --result_names",
            )
        columns[objective.name] = column
    return columns


def row_params(row: Mapping[str, str], space: SearchSpace) -> Params:
    """The row's parameters, typed and checked against ``space``."""
    params: Params = {}
    for param in space.parameters:
        text = row.get(param.name)
        if isinstance(param, FixedParameter):
            if text not in (None, "") and _typed_like(text, param.value) != param.value:
                raise RowMismatch(f"{param.name}={text} but the parameter is now fixed at {param.value!r}")
            params[param.name] = param.value
        elif isinstance(param, ChoiceParameter):
            params[param.name] = _choice(param, text)
        else:
            params[param.name] = _range(param, text)
    return params


def _typed_like(text: str, example: ParamValue) -> ParamValue:
    if isinstance(example, bool):
        return text.strip().lower() in ("true", "1")
    if isinstance(example, (int, float)):
        try:
            return type(example)(float(text)) if isinstance(example, float) else int(float(text))
        except ValueError:
            return text
    return text


def _choice(param: ChoiceParameter, text: str | None) -> ParamValue:
    if text is None or text == "":
        raise RowMismatch(f"{param.name} has no value")
    for value in param.values:
        if str(value) == text.strip() or (_is_number(text) and isinstance(value, (int, float)) and float(text) == value):
            return value
    raise RowMismatch(f"{param.name}={text} is not one of {', '.join(map(str, param.values))}")


def _range(param: RangeParameter, text: str | None) -> ParamValue:
    if text is None or text == "" or not _is_number(text):
        raise RowMismatch(f"{param.name}={text!r} is not a number")
    value = float(text)
    if param.value_type == "int":
        if value != int(value):
            raise RowMismatch(f"{param.name}={text} is not a whole number, but the parameter is an int range")
        value = int(value)
    if not param.low <= value <= param.high:
        raise RowMismatch(f"{param.name}={text} is outside the new range [{param.low:g}, {param.high:g}]")
    return value


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _row_results(row: Mapping[str, str], columns: Mapping[str, str], status: TrialStatus) -> dict[str, float]:
    if status is not TrialStatus.COMPLETED:
        return {}
    results = {}
    for name, column in columns.items():
        text = (row.get(column) or "").strip()
        if not _is_number(text):
            raise RowMismatch(f"a completed trial without a finite value for {name} ({text!r})")
        results[name] = float(text)
    return results


def _float_or_none(text: str | None) -> float | None:
    return float(text) if text not in (None, "") and _is_number(text) else None


def _trial(index: int, row: Mapping[str, str], params: Params, results: dict[str, float], status: TrialStatus) -> FinishedTrial:
    exit_code = _float_or_none(row.get("exit_code"))
    outcome = TrialOutcome(
        trial_index=index,
        status=status,
        results=results,
        info={key[len("OO_Info_"):]: value for key, value in row.items() if key and key.startswith("OO_Info_") and value},
        exit_code=int(exit_code) if exit_code is not None else None,
        hostname=row.get("hostname") or "",
        submit_time=_float_or_none(row.get("submit_time")),
        start_time=_float_or_none(row.get("start_time")) or time.time(),
        end_time=_float_or_none(row.get("end_time")) or time.time(),
    )
    node = row.get("generation_node") or row.get("generation_method") or "LOADED"
    return FinishedTrial(trial_index=index, params=params, outcome=outcome, generation_node=node)


def _report(problems: list[str], path: Path, used: int, warn: Callable[[str], None]) -> None:
    for message in problems[:MAX_DETAILS]:
        warn(f"skipped: {message}")
    if len(problems) > MAX_DETAILS:
        warn(f"skipped {len(problems) - MAX_DETAILS} more rows of {path} that do not fit this run")
    if problems or not used:
        warn(f"loaded {used} trials from {path} ({len(problems)} rows did not fit the new search space)")
