"""The run page's plots, drawn by the core's plotting code (``omniopt.plotting``).

The server writes no plotting code of its own: it asks which plot types the
run's files allow and builds the plotly figures the same way ``omniopt plot``
and ``omniopt report`` do. Plots that need more data than the run has yet are
left out; a plot that fails is named with its error instead of breaking the page.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The run page's plots, in page order. Model-fitting plots are left to ``omniopt plot``:
#: they take seconds per build, too slow for a page that follows a live run.
PAGE_PLOT_TYPES = (
    "best_over_trials",
    "pareto_front",
    "scatter",
    "parallel_coordinates",
    "time_and_exit_code",
    "worker",
    "general",
    "get_next_trials",
    "cpu_ram_usage",
    "gpu_usage",
)


def run_figures(folder: Path) -> list[dict[str, Any]]:
    """``[{"name", "help", "figure" (plotly JSON text) | "error"}]`` for each plot the run allows."""
    from omniopt.errors import OmniOptError
    from omniopt.plotting import figures
    from omniopt.run_data import load_run

    try:
        run = load_run(folder)
    except OmniOptError:
        return []  # no finished trial yet (a live run that just started): the page says so
    allowed = set(figures.available_plot_types(run))
    helps = figures.plot_type_help()
    found = []
    for name in PAGE_PLOT_TYPES:
        if name not in allowed:
            continue
        try:
            figure = figures.build(run, name)
        except OmniOptError:
            continue  # too little data for this plot yet
        except Exception as exc:  # one broken plot must not break the page
            log.warning("plot %s failed for %s: %s", name, folder, exc)
            found.append({"name": name, "help": helps.get(name, name), "error": f"this plot failed: {exc}"})
            continue
        figure.update_layout(autosize=True, width=None)
        found.append({"name": name, "help": helps.get(name, name), "figure": figure.to_json()})
    return found


def plotly_js_path() -> Path:
    """plotly.min.js of the installed plotly package (the page never loads it from the internet)."""
    from omniopt.plotting import figures

    return Path(figures.plotly_js_path())
