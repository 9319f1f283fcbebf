"""The public entry points: which plots a run allows, build one, save one.

See the package docstring (``omniopt.plotting``) for the stable API.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from omniopt.errors import UsageError
from omniopt.plotting.chart import Chart
from omniopt.plotting.prepare import PlotOptions
from omniopt.run_data import Run, load_run
from omniopt.types import PlotTypeEntry

SAVE_FORMATS = (".svg", ".png", ".html")


@functools.lru_cache(maxsize=1)
def _default_manager() -> Any:
    from omniopt.plugins import PluginManager

    return PluginManager()


def plot_types(pm: Any = None) -> dict[str, PlotTypeEntry]:
    """Every plot type of the installed plugins, by name, in registration order."""
    entries = (pm or _default_manager()).plot_types()
    return {entry.name: entry for entry in entries.values()}


def plot_type_help(pm: Any = None) -> dict[str, str]:
    """One line of help per plot type."""
    return {name: entry.help for name, entry in plot_types(pm).items()}


def _as_run(run: Run | str | os.PathLike[str]) -> Run:
    return run if isinstance(run, Run) else load_run(run)


def available_plot_types(
    run: Run | str | os.PathLike[str], pm: Any = None
) -> list[str]:
    """Names of the plot types this run's files allow."""
    loaded = _as_run(run)
    return [name for name, entry in plot_types(pm).items() if _applies(entry, loaded)]


def _applies(entry: PlotTypeEntry, run: Run) -> bool:
    try:
        return bool(entry.applies(run))
    except Exception:  # noqa: BLE001  (a plugin's broken check must not hide the other plots)
        return False


def entry(plot_type: str, pm: Any = None) -> PlotTypeEntry:
    """The plot type of that name (any case); an error listing the known ones."""
    known = plot_types(pm)
    for name, found in known.items():
        if name.casefold() == plot_type.casefold():
            return found
    raise UsageError(
        f"unknown plot type {plot_type!r}", f"known plot types: {', '.join(known)}"
    )


def chart(
    run: Run | str | os.PathLike[str],
    plot_type: str,
    options: PlotOptions | None = None,
    pm: Any = None,
) -> Chart:
    """The neutral chart of one plot type (raises OmniOptError when the data does not allow it)."""
    return entry(plot_type, pm).render(_as_run(run), options or PlotOptions())


def build(
    run: Run | str | os.PathLike[str],
    plot_type: str,
    options: PlotOptions | None = None,
    pm: Any = None,
) -> Any:
    """A plotly Figure of one plot type."""
    return figure_of(chart(run, plot_type, options, pm))


def figure_of(drawn: Chart) -> Any:
    """The plotly Figure of a chart (a plugin may hand back a plotly figure of its own)."""
    if not isinstance(drawn, Chart) and hasattr(drawn, "to_plotly_json"):
        return drawn
    from omniopt.plotting.to_plotly import to_plotly

    return to_plotly(drawn)


def save(
    run: Run | str | os.PathLike[str],
    plot_type: str,
    path: str | os.PathLike[str],
    options: PlotOptions | None = None,
    pm: Any = None,
) -> str:
    """Write one plot to ``path`` (.svg/.png with matplotlib, .html with plotly inlined); returns the path."""
    _check_target(path)
    return save_chart(chart(run, plot_type, options, pm), path)


def _check_target(path: str | os.PathLike[str]) -> str:
    target = os.fspath(path)
    extension = os.path.splitext(target)[1].lower()
    if extension not in SAVE_FORMATS:
        raise UsageError(
            f"cannot save a plot as {extension or 'a file without extension'!r}",
            f"end --save_to_file with one of {', '.join(SAVE_FORMATS)}",
        )
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise UsageError(
            f"folder {folder} does not exist", "create it first or save elsewhere"
        )
    return extension


def save_chart(drawn: Chart, path: str | os.PathLike[str]) -> str:
    """Write a chart already computed (.svg/.png/.html); returns the path."""
    extension = _check_target(path)
    target = os.fspath(path)
    if extension == ".html":
        figure_of(drawn).write_html(
            target, include_plotlyjs=True, full_html=True, config={"displaylogo": False}
        )
        return target
    if not isinstance(drawn, Chart):
        raise UsageError(
            "this plot type draws only interactive HTML", "save it as .html"
        )
    from omniopt.plotting.to_matplotlib import save as save_static

    save_static(drawn, target)
    return target


def plotly_js_path() -> str:
    """Path of the plotly.min.js that ships with the installed plotly package (serve it locally)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the plotly package is not installed", "pip install plotly")
    path = os.path.join(
        next(iter(spec.submodule_search_locations)), "package_data", "plotly.min.js"
    )
    if not os.path.isfile(path):
        raise UsageError(f"plotly.min.js not found at {path}", "reinstall plotly")
    return path
