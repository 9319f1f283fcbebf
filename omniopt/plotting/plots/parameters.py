"""Plots of where the run looked: parameter pairs, densities, parallel coordinates."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from omniopt.plotting.chart import Axis, Chart, Dimension, Panel, Trace, colour_of
from omniopt.plotting.prepare import (
    PlotOptions,
    best_trial,
    hover_text,
    objective_label,
    objective_values,
    parameter_axis,
    plot_parameters,
    trials_for_plot,
)
from omniopt.run_data import ParameterInfo, Run, RunDataError, TrialRecord

#: More pairs than this make unreadable thumbnails; --exclude_params chooses.
MAX_PARAMETERS_IN_PAIRS = 8
HEX_GRID = 10


def _pairs(
    run: Run, options: PlotOptions
) -> tuple[list[tuple[ParameterInfo, ParameterInfo]], str]:
    parameters = plot_parameters(run, options)
    if not parameters:
        raise RunDataError(
            "the run has no parameter left to plot", "exclude fewer parameters"
        )
    note = ""
    if len(parameters) > MAX_PARAMETERS_IN_PAIRS:
        note = f"first {MAX_PARAMETERS_IN_PAIRS} of {len(parameters)} parameters; hide others with --exclude_params"
        parameters = parameters[:MAX_PARAMETERS_IN_PAIRS]
    if len(parameters) == 1:
        return [(parameters[0], parameters[0])], note
    return list(itertools.combinations(parameters, 2)), note


def _pair_chart(
    run: Run,
    options: PlotOptions,
    title: str,
    draw: Callable[[list[TrialRecord], ParameterInfo, ParameterInfo, int], Panel],
) -> Chart:
    trials = trials_for_plot(run, options, plot=title)
    pairs, note = _pairs(run, options)
    panels = tuple(
        draw(trials, a, b, position) for position, (a, b) in enumerate(pairs)
    )
    return Chart(
        title=f"{title}: {run.experiment_name}",
        panels=panels,
        columns=min(3, len(panels)),
        note=note,
    )


def _y_of(
    run: Run,
    options: PlotOptions,
    trials: list[TrialRecord],
    a: ParameterInfo,
    b: ParameterInfo,
) -> tuple[list[float], Axis]:
    """The vertical values of a pair; with a single parameter the objective takes b's place."""
    if a is b:
        objective = run.objective(options.objective)
        return objective_values(trials, objective), Axis(
            label=objective_label(objective)
        )
    return parameter_axis(trials, b)


def scatter(run: Run, options: PlotOptions) -> Chart:
    """Every parameter pair, coloured by the objective; the best trial is a star."""
    objective = run.objective(options.objective)

    def draw(
        trials: list[TrialRecord], a: ParameterInfo, b: ParameterInfo, position: int
    ) -> Panel:
        xs, x_axis = parameter_axis(trials, a)
        ys, y_axis = _y_of(run, options, trials, a, b)
        best = trials.index(best_trial(trials, objective))
        values = objective_values(trials, objective)
        return Panel(
            title=f"{y_axis.label} over {a.name}",
            x=x_axis,
            y=y_axis,
            traces=(
                Trace(
                    kind="markers",
                    x=xs,
                    y=ys,
                    values=values,
                    value_label=objective_label(objective),
                    reverse_scale=objective.minimize,
                    hover=[hover_text(t, run) for t in trials],
                    gid=f"points-{a.name}-{b.name}",
                ),
                Trace(
                    kind="markers",
                    name="best",
                    x=[xs[best]],
                    y=[ys[best]],
                    colour="#d62728",
                    symbol="star",
                    size=14,
                    hover=[hover_text(trials[best], run)],
                    show_legend=position == 0,
                    gid=f"best-{a.name}-{b.name}",
                ),
            ),
        )

    return _pair_chart(run, options, "Parameter pairs", draw)


