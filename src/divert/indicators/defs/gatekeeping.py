"""Gatekeeping and early help: the edge-of-care panel at the door into care, and early help before it.

The Peterborough plan held entries to care to 8 a month by bringing every proposal to
accommodate a child to a "threshold of care" meeting first, with "no emergency placements
unless there is unforeseen clear and present danger". The figures here say how far that held:
how many entries came through the panel, and whether the children the panel diverted stayed
out of care for the next year. Early help is the support that keeps families from needing the
panel at all: how many families have it on a date, and how often it ends in a step up to
social care.

The definitions are the panel pages' (``panels/queries.py``: ``how_entered`` and
``follow_up``), restated over frames; ``tests/indicators/test_gatekeeping.py`` holds the two
to the same answers on the same records. The windows are restated rather than imported
because the indicator definitions stay pure (no Django models are loaded to declare them).

Entries to care are ``cla_starts``' own facts (imported from ``looked_after``, which is
therefore declared first: these figures follow it on the scorecard). Registers built from an
SSDA903 or CIN census import hold no proposals and no early help: the percentages then have
no value, and the count of open early help is nought.
"""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import dated_in, gather, open_positions, per_date, span_counts
from divert.indicators.defs.looked_after import _starts
from divert.indicators.frames import Frames
from divert.indicators.shared import care_episodes, counted

#: An entry came through the panel when the "accommodate" decision was at most this many days before it
#: (``panels.queries.PANEL_WINDOW_DAYS``).
PANEL_WINDOW_DAYS = 90
#: How long a diversion is followed: the longer of ``DIVERT["PANEL_FOLLOW_UP_MONTHS"]``.
FOLLOW_UP_MONTHS = 12
EDGE_OF_CARE = "edge_of_care"  # PanelMeeting.Kind.EDGE_OF_CARE
ACCOMMODATE = "accommodate"  # EdgeOfCareProposal.Decision.ACCOMMODATE
DIVERT = "divert"  # EdgeOfCareProposal.Decision.DIVERT
STEPPED_UP = "stepped_up"  # EarlyHelpEpisode.Outcome.STEPPED_UP

# How an entry came about, as the panel pages say it (``panels.queries.HowEntered``).
THROUGH_PANEL = "Through panel"
EMERGENCY_REVIEWED = "Emergency, reviewed at panel"
EMERGENCY_AWAITING = "Emergency, awaiting review"
NO_PANEL = "No panel"

#: Early help outcomes as the early help pages show them (``EarlyHelpEpisode.Outcome``).
OUTCOMES = {
    "needs_met": "Needs met: closed",
    "universal": "Stepped down to universal services",
    "stepped_up": "Stepped up to children's social care",
    "declined": "Family declined or withdrew consent",
    "moved": "Family moved away",
    "other": "Other (recorded in the note)",
}

PETERBOROUGH = (
    "Peterborough's threshold of care meetings: every proposal to accommodate is heard by a panel "
    "chaired by a service manager; no emergency placements unless there is clear and present danger."
)


# --- Entries to care through the edge-of-care panel -------------------------------------------


def _heard(entries: pl.DataFrame) -> pl.DataFrame:
    """Per entry (``_row``), the latest edge-of-care meeting that decided to accommodate the child
    on or before the entry and at most ``PANEL_WINDOW_DAYS`` before it (``_heard``)."""
    earliest = pl.col("decom") - pl.duration(days=PANEL_WINDOW_DAYS)
    return (
        entries.filter(
            (pl.col("decision") == ACCOMMODATE)
            & (pl.col("meeting_kind") == EDGE_OF_CARE)
            & pl.col("meeting_date").is_between(earliest, pl.col("decom"))
        )
        .sort("_row", "meeting_date", "id", nulls_last=False)
        .unique("_row", keep="last")
        .select("_row", pl.col("meeting_date").alias("_heard"))
    )


