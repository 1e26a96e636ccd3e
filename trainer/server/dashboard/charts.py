"""Charts as inline SVG, drawn on the server: nothing to download, nothing from a CDN.

Pure functions from numbers to SVG text. Labels arrive already translated and formatted
(the page knows the language); every text is escaped here. Each chart has a <title> and a
<desc> for screen readers, and the page shows the same numbers in a table.
"""

from __future__ import annotations

import hashlib
from datetime import date
from html import escape
from typing import Callable, Sequence

# Okabe-Ito: tells series apart for the common kinds of colour blindness.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
STATUS_COLOURS = {"passed": "#009E73", "failed": "#D55E00", "in_progress": "#E69F00", "not_started": "#D9D9D9"}
# The same marks as the completion matrix, so a state never rests on colour alone.
STATUS_ICONS = {"passed": "✔", "failed": "✘", "in_progress": "◐", "not_started": "○"}


def _e(text: str) -> str:
    return escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> str:
    uid = "c" + hashlib.sha1(f"{title}|{desc}|{width}|{height}".encode()).hexdigest()[:8]
    return (
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{uid}t {uid}d" direction="ltr" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}t">{_e(title)}</title><desc id="{uid}d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def line_chart(
    series: Sequence[tuple[str, Sequence[tuple[date, float]]]],
    *,
    title: str,
    desc: str,
    date_label: Callable[[date], str],
    percent_label: Callable[[float], str],
    today: date | None = None,
    width: int = 560,
    height: int = 260,
) -> str:
    """Cumulative shares (0..1) over time, one step line per series, legend underneath."""
    left, right, top = 48, 16, 12
    legend_rows = (len(series) + 1) // 2
    plot_bottom = height - 36 - 18 * legend_rows
    days = [d for _, points in series for d, _ in points]
    start = min(days) if days else (today or date.today())
    end = max([*days, today] if today and days else days) if days else start
    if end <= start:
        end = date.fromordinal(start.toordinal() + 1)
    span = end.toordinal() - start.toordinal()

    def x(d: date) -> float:
        return left + (d.toordinal() - start.toordinal()) / span * (width - left - right)

    def y(v: float) -> float:
        return plot_bottom - max(0.0, min(1.0, v)) * (plot_bottom - top)

    body = []
    for v in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>')
        body.append(f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_e(percent_label(v))}</text>')
    for d, anchor in ((start, "start"), (end, "end")):
        body.append(f'<text class="tick" x="{x(d):.1f}" y="{plot_bottom + 16}" text-anchor="{anchor}">{_e(date_label(d))}</text>')
    for i, (label, points) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        if points:
            coords = [(x(start), y(0))]
            level = 0.0
            for d, v in points:
                coords.append((x(d), y(level)))
                coords.append((x(d), y(v)))
                level = v
            coords.append((x(end), y(level)))
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            body.append(f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2.5" points="{path}"/>')
        lx = left + (i % 2) * (width - left) / 2
        ly = plot_bottom + 34 + 18 * (i // 2)
        body.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="14" height="4" fill="{colour}"/>')
        body.append(f'<text class="legend" x="{lx + 20:.1f}" y="{ly - 4}">{_e(label)}</text>')
    return _svg(width, height, title, desc, body, "line")


def histogram(
    counts: Sequence[int],
    *,
    title: str,
    desc: str,
    bin_labels: Sequence[str],
    count_label: Callable[[int], str],
    marker: float | None = None,
    marker_label: str = "",
    width: int = 560,
    height: int = 240,
) -> str:
    """Vertical bars, one per score band, with an optional pass-mark line (0..1)."""
    left, right, top, bottom = 40, 12, 16, 40
    n = max(1, len(counts))
    peak = max(counts, default=0) or 1
    plot_w = width - left - right
    plot_h = height - top - bottom
    bar_w = plot_w / n
    body = [f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>']
    body.append(f'<text class="tick" x="{left - 6}" y="{top + 4}" text-anchor="end">{_e(count_label(peak))}</text>')
    for i, c in enumerate(counts):
        h = c / peak * plot_h
        bx = left + i * bar_w
        body.append(
            f'<rect class="bar" x="{bx + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}">'
            f"<title>{_e(bin_labels[i] if i < len(bin_labels) else i)}: {_e(count_label(c))}</title></rect>"
        )
        if i < len(bin_labels) and (n <= 10 or i % 2 == 0):
            body.append(
                f'<text class="tick" x="{bx + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{_e(bin_labels[i])}</text>'
            )
    if marker is not None:
        mx = left + max(0.0, min(1.0, marker)) * plot_w
        body.append(f'<line class="marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="{top - 6}" y2="{top + plot_h}"/>')
        body.append(f'<text class="marker-label" x="{mx:.1f}" y="{top + plot_h + 32}" text-anchor="middle">{_e(marker_label)}</text>')
    return _svg(width, height, title, desc, body, "histogram")


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    *,
    title: str,
    desc: str,
    order: Sequence[str] = ("passed", "failed", "in_progress", "not_started"),
    labels: dict[str, str] | None = None,
    count_label: Callable[[int], str] = str,
    width: int = 420,
    bar_height: int = 22,
) -> str:
    """One horizontal 100 % bar per row (e.g. per module: passed / failed / in progress / not started).

    Each segment wide enough carries its state's mark (✔ ✘ ◐ ○) and every segment has a
    tooltip naming the state and the count, so the chart does not rely on colour."""
    labels = labels or {}
    label_h = 16
    row_h = label_h + bar_height + 10
    height = max(row_h, row_h * len(rows))
    body = []
    for i, (label, counts) in enumerate(rows):
        total = sum(counts.get(k, 0) for k in order) or 1
        y0 = i * row_h
        body.append(f'<text class="legend" x="0" y="{y0 + 12}">{_e(label)}</text>')
        x0 = 0.0
        for k in order:
            w = counts.get(k, 0) / total * width
            if w > 0:
                n = count_label(counts.get(k, 0))
                body.append(
                    f'<rect x="{x0:.1f}" y="{y0 + label_h}" width="{w:.1f}" height="{bar_height}" '
                    f'fill="{STATUS_COLOURS.get(k, "#999")}"><title>{_e(label)}: {_e(labels.get(k, k))} {_e(n)}</title></rect>'
                )
                if w >= 18:
                    body.append(
                        f'<text class="mark {k}" x="{x0 + w / 2:.1f}" y="{y0 + label_h + bar_height / 2 + 5:.1f}" '
                        f'text-anchor="middle" aria-hidden="true">{STATUS_ICONS.get(k, "")}</text>'
                    )
            x0 += w
    return _svg(width, height, title, desc, body, "bars")
