"""The scorecard's pictures: SVG text that is safe to place in a page and readable without colour."""

from __future__ import annotations

import datetime as dt
import re

from divert.indicators.catalogue import Unit
from divert.indicators.charts import format_value, line_chart, nice_ticks, sparkline

MONTHS = [dt.date(2026, m, 28) for m in range(1, 7)]


def test_a_script_in_a_sparkline_label_is_shown_as_text_not_run() -> None:
    svg = sparkline([1, 2, 3], label="<script>alert(1)</script>")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_a_script_in_a_chart_title_or_benchmark_name_is_escaped() -> None:
    svg = line_chart(
        list(zip(MONTHS, [1, 2, 3, 4, 5, 6], strict=True)),
        title='<script>alert("t")</script>',
        unit=Unit.COUNT,
        benchmarks={"<img src=x onerror=alert(1)>": 3.0},
    )
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = line_chart(
        list(zip(MONTHS, [4, 5, 6, 5, 4, 3], strict=True)), title="Entries", unit=Unit.COUNT, uid="c1"
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Entries</title>' in svg
    # The description says the span and the extremes: 4 on 28 January to 3 on 28 June, lowest 3, highest 6.
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg)
    assert desc is not None
    assert desc.group(1).startswith("From 4 on 28 January 2026 to 3 on 28 June 2026; lowest 3")
    assert "highest 6 (28 March 2026)" in desc.group(1)


def test_the_target_and_benchmarks_are_told_apart_by_dash_pattern_as_well_as_colour() -> None:
    svg = line_chart(
        list(zip(MONTHS, [4, 5, 6, 5, 4, 3], strict=True)),
        title="Rate",
        unit=Unit.PER_10K,
        target=5,
        benchmarks={"England": 4.5, "Comparator authorities": 5.5},
    )
    dashes = re.findall(r'stroke-dasharray="([^"]+)"', svg)
    # Each reference line and its legend sample share one dash; the three lines use three patterns.
    assert len(set(dashes)) == 3
    assert "Target 5.0" in svg and "England 4.5" in svg and "Comparator authorities 5.5" in svg


def test_a_period_without_a_figure_breaks_the_line_rather_than_dropping_to_zero() -> None:
    svg = sparkline([1, 2, None, 4, 5], label="Gappy")
    assert svg.count("<path") == 2


def test_a_sparkline_with_no_figures_still_has_its_text_alternative() -> None:
    svg = sparkline([None, None], label="No figures yet")
    assert "<path" not in svg
    assert "No figures yet" in svg


def test_figures_are_formatted_by_their_unit() -> None:
    assert format_value(1234, Unit.COUNT) == "1,234"
    assert format_value(64.25, Unit.PERCENT, 1) == "64.2%" or format_value(64.25, Unit.PERCENT, 1) == "64.3%"
    assert format_value(1250.4, Unit.GBP) == "£1,250"
    assert format_value(62.688, Unit.PER_10K) == "62.7"  # a rate per 10,000 always to 1 decimal place
    assert format_value(12, Unit.DAYS) == "12 days"
    assert format_value(-2, Unit.COUNT) == "-2"
    assert format_value(None, Unit.COUNT) == "No figure"


def test_axis_ticks_are_round_numbers_covering_the_figures() -> None:
    assert nice_ticks(0, 23) == [0, 10, 20, 30]  # 23 / 4 gaps = 5.75 a gap, rounded up to 10
    assert nice_ticks(0, 0.8) == [0, 0.2, 0.4, 0.6, 0.8]
