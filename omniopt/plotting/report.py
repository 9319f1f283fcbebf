"""``omniopt report``: one self-contained HTML file of a run (plotly.js inlined, opens offline).

Sections: summary, best trials, the interactive plots this run allows, the
results table, failures with their reasons. The plots come from the same
``figures.build`` that ``omniopt plot`` and the Share server use.
"""

from __future__ import annotations

import datetime
import html
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

from omniopt.errors import OmniOptError
from omniopt.plotting import figures
from omniopt.plotting.prepare import PlotOptions, non_dominated
from omniopt.run_data import Run, RunDataError, TrialRecord

MAX_TABLE_ROWS = 5000
BEST_ROWS = 10
NO_PLOTS = '<p class="muted">No plot fits this run yet: plots need at least two completed trials.</p>'
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3b57;color:#fff;padding:1em 2em}header h1{margin:0 0 .2em 0;font-size:1.6em}
nav{padding:.5em 2em;background:#e8eef4;position:sticky;top:0;z-index:10}nav a{margin-right:1.2em;color:#1f3b57}
main{padding:0 2em 2em 2em}section{margin-top:1.5em}h2{border-bottom:2px solid #1f3b57;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.9em;background:#fff}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#eef2f6;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:32em;overflow:auto;display:inline-block;max-width:100%}.plot{background:#fff;margin:1em 0;border:1px solid #ddd}
.muted{color:#666}.status-FAILED{color:#b00020}.status-ABANDONED{color:#8a6d00}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}
dt{font-weight:600}dd{margin:0}
"""


def write_report(
    run: Run | str | os.PathLike[str], path: str | os.PathLike[str], pm: Any = None
) -> str:
    """Write the report of ``run`` to ``path``; returns the path."""
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise RunDataError(
            f"folder {folder} does not exist", "create it first or choose another -o"
        )
    text = report_html(run, pm=pm)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target


def report_html(run: Run | str | os.PathLike[str], pm: Any = None) -> str:
    """The whole report as one HTML string."""
    from omniopt.run_data import load_run

    loaded = run if isinstance(run, Run) else load_run(run)
    if not loaded.trials:
        raise RunDataError(
            f"run {loaded.path} has no finished trials yet",
            "write the report once trials have ended",
        )
    with open(figures.plotly_js_path(), encoding="utf-8") as handle:
        plotly_js = handle.read().replace("</script", "<\\/script")
    plots, skipped = _plots(loaded, pm)
    sections = [
        ("summary", "Summary", _summary(loaded)),
        ("best", "Best trials", _best(loaded)),
        ("plots", "Plots", (plots or NO_PLOTS) + _skipped(skipped)),
        ("results", "Results", _results_table(loaded)),
        ("failures", "Failures", _failures(loaded)),
    ]
    nav = "".join(f'<a href="#{anchor}">{title}</a>' for anchor, title, _ in sections)
    body = "".join(
        f'<section id="{anchor}"><h2>{title}</h2>{content}</section>'
        for anchor, title, content in sections
    )
    title = html.escape(f"omniopt report: {loaded.experiment_name}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        '<link rel="icon" href="data:,">'
        f"<style>{_STYLE}</style><script>{plotly_js}</script></head><body>"
        f"<header><h1>{title}</h1><div>{html.escape(os.path.abspath(loaded.path))}</div></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        f'<footer class="muted" style="padding:1em 2em">written {_now()} by omniopt report</footer>'
        f"<script>{_DRAW_SCRIPT % json.dumps(PLOTLY_CONFIG)}</script>"
        "</body></html>\n"
    )


def _now() -> str:
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _plots(run: Run, pm: Any) -> tuple[str, list[tuple[str, str]]]:
    """Plot placeholders for every plot type the run allows; the others with the reason they were left out.

    Each figure's JSON sits next to an empty div and is drawn when the div
    scrolls into view, so a report with twenty plots opens at once.
    """
    import plotly.io

    parts, skipped = [], []
    for name in figures.available_plot_types(run, pm):
        try:
            figure = figures.build(run, name, PlotOptions(), pm)
        except OmniOptError as exc:
            skipped.append((name, exc.one_line()))
            continue
        spec = plotly.io.to_json(figure, validate=False).replace("</", "<\\/")
        height = int(figure.layout.height or 450)
        parts.append(
            f'<div class="plot" id="section-{name}"><div class="lazy-plot" id="plot-{name}" '
            f'data-plot="{name}" style="min-height:{height}px"></div>'
            f'<script type="application/json" id="data-{name}">{spec}</script></div>'
        )
    return "".join(parts), skipped


_DRAW_SCRIPT = """
(function () {
  var config = %s;
  function draw(div) {
    var spec = JSON.parse(document.getElementById("data-" + div.dataset.plot).textContent);
    Plotly.newPlot(div, spec.data, spec.layout, config);
  }
  var divs = document.querySelectorAll("div.lazy-plot");
  if (!("IntersectionObserver" in window)) { divs.forEach(draw); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
    });
  }, {rootMargin: "600px"});
  divs.forEach(function (div) { observer.observe(div); });
})();
"""


def _skipped(skipped: Sequence[tuple[str, str]]) -> str:
    if not skipped:
        return ""
    items = "".join(
        f"<li><b>{html.escape(n)}</b>: {html.escape(r)}</li>" for n, r in skipped
    )
    return f'<p class="muted">Not drawn:</p><ul class="muted">{items}</ul>'


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return (
        f"{hours} h {minutes:02d} min {secs:02d} s"
        if hours
        else f"{minutes} min {secs:02d} s"
    )


def _summary(run: Run) -> str:
    counts = run.status_counts()
    span = run.time_span()
    nodes: dict[str, int] = {}
    for trial in run.trials:
        nodes[trial.generation_node or "unknown"] = (
            nodes.get(trial.generation_node or "unknown", 0) + 1
        )
    items = [
        ("Experiment", run.experiment_name),
        ("Status", run.status or "unknown"),
        ("Objectives", ", ".join(f"{o.name} ({o.direction})" for o in run.objectives)),
        (
            "Budget",
            f"{run.max_eval} evaluations" if run.max_eval is not None else "unknown",
        ),
        (
            "Trials",
            f"{len(run.trials)}: "
            + ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())),
        ),
        ("Generators", ", ".join(f"{n} × {name}" for name, n in nodes.items())),
        (
            "Parallel jobs",
            str(run.num_parallel_jobs) if run.num_parallel_jobs else "unknown",
        ),
    ]
    if span:
        start = datetime.datetime.fromtimestamp(span[0]).strftime("%Y-%m-%d %H:%M:%S")
        items.append(("Duration", f"{_duration(span[1] - span[0])} (started {start})"))
    if run.layout == "omniopt2":
        items.append(("Layout", "OmniOpt2 run folder"))
    rows = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items
    )
    return f"<dl>{rows}</dl><h3>Parameters</h3>{_parameter_table(run)}"


def _parameter_table(run: Run) -> str:
    rows = []
    for parameter in run.parameters:
        if parameter.kind == "range":
            space = (
                f"{parameter.low:g} … {parameter.high:g} ({parameter.value_type}{', log' if parameter.log_scale else ''})"
                if parameter.low is not None and parameter.high is not None
                else parameter.value_type
            )
        else:
            space = ", ".join(parameter.values)
        rows.append([parameter.name, parameter.kind, space])
    return _table(["parameter", "kind", "values"], rows)


def _best(run: Run) -> str:
    completed = run.completed()
    if not completed:
        return '<p class="muted">No trial completed, so there is no best trial.</p>'
    if len(run.objectives) == 1:
        objective = run.objectives[0]
        ranked = sorted(
            completed,
            key=lambda t: t.results[objective.name],
            reverse=not objective.minimize,
        )  # type: ignore[arg-type,return-value]
        intro = f"<p>The {min(BEST_ROWS, len(ranked))} best of {len(completed)} completed trials by {html.escape(objective.name)} ({objective.direction}).</p>"
        return intro + _trial_table(run, ranked[:BEST_ROWS])
    points = [[t.results[o.name] for o in run.objectives] for t in completed]
    front = [
        t
        for t, keep in zip(
            completed, non_dominated(points, [o.minimize for o in run.objectives])
        )
        if keep
    ]  # type: ignore[arg-type]
    intro = f"<p>{len(front)} of {len(completed)} completed trials are Pareto-optimal: no other trial is at least as good in every objective and better in one.</p>"
    return intro + _trial_table(run, front[:MAX_TABLE_ROWS])


def _trial_table(
    run: Run, trials: Iterable[TrialRecord], *, with_status: bool = False
) -> str:
    parameters = [p.name for p in run.tunable_parameters()]
    header = (
        ["trial"]
        + (["status"] if with_status else [])
        + ["generation"]
        + run.objective_names
        + parameters
        + ["run time (s)", "exit code"]
    )
    rows = []
    for trial in trials:
        row: list[Any] = (
            [trial.index]
            + ([trial.status] if with_status else [])
            + [trial.generation_node]
        )
        row += [trial.results.get(name) for name in run.objective_names]
        row += [trial.params.get(name) for name in parameters]
        row += [trial.run_time, trial.exit_code]
        rows.append(row)
    return _table(header, rows, status_column=1 if with_status else None)


def _results_table(run: Run) -> str:
    shown = run.trials[:MAX_TABLE_ROWS]
    note = (
        f'<p class="muted">First {MAX_TABLE_ROWS} of {len(run.trials)} trials; all are in results.csv.</p>'
        if len(run.trials) > MAX_TABLE_ROWS
        else ""
    )
    return note + _trial_table(run, shown, with_status=True)


def _failures(run: Run) -> str:
    failed = [t for t in run.trials if t.status != "COMPLETED"]
    if not failed and not run.errors:
        return "<p>No trial failed.</p>"
    rows = []
    for trial in failed:
        failure = run.failure_of(trial.index)
        rows.append(
            [
                trial.index,
                trial.status,
                failure.reason if failure else "",
                failure.detail if failure else "",
                trial.exit_code,
                trial.signal,
                trial.hostname,
                _last_line(
                    os.path.join(
                        run.path, "single_runs", str(trial.index), "stderr.txt"
                    )
                ),
            ]
        )
    parts = []
    if failed:
        parts.append(
            f"<p>{len(failed)} of {len(run.trials)} trials did not complete.</p>"
        )
        parts.append(
            _table(
                [
                    "trial",
                    "status",
                    "reason",
                    "detail",
                    "exit code",
                    "signal",
                    "host",
                    "last line of stderr",
                ],
                rows,
                status_column=1,
            )
        )
    if run.errors:
        lines = html.escape("\n".join(run.errors[-200:]))
        parts.append(f"<h3>Errors of the run (oo_errors.txt)</h3><pre>{lines}</pre>")
    return "".join(parts)


def _last_line(path: str, limit: int = 300) -> str:
    """The last non-empty line of a trial's log, which usually says what went wrong."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 4096))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return lines[-1][:limit] if lines else ""


def _cell(value: Any) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, float):
        return f"{value:.6g}", True
    if isinstance(value, int):
        return str(value), True
    return html.escape(str(value)), False


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    status_column: int | None = None,
) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for position, value in enumerate(row):
            text, numeric = _cell(value)
            classes = ["num"] if numeric else []
            if position == status_column:
                classes.append(f"status-{html.escape(str(value))}")
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attribute}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
