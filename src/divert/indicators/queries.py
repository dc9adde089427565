"""Reads for the scorecard pages: the scorecard, one indicator's page, and the rows behind a figure.

Who may read these pages is decided once, in ``divert.core.access.may_see_scorecard``. The
figures are the authority's (computed from ``report.frames_for``, whatever the reader's
team); the children behind a figure are listed only as far as ``access.restrict`` lets the
reader see them, and the page says how many are left out. Everything here is plain data for
the templates: formatted figures, links and SVG text, so the views stay thin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from divert.core.access import may_see_scorecard, restrict
from divert.core.ages import age_on
from divert.core.models import Benchmark
from divert.core.roles import CHILD_SCOPE, Scope
from divert.indicators import cache, catalogue, charts, compute, report
from divert.indicators.catalogue import DIMENSIONS, Agg, Good, Indicator, Unit
from divert.indicators.forms import NOT_RECORDED
from divert.indicators.frames import Frames
from divert.indicators.periods import Frequency, period_start, periods, periods_between
from divert.indicators.rag import RAG_LABELS, rag

PAGE_SIZE = 50
TREND = report.TREND_PERIODS
HISTORY_YEARS = 10  # how far back "whole history" goes when the register has no dated event
DAILY_MONTHS = 12  # daily series go back at most this far
BULK_IDS = 10_000  # beyond this many children, read the user's visible children whole (one query either way)

RAG_TAGS = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}
PERIOD_WORDS = {Frequency.DAY: "day", Frequency.WEEK: "week", Frequency.MONTH: "month"}
AGE_BAND_ORDER = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
INTERNAL_COLUMNS = {"date", "num", "den", "child", "household", "worker", "_row"}
COLUMN_LABELS = {
    "decom": "Started",
    "dec": "Ceased",
    "rec": "Reason ceased",
    "rne": "Reason for new episode",
    "ls": "Legal status",
    "place": "Placement",
    "placement_type": "Placement type",
    "provider": "Provider",
    "days": "Days",
    "weekly_cost": "Weekly cost",
    "worker_name": "Worker",
    "team": "Team",
    "locality": "Locality",
    "age_band": "Age band",
}


def require_scorecard_user(user: Any) -> int:
    """The user's authority, if they may read the scorecard (a 403 otherwise, as the returns pages)."""
    if not may_see_scorecard(user):
        raise PermissionDenied("Your role does not give access to the performance scorecard.")
    authority_id: int = user.authority_id
    return authority_id


def get_indicator(indicator_id: str) -> Indicator:
    try:
        return catalogue.get(indicator_id)
    except KeyError as exc:
        raise Http404("No such indicator") from exc


# ---------------------------------------------------------------- words and links


def period_text(frequency: Frequency, as_at: dt.date) -> str:
    """Which period the figures are for, as a heading says it: "month to 24 November 2026"."""
    if frequency is Frequency.DAY:
        return charts.long_date(as_at)
    return f"{PERIOD_WORDS[frequency]} to {charts.long_date(as_at)}"


def period_name(frequency: Frequency, start: dt.date, end: dt.date) -> str:
    """A period in a table row: "November 2026", "week from 16 November 2026", "24 November 2026"."""
    if frequency is Frequency.MONTH:
        full = (end + dt.timedelta(days=1)).day == 1
        return f"{start:%B %Y}" if full else f"{start:%B %Y} (to {end.day} {end:%B})"
    if frequency is Frequency.WEEK:
        return f"Week from {charts.long_date(start)}"
    return charts.long_date(end)


def value_text(indicator: Indicator, value: float | None) -> str:
    return charts.format_value(value, indicator.unit, indicator.decimals)


@dataclass(frozen=True)
class Change:
    """The change since the last period, in words ("up 4") and whether that is better or worse."""

    words: str
    arrow: str
    verdict: str  # "better", "worse" or "" (no good direction, or no change)


