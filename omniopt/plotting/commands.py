"""The ``omniopt plot`` and ``omniopt report`` sub-commands (argument parsing and output).

``main`` functions take the arguments after the sub-command and return an exit
code. User errors are raised as :class:`omniopt.errors.OmniOptError` (bad
arguments too); ``omniopt.cli`` prints them as one line with their exit code.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from omniopt.errors import UsageError


class _Parser(argparse.ArgumentParser):
    """argparse that raises a UsageError (one line, exit code 2) instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", f"see {self.prog} --help")


def _run_folder_parser(prog: str, description: str, open_help: str) -> argparse.ArgumentParser:
    """A parser with what both sub-commands take: the run folder and --open."""
    parser = _Parser(prog=prog, description=description)
    parser.add_argument("run_dir", metavar="RUN_DIR", help="run folder, e.g. runs/my_experiment/0")
    parser.add_argument("--open", action="store_true", help=open_help)
    return parser


def _parser_plot() -> argparse.ArgumentParser:
    parser = _run_folder_parser(
        "omniopt plot",
        "Plot a run folder. Without --plot_type: list the plot types this run allows.",
        "open the written file in a web browser",
    )
    parser.add_argument(
        "--plot_type",
        "--plot-type",
        dest="plot_type",
        help="which plot (see the list without it)",
    )
    parser.add_argument(
        "--save_to_file",
        "--save-to-file",
        dest="save_to_file",
        metavar="FILE",
        help="write FILE (.svg, .png or .html); default RUN_DIR/plots/TYPE.html",
    )
    parser.add_argument(
        "--min",
        dest="min_result",
        type=float,
        metavar="X",
        help="leave out trials whose result is below X",
    )
    parser.add_argument(
        "--max",
        dest="max_result",
        type=float,
        metavar="Y",
        help="leave out trials whose result is above Y",
    )
    parser.add_argument(
        "--exclude_params",
        "--exclude-params",
        dest="exclude_params",
        default="",
        metavar="A,B",
        help="parameters to leave out",
    )
    parser.add_argument(
        "--objective",
        metavar="NAME",
        help="objective for colours and --min/--max (default: the first)",
    )
    return parser


def _parser_report() -> argparse.ArgumentParser:
    parser = _run_folder_parser(
        "omniopt report",
        "Write one self-contained HTML report of a run (plots, tables, failures; opens offline).",
        "open the report in a web browser",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="HTML file to write (default RUN_DIR/report.html)",
    )
    return parser


def plot_main(argv: Sequence[str]) -> int:
    """``omniopt plot RUN_DIR [--plot_type TYPE] [--save_to_file F] [--min X] [--max Y] [--exclude_params a,b]``."""
    arguments = _parser_plot().parse_args(list(argv))
    return _plot(arguments)


def _plot(arguments: argparse.Namespace) -> int:
    from omniopt.plotting import figures
    from omniopt.plotting.prepare import PlotOptions
    from omniopt.run_data import load_run

    run = load_run(arguments.run_dir)
    if not arguments.plot_type:
        return _list_plot_types(run)
    if (
        arguments.min_result is not None
        and arguments.max_result is not None
        and arguments.min_result > arguments.max_result
    ):
        raise UsageError(
            f"--min {arguments.min_result:g} is larger than --max {arguments.max_result:g}",
            "swap the two values",
        )
    options = PlotOptions(
        min_result=arguments.min_result,
        max_result=arguments.max_result,
        exclude_params=tuple(
            p.strip() for p in arguments.exclude_params.split(",") if p.strip()
        ),
        objective=arguments.objective,
    )
    name = figures.entry(arguments.plot_type).name
    target = arguments.save_to_file
    if not target:
        os.makedirs(os.path.join(run.path, "plots"), exist_ok=True)
        target = os.path.join(run.path, "plots", f"{name}.html")
    written = figures.save(run, name, target, options)
    print(f"wrote {written}")
    _maybe_open(written, arguments.open)
    return 0


def _list_plot_types(run: object) -> int:
    from omniopt.plotting import figures

    allowed = figures.available_plot_types(run)  # type: ignore[arg-type]
    helps = figures.plot_type_help()
    if not allowed:
        raise UsageError(
            f"no plot type fits run {getattr(run, 'path', run)} yet (it needs completed trials)",
            "plot again once trials have completed; `omniopt report` shows failures",
        )
    width = max(len(name) for name in allowed)
    print("plot types for this run (omniopt plot RUN_DIR --plot_type TYPE):")
    for name in allowed:
        print(f"  {name.ljust(width)}  {helps.get(name, '')}")
    return 0


def report_main(argv: Sequence[str]) -> int:
    """``omniopt report RUN_DIR [-o report.html]``."""
    arguments = _parser_report().parse_args(list(argv))
    return _report(arguments)


def _report(arguments: argparse.Namespace) -> int:
    from omniopt.plotting.report import write_report
    from omniopt.run_data import load_run

    run = load_run(arguments.run_dir)
    target = arguments.output or os.path.join(run.path, "report.html")
    written = write_report(run, target)
    print(f"wrote {written}")
    _maybe_open(written, arguments.open)
    return 0


def _maybe_open(path: str, wanted: bool) -> None:
    if wanted:
        import pathlib
        import webbrowser

        webbrowser.open(pathlib.Path(os.path.abspath(path)).as_uri())
