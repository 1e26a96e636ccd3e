"""Server-drawn SVG charts: well-formed, labelled for screen readers, text escaped, numbers placed right."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from trainer.server.dashboard import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.find(SVG + "title").text and root.find(SVG + "desc").text is not None
    return root


def test_line_chart_draws_one_step_line_per_series_and_escapes_names():
    svg = charts.line_chart(
        [("North <b>&", [(date(2026, 3, 1), 0.25), (date(2026, 3, 3), 0.5)]), ("South", [])],
        title="Completion", desc="d", date_label=date.isoformat, percent_label=lambda v: f"{v:.0%}",
        today=date(2026, 3, 10),
    )
    root = parse(svg)
    lines = root.findall(SVG + "polyline")
    assert len(lines) == 1  # the empty series has a legend entry but no line
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    ys = [y for _, y in points]
    assert ys == sorted(ys, reverse=True)  # a cumulative line never goes down
    assert "North <b>&" in [t.text for t in root.iter(SVG + "text")]
    assert "<b>" not in svg.replace("&lt;b&gt;", "")
    assert "2026-03-10" in svg  # the axis runs to today


@given(st.lists(st.integers(0, 500), min_size=10, max_size=10), st.floats(0, 1))
def test_histogram_bars_are_proportional(counts, mark):
    root = parse(charts.histogram(counts, title="t", desc="d", bin_labels=[str(i) for i in range(10)],
                                  count_label=str, marker=mark, marker_label="pass"))
    bars = root.findall(SVG + "rect")
    assert len(bars) == 10
    heights = [float(b.get("height")) for b in bars]
    peak = max(counts)
    for c, h in zip(counts, heights):
        assert abs(h - (c / peak * max(heights) if peak else 0)) < 0.2
    assert len(root.findall(SVG + "line")) == 2  # axis and pass mark


def test_stacked_bars_fill_the_width_per_row():
    root = parse(charts.stacked_bars(
        [("Module ١", {"passed": 3, "in_progress": 1, "not_started": 0}), ("Empty", {})],
        title="t", desc="d", width=400,
    ))
    rects = root.findall(SVG + "rect")
    assert [round(float(r.get("width"))) for r in rects] == [300, 100]
    # Row labels, and each segment's mark (not colour alone): passed ✔, in progress ◐.
    assert [t.text for t in root.iter(SVG + "text")] == ["Module ١", "✔", "◐", "Empty"]
    assert [r.find(SVG + "title").text for r in rects] == ["Module ١: passed 3", "Module ١: in_progress 1"]


def test_stacked_bars_name_each_state_and_mark_failures():
    root = parse(charts.stacked_bars(
        [("M", {"passed": 1, "failed": 2, "in_progress": 0, "not_started": 1})], title="t", desc="d", width=400,
        labels={"passed": "Réussi", "failed": "Non réussi", "not_started": "Pas commencé"}, count_label=lambda n: f"<{n}>",
    ))
    rects = root.findall(SVG + "rect")
    assert [r.get("fill") for r in rects] == ["#009E73", "#D55E00", "#D9D9D9"]
    assert [r.find(SVG + "title").text for r in rects] == ["M: Réussi <1>", "M: Non réussi <2>", "M: Pas commencé <1>"]
    assert [t.text for t in root.iter(SVG + "text")][1:] == ["✔", "✘", "○"]