def describe_change(indicator: Indicator, change: float | None) -> Change | None:
    if change is None:
        return None
    decimals = max(indicator.decimals, 1) if indicator.unit is Unit.PER_10K else indicator.decimals
    if round(abs(change), decimals) == 0:
        return Change("no change", "→", "")
    if indicator.unit is Unit.PERCENT:
        amount = f"{abs(change):,.{decimals}f} percentage point{'' if abs(change) == 1 else 's'}"
    else:
        amount = charts.format_value(abs(change), indicator.unit, indicator.decimals)
    direction = "up" if change > 0 else "down"
    verdict = ""
    if indicator.good is not Good.NEITHER:
        verdict = "better" if (direction == "up") == (indicator.good is Good.UP) else "worse"
    return Change(f"{direction} {amount}", "↑" if change > 0 else "↓", verdict)


def rag_tag(code: str) -> tuple[str, str]:
    """(label, GOV.UK tag class): the words carry the rating, the colour only repeats it."""
    return RAG_LABELS[code], RAG_TAGS.get(code, "govuk-tag--grey")


def members_url(indicator: Indicator, day: dt.date, frequency: Frequency, **filters: Any) -> str:
    params = {"date": day.isoformat(), "freq": frequency.value, **{k: v for k, v in filters.items() if v}}
    return f"{reverse('indicators:members', args=[indicator.id])}?{urlencode(params)}"


def page_url(name: str, *args: Indicator, **params: Any) -> str:
    """A page's URL (an indicator's, when given) with the filters in its query string."""
    url = reverse(name, args=[ind.id for ind in args] or None)
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{url}?{query}" if query else url


def filter_params(as_at: dt.date, frequency: Frequency, where: dict[str, str]) -> dict[str, str]:
    return {"date": as_at.isoformat(), "freq": frequency.value, **where}


def data_as_at(frames: Frames) -> dt.datetime:
    """When the register was read (the frames' own time when the cache records it, else now)."""
    stamp = getattr(frames, "extracted_at", None)
    return stamp if isinstance(stamp, dt.datetime) else timezone.localtime()


# ---------------------------------------------------------------- the scorecard


@dataclass
class Card:
    """One indicator's line on the scorecard, ready to show."""

    row: report.Row
    value: str
    target: str
    rag_label: str
    rag_class: str
    change: Change | None
    sparkline: str
    england: str
    comparator: str
    detail_url: str
    members_url: str

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator


