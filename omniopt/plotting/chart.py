"""The neutral description of a plot: what every plot type returns.

A plot type turns a run into a :class:`Chart` (panels of traces holding plain
lists of numbers). Two renderers draw a chart: ``to_plotly`` (interactive HTML,
the report, the Share server) and ``to_matplotlib`` (SVG/PNG files without a
browser). So each plot is computed once and looks the same everywhere.

Nothing heavy is imported here: plugin authors can build charts cheaply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

TraceKind = Literal[
    "markers",
    "lines",
    "curve",
    "step",
    "bars",
    "box",
    "band",
    "contour",
    "hexagons",
    "parallel",
]

#: One colour list for both renderers (so a group has the same colour in HTML and SVG).
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: Markers drawn over a coloured area; both renderers outline them in black.
WHITE = "#ffffff"
#: Continuous colour scale of both renderers (plotly and matplotlib both know it).
COLOR_SCALE = "viridis"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Axis:
    """An axis label; ``ticks`` maps positions to labels for categorical values."""

    label: str = ""
    ticks: tuple[tuple[float, str], ...] = ()
    log: bool = False


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Dimension:
    """One axis of a parallel-coordinates trace."""

    label: str
    values: Sequence[float]
    ticks: tuple[tuple[float, str], ...] = ()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """A set of marks in one panel.

    - ``markers``/``lines`` (with markers)/``curve`` (smooth, no markers)/``step``:
      ``x``, ``y``; ``values`` colours markers on the continuous scale,
      ``colour`` gives one fixed colour.
    - ``bars``: ``x`` categories or positions, ``y`` heights.
    - ``box``: ``y`` samples, ``name`` is the group on the x axis.
    - ``band``: area between ``y`` (low) and ``y2`` (high) over ``x``.
    - ``contour``: ``z`` rows (one per ``y``) over ``x``.
    - ``hexagons``: centres ``x``, ``y`` with ``values``; ``size`` is the
      hexagon radius in data units of x.
    - ``parallel``: ``dimensions`` with ``values`` colouring each line.
    ``gid`` names the group in SVG output (tests and styling find it there).
    """

    kind: TraceKind
    name: str = ""
    x: Sequence[float | str] = ()
    y: Sequence[float] = ()
    y2: Sequence[float] = ()
    z: Sequence[Sequence[float]] = ()
    values: Sequence[float] | None = None
    value_label: str = ""
    reverse_scale: bool = False
    colour: str | None = None
    symbol: Literal["circle", "star", "x", "diamond"] = "circle"
    size: float = 7.0
    #: Bar width in x units (numeric bars, e.g. histograms); None = renderer default.
    width: float | None = None
    hover: Sequence[str] = ()
    dimensions: tuple[Dimension, ...] = ()
    show_legend: bool = True
    gid: str = ""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Panel:
    """One set of axes with its traces."""

    title: str = ""
    x: Axis = Axis()
    y: Axis = Axis()
    traces: tuple[Trace, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A plot: a title, a grid of panels (``columns`` wide) and an optional note."""

    title: str
    panels: tuple[Panel, ...]
    columns: int = 1
    note: str = ""

    @property
    def rows(self) -> int:
        return max(1, -(-len(self.panels) // max(1, self.columns)))


def colour_of(position: int) -> str:
    """The palette colour for the n-th group."""
    return PALETTE[position % len(PALETTE)]
