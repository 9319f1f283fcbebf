"""Plots of how the run used its time and machines: run times, exit codes, workers, CPU/RAM/GPU."""

from __future__ import annotations

from collections.abc import Sequence

from omniopt.plotting.chart import Axis, Chart, Panel, Trace, colour_of
from omniopt.plotting.plots.results import histogram
from omniopt.plotting.prepare import NotEnoughDataError, PlotOptions
from omniopt.run_data import Run


def _minutes_since(times: Sequence[float], start: float) -> list[float]:
    return [(t - start) / 60 for t in times]


def _start_of(run: Run, fallback: Sequence[float]) -> float:
    span = run.time_span()
    return span[0] if span else min(fallback)


def _missing(run: Run, what: str, file: str) -> NotEnoughDataError:
    return NotEnoughDataError(
        f"run {run.path} has no {what} ({file} is missing or empty)",
        "choose another --plot_type",
    )


def time_and_exit_code(run: Run, options: PlotOptions) -> Chart:
    """Run times (distribution, over the run, per exit code) and how often each exit code occurred."""
    timed = [t for t in run.trials if t.run_time is not None]
    if not timed:
        raise _missing(run, "run times", "results.csv run_time")
    start = _start_of(run, [t.start_time or 0.0 for t in timed])
    statuses = list(dict.fromkeys(t.status for t in timed))
    over_time = []
    for number, status in enumerate(statuses):
        chosen = [t for t in timed if t.status == status and t.start_time is not None]
        over_time.append(
            Trace(
                kind="markers",
                name=status,
                x=_minutes_since([t.start_time for t in chosen], start),  # type: ignore[misc]
                y=[t.run_time for t in chosen],  # type: ignore[misc]
                colour=colour_of(number),
                hover=[
                    f"trial {t.index}: {t.run_time:.3g} s, exit code {t.exit_code}"
                    for t in chosen
                ],
                gid=f"points-{status}",
            )
        )
    codes = sorted({t.exit_code for t in timed}, key=lambda c: (c is None, c))
    label = {code: "none" if code is None else str(code) for code in codes}
    panels = (
        Panel(
            title="Distribution of run times",
            x=Axis(label="run time (s)"),
            y=Axis(label="trials"),
            traces=(
                histogram(
                    [t.run_time for t in timed],
                    name="run time",
                    gid="histogram-run-time",
                ),
            ),  # type: ignore[misc]
        ),
        Panel(
            title="Run time over the run",
            x=Axis(label="start (minutes since run start)"),
            y=Axis(label="run time (s)"),
            traces=tuple(over_time),
        ),
        Panel(
            title="Exit codes",
            x=Axis(label="exit code"),
            y=Axis(label="trials"),
            traces=(
                Trace(
                    kind="bars",
                    x=[label[c] for c in codes],
                    y=[sum(1 for t in timed if t.exit_code == c) for c in codes],
                    gid="exit-codes",
                ),
            ),
        ),
        Panel(
            title="Run time per exit code",
            x=Axis(label="exit code"),
            y=Axis(label="run time (s)"),
            traces=tuple(
                Trace(
                    kind="box",
                    name=label[code],
                    y=[t.run_time for t in timed if t.exit_code == code],  # type: ignore[misc]
                    colour=colour_of(number),
                    gid=f"box-exit-{label[code]}",
                )
                for number, code in enumerate(codes)
            ),
        ),
    )
    return Chart(
        title=f"Run times and exit codes: {run.experiment_name}",
        panels=panels,
        columns=2,
    )


#: A panel of a time series: title, y label, and per line (name, column of the row, trace kind).
SeriesPanel = tuple[str, str, tuple[tuple[str, int, str], ...]]


def _time_series(
    run: Run, title: str, rows: Sequence[Sequence[float]], panels: Sequence[SeriesPanel]
) -> Chart:
    """Columns of timestamped rows (time in column 0) as lines over minutes since the start."""
    times = [row[0] for row in rows]
    minutes = _minutes_since(times, _start_of(run, times))
    drawn = []
    for panel_title, y_label, lines in panels:
        traces = tuple(
            Trace(
                kind=kind,  # type: ignore[arg-type]
                name=name,
                x=minutes,
                y=[row[column] for row in rows],
                colour=colour_of(number + len(drawn)),
                show_legend=len(lines) > 1,
                gid=f"series-{name.lower().replace(' ', '-')}",
            )
            for number, (name, column, kind) in enumerate(lines)
        )
        drawn.append(
            Panel(
                title=panel_title,
                x=Axis(label="minutes since start"),
                y=Axis(label=y_label),
                traces=traces,
            )
        )
    return Chart(
        title=f"{title}: {run.experiment_name}", panels=tuple(drawn), columns=len(drawn)
    )


def worker(run: Run, options: PlotOptions) -> Chart:
    """Workers busy against workers allowed, over the run (worker_usage.csv)."""
    if not run.worker_usage:
        raise _missing(run, "worker usage", "worker_usage.csv")
    lines = (("allowed", 1, "step"), ("running", 2, "step"))
    return _time_series(
        run, "Worker usage", run.worker_usage, [("Workers over time", "workers", lines)]
    )


def get_next_trials(run: Run, options: PlotOptions) -> Chart:
    """How many new points each request to the generator asked for and got."""
    if not run.next_trials:
        raise _missing(run, "generator requests", "get_next_trials.csv")
    lines = (("requested", 2, "lines"), ("got", 1, "lines"))
    return _time_series(
        run,
        "Points asked from the generator",
        run.next_trials,
        [("Points requested and received", "points", lines)],
    )


def cpu_ram_usage(run: Run, options: PlotOptions) -> Chart:
    """CPU and RAM use of the main process over the run (cpu_ram_usage.csv)."""
    if not run.cpu_ram:
        raise _missing(run, "CPU/RAM measurements", "cpu_ram_usage.csv")
    panels = [
        ("RAM", "RAM (MB)", (("RAM", 1, "lines"),)),
        ("CPU", "CPU (%)", (("CPU", 2, "lines"),)),
    ]
    return _time_series(run, "CPU and RAM usage", run.cpu_ram, panels)


def gpu_usage(run: Run, options: PlotOptions) -> Chart:
    """GPU utilisation and memory per host (gpu_usage__<host>.csv)."""
    if not run.gpu:
        raise _missing(run, "GPU measurements", "gpu_usage__<host>.csv")
    times = [row[0] for rows in run.gpu.values() for row in rows]
    start = _start_of(run, times)
    utilisation, memory = [], []
    for number, (host, rows) in enumerate(sorted(run.gpu.items())):
        minutes = _minutes_since([r[0] for r in rows], start)
        utilisation.append(
            Trace(
                kind="markers",
                name=host,
                x=minutes,
                y=[r[2] for r in rows],
                colour=colour_of(number),
                size=5,
                gid=f"gpu-util-{host}",
            )
        )
        memory.append(
            Trace(
                kind="markers",
                name=host,
                x=minutes,
                y=[r[3] for r in rows],
                colour=colour_of(number),
                size=5,
                show_legend=False,
                gid=f"gpu-mem-{host}",
            )
        )
    return Chart(
        title=f"GPU usage: {run.experiment_name}",
        panels=(
            Panel(
                title="GPU utilisation",
                x=Axis(label="minutes since start"),
                y=Axis(label="utilisation (%)"),
                traces=tuple(utilisation),
            ),
            Panel(
                title="GPU memory",
                x=Axis(label="minutes since start"),
                y=Axis(label="memory used (MiB)"),
                traces=tuple(memory),
            ),
        ),
        columns=2,
    )
