"""Built-in plugin: the plot types and the ``plot`` and ``report`` commands.

Registered through the same hooks as an installed plugin. Only light modules
are imported here; each plot's code is imported when it is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from omniopt.hookspecs import hookimpl
from omniopt.plotting import applies
from omniopt.types import CommandEntry, PlotTypeEntry

_PLOTS = "omniopt.plotting.plots."

#: name, help, "module:function" under omniopt.plotting.plots, applicability check.
BUILTIN_PLOT_TYPES: tuple[tuple[str, str, str, Callable[[Any], bool]], ...] = (
    (
        "scatter",
        "every parameter pair, coloured by the result; best trial as a star",
        "parameters:scatter",
        applies.has_parameters_and_results,
    ),
    (
        "scatter_hex",
        "every parameter pair binned into hexagons, coloured by the mean result",
        "parameters:scatter_hex",
        applies.has_parameters_and_results,
    ),
    (
        "scatter_generation_method",
        "every parameter pair, coloured by the generator that chose the point",
        "parameters:scatter_generation_method",
        applies.has_parameters_and_results,
    ),
    (
        "general",
        "distribution of each result, result per generator, run times, statuses",
        "results:general",
        applies.has_results,
    ),
    (
        "kde",
        "density of each parameter's values: all trials against the best quarter",
        "parameters:kde",
        applies.has_parameters_and_results,
    ),
    (
        "trial_index_result",
        "each result against the trial index",
        "results:trial_index_result",
        applies.has_results,
    ),
    (
        "best_over_trials",
        "best result so far against the trial index",
        "results:best_over_trials",
        applies.has_results,
    ),
    (
        "best_over_time",
        "best result so far against wall-clock time",
        "results:best_over_time",
        applies.has_end_times,
    ),
    (
        "parallel_coordinates",
        "one line per trial across parameters and results",
        "parameters:parallel_coordinates",
        applies.has_parameters_and_results,
    ),
    (
        "pareto_front",
        "Pareto front for every pair of objectives, non-dominated trials marked",
        "multi_objective:pareto_front",
        applies.has_several_objectives,
    ),
    (
        "hypervolume",
        "dominated hypervolume over trials (several objectives)",
        "multi_objective:hypervolume_over_trials",
        applies.has_several_objectives,
    ),
    (
        "parameter_importance",
        "how much each parameter explains each result (random forest)",
        "model:parameter_importance",
        applies.can_fit_model,
    ),
    (
        "slice",
        "fitted model along each parameter, the others at the best trial",
        "model:slice_plot",
        applies.can_fit_model,
    ),
    (
        "contour",
        "fitted model over pairs of numeric parameters",
        "model:contour",
        applies.can_fit_contour,
    ),
    (
        "time_and_exit_code",
        "run times and exit codes of the trials",
        "resources:time_and_exit_code",
        applies.has_run_times,
    ),
    (
        "worker",
        "running workers against allowed workers over time",
        "resources:worker",
        applies.has_worker_usage,
    ),
    (
        "get_next_trials",
        "points requested from and returned by the generator over time",
        "resources:get_next_trials",
        applies.has_next_trials,
    ),
    (
        "cpu_ram_usage",
        "CPU and RAM use of the main process over time",
        "resources:cpu_ram_usage",
        applies.has_cpu_ram,
    ),
    (
        "gpu_usage",
        "GPU utilisation and memory per host over time",
        "resources:gpu_usage",
        applies.has_gpu,
    ),
)


def _lazy(target: str) -> Callable[..., Any]:
    """A render function that imports its module only when called."""
    module_name, function_name = target.split(":")

    def render(run: Any, options: Any) -> Any:
        module = importlib.import_module(_PLOTS + module_name)
        return getattr(module, function_name)(run, options)

    render.__name__ = function_name
    return render


@hookimpl
def omniopt_plot_types() -> list[PlotTypeEntry]:
    return [
        PlotTypeEntry(name=name, help=help_text, render=_lazy(target), applies=check)
        for name, help_text, target, check in BUILTIN_PLOT_TYPES
    ]


def _command(function_name: str) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        from omniopt.plotting import commands

        return int(getattr(commands, function_name)(argv))

    return run


@hookimpl
def omniopt_commands() -> list[CommandEntry]:
    return [
        CommandEntry(
            name="plot",
            help="plot a run folder: omniopt plot RUN_DIR --plot_type TYPE [--save_to_file F.svg|F.png|F.html]",
            run=_command("plot_main"),
        ),
        CommandEntry(
            name="report",
            help="write one self-contained HTML report of a run: omniopt report RUN_DIR [-o report.html]",
            run=_command("report_main"),
        ),
    ]
