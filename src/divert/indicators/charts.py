"""Charts as SVG text, drawn on the server: the scorecard's sparklines and an indicator's trend.

Pure functions of numbers and words (no request, no database), so the web pages and the
board pack draw the same picture. Every piece of text is escaped here, which is what lets a
template mark the result safe. A chart is an image with a title and a description (for a
screen reader), and its lines differ by dash pattern as well as colour, so it still reads in
greyscale or for someone who cannot tell the colours apart. The numbers are always also
given in a table beside the chart: the picture is never the only way to read them.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Callable, Sequence
from html import escape

from divert.indicators.catalogue import Unit

# GOV.UK Design System colours.
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
PURPLE = "#4c2c92"
ORANGE = "#f47738"

# Dash patterns that tell the lines apart without colour: target, England, comparator, others.
TARGET_DASH = "8 4"
BENCHMARK_STYLES = [(DARK_GREY, "2 3"), (PURPLE, "10 3 2 3"), (ORANGE, "4 4")]

Formatter = Callable[[float], str]


def format_value(value: float | None, unit: Unit | str, decimals: int = 0) -> str:
    """A figure as people read it: "1,234", "64%", "£1,250", "62.7" (a rate per 10,000 to 1 dp)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No figure"
    unit = Unit(unit)
    if unit is Unit.PER_10K:
        decimals = max(decimals, 1)
    number = f"{abs(value):,.{decimals}f}"
    sign = "-" if value < 0 and float(number.replace(",", "")) != 0 else ""
    if unit is Unit.PERCENT:
        return f"{sign}{number}%"
    if unit in (Unit.GBP, Unit.GBP_WEEK):
        return f"{sign}£{number}"
    if unit is Unit.DAYS:
        return f"{sign}{number} day{'' if number == '1' else 's'}"
    return f"{sign}{number}"


def _uid(uid: str | None) -> str:
    """An id for the title and description, unique on the page (many charts share one page)."""
    return escape(uid or f"chart-{secrets.token_hex(4)}", quote=True)


