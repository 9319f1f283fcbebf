"""Draw a :class:`~omniopt.plotting.chart.Chart` as an interactive plotly figure."""

from __future__ import annotations

from typing import Any

from omniopt.plotting.chart import COLOR_SCALE, WHITE, Chart, Panel, Trace, colour_of

_SYMBOLS = {"circle": "circle", "star": "star", "x": "x", "diamond": "diamond"}
PANEL_HEIGHT = 360
TOP_MARGIN = 90
BOTTOM_MARGIN = 110
LEGEND_GAP = 60


def to_plotly(chart: Chart) -> Any:
    """A ``plotly.graph_objects.Figure`` of the chart."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    if (
        len(chart.panels) == 1
        and chart.panels[0].traces
        and chart.panels[0].traces[0].kind == "parallel"
    ):
        figure = go.Figure([_parallel(trace) for trace in chart.panels[0].traces])
    else:
        figure = make_subplots(
            rows=chart.rows,
            cols=max(1, min(chart.columns, len(chart.panels))),
            subplot_titles=[panel.title for panel in chart.panels],
            horizontal_spacing=0.12 if chart.columns > 1 else 0.05,
            vertical_spacing=min(0.12, 0.5 / chart.rows),
        )
        for position, panel in enumerate(chart.panels):
            row, col = divmod(position, max(1, chart.columns))
            _draw_panel(figure, panel, row + 1, col + 1)
        _shared_colour_axis(figure, chart)
    title = chart.title + (f"<br><sup>{chart.note}</sup>" if chart.note else "")
    height = max(420, PANEL_HEIGHT * chart.rows)
    figure.update_layout(
        title={"text": title},
        height=height,
        template="plotly_white",
        # Below the bottom row's axis titles: a fixed distance in pixels, turned into paper units.
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -LEGEND_GAP / (height - TOP_MARGIN - BOTTOM_MARGIN),
        },
        margin={"t": TOP_MARGIN, "b": BOTTOM_MARGIN},
    )
    return figure


def _draw_panel(figure: Any, panel: Panel, row: int, col: int) -> None:
    for trace in panel.traces:
        figure.add_trace(_trace(trace), row=row, col=col)
    for axis, update in (
        (panel.x, figure.update_xaxes),
        (panel.y, figure.update_yaxes),
    ):
        settings: dict[str, Any] = {"title_text": axis.label}
        if axis.ticks:
            settings.update(
                tickmode="array",
                tickvals=[t[0] for t in axis.ticks],
                ticktext=[t[1] for t in axis.ticks],
            )
        if axis.log:
            settings.update(
                type="log", dtick="D2"
            )  # label 1, 2, 5, 10 ... not every digit
        update(row=row, col=col, **settings)


def _shared_colour_axis(figure: Any, chart: Chart) -> None:
    """One colour scale and bar for all panels: within a chart, colour always shows one quantity."""
    coloured = [
        t
        for panel in chart.panels
        for t in panel.traces
        if t.values is not None or t.kind == "contour"
    ]
    if coloured:
        first = coloured[0]
        figure.update_layout(
            coloraxis={
                "colorscale": COLOR_SCALE,
                "reversescale": first.reverse_scale,
                "colorbar": {"title": {"text": first.value_label}, "len": 0.6},
            }
        )


def _marker(trace: Trace) -> dict[str, Any]:
    marker: dict[str, Any] = {"size": trace.size, "symbol": _SYMBOLS[trace.symbol]}
    if trace.values is not None:
        marker.update(color=list(trace.values), coloraxis="coloraxis")
    elif trace.colour:
        marker["color"] = trace.colour
    if trace.symbol == "star" or trace.colour == WHITE:
        marker["line"] = {"width": 1, "color": "black"}
    return marker


def _trace(trace: Trace) -> Any:
    import plotly.graph_objects as go

    common: dict[str, Any] = {
        "name": trace.name,
        "showlegend": trace.show_legend and bool(trace.name),
        "legendgroup": trace.name,
    }
    if trace.hover:
        common["text"] = list(trace.hover)
        common["hovertemplate"] = "%{text}<extra></extra>"
    if trace.kind in ("markers", "lines", "curve", "step"):
        mode = {
            "markers": "markers",
            "lines": "lines+markers",
            "curve": "lines",
            "step": "lines",
        }[trace.kind]
        extra: dict[str, Any] = {}
        if trace.kind == "step":
            extra["line"] = {"shape": "hv", "color": trace.colour}
        elif trace.kind in ("lines", "curve"):
            extra["line"] = {"color": trace.colour}
        return go.Scatter(
            x=list(trace.x),
            y=list(trace.y),
            mode=mode,
            marker=_marker(trace),
            **extra,
            **common,
        )
    if trace.kind == "hexagons":
        return go.Scatter(
            x=list(trace.x),
            y=list(trace.y),
            mode="markers",
            marker={
                "symbol": "hexagon",
                "size": 18,
                "color": list(trace.values or []),
                "coloraxis": "coloraxis",
            },
            **common,
        )
    if trace.kind == "bars":
        return go.Bar(
            x=list(trace.x),
            y=list(trace.y),
            width=trace.width,
            marker_color=trace.colour or colour_of(0),
            **common,
        )
    if trace.kind == "box":
        return go.Box(
            y=list(trace.y),
            marker_color=trace.colour,
            boxpoints="all",
            jitter=0.3,
            **common,
        )
    if trace.kind == "band":
        xs = list(trace.x)
        return go.Scatter(
            x=xs + xs[::-1],
            y=list(trace.y2) + list(trace.y)[::-1],
            fill="toself",
            mode="lines",
            line={"width": 0},
            fillcolor="rgba(31,119,180,0.2)",
            hoverinfo="skip",
            name=trace.name,
            showlegend=trace.show_legend and bool(trace.name),
        )
    if trace.kind == "contour":
        return go.Contour(
            x=list(trace.x),
            y=list(trace.y),
            z=[list(row) for row in trace.z],
            coloraxis="coloraxis",
            name=trace.name,
            showlegend=False,
        )
    if trace.kind == "parallel":
        return _parallel(trace)
    raise ValueError(f"unknown trace kind {trace.kind!r}")


def _parallel(trace: Trace) -> Any:
    import plotly.graph_objects as go

    dimensions = []
    for dimension in trace.dimensions:
        entry: dict[str, Any] = {
            "label": dimension.label,
            "values": list(dimension.values),
        }
        if dimension.ticks:
            entry["tickvals"] = [t[0] for t in dimension.ticks]
            entry["ticktext"] = [t[1] for t in dimension.ticks]
        dimensions.append(entry)
    line: dict[str, Any] = {}
    if trace.values is not None:
        line = {
            "color": list(trace.values),
            "colorscale": COLOR_SCALE,
            "reversescale": trace.reverse_scale,
            "showscale": True,
            "colorbar": {"title": {"text": trace.value_label}},
        }
    return go.Parcoords(dimensions=dimensions, line=line)
