"""Unit tests of the run folder reader and of the shared plot math."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

import pytest
from handmade import write_omniopt2_run, write_run

from omniopt.plotting.prepare import hypervolume, non_dominated, running_best
from omniopt.run_data import RunDataError, load_run


def test_omniopt_layout(tmp_path: Path) -> None:
    run = load_run(write_run(str(tmp_path / "e" / "0"), failed=(3,), trials=10))
    assert run.layout == "omniopt" and run.experiment_name == "e"
    assert [t.index for t in run.trials] == list(
        range(10)
    )  # sorted although written in finishing order
    assert [p.name for p in run.tunable_parameters()] == ["x", "y", "c"]
    assert run.parameters[1].log_scale and run.parameters[2].values == ("a", "b", "c")
    assert len(run.completed()) == 9 and run.status_counts() == {
        "COMPLETED": 9,
        "FAILED": 1,
    }
    assert run.failure_of(3) is not None and run.failure_of(3).reason == "no_result"  # type: ignore[union-attr]
    assert (
        len(run.worker_usage) == 10
        and len(run.next_trials) == 6
        and len(run.cpu_ram) == 10
    )
    assert run.gpu["node1"][0][1:] == ("Tesla V100", 20.0, 1000.0)


def test_omniopt2_layout_with_result_and_generation_method(tmp_path: Path) -> None:
    run = load_run(write_omniopt2_run(str(tmp_path / "old" / "0")))
    assert run.layout == "omniopt2"
    assert run.objective_names == ["result"] and run.objectives[0].minimize
    lr, optimizer = run.parameters
    assert (lr.name, lr.kind, optimizer.name, optimizer.kind) == (
        "lr",
        "range",
        "optimizer",
        "choice",
    )
    assert {t.generation_node for t in run.trials} == {"Sobol", "BoTorch"}


def test_result_names_files_give_objectives_of_old_runs(tmp_path: Path) -> None:
    folder = tmp_path / "r" / "0"
    folder.mkdir(parents=True)
    (folder / "results.csv").write_text(
        "trial_index,trial_status,generation_node,LOSS,ACC,a\n0,COMPLETED,SOBOL,1,0.5,1\n1,COMPLETED,SOBOL,2,0.7,2\n"
    )
    (folder / "result_names.txt").write_text("LOSS\nACC\n")
    (folder / "result_min_max.txt").write_text("min\nmax\n")
    run = load_run(folder)
    assert [(o.name, o.minimize) for o in run.objectives] == [
        ("LOSS", True),
        ("ACC", False),
    ]
    assert [p.name for p in run.parameters] == ["a"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "trial_index,trial_status,RESULT,x\n0,COMPLETED,abc,1\n",
            "holds 'abc', not a number",
        ),
        (
            "trial_index,trial_status,RESULT,x\nzero,COMPLETED,1,1\n",
            "not a whole number",
        ),
        ("trial_index,trial_status,x\n0,COMPLETED,1\n", "cannot tell the objectives"),
    ],
)
def test_bad_results_csv_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "results.csv").write_text(content)
    with pytest.raises(RunDataError) as caught:
        load_run(tmp_path)
    assert message in caught.value.one_line() and "\n" not in caught.value.one_line()


def test_non_numeric_declared_range_parameter(tmp_path: Path) -> None:
    folder = write_run(str(tmp_path / "e" / "0"), trials=4, extras=False)
    csv = Path(folder) / "results.csv"
    lines = csv.read_text().splitlines()
    lines[1] = (
        lines[1].rsplit(",", 3)[0] + ",wide," + ",".join(lines[1].rsplit(",", 2)[1:])
    )
    csv.write_text("\n".join(lines) + "\n")
    with pytest.raises(RunDataError, match="parameter 'x' holds 'wide'"):
        load_run(folder)


def test_non_dominated_and_running_best() -> None:
    points = [(1, 5), (2, 2), (3, 3), (5, 1), (4, 4)]
    assert non_dominated(points, (True, True)) == [True, True, False, True, False]
    assert non_dominated(points, (False, False)) == [True, False, False, True, True]
    assert running_best([3, 1, 2, 0.5], minimize=True) == [3, 1, 1, 0.5]
    assert running_best([3, 1, 4], minimize=False) == [3, 3, 4]


def _grid_volume(
    points: list[tuple[float, ...]], reference: tuple[float, ...], steps: int = 20
) -> float:
    """Volume by counting cells of a fine grid (integer coordinates make it exact)."""
    cell = 1.0 / steps
    count = 0
    axes = [[i * cell + cell / 2 for i in range(int(r * steps))] for r in reference]
    for corner in itertools.product(*axes):
        if any(all(p <= c for p, c in zip(point, corner)) for point in points):
            count += 1
    return count * cell ** len(reference)


def test_hypervolume_matches_counting() -> None:
    rng = random.Random(3)
    for dimensions in (2, 3):
        points = [
            tuple(float(rng.randint(0, 4)) for _ in range(dimensions)) for _ in range(7)
        ]
        reference = (5.0,) * dimensions
        assert hypervolume(points, reference) == pytest.approx(
            _grid_volume(points, reference, steps=2)
        )
    assert hypervolume([(0.0, 0.0, 0.0)], (1.0, 1.0, 1.0)) == pytest.approx(1.0)
    assert hypervolume([(2.0, 2.0)], (1.0, 1.0)) == 0.0


def test_startup_imports_stay_light() -> None:
    code = (
        "import sys, omniopt.builtin.plots as p, omniopt.plotting.figures, omniopt.run_data;"
        "p.omniopt_plot_types(); p.omniopt_commands();"
        "heavy = [m for m in ('plotly', 'pandas', 'matplotlib', 'numpy', 'scipy', 'sklearn', 'torch') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_a_plugin_adds_a_plot_type(tmp_path: Path) -> None:
    from omniopt import hookimpl
    from omniopt.plotting import figures
    from omniopt.plotting.chart import Axis, Chart, Panel, Trace
    from omniopt.plugins import PluginManager
    from omniopt.types import PlotTypeEntry

    def run_times(run, options):  # type: ignore[no-untyped-def]
        trials = run.completed()
        bars = Trace(
            kind="bars",
            x=[t.index for t in trials],
            y=[t.run_time for t in trials],
            gid="run-times",
        )
        return Chart(
            title="Run time per trial",
            panels=(Panel(x=Axis(label="trial"), y=Axis(label="s"), traces=(bars,)),),
        )

    class Plugin:
        @hookimpl
        def omniopt_plot_types(self) -> list[PlotTypeEntry]:
            return [
                PlotTypeEntry(
                    name="run_times", help="run time per trial", render=run_times
                )
            ]

    manager = PluginManager(autoload=False)
    manager.register(Plugin(), name="test-plugin")
    run = load_run(write_run(str(tmp_path / "e" / "0"), trials=5, extras=False))
    assert "run_times" in figures.available_plot_types(run, manager)
    assert "scatter" in figures.available_plot_types(
        run, manager
    )  # the built-ins come through the same hook
    figure = figures.build(run, "RUN_TIMES", pm=manager)
    assert list(figure.data[0].x) == [0, 1, 2, 3, 4]


def test_a_row_still_being_written_is_left_for_later(tmp_path: Path) -> None:
    folder = write_run(str(tmp_path / "e" / "0"), trials=4, extras=False)
    csv = Path(folder) / "results.csv"
    csv.write_text(csv.read_text() + "4,1760000")  # a live run's torn last line
    assert [t.index for t in load_run(folder).trials] == [0, 1, 2, 3]
