"""The front door: contacts, referrals, re-referrals, one-working-day decisions, 45-day assessments."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import (
    ONE_DAY,
    dated_in,
    gather,
    open_positions,
    period_dates,
    working_days_of,
)
from divert.indicators.frames import Frames
from divert.indicators.shared import counted, shifted

DFE_CIN = "DfE statistics: Children in need (methodology, CIN census)."
WORKING_DAYS = "Working days exclude weekends and the bank holidays of England and Wales."
DECISION_DAYS = 1  # Working Together: a decision on the response within one working day
ASSESSMENT_DAYS = 45  # Working Together: assessments complete within 45 working days


def _contacts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    contacts = frames.contacts.select("child", "received", "source", "decision", "decided")
    rows = dated_in(contacts, "received", periods)
    return counted(rows.select("date", "child", "received", "source", "decision", "decided"))


def _referrals(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    referrals = frames.referrals.select("child", pl.col("date").alias("referral_date"), "source", "route")
    rows = dated_in(referrals, "referral_date", periods)
    return counted(rows.select("date", "child", "referral_date", "source", "route"))


register(
    Indicator(
        id="contacts",
        title="Contacts received",
        section=Section.FRONT_DOOR,
        definition="Contacts about a child received by children's services in the period, from any source.",
        method=(
            "Contacts whose received date falls in the period; a child with two contacts counts twice. "
            "The source (police, school, health ...) is listed against each contact."
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.NEITHER,
        kind=Kind.FLOW,
        facts=_contacts,
        numerator_label="Contacts",
    )
)

register(
    Indicator(
        id="referrals",
        title="Referrals",
        section=Section.FRONT_DOOR,
        definition="Referrals accepted by children's social care in the period.",
        method=(
            "Referrals (CIN census episodes) whose referral date falls in the period; a child referred "
            "twice counts twice, as the DfE counts referrals. " + DFE_CIN
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.NEITHER,
        kind=Kind.FLOW,
        facts=_referrals,
        numerator_label="Referrals",
    )
)


def _re_referrals(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    referred = pl.col("referral_date")
    same_child = pl.col("child") == pl.col("child").shift(1)
    # Only the columns listed are sorted; the date a year before is looked up per calendar day.
    history = (
        frames.referrals.select("id", "child", pl.col("date").alias("referral_date"), "source", "route")
        .sort("child", "referral_date", "id")
        .with_columns(pl.when(same_child).then(referred.shift(1)).alias("previous_referral"))
    )
    year_before = shifted(history.get_column("referral_date"), "-12mo")
    history = history.with_columns(
        (pl.col("previous_referral").is_not_null() & (pl.col("previous_referral") >= year_before)).alias(
            "within_12m"
        )
    )
    rows = dated_in(history, "referral_date", periods)
    return counted(
        rows.select("date", "child", "referral_date", "previous_referral", "within_12m", "source", "route"),
        num=pl.col("within_12m"),
    )


register(
    Indicator(
        id="re_referral_pct",
        title="Re-referrals within 12 months",
        section=Section.FRONT_DOOR,
        definition=(
            "Of referrals in the period, the percentage for a child referred before within the "
            "last 12 months."
        ),
        method=(
            "Numerator: referrals in the period whose child's previous referral (the latest with an earlier "
            "date; two on one day are ordered by record) was on or after the same day 12 months before "
            "(exactly 12 months counts). Denominator: referrals in the period. Worked from the referral "
            "dates held, not the flag stored on the referral, so referrals recorded out of order are "
            "judged alike; a previous referral older than the register's history is not seen. " + DFE_CIN
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.DOWN,
        kind=Kind.FLOW,
        facts=_re_referrals,
        benchmark=True,
        decimals=1,
        numerator_label="Re-referrals",
        denominator_label="Referrals",
    )
)


def _decided_1wd(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    contacts = frames.contacts.select("child", "received", "source", "decision", "decided")
    rows = dated_in(contacts, "received", periods)
    received, decided = rows.get_column("received"), rows.get_column("decided")
    # The day's clock has run out when its last working day ended before the period's last day:
    # one or more working days after receipt up to the day before it (a clock ending on the
    # period's last day is still running).
    expired = working_days_of(received, rows.get_column("date") - ONE_DAY, frames.holidays) >= DECISION_DAYS
    rows = rows.with_columns(
        working_days_of(received, decided, frames.holidays).alias("working_days")
    ).filter(decided.is_not_null() | expired)
    on_time = pl.col("decided").is_not_null() & (pl.col("working_days") <= DECISION_DAYS)
    return counted(
        rows.select("date", "child", "received", "decided", "working_days", "source", "decision"),
        num=on_time,
    )


register(
    Indicator(
        id="contacts_decided_1wd_pct",
        title="Contacts decided within one working day",
        section=Section.FRONT_DOOR,
        definition=(
            "Of contacts received in the period, the percentage with a decision on the response "
            "within one working day."
        ),
        method=(
            "Denominator: contacts received in the period that have a decision, or that are still "
            "undecided after their one working day ran out before the period's last day. Numerator: "
            "those decided no more than 1 working day after the day received (a contact received on "
            "Friday and decided on Monday is in time; received on Saturday, it has until Monday). An "
            "undecided contact whose clock has run out counts as late; one still inside its day is left "
            "out until decided. Working Together to Safeguard Children. " + WORKING_DAYS
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_decided_1wd,
        target=100,
        tolerance=5,
        decimals=1,
        numerator_label="Decided in time",
        denominator_label="Contacts due a decision",
    )
)


def _assessments_45wd(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = dated_in(frames.assessments.select("child", "start", "authorised"), "authorised", periods)
    rows = rows.with_columns(
        working_days_of(rows.get_column("start"), rows.get_column("authorised"), frames.holidays).alias(
            "working_days"
        )
    )
    return counted(
        rows.select("date", "child", "start", "authorised", "working_days"),
        num=pl.col("working_days") <= ASSESSMENT_DAYS,
    )


register(
    Indicator(
        id="assessments_45wd_pct",
        title="Assessments completed within 45 working days",
        section=Section.FRONT_DOOR,
        definition=(
            "Of children and families assessments completed in the period, the percentage "
            "completed within 45 working days."
        ),
        method=(
            "Denominator: assessments authorised (completed) in the period. Numerator: those authorised "
            "no more than 45 working days after the assessment started. As the DfE's CIN statistics "
            "(assessments completed in the year, timeliness from start to authorisation). " + WORKING_DAYS
        ),
        unit=Unit.PERCENT,
        agg=Agg.PERCENT,
        good=Good.UP,
        kind=Kind.FLOW,
        facts=_assessments_45wd,
        target=100,
        tolerance=10,
        decimals=1,
        numerator_label="Completed in time",
        denominator_label="Assessments completed",
    )
)


def _assessments_overdue(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    assessments = frames.assessments
    positions = open_positions(assessments, periods, "start", "authorised", end_inclusive=False)
    # The clock is judged on positions (start and date) before the listed columns are gathered,
    # so only the overdue rows carry them: the 45 working days all ended before the date.
    start = assessments.get_column("start").gather(positions.get_column("_row"))
    day = period_dates(periods).gather(positions.get_column("_i"))
    elapsed = working_days_of(start, day, frames.holidays)
    passed = working_days_of(start, day - ONE_DAY, frames.holidays) >= ASSESSMENT_DAYS
    overdue = positions.with_columns(elapsed.alias("working_days")).filter(passed)
    rows = gather(assessments, overdue, periods, ["child", "start", "authorised"]).with_columns(
        overdue.get_column("working_days")
    )
    return counted(rows.select("date", "child", "start", "authorised", "working_days"))


register(
    Indicator(
        id="assessments_overdue",
        title="Assessments open past 45 working days",
        section=Section.FRONT_DOOR,
        definition=(
            "Children and families assessments still open on the date after their 45 working days ran out."
        ),
        method=(
            "Assessments started on or before the date and not authorised by it (one authorised on the "
            "date is complete), whose 45th working day after the start was before the date. " + WORKING_DAYS
        ),
        unit=Unit.COUNT,
        agg=Agg.SUM,
        good=Good.DOWN,
        kind=Kind.SNAPSHOT,
        facts=_assessments_overdue,
        target=0,
        tolerance=5,
        numerator_label="Assessments overdue",
    )
)