def _emergencies(entries: pl.DataFrame) -> pl.DataFrame:
    """Per entry (``_row``), the emergency proposal accommodating the child that very day: one reviewed
    at a panel (``_reviewed``, with the review meeting's date) before one still awaiting review, then
    the latest proposed (the panel pages list a child's proposals newest first and take the first)."""
    reviewed = pl.col("meeting").is_not_null() & (pl.col("decision").fill_null("") != "")
    return (
        entries.filter(pl.col("emergency").fill_null(False) & (pl.col("accommodated_on") == pl.col("decom")))
        .with_columns(reviewed.alias("_reviewed"))
        .sort("_row", "_reviewed", "proposed", "id", nulls_last=False)
        .unique("_row", keep="last")
        .select("_row", "_reviewed", pl.col("meeting_date").alias("_review"))
    )


def _through_panel(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """``cla_starts``' entries, each with how it came in (``came_in``) and the panel's date."""
    starts = _starts(frames, periods).with_row_index("_row")
    entries = starts.select("_row", "child", "decom").join(frames.proposals, on="child", how="inner")
    came_in = (
        pl.when(pl.col("_heard").is_not_null())
        .then(pl.lit(THROUGH_PANEL))
        .when(pl.col("_reviewed"))
        .then(pl.lit(EMERGENCY_REVIEWED))
        .when(pl.col("_reviewed").is_not_null())
        .then(pl.lit(EMERGENCY_AWAITING))
        .otherwise(pl.lit(NO_PANEL))
    )
    panel = pl.when(pl.col("_heard").is_not_null()).then("_heard").otherwise("_review")
    rows = (
        starts.join(_heard(entries), on="_row", how="left")
        .join(_emergencies(entries), on="_row", how="left")
        .sort("_row")
        .select(
            "date",
            "child",
            "decom",
            "placement_type",
            "ls",
            came_in.alias("came_in"),
            panel.alias("panel_met"),
        )
    )
    if frames.proposals.is_empty():
        # No proposal recorded at all: the register does not record the panel (an SSDA903 import),
        # and "none came through the panel" would be a figure about the data, not the gate.
        rows = rows.clear()
    return counted(rows, num=pl.col("came_in") == THROUGH_PANEL)


register(
    Indicator(
        id="starts_through_panel_pct",
        title="Entries to care through the edge-of-care panel",
        section=Section.IN_CARE,
        definition=(
            "Of children who came into care in the period, the percentage whose entry the edge-of-care "
            "panel agreed beforehand."
        ),
        method=(
            "Denominator: entries to care as cla_starts counts them (reason for new episode S, short "
            "breaks excluded; a child entering twice counts twice). Numerator: entries where the child "
            "has a proposal decided 'accommodate' at an edge-of-care panel meeting on or before the day "
            f"of entry and no more than {PANEL_WINDOW_DAYS} days before it. The others are emergencies "
            "(an emergency proposal accommodating the child that day), reviewed at a later panel or "
            "still awaiting review, or came in with no panel; the list says which, with the meeting's "
            "date. The same rules as the panel pages' entries against the cap. A register holding no "
            "edge-of-care proposals at all (an SSDA903 import) has no figure. " + PETERBOROUGH
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_through_panel,
        target=80,
        tolerance=10,
        breakdowns=("age_band", "placement_type", "team", "locality"),
        numerator_label="Entries agreed by the panel",
        denominator_label="Entries to care",
    )
)


# --- Diversions that held ------------------------------------------------------------------------


def _diversions_held(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    """Diversions whose 12 months ended in the period, each with the child's first entry to care in them."""
    diversions = (
        frames.proposals.filter((pl.col("decision") == DIVERT) & pl.col("meeting_date").is_not_null())
        .with_row_index("_diversion")
        .select(
            "_diversion",
            "child",
            pl.col("meeting_date").alias("panel_met"),
            pl.col("meeting_date").dt.offset_by(f"{FOLLOW_UP_MONTHS}mo").alias("followed_up_to"),
        )
    )
    # Only the diverted children's episodes: a national register's million are not compared as text.
    episodes = care_episodes(frames).filter(pl.col("child").is_in(diversions.get_column("child").implode()))
    entries = episodes.filter(pl.col("rne") == "S").select("child", "decom")
    first_entry = (
        diversions.join(entries, on="child", how="inner")
        .filter(pl.col("decom").is_between(pl.col("panel_met"), pl.col("followed_up_to")))
        .group_by("_diversion")
        .agg(pl.col("decom").min().alias("entered_care"))
    )
    rows = dated_in(diversions.join(first_entry, on="_diversion", how="left"), "followed_up_to", periods)
    return counted(
        rows.sort("_diversion").select("date", "child", "panel_met", "followed_up_to", "entered_care"),
        num=pl.col("entered_care").is_null(),
    )


register(
    Indicator(
        id="diversions_held_12m_pct",
        title="Diversions from care that held for 12 months",
        section=Section.IN_CARE,
        definition=(
            "Of children the edge-of-care panel decided to support at home instead of accommodating, "
            "the percentage who did not come into care in the 12 months after the panel."
        ),
        method=(
            "Denominator: proposals decided 'divert' at a panel meeting, counted in the period in which "
            f"the {FOLLOW_UP_MONTHS} months after the meeting end (the same day {FOLLOW_UP_MONTHS} calendar "
            "months on, 31 January giving 31 January; 29 February giving 28 February); a child diverted "
            "twice counts twice. Numerator: those with no entry to care (reason for new episode S, short "
            "breaks excluded) from the meeting's day to that day, both included. The panel pages' "
            f"{FOLLOW_UP_MONTHS}-month follow-up, once it is known. No figure where no diversion's year "
            "ended in the period. " + PETERBOROUGH
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_diversions_held,
        breakdowns=("age_band", "team", "locality"),
        numerator_label="Diversions that held",
        denominator_label="Diversions followed up",
    )
)


# --- Early help -------------------------------------------------------------------------------------


def _early_help_columns() -> list[str | pl.Expr]:
    """What a manager reads about each early help episode in a list."""
    return [
        "child",
        pl.col("start").alias("early_help_start"),
        pl.col("locality").alias("early_help_locality"),
        "lead_professional",
    ]


def _early_help_open(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    episodes = frames.early_help
    at = open_positions(episodes, periods, "start", "end", end_inclusive=False)
    return counted(gather(episodes, at, periods, _early_help_columns()))


def _early_help_open_counts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    return per_date(periods, span_counts(frames.early_help, periods, "start", "end", end_inclusive=False))


register(
    Indicator(
        id="early_help_open",
        title="Families with early help",
        section=Section.FRONT_DOOR,
        definition=(
            "Children with an open early help episode on the date: supported by a lead professional "
            "outside statutory services."
        ),
        method=(
            "Early help episodes that started on or before the date and had not closed by it (an "
            "episode closing on the date no longer counts, as the early help pages' caseload); a child "
            "with two open episodes counts twice. Locality is the child's; the list also shows the "
            "episode's own locality and lead professional."
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.NEITHER,
        kind=Kind.SNAPSHOT,
        facts=_early_help_open,
        counts=_early_help_open_counts,
        breakdowns=("age_band", "locality"),
        numerator_label="Children with early help",
    )
)


def _early_help_closed(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    outcome = pl.col("outcome").replace_strict(OUTCOMES, default=pl.col("outcome"), return_dtype=pl.Utf8)
    stepped_up = (pl.col("outcome") == STEPPED_UP).fill_null(False)
    columns = ["child", "early_help_start", "closed", "outcome", "early_help_locality", "lead_professional"]
    closed = frames.early_help.select(
        *_early_help_columns(),
        pl.col("end").alias("closed"),
        outcome.alias("outcome"),
        stepped_up.alias("_stepped_up"),
    )
    rows = dated_in(closed, "closed", periods)
    return counted(rows, num=pl.col("_stepped_up")).select("date", *columns, "num", "den")


register(
    Indicator(
        id="early_help_stepped_up_pct",
        title="Early help stepped up to social care",
        section=Section.FRONT_DOOR,
        definition=(
            "Of early help episodes closed in the period, the percentage closed because the child was "
            "stepped up to children's social care."
        ),
        method=(
            "Denominator: early help episodes whose end date falls in the period. Numerator: those "
            "closed with the outcome 'stepped up to children's social care'. A child with two episodes "
            "closed in the period counts twice. Locality is the child's. No figure where no episode "
            "closed in the period."
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_early_help_closed,
        breakdowns=("age_band", "locality"),
        decimals=1,
        numerator_label="Stepped up",
        denominator_label="Early help closed",
    )
)