def scatter_generation_method(run: Run, options: PlotOptions) -> Chart:
    """Every parameter pair, coloured by the generator that proposed the point."""
    nodes = list(dict.fromkeys(t.generation_node or "unknown" for t in run.completed()))

    def draw(
        trials: list[TrialRecord], a: ParameterInfo, b: ParameterInfo, position: int
    ) -> Panel:
        xs, x_axis = parameter_axis(trials, a)
        ys, y_axis = _y_of(run, options, trials, a, b)
        traces = []
        for number, node in enumerate(nodes):
            chosen = [
                i
                for i, t in enumerate(trials)
                if (t.generation_node or "unknown") == node
            ]
            if not chosen:
                continue
            traces.append(
                Trace(
                    kind="markers",
                    name=node,
                    x=[xs[i] for i in chosen],
                    y=[ys[i] for i in chosen],
                    colour=colour_of(number),
                    hover=[hover_text(trials[i], run) for i in chosen],
                    show_legend=position == 0,
                    gid=f"points-{node}-{a.name}-{b.name}",
                )
            )
        return Panel(
            title=f"{y_axis.label} over {a.name}",
            x=x_axis,
            y=y_axis,
            traces=tuple(traces),
        )

    return _pair_chart(run, options, "Parameter pairs by generation method", draw)


def scatter_hex(run: Run, options: PlotOptions) -> Chart:
    """Every parameter pair binned into hexagons; colour = mean objective of the bin."""
    objective = run.objective(options.objective)

    def draw(
        trials: list[TrialRecord], a: ParameterInfo, b: ParameterInfo, position: int
    ) -> Panel:
        xs, x_axis = parameter_axis(trials, a)
        ys, y_axis = _y_of(run, options, trials, a, b)
        centres_x, centres_y, means, counts = _hex_bins(
            xs, ys, objective_values(trials, objective), x_axis, y_axis
        )
        return Panel(
            title=f"{y_axis.label} over {a.name}",
            x=x_axis,
            y=y_axis,
            traces=(
                Trace(
                    kind="hexagons",
                    x=centres_x,
                    y=centres_y,
                    values=means,
                    value_label=f"mean {objective_label(objective)}",
                    reverse_scale=objective.minimize,
                    hover=[
                        f"{n} trial(s), mean {m:.6g}" for n, m in zip(counts, means)
                    ],
                    gid=f"hexagons-{a.name}-{b.name}",
                ),
            ),
        )

    return _pair_chart(run, options, "Parameter pairs, binned", draw)


class _Scale:
    """One axis of the hexagon grid: log axes are binned in log space, choice axes keep their positions."""

    def __init__(self, values: Sequence[float], axis: Axis):
        self.log = axis.log and min(values) > 0
        self.categorical = bool(axis.ticks)
        shown = [self.forward(v) for v in values]
        self.low, self.span = min(shown), (max(shown) - min(shown)) or 1.0

    def forward(self, value: float) -> float:
        return math.log10(value) if self.log else value

    def unit(self, value: float) -> float:
        """Position in [0, 1] across the data."""
        return (self.forward(value) - self.low) / self.span

    def back(self, unit: float) -> float:
        shown = self.low + unit * self.span
        return 10**shown if self.log else shown


def _hex_bins(
    xs: Sequence[float],
    ys: Sequence[float],
    values: Sequence[float],
    x_axis: Axis,
    y_axis: Axis,
) -> tuple[list[float], list[float], list[float], list[int]]:
    """Mean value per hexagon of a pointy-top grid over the data (a plain grid along choice axes)."""
    x_scale, y_scale = _Scale(xs, x_axis), _Scale(ys, y_axis)
    hexagonal = not (x_scale.categorical or y_scale.categorical)
    step = 1.0 / HEX_GRID
    row_height = step * math.sqrt(3) / 2 if hexagonal else step
    bins: dict[tuple[float, float], list[float]] = {}
    for x, y, value in zip(xs, ys, values):
        u, v = x_scale.unit(x), y_scale.unit(y)
        if hexagonal:
            centre = _nearest_hexagon(u, v, step, row_height)
        else:
            centre = (
                u
                if x_scale.categorical
                else (math.floor(u / step - 1e-9) + 0.5) * step,
                v
                if y_scale.categorical
                else (math.floor(v / step - 1e-9) + 0.5) * step,
            )
        bins.setdefault((round(centre[0], 9), round(centre[1], 9)), []).append(value)
    centres_x, centres_y, means, counts = [], [], [], []
    for (u, v), members in sorted(bins.items()):
        centres_x.append(x_scale.back(u))
        centres_y.append(y_scale.back(v))
        means.append(sum(members) / len(members))
        counts.append(len(members))
    return centres_x, centres_y, means, counts


