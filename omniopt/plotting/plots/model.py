"""Plots from a model fitted to the run's results: parameter importance, slices, contours.

The models are light and fitted right here (scikit-learn): a random forest for
importance (robust to any mix of parameter kinds), a Gaussian process for
slices and contours (smooth, with uncertainty). Inputs are scaled to [0, 1]
(log parameters in log space) and choices one-hot encoded.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from omniopt.plotting.chart import WHITE, Axis, Chart, Panel, Trace
from omniopt.plotting.prepare import (
    NotEnoughDataError,
    PlotOptions,
    best_trial,
    hover_text,
    objective_label,
    objective_values,
    parameter_axis,
    plot_parameters,
    trials_for_plot,
)
from omniopt.run_data import ObjectiveInfo, ParameterInfo, Run, TrialRecord

MIN_TRIALS = 3
#: A Gaussian process costs n^3 per step of its fit: beyond this many trials it sees a sample.
MAX_GP_TRIALS = 120
SLICE_POINTS = 60
CONTOUR_POINTS = 25
MAX_CONTOUR_PARAMETERS = 4


class Encoder:
    """Maps parameter dicts to model inputs in [0, 1]."""

    def __init__(
        self, parameters: Sequence[ParameterInfo], trials: Sequence[TrialRecord]
    ):
        self.parameters = list(parameters)
        self.bounds: dict[str, tuple[float, float]] = {}
        self.categories: dict[str, list[str]] = {}
        for parameter in self.parameters:
            if parameter.is_numeric:
                seen = [float(t.params[parameter.name]) for t in trials]
                low = parameter.low if parameter.low is not None else min(seen)
                high = parameter.high if parameter.high is not None else max(seen)
                self.bounds[parameter.name] = (
                    min(low, min(seen)),
                    max(high, max(seen)),
                )
            else:
                _, axis = parameter_axis(trials, parameter)
                self.categories[parameter.name] = [label for _, label in axis.ticks]
        #: Which model input columns belong to which parameter (importance sums them).
        self.owners: list[str] = []
        for parameter in self.parameters:
            width = 1 if parameter.is_numeric else len(self.categories[parameter.name])
            self.owners += [parameter.name] * width

    def _scale(self, parameter: ParameterInfo, value: float) -> float:
        low, high = self.bounds[parameter.name]
        if parameter.log_scale and low > 0:
            low, high, value = (
                math.log(low),
                math.log(high),
                math.log(max(value, 1e-300)),
            )
        return (value - low) / ((high - low) or 1.0)

    def row(self, params: Mapping[str, Any]) -> list[float]:
        encoded: list[float] = []
        for parameter in self.parameters:
            if parameter.is_numeric:
                encoded.append(self._scale(parameter, float(params[parameter.name])))
            else:
                encoded += [
                    1.0 if str(params[parameter.name]) == c else 0.0
                    for c in self.categories[parameter.name]
                ]
        return encoded

    def grid(self, parameter: ParameterInfo, points: int) -> list[float]:
        """Evenly spaced values over the parameter's range (log-spaced for log parameters)."""
        import numpy as np

        low, high = self.bounds[parameter.name]
        if parameter.log_scale and low > 0:
            return np.geomspace(low, high, points).tolist()
        return np.linspace(low, high, points).tolist()


def _training_data(
    run: Run, options: PlotOptions, plot: str, numeric_only: bool = False
) -> tuple[list[TrialRecord], list[ParameterInfo], Encoder]:
    trials = trials_for_plot(run, options, at_least=MIN_TRIALS, plot=plot)
    parameters = plot_parameters(run, options)
    if numeric_only and not any(p.is_numeric for p in parameters):
        raise NotEnoughDataError(
            f"{plot} needs a numeric (range) parameter; this run has none left",
            "use parameter_importance",
        )
    if not parameters:
        raise NotEnoughDataError(
            "the run has no parameter left to model", "exclude fewer parameters"
        )
    return trials, parameters, Encoder(parameters, trials)