def _plain(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def sparkline(
    values: Sequence[float | None],
    *,
    label: str,
    width: int = 120,
    height: int = 28,
    uid: str | None = None,
) -> str:
    """A small line of the recent trend; ``label`` is its text alternative (say what it shows).

    Gaps (periods with no figure) break the line; the latest point is marked with a dot.
    """
    ident = _uid(uid)
    pad = 3
    known = [v for v in values if v is not None]
    lines: list[str] = []
    dot = ""
    if known:
        low, high = min(known), max(known)
        spread = (high - low) or 1.0
        step = (width - 2 * pad) / max(len(values) - 1, 1)

        def y(v: float) -> float:
            return height - pad - (v - low) / spread * (height - 2 * pad) if high != low else height / 2

        points = [(pad + i * step, y(v)) if v is not None else None for i, v in enumerate(values)]
        lines = _paths(points)
        last = next((p for p in reversed(points) if p is not None), None)
        if last is not None:
            dot = f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="{BLACK}"/>'
    body = "".join(
        f'<path d="{d}" fill="none" stroke="{BLUE}" stroke-width="2" stroke-linejoin="round"/>' for d in lines
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="divert-sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-title" focusable="false">'
        f'<title id="{ident}-title">{escape(label)}</title>{body}{dot}</svg>'
    )


def _paths(points: Sequence[tuple[float, float] | None]) -> list[str]:
    """SVG path data for each unbroken run of points (a missing figure is a gap, not a zero)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    out = []
    for run in runs:
        if len(run) == 1:  # a lone point still shows: a tiny horizontal stroke
            x, y = run[0]
            out.append(f"M{x - 1:.1f},{y:.1f}L{x + 1:.1f},{y:.1f}")
        elif run:
            out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in run))
    return out


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers for an axis from ``low`` to ``high`` (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    tick = first
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _date_label(day: dt.date, span_days: int) -> str:
    if span_days > 3 * 366:
        return f"{day:%Y}"
    if span_days > 60:
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b}"


def line_chart(
    points: Sequence[tuple[dt.date, float | None]],
    *,
    title: str,
    unit: Unit | str,
    target: float | None = None,
    benchmarks: dict[str, float] | None = None,
    width: int = 640,
    height: int = 280,
    decimals: int = 0,
    description: str = "",
    uid: str | None = None,
) -> str:
    """A trend over time with its target and benchmarks as dashed reference lines.

    ``benchmarks`` maps a name ("England", "Comparator authorities") to a figure. The y-axis
    starts at zero for counts and percentages (so a change is not exaggerated) unless a figure
    is negative, and is labelled with the unit; the x-axis names a few periods by date. The
    legend is drawn inside the picture, with each line's own dash, so the lines can be told
    apart in print.
    """
    ident = _uid(uid)
    benchmarks = benchmarks or {}
    fmt: Formatter = lambda v: format_value(v, unit, decimals)  # noqa: E731
    references: list[tuple[str, float, str, str]] = []
    if target is not None:
        references.append((f"Target {fmt(target)}", target, BLACK, TARGET_DASH))
    for (name, value), (colour, dash) in zip(benchmarks.items(), BENCHMARK_STYLES, strict=False):
        references.append((f"{name} {fmt(value)}", value, colour, dash))

    known = [v for _, v in points if v is not None] + [r[1] for r in references]
    low = min([0.0, *known]) if known else 0.0
    high = max(known) if known else 1.0
    ticks = nice_ticks(low, high * 1.05 if high > 0 else high + 1)
    low, high = ticks[0], ticks[-1]

    legend_rows = 1 + len(references)
    left, right, top = 64, 40, 16
    bottom = 40 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_h < 40:  # a chart with many reference lines grows rather than squashing the plot
        height += 40 - plot_h
        plot_h = 40

    def x_at(i: int) -> float:
        return left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    parts: list[str] = []
    for tick in ticks:  # horizontal grid lines with their labels
        y = y_at(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#f3f2f1"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">'
            f"{escape(fmt(tick) if unit != Unit.DAYS else _plain(tick))}</text>"
        )
    axis_y = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="{DARK_GREY}"/>'
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="{DARK_GREY}"/>'
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" fill="{BLACK}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(str(Unit(unit)).capitalize())}</text>'
    )
    parts.extend(_x_labels(points, x_at, top + plot_h))
    for _, value, colour, dash in references:
        y = y_at(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
        )
    coords = [(x_at(i), y_at(v)) if v is not None else None for i, (_, v) in enumerate(points)]
    for d in _paths(coords):
        parts.append(f'<path d="{d}" fill="none" stroke="{BLUE}" stroke-width="3" stroke-linejoin="round"/>')
    if len(points) <= 60:  # markers help when points are few enough to pick out
        parts.extend(
            f'<circle cx="{c[0]:.1f}" cy="{c[1]:.1f}" r="3" fill="{BLUE}"/>' for c in coords if c is not None
        )
    parts.extend(_legend(title, references, left, top + plot_h + 34))
    desc = description or _describe(points, fmt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="divert-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="arial, sans-serif" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )


def _x_labels(
    points: Sequence[tuple[dt.date, float | None]], x_at: Callable[[int], float], axis_y: float
) -> list[str]:
    if not points:
        return []
    span = (points[-1][0] - points[0][0]).days
    wanted = min(len(points), 6)
    indexes = sorted({round(i * (len(points) - 1) / max(wanted - 1, 1)) for i in range(wanted)})
    out = []
    for i in indexes:
        x = x_at(i)
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="{DARK_GREY}"/>')
        out.append(
            f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle" font-size="12" fill="{BLACK}">'
            f"{escape(_date_label(points[i][0], span))}</text>"
        )
    return out


def _legend(title: str, references: list[tuple[str, float, str, str]], left: int, y: float) -> list[str]:
    entries = [(title, BLUE, "", 3), *((name, colour, dash, 2) for name, _, colour, dash in references)]
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


def _describe(points: Sequence[tuple[dt.date, float | None]], fmt: Formatter) -> str:
    """A sentence for a screen reader: the span, the first and last figures, the lowest and highest."""
    known = [(d, v) for d, v in points if v is not None]
    if not known:
        return "No figures in this period."
    first, last = known[0], known[-1]
    low = min(known, key=lambda p: p[1])
    high = max(known, key=lambda p: p[1])
    return (
        f"From {fmt(first[1])} on {long_date(first[0])} to {fmt(last[1])} on {long_date(last[0])}; "
        f"lowest {fmt(low[1])} ({long_date(low[0])}), highest {fmt(high[1])} ({long_date(high[0])}). "
        "The figures are in the table below."
    )


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 24 November 2026."""
    return f"{day.day} {day:%B %Y}"