@dataclass
class Scorecard:
    as_at: dt.date
    frequency: Frequency
    where: dict[str, str]
    period: str
    previous: str
    data_as_at: dt.datetime
    sections: list[tuple[str, list[Card]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(cards) for _, cards in self.sections)


def _card(row: report.Row, params: dict[str, str]) -> Card:
    ind = row.indicator
    label, css = rag_tag(row.rag)
    values = [v for _, v in row.trend]
    words = PERIOD_WORDS[row.frequency]
    known = [v for v in values if v is not None]
    trend_words = (
        f"{ind.title}, last {len(values)} {words}s: from {value_text(ind, known[0])} to "
        f"{value_text(ind, known[-1])}, lowest {value_text(ind, min(known))}, "
        f"highest {value_text(ind, max(known))}"
        if known
        else f"{ind.title}: no figures in the last {len(values)} {words}s"
    )
    where = {k: v for k, v in params.items() if k in ("team", "locality")}
    return Card(
        row=row,
        value=value_text(ind, row.value),
        target=value_text(ind, row.target) if row.target is not None else "",
        rag_label=label,
        rag_class=css,
        change=describe_change(ind, row.change),
        sparkline=charts.sparkline(values, label=trend_words, uid=f"spark-{ind.id}"),
        england=value_text(ind, row.england) if row.england is not None else "",
        comparator=value_text(ind, row.comparator) if row.comparator is not None else "",
        detail_url=page_url("indicators:detail", ind, **params),
        members_url=members_url(ind, row.as_at, row.frequency, **where),
    )


def scorecard_for(
    user: Any,
    as_at: dt.date,
    frequency: Frequency = Frequency.MONTH,
    team: str = "",
    locality: str = "",
) -> Scorecard:
    """Every indicator in the catalogue for the period containing ``as_at``, grouped by section.

    The assembled page is the same for everyone who may see it (nothing in it is about the
    person asking), so it is kept per register version once the access check has passed.
    """
    authority_id = require_scorecard_user(user)
    key = ("scorecard-page", as_at, str(frequency), team, locality)
    return cache.derived(
        authority_id, key, lambda frames: _assemble(authority_id, frames, as_at, frequency, team, locality)
    )


def _assemble(
    authority_id: int, frames: Frames, as_at: dt.date, frequency: Frequency, team: str, locality: str
) -> Scorecard:
    where = {k: v for k, v in (("team", team), ("locality", locality)) if v}
    rows = cache.scorecard(authority_id, as_at, frequency, where=where or None)
    params = filter_params(as_at, frequency, where)
    card = Scorecard(
        as_at=as_at,
        frequency=frequency,
        where=where,
        period=period_text(frequency, as_at),
        previous=f"the previous {PERIOD_WORDS[frequency]}",
        data_as_at=data_as_at(frames),
    )
    for row in rows:
        section = str(row.indicator.section)
        if not card.sections or card.sections[-1][0] != section:
            card.sections.append((section, []))
        card.sections[-1][1].append(_card(row, params))
    return card


# ---------------------------------------------------------------- one indicator


@dataclass(frozen=True)
class SeriesRow:
    start: dt.date
    date: dt.date
    name: str
    value: float | None
    value_text: str
    num: float
    den: float
    rag_label: str
    rag_class: str
    members_url: str


@dataclass(frozen=True)
class BreakdownRow:
    name: str
    value_text: str
    num: float
    den: float
    members_url: str


@dataclass(frozen=True)
class Breakdown:
    name: str
    label: str
    rows: list[BreakdownRow]
    value_label: str


@dataclass
class IndicatorPage:
    indicator: Indicator
    as_at: dt.date
    frequency: Frequency
    where: dict[str, str]
    months: int | None
    period: str
    target: report.Target
    period_target: float | None
    period_tolerance: float
    benchmarks: list[tuple[str, int, str]]  # (name, year, figure)
    series: list[SeriesRow]
    chart: str
    breakdowns: list[Breakdown]
    data_as_at: dt.datetime
    capped: bool = False  # daily figures asked for over more than DAILY_MONTHS

    @property
    def latest(self) -> SeriesRow | None:
        return self.series[-1] if self.series else None


def history_start(frames: Frames, as_at: dt.date) -> dt.date:
    """The first dated event in the register (for "whole history"), at most ``as_at``."""
    found: list[dt.date] = []
    for name, column in (
        ("episodes", "decom"),
        ("contacts", "received"),
        ("referrals", "date"),
        ("cp_plans", "start"),
        ("households", "enquiry"),
    ):
        first = getattr(frames, name)[column].min()
        if isinstance(first, dt.date):
            found.append(first)
    earliest = min(found) if found else as_at.replace(year=as_at.year - HISTORY_YEARS)
    return min(earliest, as_at)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = (dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))


def series_periods(frames: Frames, frequency: Frequency, as_at: dt.date, months: int | None) -> pl.DataFrame:
    """The periods shown on an indicator's page: ``months`` back from ``as_at`` (or all of them)."""
    if months is None:
        return periods_between(frequency, history_start(frames, as_at), as_at)
    if frequency is Frequency.MONTH:
        return periods(frequency, as_at, months)
    return periods_between(frequency, _months_before(as_at, months) + dt.timedelta(days=1), as_at)


def _benchmarks(indicator: Indicator, authority_id: int, as_at: dt.date) -> list[tuple[str, int, float]]:
    if not indicator.benchmark:
        return []
    marks = report.benchmarks_for(authority_id, as_at).get(indicator.id, {})
    names = [(Benchmark.Scope.ENGLAND, "England"), (Benchmark.Scope.COMPARATOR, "Comparator authorities")]
    return [(name, *marks[scope]) for scope, name in names if scope in marks]