def _fit_gp(inputs: Any, targets: Sequence[float]) -> Any:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = ConstantKernel(1.0) * Matern(
        length_scale=np.ones(inputs.shape[1]), length_scale_bounds=(1e-2, 1e2), nu=2.5
    ) + WhiteKernel(1e-3, noise_level_bounds=(1e-8, 1.0))
    model = GaussianProcessRegressor(
        kernel=kernel, normalize_y=True, n_restarts_optimizer=0, random_state=0
    )
    with warnings.catch_warnings():
        # Few points make the optimiser hit bounds; the fit is still the best one found.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(inputs, np.asarray(targets, dtype=float))
    return model


@dataclasses.dataclass(frozen=True, slots=True)
class FittedRun:
    """A Gaussian process fitted to one objective, with what the plots around it need."""

    objective: ObjectiveInfo
    trials: list[TrialRecord]
    parameters: list[ParameterInfo]
    encoder: Encoder
    targets: list[float]
    model: Any
    best: TrialRecord
    fitted_on: list[TrialRecord]

    def predict(
        self, points: Sequence[Mapping[str, Any]], with_std: bool = False
    ) -> Any:
        """Model mean (and standard deviation) at parameter dicts."""
        import numpy as np

        rows = np.asarray([self.encoder.row(point) for point in points])
        return self.model.predict(rows, return_std=with_std)

    def note(self) -> str:
        return f"Gaussian process fitted on {len(self.fitted_on)} trials; other parameters at trial {self.best.index} (best)"


def _fit(
    run: Run, options: PlotOptions, plot: str, numeric_only: bool = False
) -> FittedRun:
    import numpy as np

    objective = run.objective(options.objective)
    trials, parameters, encoder = _training_data(run, options, plot, numeric_only)
    best = best_trial(trials, objective)
    sample = _sample(trials, best)
    model = _fit_gp(
        np.asarray([encoder.row(t.params) for t in sample]),
        objective_values(sample, objective),
    )
    return FittedRun(
        objective,
        trials,
        parameters,
        encoder,
        objective_values(trials, objective),
        model,
        best,
        sample,
    )


def _sample(trials: list[TrialRecord], best: TrialRecord) -> list[TrialRecord]:
    """At most MAX_GP_TRIALS trials, always with the best one; the same sample every time."""
    import random

    if len(trials) <= MAX_GP_TRIALS:
        return trials
    others = [t for t in trials if t is not best]
    return [best] + random.Random(0).sample(others, MAX_GP_TRIALS - 1)


def parameter_importance(run: Run, options: PlotOptions) -> Chart:
    """How much each parameter explains each objective (random forest, impurity decrease)."""
    import numpy as np
    from sklearn.ensemble import RandomForestRegressor

    trials, parameters, encoder = _training_data(run, options, "parameter_importance")
    inputs = np.asarray([encoder.row(t.params) for t in trials])
    panels = []
    for objective in run.objectives:
        forest = RandomForestRegressor(n_estimators=100, random_state=0)
        forest.fit(inputs, objective_values(trials, objective))
        totals = dict.fromkeys((p.name for p in parameters), 0.0)
        for owner, share in zip(encoder.owners, forest.feature_importances_):
            totals[owner] += float(share)
        ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)
        panels.append(
            Panel(
                title=f"Importance for {objective.name}",
                x=Axis(label="parameter"),
                y=Axis(label="share of explained variation"),
                traces=(
                    Trace(
                        kind="bars",
                        x=[n for n, _ in ranked],
                        y=[v for _, v in ranked],
                        gid=f"importance-{objective.name}",
                    ),
                ),
            )
        )
    return Chart(
        title=f"Parameter importance: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(2, len(panels)),
        note=f"random forest fitted on {len(trials)} completed trials",
    )


