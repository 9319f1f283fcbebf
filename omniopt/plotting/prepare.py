"""Data preparation shared by the plot types: filtering, axes, best values, Pareto sets.

Plain Python where a run's few hundred rows allow it (readable); numpy inside
the hypervolume, whose slices multiply the work.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from omniopt.plotting.chart import Axis
from omniopt.run_data import (
    ObjectiveInfo,
    ParameterInfo,
    Run,
    RunDataError,
    TrialRecord,
)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PlotOptions:
    """What a user can change about a plot (``omniopt plot`` flags).

    ``min_result``/``max_result`` keep trials whose ``objective`` (default:
    the first) lies within; ``exclude_params`` hides parameters.
    """

    min_result: float | None = None
    max_result: float | None = None
    exclude_params: tuple[str, ...] = ()
    objective: str | None = None


class NotEnoughDataError(RunDataError):
    """The run is readable but has too little of what this plot needs."""


def trials_for_plot(
    run: Run, options: PlotOptions, *, at_least: int = 2, plot: str = "this plot"
) -> list[TrialRecord]:
    """Completed trials inside the --min/--max window; a clear error when too few."""
    if not run.trials:
        raise NotEnoughDataError(
            f"run {run.path} has no finished trials yet",
            "plot again once trials have ended",
        )
    completed = run.completed()
    if not completed:
        raise NotEnoughDataError(
            f"all {len(run.trials)} trials of run {run.path} failed: there are no results to plot",
            "see failed_trials.csv or `omniopt report` for the reasons",
        )
    objective = run.objective(options.objective)
    kept = [t for t in completed if _inside(t.results[objective.name], options)]
    if len(kept) < at_least:
        window = "" if len(kept) == len(completed) else " inside --min/--max"
        raise NotEnoughDataError(
            f"run {run.path} has {len(kept)} completed trial{'s' if len(kept) != 1 else ''}{window}; "
            f"{plot} needs at least {at_least}",
            "let the run finish more trials"
            + (", or widen --min/--max" if window else ""),
        )
    return kept


def _inside(value: float | None, options: PlotOptions) -> bool:
    if value is None:
        return False
    if options.min_result is not None and value < options.min_result:
        return False
    return not (options.max_result is not None and value > options.max_result)


def plot_parameters(
    run: Run, options: PlotOptions, *, numeric_only: bool = False
) -> list[ParameterInfo]:
    """Tunable parameters minus --exclude_params; an error naming the unknown ones."""
    names = {p.name for p in run.parameters}
    unknown = [name for name in options.exclude_params if name not in names]
    if unknown:
        raise RunDataError(
            f"--exclude_params names unknown parameter(s): {', '.join(unknown)}",
            f"parameters of this run: {', '.join(sorted(names))}",
        )
    chosen = run.tunable_parameters(options.exclude_params)
    return [p for p in chosen if p.is_numeric] if numeric_only else chosen


def parameter_axis(
    trials: Sequence[TrialRecord], parameter: ParameterInfo
) -> tuple[list[float], Axis]:
    """Numbers to plot for one parameter; choices become positions with their names as ticks."""
    if parameter.is_numeric:
        return [float(t.params[parameter.name]) for t in trials], Axis(
            label=parameter.name, log=parameter.log_scale
        )
    seen = [str(t.params[parameter.name]) for t in trials]
    categories = [v for v in parameter.values if v in seen] + sorted(
        set(seen) - set(parameter.values)
    )
    position = {value: float(i) for i, value in enumerate(categories)}
    return [position[v] for v in seen], Axis(
        label=parameter.name, ticks=tuple((position[c], c) for c in categories)
    )


def objective_label(objective: ObjectiveInfo) -> str:
    return f"{objective.name} ({objective.direction})"


def objective_values(
    trials: Sequence[TrialRecord], objective: ObjectiveInfo
) -> list[float]:
    return [float(t.results[objective.name]) for t in trials]  # type: ignore[arg-type]


def hover_text(trial: TrialRecord, run: Run) -> str:
    """Hover label of a trial: index, generator, results, parameters."""
    parts = [f"trial {trial.index} ({trial.generation_node or '?'})"]
    parts += [
        f"{name} = {_short(trial.results.get(name))}" for name in run.objective_names
    ]
    parts += [
        f"{p.name} = {_short(trial.params.get(p.name))}"
        for p in run.tunable_parameters()
    ]
    return "<br>".join(parts)


def _short(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def best_trial(trials: Sequence[TrialRecord], objective: ObjectiveInfo) -> TrialRecord:
    values = objective_values(trials, objective)
    chosen = (
        min(range(len(values)), key=values.__getitem__)
        if objective.minimize
        else max(range(len(values)), key=values.__getitem__)
    )
    return trials[chosen]


def running_best(values: Sequence[float], minimize: bool) -> list[float]:
    """Best value seen so far at each position."""
    best: list[float] = []
    for value in values:
        if not best:
            best.append(value)
        else:
            best.append(min(best[-1], value) if minimize else max(best[-1], value))
    return best


def as_minimization(
    points: Sequence[Sequence[float]], minimize: Sequence[bool]
) -> list[list[float]]:
    """Flip maximized objectives so that smaller is better everywhere."""
    return [[v if m else -v for v, m in zip(point, minimize)] for point in points]


def non_dominated(
    points: Sequence[Sequence[float]], minimize: Sequence[bool]
) -> list[bool]:
    """For each point: is no other point at least as good everywhere and better somewhere?"""
    flipped = as_minimization(points, minimize)
    flags = []
    for i, point in enumerate(flipped):
        dominated = any(
            all(o <= p for o, p in zip(other, point))
            and any(o < p for o, p in zip(other, point))
            for j, other in enumerate(flipped)
            if j != i
        )
        flags.append(not dominated)
    return flags


def hypervolume(points: Sequence[Sequence[float]], reference: Sequence[float]) -> float:
    """Volume dominated by ``points`` (minimization) up to ``reference``, by slicing.

    Exact; sweeps the last objective and recurses on the rest down to a 2-D
    staircase, all on numpy arrays. Cost grows like n^(d-2) n log n, fine for
    the hundreds of trials and few objectives of a run.
    """
    import numpy as np

    array = np.asarray(points, dtype=float).reshape(-1, len(reference))
    bound = np.asarray(reference, dtype=float)
    return _sliced_volume(array[np.all(array < bound, axis=1)], bound)


def _sliced_volume(array: Any, reference: Any) -> float:
    import numpy as np

    if len(array) == 0:
        return 0.0
    if array.shape[1] == 1:
        return float(reference[0] - array[:, 0].min())
    if array.shape[1] == 2:
        # The staircase: sorted by x, each strip reaches down to the lowest y so far.
        ordered = array[np.argsort(array[:, 0], kind="stable")]
        lowest_y = np.minimum.accumulate(ordered[:, 1])
        widths = np.diff(np.append(ordered[:, 0], reference[0]))
        return float(np.sum(widths * (reference[1] - lowest_y)))
    ordered = array[np.argsort(array[:, -1], kind="stable")]
    depths = np.diff(np.append(ordered[:, -1], reference[-1]))
    return float(
        sum(
            depth * _sliced_volume(ordered[: i + 1, :-1], reference[:-1])
            for i, depth in enumerate(depths)
            if depth > 0
        )
    )


def reference_point(points: Sequence[Sequence[float]]) -> list[float]:
    """Worst value per objective plus 10 % of its range (minimization), so the worst points count too."""
    columns = list(zip(*points))
    reference = []
    for column in columns:
        low, high = min(column), max(column)
        reference.append(high + 0.1 * ((high - low) or abs(high) or 1.0))
    return reference


def finite(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]
