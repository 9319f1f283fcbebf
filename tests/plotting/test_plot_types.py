"""Every plot type renders for real and hand-made runs: plotly figure, SVG (checked), PNG, HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from svg_check import check_svg

from omniopt.plotting import figures
from omniopt.plotting.prepare import PlotOptions
from omniopt.run_data import load_run

PLOTTED_RUNS = ("single", "three", "omniopt2", "with_usage_logs")

#: What each fixture must allow at least (the data is there, so the plot must be offered).
MUST_ALLOW = {
    "single": {
        "scatter", "scatter_hex", "scatter_generation_method", "general", "kde", "trial_index_result",
        "best_over_trials", "best_over_time", "parallel_coordinates", "parameter_importance", "slice",
        "contour", "time_and_exit_code", "worker", "get_next_trials",
    },
    "three": {"pareto_front", "hypervolume", "scatter", "general", "parallel_coordinates", "slice", "contour"},
    "omniopt2": {"scatter", "scatter_generation_method", "general", "kde", "trial_index_result", "slice"},
    "with_usage_logs": {"cpu_ram_usage", "gpu_usage", "worker", "get_next_trials", "time_and_exit_code"},
}  # fmt: skip


def test_every_builtin_plot_type_is_offered_somewhere(
    all_runs: dict[str, Path],
) -> None:
    offered = set()
    for name in PLOTTED_RUNS:
        offered |= set(figures.available_plot_types(all_runs[name]))
    assert offered == set(figures.plot_types())


@pytest.mark.parametrize("run_name", PLOTTED_RUNS)
def test_fixture_allows_its_plots(all_runs: dict[str, Path], run_name: str) -> None:
    allowed = set(figures.available_plot_types(all_runs[run_name]))
    assert MUST_ALLOW[run_name] <= allowed, MUST_ALLOW[run_name] - allowed
    if run_name in ("single", "omniopt2"):
        assert "pareto_front" not in allowed and "hypervolume" not in allowed


#: Where each plot type's SVG is checked: the real three-objective run (choice
#: parameter, model plots, Pareto), and hand-made logs for what a local run lacks.
SVG_RUNS = ("three", "with_usage_logs")


@pytest.mark.parametrize("run_name", PLOTTED_RUNS)
def test_every_allowed_plot_renders(all_runs: dict[str, Path], run_name: str) -> None:
    run = load_run(all_runs[run_name])
    for plot_type in figures.available_plot_types(run):
        figure = figures.figure_of(figures.chart(run, plot_type))
        assert len(figure.data) >= 1, plot_type
        assert figure.to_plotly_json()["layout"]["title"]["text"], plot_type


def test_every_plot_type_writes_a_checked_svg(
    all_runs: dict[str, Path], tmp_path: Path
) -> None:
    checked = set()
    for run_name in SVG_RUNS:
        run = load_run(all_runs[run_name])
        for plot_type in figures.available_plot_types(run):
            if plot_type in checked:
                continue
            chart = figures.chart(run, plot_type)
            svg = figures.save_chart(chart, tmp_path / f"{plot_type}.svg")
            check_svg(svg, chart)
            checked.add(plot_type)
    assert checked == set(figures.plot_types())


def test_scatter_shows_every_completed_trial(
    real_runs: dict[str, Path], tmp_path: Path
) -> None:
    run = load_run(real_runs["single"])
    completed = run.completed()
    assert 0 < len(completed) < len(run.trials), (
        "the fixture must have completed and failed trials"
    )
    chart = figures.chart(run, "scatter")
    pair = chart.panels[0].traces[0]
    assert len(pair.x) == len(completed)
    labels = {axis.label for panel in chart.panels for axis in (panel.x, panel.y)}
    assert {"x", "y", "c"} <= labels
    choice_axis = next(p.y for p in chart.panels if p.y.label == "c")
    assert {text for _, text in choice_axis.ticks} <= {"red", "green", "blue"}


def test_pareto_marks_non_dominated_points(real_runs: dict[str, Path]) -> None:
    run = load_run(real_runs["three"])
    chart = figures.chart(run, "pareto_front")
    assert len(chart.panels) == 3  # three pairs of three objectives
    for panel in chart.panels:
        dominated, front = panel.traces
        assert len(dominated.x) + len(front.x) == len(run.completed())
        assert front.x, panel.title
        y_name, x_name = panel.title.split(" over ")
        sign_x = 1 if run.objective(x_name).minimize else -1
        sign_y = 1 if run.objective(y_name).minimize else -1
        points = list(zip(dominated.x, dominated.y)) + list(zip(front.x, front.y))
        for fx, fy in zip(front.x, front.y):
            for px, py in points:
                better_or_equal = (
                    sign_x * px <= sign_x * fx and sign_y * py <= sign_y * fy
                )
                assert not (better_or_equal and (px, py) != (fx, fy)), (
                    f"{panel.title}: ({fx}, {fy}) is dominated"
                )
        for dx, dy in zip(dominated.x, dominated.y):
            assert any(
                sign_x * px <= sign_x * dx
                and sign_y * py <= sign_y * dy
                and (px, py) != (dx, dy)
                for px, py in points
            ), f"{panel.title}: ({dx}, {dy}) is marked dominated but nothing beats it"


def test_png_and_html_files(real_runs: dict[str, Path], tmp_path: Path) -> None:
    run = load_run(real_runs["three"])
    png = figures.save(run, "pareto_front", tmp_path / "p.png")
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = Path(figures.save(run, "hypervolume", tmp_path / "h.html")).read_text()
    assert "Plotly.newPlot" in html
    assert (
        'src="http' not in html and "src='http" not in html
    )  # plotly.js is inlined, not fetched


def test_min_max_and_exclude_params_filter(real_runs: dict[str, Path]) -> None:
    run = load_run(real_runs["single"])
    values = sorted(t.results["RESULT"] for t in run.completed())
    middle = values[len(values) // 2]
    chart = figures.chart(
        run, "scatter", PlotOptions(max_result=middle, exclude_params=("y",))
    )
    assert len(chart.panels) == 1  # only the pair (x, c) is left
    assert len(chart.panels[0].traces[0].x) == sum(1 for v in values if v <= middle)


def test_plotly_js_is_local() -> None:
    path = Path(figures.plotly_js_path())
    assert path.is_file() and path.stat().st_size > 1_000_000