def _order(by: str, names: list[str]) -> list[str]:
    """Age bands youngest first; other values alphabetically; "Not recorded" last."""
    if by == "age_band":
        return sorted(names, key=lambda n: AGE_BAND_ORDER.index(n) if n in AGE_BAND_ORDER else 99)
    return sorted(names, key=lambda n: (n == NOT_RECORDED, n.lower()))


def breakdowns_at(
    frames: Frames, indicator: Indicator, as_at: dt.date, frequency: Frequency, where: dict[str, str]
) -> list[Breakdown]:
    """The figure on ``as_at`` split by each of the indicator's breakdowns, each value linked to its rows."""
    spans = periods(frequency, as_at, TREND)  # the scorecard's periods, so the facts are shared
    out = []
    # A rate per 10,000 has no population for part of the authority: its split is a count.
    unit = Unit.COUNT if indicator.agg is Agg.PER_10K else indicator.unit
    for by in indicator.breakdowns:
        split = compute.breakdown(frames, indicator, spans, by, where or None).filter(pl.col("date") == as_at)
        found = {r[by]: r for r in split.iter_rows(named=True)}
        rows = []
        for name in _order(by, list(found)):
            r = found[name]
            value = r["num"] if indicator.agg is Agg.PER_10K else r["value"]
            rows.append(
                BreakdownRow(
                    name=str(name),
                    value_text=charts.format_value(value, unit, indicator.decimals),
                    num=r["num"],
                    den=r["den"],
                    members_url=members_url(indicator, as_at, frequency, **{**where, by: name}),
                )
            )
        label = DIMENSIONS[by]
        out.append(Breakdown(by, label, rows, "Children" if unit != indicator.unit else "Figure"))
    return out


def indicator_page_for(
    user: Any,
    indicator: Indicator,
    as_at: dt.date,
    frequency: Frequency = Frequency.MONTH,
    months: int | None = 24,
    team: str = "",
    locality: str = "",
) -> IndicatorPage:
    """An indicator's definition, target, benchmarks, series (as a chart and a table) and breakdowns."""
    authority_id = require_scorecard_user(user)
    where = {k: v for k, v in (("team", team), ("locality", locality)) if v}
    frames = report.frames_for(authority_id)
    capped = frequency is Frequency.DAY and (months is None or months > DAILY_MONTHS)
    if capped:  # a row a day for years is a table no one can read, and a page too big to send
        months = DAILY_MONTHS
    spans = series_periods(frames, frequency, as_at, months)
    series = compute.series(frames, indicator, spans, where or None)
    target = report.targets_for(authority_id)[indicator.id]
    goal, tolerance = report.period_target(indicator, target, frequency)
    marks = _benchmarks(indicator, authority_id, as_at)
    rows = []
    for r in series.iter_rows(named=True):
        value = report._num(r["value"])
        label, css = rag_tag(rag(value, goal, tolerance, indicator.good))
        rows.append(
            SeriesRow(
                start=r["start"],
                date=r["date"],
                name=period_name(frequency, r["start"], r["date"]),
                value=value,
                value_text=value_text(indicator, value),
                num=r["num"],
                den=r["den"],
                rag_label=label,
                rag_class=css,
                members_url=members_url(indicator, r["date"], frequency, **where),
            )
        )
    chart = charts.line_chart(
        [(r.date, r.value) for r in rows],
        title=f"{indicator.title}: {frequency.label.lower()} figures",
        unit=indicator.unit,
        target=goal,
        benchmarks={f"{name} ({year})": value for name, year, value in marks},
        decimals=indicator.decimals,
        uid=f"chart-{indicator.id}",
    )
    return IndicatorPage(
        indicator=indicator,
        as_at=as_at,
        frequency=frequency,
        where=where,
        months=months,
        period=period_text(frequency, as_at),
        target=target,
        period_target=goal,
        period_tolerance=tolerance,
        benchmarks=[(name, year, value_text(indicator, value)) for name, year, value in marks],
        series=rows,
        chart=chart,
        breakdowns=breakdowns_at(frames, indicator, as_at, frequency, where),
        data_as_at=data_as_at(frames),
        capped=capped,
    )


