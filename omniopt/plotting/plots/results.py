"""Plots of what the run found: distributions, results per trial, best value so far."""

from __future__ import annotations

from collections.abc import Sequence

from omniopt.plotting.chart import Axis, Chart, Panel, Trace, colour_of
from omniopt.plotting.prepare import (
    NotEnoughDataError,
    PlotOptions,
    hover_text,
    objective_label,
    objective_values,
    running_best,
    trials_for_plot,
)
from omniopt.run_data import ObjectiveInfo, Run, TrialRecord

HISTOGRAM_BINS = 20


def histogram(
    values: Sequence[float], *, name: str, gid: str, colour: str | None = None
) -> Trace:
    """Bars of counts over equal bins (computed once, drawn the same by both renderers)."""
    import numpy as np

    counts, edges = np.histogram(
        np.asarray(values, dtype=float), bins=min(HISTOGRAM_BINS, max(1, len(values)))
    )
    centres = ((edges[:-1] + edges[1:]) / 2).tolist()
    width = float(edges[1] - edges[0]) if len(edges) > 1 else 1.0
    return Trace(
        kind="bars",
        name=name,
        x=centres,
        y=counts.tolist(),
        width=width,
        colour=colour,
        gid=gid,
        show_legend=False,
    )


def general(run: Run, options: PlotOptions) -> Chart:
    """Overview: distribution of each objective, objective per generator, run times, statuses."""
    trials = trials_for_plot(run, options, plot="general")
    panels = []
    for number, objective in enumerate(run.objectives):
        values = objective_values(trials, objective)
        panels.append(
            Panel(
                title=f"Distribution of {objective.name}",
                x=Axis(label=objective_label(objective)),
                y=Axis(label="trials"),
                traces=(
                    histogram(
                        values,
                        name=objective.name,
                        gid=f"histogram-{objective.name}",
                        colour=colour_of(number),
                    ),
                ),
            )
        )
    objective = run.objective(options.objective)
    nodes = list(dict.fromkeys(t.generation_node or "unknown" for t in trials))
    panels.append(
        Panel(
            title=f"{objective.name} by generation method",
            x=Axis(label="generation method"),
            y=Axis(label=objective_label(objective)),
            traces=tuple(
                Trace(
                    kind="box",
                    name=node,
                    y=[
                        t.results[objective.name]
                        for t in trials
                        if (t.generation_node or "unknown") == node
                    ],  # type: ignore[misc]
                    colour=colour_of(number),
                    gid=f"box-{node}",
                )
                for number, node in enumerate(nodes)
            ),
        )
    )
    run_times = [t.run_time for t in run.trials if t.run_time is not None]
    if run_times:
        panels.append(
            Panel(
                title="Run time of trials",
                x=Axis(label="run time (s)"),
                y=Axis(label="trials"),
                traces=(
                    histogram(run_times, name="run time", gid="histogram-run-time"),
                ),
            )
        )
    counts = run.status_counts()
    panels.append(
        Panel(
            title="Trials by status",
            x=Axis(label="status"),
            y=Axis(label="trials"),
            traces=(
                Trace(
                    kind="bars",
                    x=list(counts),
                    y=list(counts.values()),
                    gid="status-counts",
                ),
            ),
        )
    )
    return Chart(
        title=f"Overview: {run.experiment_name}", panels=tuple(panels), columns=2
    )


def trial_index_result(run: Run, options: PlotOptions) -> Chart:
    """Each objective against the trial index, coloured by generation method."""
    trials = trials_for_plot(run, options, plot="trial_index_result")
    nodes = list(dict.fromkeys(t.generation_node or "unknown" for t in trials))
    panels = []
    for objective in run.objectives:
        traces = []
        for number, node in enumerate(nodes):
            chosen = [t for t in trials if (t.generation_node or "unknown") == node]
            traces.append(
                Trace(
                    kind="markers",
                    name=node,
                    x=[t.index for t in chosen],
                    y=objective_values(chosen, objective),
                    colour=colour_of(number),
                    hover=[hover_text(t, run) for t in chosen],
                    show_legend=not panels,
                    gid=f"points-{objective.name}-{node}",
                )
            )
        panels.append(
            Panel(
                title=f"{objective.name} per trial",
                x=Axis(label="trial index"),
                y=Axis(label=objective_label(objective)),
                traces=tuple(traces),
            )
        )
    return Chart(
        title=f"Results per trial: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(2, len(panels)),
    )


def _best_panel(
    run: Run,
    objective: ObjectiveInfo,
    ordered: Sequence[TrialRecord],
    xs: Sequence[float],
    x_label: str,
    first: bool,
) -> Panel:
    values = objective_values(ordered, objective)
    return Panel(
        title=f"Best {objective.name} so far",
        x=Axis(label=x_label),
        y=Axis(label=objective_label(objective)),
        traces=(
            Trace(
                kind="markers",
                name="trial",
                x=list(xs),
                y=values,
                colour="#9e9e9e",
                size=5,
                hover=[hover_text(t, run) for t in ordered],
                show_legend=first,
                gid=f"points-{objective.name}",
            ),
            Trace(
                kind="step",
                name="best so far",
                x=list(xs),
                y=running_best(values, objective.minimize),
                colour="#d62728",
                show_legend=first,
                gid=f"best-{objective.name}",
            ),
        ),
    )


def best_over_trials(run: Run, options: PlotOptions) -> Chart:
    """Best value found so far against the trial index, for each objective."""
    trials = sorted(
        trials_for_plot(run, options, plot="best_over_trials"), key=lambda t: t.index
    )
    panels = tuple(
        _best_panel(
            run, o, trials, [t.index for t in trials], "trial index", first=i == 0
        )
        for i, o in enumerate(run.objectives)
    )
    return Chart(
        title=f"Best value over trials: {run.experiment_name}",
        panels=panels,
        columns=min(2, len(panels)),
    )


def best_over_time(run: Run, options: PlotOptions) -> Chart:
    """Best value found so far against wall-clock time since the run started."""
    trials = [
        t
        for t in trials_for_plot(run, options, plot="best_over_time")
        if t.end_time is not None
    ]
    if len(trials) < 2:
        raise NotEnoughDataError(
            "results.csv has no end_time for the trials",
            "best_over_time needs the trials' end times; use best_over_trials",
        )
    trials.sort(key=lambda t: t.end_time)  # type: ignore[arg-type,return-value]
    span = run.time_span()
    start = (
        span[0]
        if span
        else min(t.submit_time or t.start_time or t.end_time for t in trials)
    )  # type: ignore[type-var]
    minutes = [(t.end_time - start) / 60 for t in trials]  # type: ignore[operator]
    panels = tuple(
        _best_panel(run, o, trials, minutes, "minutes since start", first=i == 0)
        for i, o in enumerate(run.objectives)
    )
    return Chart(
        title=f"Best value over time: {run.experiment_name}",
        panels=panels,
        columns=min(2, len(panels)),
    )
