"""Reads an SVG written by the matplotlib renderer and compares it with the chart it came from."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from omniopt.plotting.chart import Chart, Trace

SVG = "{http://www.w3.org/2000/svg}"


def texts(root: ET.Element) -> set[str]:
    """Every text of the SVG (labels stay text with svg.fonttype = none)."""
    found = set()
    for element in root.iter(f"{SVG}text"):
        content = "".join(element.itertext()).strip()
        if content:
            found.add(content)
    return found


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {element.get("id"): element for element in root.iter() if element.get("id")}


def marks_of(trace: Trace, ids: dict[str, ET.Element]) -> int:
    """How many marks of a trace the SVG holds (markers, bars, lines)."""
    if trace.kind == "bars":
        return sum(
            1 for number in range(len(trace.x)) if f"{trace.gid}-{number}" in ids
        )
    group = ids[trace.gid]
    if trace.kind in ("markers", "hexagons"):
        # matplotlib writes few markers as plain paths and many as <use> of one shared path
        return len(group.findall(f".//{SVG}use")) or len(group.findall(f".//{SVG}path"))
    if trace.kind == "parallel":
        return len(group.findall(f".//{SVG}path"))
    return 1 if group.findall(f".//{SVG}path") else 0


def expected_marks(trace: Trace) -> int:
    if trace.kind in ("markers", "hexagons", "bars"):
        return len(trace.x)
    if trace.kind == "parallel":
        return len(trace.values or [])
    return 1


def check_svg(path: str, chart: Chart) -> None:
    """Axis labels, titles and one mark per data point, as the chart says."""
    root = ET.parse(path).getroot()
    words = texts(root)
    ids = by_id(root)
    for panel in chart.panels:
        if panel.title:
            assert panel.title in words, (
                f"panel title {panel.title!r} missing from {path}"
            )
        is_parallel = any(t.kind == "parallel" for t in panel.traces)
        for axis in (panel.x, panel.y):
            if axis.label and not is_parallel:
                assert axis.label in words, (
                    f"axis label {axis.label!r} missing from {path}"
                )
        for trace in panel.traces:
            if is_parallel:
                for dimension in trace.dimensions:
                    assert dimension.label in words, (
                        f"dimension {dimension.label!r} missing from {path}"
                    )
            if not trace.gid or trace.kind in ("box", "band"):
                continue
            if trace.kind != "bars":
                assert trace.gid in ids, f"trace {trace.gid!r} missing from {path}"
            if trace.kind in ("markers", "hexagons") and not len(trace.x):
                continue
            assert marks_of(trace, ids) == expected_marks(trace), (
                f"{path}: trace {trace.gid!r} has {marks_of(trace, ids)} marks, expected {expected_marks(trace)}"
            )
