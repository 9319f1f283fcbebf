"""Measure the plotting code on synthetic run folders of growing size.

    python benchmarks/plots/bench_plots.py [--trials 50 200 1000] [--objectives 1 3]

Prints one line per (size, plot type): chart (data preparation and model
fits), plotly figure, SVG via matplotlib; then the full report per size.
Numbers are CPU seconds of this process (``time.process_time``), so a busy
machine inflates them less than wall time. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(
    0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "plotting")
)

from handmade import write_run

from omniopt.plotting import figures
from omniopt.plotting.report import write_report
from omniopt.run_data import load_run

OBJECTIVES = {1: (("RESULT", "min"),), 3: (("A", "min"), ("B", "max"), ("C", "min"))}


def measure(function, *arguments):  # type: ignore[no-untyped-def]
    start = time.process_time()
    result = function(*arguments)
    return result, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument(
        "--objectives", type=int, nargs="+", default=[1, 3], choices=sorted(OBJECTIVES)
    )
    parser.add_argument(
        "--no-svg", action="store_true", help="skip the matplotlib SVG column"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for count in arguments.objectives:
            for trials in arguments.trials:
                folder = write_run(
                    os.path.join(scratch, f"o{count}_{trials}", "0"),
                    trials=trials,
                    objectives=OBJECTIVES[count],
                    failed=(1, 5),
                )
                run, load = measure(load_run, folder)
                print(
                    f"\n== {count} objective(s), {trials} trials: load_run {load:.3f} s"
                )
                print(f"{'plot type':28s} {'chart':>7s} {'plotly':>7s} {'svg':>7s}")
                for plot_type in figures.available_plot_types(run):
                    chart, prepare = measure(figures.chart, run, plot_type)
                    _, plotly_time = measure(figures.figure_of, chart)
                    svg_time = float("nan")
                    if not arguments.no_svg:
                        _, svg_time = measure(
                            figures.save_chart,
                            chart,
                            os.path.join(scratch, f"{plot_type}.svg"),
                        )
                    print(
                        f"{plot_type:28s} {prepare:7.2f} {plotly_time:7.2f} {svg_time:7.2f}"
                    )
                target = os.path.join(scratch, "report.html")
                _, report_time = measure(write_report, run, target)
                print(
                    f"report: {report_time:.2f} s, {os.path.getsize(target) / 1e6:.1f} MB"
                )


if __name__ == "__main__":
    main()