def _nearest_hexagon(
    u: float, v: float, step: float, row_height: float
) -> tuple[float, float]:
    """Centre of the hexagon holding (u, v); odd rows are shifted by half a step."""
    best, best_distance = (0.0, 0.0), math.inf
    # The nearest centre lies in one of the two rows around v: compare both.
    base_row = math.floor(v / row_height)
    for row in (base_row, base_row + 1):
        offset = step / 2 if row % 2 else 0.0
        centre = (round((u - offset) / step) * step + offset, row * row_height)
        distance = (u - centre[0]) ** 2 + (v - centre[1]) ** 2
        if distance < best_distance:
            best, best_distance = centre, distance
    return best


def kde(run: Run, options: PlotOptions) -> Chart:
    """Density of each parameter's tried values: all trials against the best quarter."""
    objective = run.objective(options.objective)
    trials = trials_for_plot(run, options, plot="kde")
    parameters = plot_parameters(run, options)
    if not parameters:
        raise RunDataError(
            "the run has no parameter left to plot", "exclude fewer parameters"
        )
    ranked = sorted(
        trials, key=lambda t: t.results[objective.name], reverse=not objective.minimize
    )  # type: ignore[arg-type,return-value]
    best = ranked[: max(2, len(ranked) // 4)]
    panels = []
    for parameter in parameters:
        xs_all, axis = parameter_axis(trials, parameter)
        lookup = {t.index: x for t, x in zip(trials, xs_all)}
        xs_best = [lookup[t.index] for t in best]
        traces = []
        for number, (label, xs) in enumerate(
            (("all trials", xs_all), (f"best {len(best)}", xs_best))
        ):
            grid, density = _density(
                xs, categorical=not parameter.is_numeric, categories=len(axis.ticks)
            )
            traces.append(
                Trace(
                    kind="lines" if not parameter.is_numeric else "curve",
                    name=label,
                    x=grid,
                    y=density,
                    colour=colour_of(number),
                    show_legend=not panels,
                    gid=f"density-{parameter.name}-{number}",
                )
            )
        panels.append(
            Panel(
                title=parameter.name,
                x=axis,
                y=Axis(label="density"),
                traces=tuple(traces),
            )
        )
    return Chart(
        title=f"Parameter densities: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(3, len(panels)),
        note=f"best = the {len(best)} trials with the best {objective.name}",
    )


def _density(
    xs: Sequence[float], *, categorical: bool, categories: int
) -> tuple[list[float], list[float]]:
    """Share per category, or a Gaussian kernel density (a flat spike when all values are equal)."""
    if categorical:
        positions = list(range(categories))
        return [float(p) for p in positions], [
            sum(1 for x in xs if x == p) / len(xs) for p in positions
        ]
    low, high = min(xs), max(xs)
    if high == low:
        return [low - 0.5, low, low + 0.5], [0.0, 1.0, 0.0]
    import numpy as np
    from scipy.stats import gaussian_kde

    grid = np.linspace(low, high, 80)
    try:
        density = gaussian_kde(np.asarray(xs, dtype=float))(grid)
    except np.linalg.LinAlgError:
        density = np.zeros_like(grid)
    return grid.tolist(), density.tolist()


def parallel_coordinates(run: Run, options: PlotOptions) -> Chart:
    """One line per trial across every parameter and objective."""
    objective = run.objective(options.objective)
    trials = trials_for_plot(run, options, plot="parallel_coordinates")
    dimensions = []
    for parameter in plot_parameters(run, options):
        values, axis = parameter_axis(trials, parameter)
        dimensions.append(
            Dimension(label=parameter.name, values=values, ticks=axis.ticks)
        )
    for other in run.objectives:
        dimensions.append(
            Dimension(label=other.name, values=objective_values(trials, other))
        )
    return Chart(
        title=f"Parallel coordinates: {run.experiment_name}",
        panels=(
            Panel(
                traces=(
                    Trace(
                        kind="parallel",
                        dimensions=tuple(dimensions),
                        values=objective_values(trials, objective),
                        value_label=objective_label(objective),
                        reverse_scale=objective.minimize,
                        gid="parallel-lines",
                    ),
                ),
            ),
        ),
        note="drag along an axis to filter (interactive view)",
    )
