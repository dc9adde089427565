"""The forecast's charts as SVG text: a central line inside its shaded 80% band, with the
programme's targets (and, for a scenario, the baseline) as dashed lines.

Built on the scorecard's ``indicators.charts`` (its axes, ticks, colours and dash patterns),
so a forecast reads like the indicator trends beside it. Pure functions of numbers and words;
every piece of text is escaped here, which is what lets a template mark the result safe. The
band is drawn as one light polygon under the lines and named in the legend and the
description; the numbers are always also in a table next to the chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from divert.indicators.catalogue import Unit
from divert.indicators.charts import (
    BLACK,
    BLUE,
    DARK_GREY,
    TARGET_DASH,
    _paths,
    _uid,
    _x_labels,
    format_value,
    long_date,
    nice_ticks,
)

#: The band's fill: GOV.UK light blue, light enough for the lines and labels to read on it.
BAND_FILL = "#d2e2f1"
#: A scenario's baseline, for comparison: grey, dashed differently from a target.
BASELINE_DASH = "2 3"


@dataclass(frozen=True)
class Reference:
    """A flat line across the chart: a target, with its words ("Target 345")."""

    label: str
    value: float


def band_chart(
    months: Sequence[dt.date],
    central: Sequence[float],
    *,
    title: str,
    unit: Unit | str = Unit.COUNT,
    low: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    baseline: Sequence[float] | None = None,
    references: Sequence[Reference] = (),
    width: int = 640,
    height: int = 300,
    uid: str | None = None,
) -> str:
    """A projection month by month: the central line, the 80% band shaded between ``low`` and
    ``high``, the baseline's central line (for a scenario) and targets as dashed lines.

    The y-axis starts at zero, so a fall of a few children is not drawn as a collapse.
    """
    ident = _uid(uid)
    unit = Unit(unit)
    fmt = lambda v: format_value(v, unit)  # noqa: E731
    has_band = low is not None and high is not None and len(low) == len(central) == len(high)
    values = [*central, *(high or []), *(baseline or []), *(r.value for r in references)]
    top_value = max(values) if values else 1.0
    ticks = nice_ticks(0.0, top_value * 1.05 if top_value > 0 else 1.0)
    floor, ceiling = ticks[0], ticks[-1]

    legend: list[tuple[str, str, str, int]] = [(title, BLUE, "", 3)]
    if has_band:
        legend.append(
            ("80% band: the number should fall in the shaded area 8 times in 10", BAND_FILL, "", 10)
        )
    if baseline is not None:
        legend.append(("Baseline (no change)", DARK_GREY, BASELINE_DASH, 2))
    legend.extend((f"{r.label} {fmt(r.value)}", BLACK, TARGET_DASH, 2) for r in references)

    left, right, top = 72, 40, 16
    bottom = 40 + 18 * len(legend)
    height = max(height, top + bottom + 120)
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [(m, float(v)) for m, v in zip(months, central, strict=False)]

    def x_at(i: int) -> float:
        return left + (plot_w * i / (len(months) - 1) if len(months) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - (v - floor) / (ceiling - floor) * plot_h

    parts: list[str] = []
    for tick in ticks:
        y = y_at(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#f3f2f1"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">'
            f"{escape(fmt(tick))}</text>"
        )
    if has_band and low is not None and high is not None:
        upper = [f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(high)]
        lower = [f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in reversed(list(enumerate(low)))]
        parts.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND_FILL}" stroke="none"/>')
    axis_y = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="{DARK_GREY}"/>'
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="{DARK_GREY}"/>'
    )
    parts.extend(_x_labels(points, x_at, axis_y))
    for ref in references:
        y = y_at(ref.value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{BLACK}" '
            f'stroke-width="2" stroke-dasharray="{TARGET_DASH}"/>'
        )
    if baseline is not None:
        for d in _paths([(x_at(i), y_at(v)) for i, v in enumerate(baseline)]):
            parts.append(
                f'<path d="{d}" fill="none" stroke="{DARK_GREY}" stroke-width="2" '
                f'stroke-dasharray="{BASELINE_DASH}"/>'
            )
    for d in _paths([(x_at(i), y_at(v)) for i, v in enumerate(central)]):
        parts.append(f'<path d="{d}" fill="none" stroke="{BLUE}" stroke-width="3" stroke-linejoin="round"/>')
    parts.extend(_legend(legend, left, axis_y + 34))
    desc = _describe(points, fmt, low if has_band else None, high if has_band else None, references)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="divert-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="arial, sans-serif" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )


def _legend(entries: list[tuple[str, str, str, int]], left: int, y: float) -> list[str]:
    out = []
    for row, (name, colour, dash, stroke) in enumerate(entries):
        ly = y + 18 * row
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{left}" y1="{ly - 4}" x2="{left + 30}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="{stroke}"{dashed}/>'
            f'<text x="{left + 38}" y="{ly}" font-size="12" fill="{BLACK}">{escape(name)}</text>'
        )
    return out


def _describe(
    points: Sequence[tuple[dt.date, float]],
    fmt: object,
    low: Sequence[float] | None,
    high: Sequence[float] | None,
    references: Sequence[Reference],
) -> str:
    """A sentence for a screen reader: where the line starts and ends, the band at the end, the targets."""
    if not points:
        return "No figures."
    show = fmt if callable(fmt) else str
    (first_month, first), (last_month, last) = points[0], points[-1]
    text = f"From {show(first)} in {first_month:%B %Y} to {show(last)} in {last_month:%B %Y}"
    if low is not None and high is not None and low:
        text += f", the 80% band then {show(low[-1])} to {show(high[-1])}"
    for ref in references:
        text += f"; {ref.label.lower()} {show(ref.value)}"
    return text + f". Forecast made {long_date(first_month)}; the figures are in the table with the chart."