SERIES_COLUMNS = [
    "indicator",
    "title",
    "unit",
    "frequency",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "target",
    "team",
    "locality",
]


def series_csv_rows(page: IndicatorPage) -> Iterable[list[Any]]:
    """The series as plain rows for ``spreadsheet.write_csv`` (which escapes any formula-like text)."""
    ind = page.indicator
    for r in page.series:
        yield [
            ind.id,
            ind.title,
            str(ind.unit),
            page.frequency.value,
            r.start.isoformat(),
            r.date.isoformat(),
            "" if r.value is None else round(r.value, 6),
            r.num,
            r.den if ind.has_denominator else "",
            "" if page.period_target is None else round(page.period_target, 6),
            page.where.get("team", ""),
            page.where.get("locality", ""),
        ]


# ---------------------------------------------------------------- the rows behind a figure


@dataclass(frozen=True)
class MemberRow:
    """One row behind a figure: a child (or household) with the facts' own columns."""

    pk: int | None
    name: str
    reference: str
    age: int | None
    cells: list[str]
    counted: bool


@dataclass
class Members:
    indicator: Indicator
    date: dt.date
    frequency: Frequency
    period_start: dt.date
    narrowing: dict[str, str]
    denominator: bool
    subject: str  # "child", "household" or "record" (figures that are about neither)
    total: int
    visible: int
    columns: list[str]
    rows: list[MemberRow]
    page: Page[Any]
    hidden_reason: str

    @property
    def noun(self) -> str:
        return {"child": "children", "household": "households"}.get(self.subject, "records")

    @property
    def total_noun(self) -> str:
        """The noun for ``total``: "1 child", "2 children"."""
        if self.total == 1:
            return {"child": "child", "household": "household"}.get(self.subject, "record")
        return self.noun

    @property
    def describe(self) -> str:
        """For the audit note: which figure, which rows, which filters."""
        which = "all in the measure" if self.denominator else "counted"
        filters = ", ".join(f"{k}={v}" for k, v in self.narrowing.items())
        return (
            f"Drill-down {self.indicator.id} ({which}) for the {period_text(self.frequency, self.date)}"
            f"{f' [{filters}]' if filters else ''}: {len(self.rows)} of {self.visible} {self.noun} listed"
        )


def narrow(frames: Frames, rows: pl.DataFrame, narrowing: dict[str, str]) -> pl.DataFrame:
    """Rows with each dimension equal to the value given ("Not recorded" matching an empty one)."""
    if not narrowing:
        return rows
    extra = [n for n in narrowing if n not in rows.columns]
    widened = compute.with_dimensions(frames, rows, list(narrowing))
    for name, value in narrowing.items():
        column = pl.col(name)
        widened = widened.filter(column.is_null() if value == NOT_RECORDED else column == value)
    return widened.drop(extra)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name, name.replace("_", " ").capitalize())


def _subject(indicator: Indicator, rows: pl.DataFrame) -> str:
    if indicator.subject == "household" or ("household" in rows.columns and "child" not in rows.columns):
        return "household"
    return "child" if "child" in rows.columns else "record"


def _visible_children(user: Any, authority_id: int, ids: list[int]) -> pl.DataFrame:
    """The children among ``ids`` that ``user`` may see, with what the list shows: one query."""
    from divert.people.models import Child
    from divert.privacy.pseudonyms import pseudonym, pseudonymising

    base = Child.objects.filter(authority_id=authority_id)
    found = restrict(base if len(ids) > BULK_IDS else base.filter(pk__in=ids), user)
    data = list(found.values_list("pk", "first_name", "last_name", "child_id", "date_of_birth"))
    if pseudonymising():  # an analyst's list: the same masking as a loaded child (privacy/pseudonyms.py)
        data = [(pk, "Child", pseudonym(pk), ref, dob.replace(day=1)) for pk, _f, _l, ref, dob in data]
    schema = {"child": pl.Int64, "first": pl.Utf8, "last": pl.Utf8, "ref": pl.Utf8, "dob": pl.Date}
    return pl.DataFrame(data, schema=schema, orient="row")