def slice_plot(run: Run, options: PlotOptions) -> Chart:
    """The fitted model along each parameter, the others held at the best trial's values."""
    fitted = _fit(run, options, "slice")
    objective, trials = fitted.objective, fitted.trials
    panels = []
    for parameter in fitted.parameters:
        observed_x, axis = parameter_axis(trials, parameter)
        if parameter.is_numeric:
            values: list[Any] = fitted.encoder.grid(parameter, SLICE_POINTS)
            positions = values
        else:
            values = fitted.encoder.categories[parameter.name]
            positions = [float(i) for i in range(len(values))]
        mean, std = fitted.predict(
            [{**fitted.best.params, parameter.name: v} for v in values], with_std=True
        )
        panels.append(
            Panel(
                title=f"{objective.name} along {parameter.name}",
                x=axis,
                y=Axis(label=objective_label(objective)),
                traces=(
                    Trace(
                        kind="band",
                        name="±2 std",
                        x=positions,
                        y=(mean - 2 * std).tolist(),
                        y2=(mean + 2 * std).tolist(),
                        show_legend=not panels,
                    ),
                    Trace(
                        kind="curve" if parameter.is_numeric else "lines",
                        name="model",
                        x=positions,
                        y=mean.tolist(),
                        colour="#1f77b4",
                        show_legend=not panels,
                        gid=f"model-{parameter.name}",
                    ),
                    Trace(
                        kind="markers",
                        name="trials",
                        x=observed_x,
                        y=fitted.targets,
                        colour="#555555",
                        size=5,
                        hover=[hover_text(t, run) for t in trials],
                        show_legend=not panels,
                        gid=f"points-{parameter.name}",
                    ),
                ),
            )
        )
    return Chart(
        title=f"Model slices: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(3, len(panels)),
        note=fitted.note(),
    )


def contour(run: Run, options: PlotOptions) -> Chart:
    """The fitted model over pairs of numeric parameters, the others at the best trial's values."""
    fitted = _fit(run, options, "contour", numeric_only=True)
    objective, trials = fitted.objective, fitted.trials
    numeric = [p for p in fitted.parameters if p.is_numeric]
    if len(numeric) < 2:
        raise NotEnoughDataError(
            "contour needs two numeric (range) parameters", "use slice for a single one"
        )
    panels = []
    for a, b in itertools.combinations(numeric[:MAX_CONTOUR_PARAMETERS], 2):
        xs, ys = (
            fitted.encoder.grid(a, CONTOUR_POINTS),
            fitted.encoder.grid(b, CONTOUR_POINTS),
        )
        mean = fitted.predict(
            [{**fitted.best.params, a.name: x, b.name: y} for y in ys for x in xs]
        )
        panels.append(
            Panel(
                title=f"{objective.name} over {a.name} and {b.name}",
                x=Axis(label=a.name, log=a.log_scale),
                y=Axis(label=b.name, log=b.log_scale),
                traces=(
                    Trace(
                        kind="contour",
                        x=xs,
                        y=ys,
                        z=mean.reshape(len(ys), len(xs)).tolist(),
                        value_label=f"predicted {objective_label(objective)}",
                        reverse_scale=objective.minimize,
                        gid=f"contour-{a.name}-{b.name}",
                    ),
                    Trace(
                        kind="markers",
                        name="trials",
                        x=[float(t.params[a.name]) for t in trials],
                        y=[float(t.params[b.name]) for t in trials],
                        colour=WHITE,
                        size=6,
                        symbol="diamond",
                        hover=[hover_text(t, run) for t in trials],
                        show_legend=not panels,
                        gid=f"points-{a.name}-{b.name}",
                    ),
                ),
            )
        )
    note = fitted.note()
    if len(numeric) > MAX_CONTOUR_PARAMETERS:
        note += f"; first {MAX_CONTOUR_PARAMETERS} numeric parameters (hide others with --exclude_params)"
    return Chart(
        title=f"Model contours: {run.experiment_name}",
        panels=tuple(panels),
        columns=min(3, len(panels)),
        note=note,
    )
