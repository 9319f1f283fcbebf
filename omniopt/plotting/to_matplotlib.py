"""Draw a :class:`~omniopt.plotting.chart.Chart` with matplotlib (SVG/PNG without a browser).

Text stays text in SVG (``svg.fonttype = none``) and every trace is an SVG
group named by its ``gid``, so a file can be checked for labels and points.
"""

from __future__ import annotations

from typing import Any

from omniopt.plotting.chart import COLOR_SCALE, PALETTE, WHITE, Chart, Panel, Trace

_SYMBOLS = {"circle": "o", "star": "*", "x": "x", "diamond": "D"}
PANEL_INCHES = (5.2, 4.0)
#: Wide enough for a title and its note above a single panel.
MIN_WIDTH_INCHES = 8.0


def to_matplotlib(chart: Chart) -> Any:
    """A ``matplotlib.figure.Figure`` of the chart (no pyplot state, no display needed)."""
    from matplotlib.figure import Figure

    columns = max(1, min(chart.columns, len(chart.panels)))
    width = max(MIN_WIDTH_INCHES, PANEL_INCHES[0] * columns)
    figure = Figure(
        figsize=(width, PANEL_INCHES[1] * chart.rows + 0.8), layout="constrained"
    )
    title = chart.title + (f"\n{chart.note}" if chart.note else "")
    figure.suptitle(title)
    axes_grid = figure.subplots(chart.rows, columns, squeeze=False)
    for position, panel in enumerate(chart.panels):
        row, col = divmod(position, columns)
        _draw_panel(figure, axes_grid[row][col], panel)
    for position in range(len(chart.panels), chart.rows * columns):
        row, col = divmod(position, columns)
        axes_grid[row][col].set_visible(False)
    return figure


def save(chart: Chart, path: str) -> None:
    """Write the chart as SVG or PNG (by the file's extension)."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "omniopt"}):
        figure = to_matplotlib(chart)
        figure.savefig(path, dpi=110)


def _draw_panel(figure: Any, axes: Any, panel: Panel) -> None:
    mappable = None
    boxes = [t for t in panel.traces if t.kind == "box"]
    if boxes:
        _draw_boxes(axes, boxes)
    for position, trace in enumerate(panel.traces):
        if trace.kind == "box":
            continue
        drawn = _draw_trace(axes, trace, position)
        if (
            drawn is not None
            and mappable is None
            and (trace.values is not None or trace.kind == "contour")
        ):
            mappable = (drawn, trace.value_label)
    if mappable is not None and not any(t.kind == "parallel" for t in panel.traces):
        colorbar = figure.colorbar(mappable[0], ax=axes)
        colorbar.set_label(mappable[1])
    axes.set_title(panel.title, fontsize=10)
    if not any(t.kind == "parallel" for t in panel.traces):
        axes.set_xlabel(panel.x.label)
        axes.set_ylabel(panel.y.label)
    for axis, setter_ticks, setter_scale in (
        (panel.x, axes.set_xticks, axes.set_xscale),
        (panel.y, axes.set_yticks, axes.set_yscale),
    ):
        if axis.ticks:
            setter_ticks([t[0] for t in axis.ticks], [t[1] for t in axis.ticks])
        if axis.log:
            setter_scale("log")
            _plain_log_ticks(axes.xaxis if axis is panel.x else axes.yaxis)
    if any(
        t.name and t.show_legend
        for t in panel.traces
        if t.kind not in ("parallel", "box")
    ):
        axes.legend(fontsize=8)
    axes.grid(alpha=0.3)


def _draw_trace(axes: Any, trace: Trace, position: int) -> Any:
    colour = trace.colour or PALETTE[position % len(PALETTE)]
    label = trace.name if trace.show_legend and trace.name else None
    cmap = COLOR_SCALE + ("_r" if trace.reverse_scale else "")
    if trace.kind == "markers" or (trace.kind == "lines" and trace.values is not None):
        drawn = axes.scatter(
            list(trace.x),
            list(trace.y),
            c=list(trace.values) if trace.values is not None else colour,
            cmap=cmap if trace.values is not None else None,
            marker=_SYMBOLS[trace.symbol],
            s=(trace.size * 1.4) ** 2 if trace.symbol == "star" else trace.size**2,
            edgecolors="black"
            if trace.symbol == "star" or trace.colour == WHITE
            else "none",
            label=label,
            zorder=3 if trace.symbol == "star" else 2,
        )
        drawn.set_gid(trace.gid or None)
        return drawn
    if trace.kind in ("lines", "curve", "step"):
        (line,) = axes.plot(
            list(trace.x),
            list(trace.y),
            color=colour,
            marker="o" if trace.kind == "lines" else None,
            markersize=4,
            drawstyle="steps-post" if trace.kind == "step" else "default",
            label=label,
        )
        line.set_gid(trace.gid or None)
        return None
    if trace.kind == "bars":
        xs = list(trace.x)
        bars = axes.bar(
            range(len(xs)) if _textual(xs) else xs,
            list(trace.y),
            width=trace.width or 0.8,
            color=colour,
            label=label,
        )
        if _textual(xs):
            axes.set_xticks(
                range(len(xs)), [str(x) for x in xs], rotation=30, ha="right"
            )
        for number, patch in enumerate(bars.patches):
            patch.set_gid(f"{trace.gid}-{number}" if trace.gid else None)
        return None
    if trace.kind == "band":
        axes.fill_between(
            list(trace.x),
            list(trace.y),
            list(trace.y2),
            color="#1f77b4",
            alpha=0.2,
            label=label,
        )
        return None
    if trace.kind == "contour":
        drawn = axes.contourf(
            list(trace.x),
            list(trace.y),
            [list(r) for r in trace.z],
            levels=14,
            cmap=cmap,
        )
        drawn.set_gid(trace.gid or None)
        return drawn
    if trace.kind == "hexagons":
        drawn = axes.scatter(
            list(trace.x),
            list(trace.y),
            c=list(trace.values or []),
            cmap=cmap,
            marker="h",
            s=260,
            edgecolors="white",
        )
        drawn.set_gid(trace.gid or None)
        return drawn
    if trace.kind == "parallel":
        return _parallel(axes, trace, cmap)
    raise ValueError(f"unknown trace kind {trace.kind!r}")


def _draw_boxes(axes: Any, boxes: list[Trace]) -> None:
    """All box traces of a panel side by side, named by their group."""
    drawn = axes.boxplot(
        [list(t.y) for t in boxes],
        positions=range(len(boxes)),
        widths=0.6,
        patch_artist=True,
    )
    for number, (patch, trace) in enumerate(zip(drawn["boxes"], boxes)):
        patch.set_facecolor(trace.colour or PALETTE[number % len(PALETTE)])
        patch.set_alpha(0.5)
        patch.set_gid(trace.gid or None)
    axes.set_xticks(range(len(boxes)), [t.name for t in boxes], rotation=20, ha="right")


def _plain_log_ticks(axis: Any) -> None:
    """Log axes labelled 1, 2, 5, 10 ... instead of powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _textual(values: list[Any]) -> bool:
    return any(isinstance(v, str) for v in values)