def _households(authority_id: int, ids: list[int]) -> pl.DataFrame:
    from divert.carers.models import FosterHousehold

    data = list(
        FosterHousehold.objects.filter(authority_id=authority_id, pk__in=ids).values_list(
            "pk", "name", "reference"
        )
    )
    return pl.DataFrame(data, schema={"household": pl.Int64, "last": pl.Utf8, "ref": pl.Utf8}, orient="row")


def _hidden_reason(user: Any) -> str:
    if CHILD_SCOPE.get(user.role) == Scope.TEAM:
        return "the others are not allocated to your team"
    return "the others are not among the records you can see"


def members_for(
    user: Any,
    indicator: Indicator,
    date: dt.date,
    frequency: Frequency = Frequency.MONTH,
    *,
    narrowing: dict[str, str] | None = None,
    denominator: bool = False,
    page: int = 1,
) -> Members:
    """The rows behind ``indicator``'s figure for the period ending ``date``, as far as ``user`` may see.

    Counts (``total``) are of every row behind the figure; the list holds those the user may
    see, sorted by name, a page at a time. Reading the names is one query whatever the number
    of rows.
    """
    authority_id = require_scorecard_user(user)
    narrowing = narrowing or {}
    frames = report.frames_for(authority_id)
    spans = periods(frequency, date, TREND)  # the scorecard's periods, so the facts are shared
    denominator = denominator and indicator.has_denominator
    rows = narrow(frames, compute.members(frames, indicator, spans, date, denominator=denominator), narrowing)
    subject = _subject(indicator, rows)
    shown_already = {"name", "reference"} if subject == "household" else set()  # the list's own columns
    columns = [c for c in rows.columns if c not in INTERNAL_COLUMNS | shown_already]
    total = rows.height
    if subject == "child":
        ids = rows["child"].drop_nulls().unique().to_list()
        people = _visible_children(user, authority_id, ids)
        rows = rows.join(people, on="child", how="inner")
        rows = rows.sort("last", "first", "ref", *columns[:1], nulls_last=True)
    elif subject == "household":
        homes = _households(authority_id, rows["household"].drop_nulls().unique().to_list())
        rows = rows.join(homes, on="household", how="inner").sort("last", "ref")
    found = Paginator(range(rows.height), PAGE_SIZE).get_page(page)
    shown = rows[found.start_index() - 1 : found.end_index()] if rows.height else rows
    return Members(
        indicator=indicator,
        date=date,
        frequency=frequency,
        period_start=period_start(frequency, date),
        narrowing=narrowing,
        denominator=denominator,
        subject=subject,
        total=total,
        visible=rows.height,
        columns=[column_label(c) for c in columns],
        rows=[_member_row(subject, r, columns, date) for r in shown.iter_rows(named=True)],
        page=found,
        hidden_reason=_hidden_reason(user),
    )


def _member_row(subject: str, r: dict[str, Any], columns: list[str], date: dt.date) -> MemberRow:
    cells = [_cell(r[c]) for c in columns]
    counted = bool(r["num"])
    if subject == "child":
        return MemberRow(
            pk=r["child"],
            name=f"{r['first']} {r['last']}",
            reference=r["ref"],
            age=age_on(r["dob"], date) if r["dob"] else None,
            cells=cells,
            counted=counted,
        )
    if subject == "household":
        return MemberRow(
            pk=r["household"], name=r["last"], reference=r["ref"], age=None, cells=cells, counted=counted
        )
    return MemberRow(pk=None, name="", reference="", age=None, cells=cells, counted=counted)
