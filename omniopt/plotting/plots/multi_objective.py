"""Plots for several objectives: Pareto fronts per pair, hypervolume over trials."""

from __future__ import annotations

import itertools

from omniopt.plotting.chart import Axis, Chart, Panel, Trace
from omniopt.plotting.prepare import (
    NotEnoughDataError,
    PlotOptions,
    as_minimization,
    hover_text,
    hypervolume,
    non_dominated,
    objective_label,
    objective_values,
    reference_point,
    trials_for_plot,
)
from omniopt.run_data import Run

#: Each hypervolume is exact; beyond this many front changes only a spread of them is computed.
MAX_HYPERVOLUME_EVALUATIONS = 150


def _front_changes(
    points: list[list[float]],
) -> tuple[list[int], dict[int, list[list[float]]]]:
    """Positions where a point improved the front (minimization), with the front after each."""
    changes, fronts = [], {}
    front: list[list[float]] = []
    for position, point in enumerate(points):
        if not any(all(o <= p for o, p in zip(other, point)) for other in front):
            front = [f for f in front if not all(p <= q for p, q in zip(point, f))] + [
                point
            ]
            changes.append(position)
            fronts[position] = front
    return changes, fronts


def _need_objectives(run: Run, plot: str) -> None:
    if len(run.objectives) < 2:
        raise NotEnoughDataError(
            f"{plot} needs at least two objectives; run {run.path} has one ({run.objectives[0].name})",
            "use best_over_trials for a single objective",
        )


def pareto_front(run: Run, options: PlotOptions) -> Chart:
    """Every pair of objectives; the points no other point beats in both are marked and joined."""
    _need_objectives(run, "pareto_front")
    trials = trials_for_plot(run, options, plot="pareto_front")
    panels = []
    for first, second in itertools.combinations(run.objectives, 2):
        xs, ys = objective_values(trials, first), objective_values(trials, second)
        front = non_dominated(list(zip(xs, ys)), (first.minimize, second.minimize))
        on_front = sorted(
            (i for i, f in enumerate(front) if f), key=lambda i: (xs[i], ys[i])
        )
        others = [i for i, f in enumerate(front) if not f]
        show = not panels
        panels.append(
            Panel(
                title=f"{second.name} over {first.name}",
                x=Axis(label=objective_label(first)),
                y=Axis(label=objective_label(second)),
                traces=tuple(
                    Trace(
                        kind=kind,
                        name=name,
                        x=[xs[i] for i in chosen],
                        y=[ys[i] for i in chosen],
                        colour=colour,
                        hover=[hover_text(trials[i], run) for i in chosen],
                        show_legend=show,
                        gid=f"{gid}-{first.name}-{second.name}",
                    )
                    for kind, name, chosen, colour, gid in (
                        ("markers", "dominated", others, "#9e9e9e", "dominated"),
                        ("lines", "Pareto front", on_front, "#d62728", "front"),
                    )
                ),
            )
        )
    return Chart(
        title=f"Pareto fronts: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(3, len(panels)),
        note="red: trials that no other trial beats in both objectives of the pair",
    )


def hypervolume_over_trials(run: Run, options: PlotOptions) -> Chart:
    """Volume of objective space dominated by the trials so far (larger is better)."""
    _need_objectives(run, "hypervolume")
    trials = sorted(
        trials_for_plot(run, options, plot="hypervolume"), key=lambda t: t.index
    )
    minimize = [o.minimize for o in run.objectives]
    points = as_minimization(
        [[t.results[o.name] for o in run.objectives] for t in trials], minimize
    )  # type: ignore[misc]
    reference = reference_point(points)
    changes, fronts = _front_changes(points)
    if len(changes) > MAX_HYPERVOLUME_EVALUATIONS:
        # Evenly spaced front changes, always the last: the curve lags a little between them.
        keep = {
            changes[round(i * (len(changes) - 1) / (MAX_HYPERVOLUME_EVALUATIONS - 1))]
            for i in range(MAX_HYPERVOLUME_EVALUATIONS)
        }
        changes = sorted(keep)
    exact = {position: hypervolume(fronts[position], reference) for position in changes}
    volumes: list[float] = []
    for position in range(len(points)):
        volumes.append(
            exact[position] if position in exact else (volumes[-1] if volumes else 0.0)
        )
    shown_reference = ", ".join(
        f"{o.name}={r if o.minimize else -r:.4g}"
        for o, r in zip(run.objectives, reference)
    )
    return Chart(
        title=f"Hypervolume over trials: {run.experiment_name}",
        panels=(
            Panel(
                title="Dominated hypervolume",
                x=Axis(label="trial index"),
                y=Axis(label="hypervolume"),
                traces=(
                    Trace(
                        kind="step",
                        name="hypervolume",
                        x=[t.index for t in trials],
                        y=volumes,
                        colour="#1f77b4",
                        show_legend=False,
                        gid="hypervolume",
                    ),
                ),
            ),
        ),
        note=f"reference point: {shown_reference} (worst values plus 10 % of their range)",
    )