def _parallel(axes: Any, trace: Trace, cmap: str) -> Any:
    """Parallel coordinates: each dimension scaled to [0, 1], one polyline per trial."""
    import matplotlib
    from matplotlib.collections import LineCollection

    scaled = []
    for dimension in trace.dimensions:
        values = [float(v) for v in dimension.values]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        scaled.append([(v - low) / span for v in values])
    count = len(trace.dimensions)
    lines = [
        [(d, scaled[d][i]) for d in range(count)]
        for i in range(len(scaled[0]) if scaled else 0)
    ]
    collection = LineCollection(
        lines, cmap=matplotlib.colormaps[cmap], alpha=0.8, linewidths=1.2
    )
    if trace.values is not None:
        collection.set_array(list(trace.values))
    collection.set_gid(trace.gid or None)
    axes.add_collection(collection)
    for d, dimension in enumerate(trace.dimensions):
        axes.axvline(d, color="black", linewidth=0.8)
        values = [float(v) for v in dimension.values]
        low, high = min(values), max(values)
        if dimension.ticks:
            span = (high - low) or 1.0
            for value, text in dimension.ticks:
                axes.text(d + 0.03, (value - low) / span, text, fontsize=7, va="center")
        else:
            axes.text(d, -0.06, f"{low:.3g}", ha="center", fontsize=7)
            axes.text(d, 1.04, f"{high:.3g}", ha="center", fontsize=7)
    axes.set_xticks(
        range(count), [d.label for d in trace.dimensions], rotation=20, ha="right"
    )
    axes.set_xlim(-0.2, count - 0.8)
    axes.set_ylim(-0.1, 1.1)
    axes.set_yticks([])
    if trace.values is not None:
        colorbar = axes.figure.colorbar(collection, ax=axes)
        colorbar.set_label(trace.value_label)
    return None
