"""The front door: contacts, referrals, re-referrals, one-working-day decisions, 45-day assessments."""

from __future__ import annotations

import polars as pl

from divert.indicators.catalogue import Agg, Good, Indicator, Kind, Section, Unit, register
from divert.indicators.defs._clock import deadline_passed, open_on
from divert.indicators.frames import Frames
from divert.indicators.shared import counted, in_period, working_days

DFE_CIN = "DfE statistics: Children in need (methodology, CIN census)."
WORKING_DAYS = "Working days exclude weekends and the bank holidays of England and Wales."
DECISION_DAYS = 1  # Working Together: a decision on the response within one working day
ASSESSMENT_DAYS = 45  # Working Together: assessments complete within 45 working days


def _contacts(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = in_period(frames.contacts, "received", periods)
    return counted(rows.select("date", "child", "received", "source", "decision", "decided"))


def _referrals(frames: Frames, periods: pl.DataFrame) -> pl.DataFrame:
    rows = in_period(frames.referrals.rename({"date": "referral_date"}), "referral_date", periods)
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
    history = (
        frames.referrals.rename({"date": "referral_date"})
        .sort("child", "referral_date", "id")
        .with_columns(pl.when(same_child).then(referred.shift(1)).alias("previous_referral"))
        .with_columns(
            (
                pl.col("previous_referral").is_not_null()
                & (pl.col("previous_referral") >= referred.dt.offset_by("-12mo"))
            ).alias("within_12m")
        )
    )
    rows = in_period(history, "referral_date", periods)
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
    rows = in_period(frames.contacts, "received", periods)
    received, decided = pl.col("received"), pl.col("decided")
    expired = deadline_passed(received, DECISION_DAYS, pl.col("date"), frames.holidays)
    rows = rows.filter(decided.is_not_null() | expired).with_columns(
        working_days(received, decided, frames.holidays).alias("working_days")
    )
    on_time = decided.is_not_null() & (pl.col("working_days") <= DECISION_DAYS)
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
    rows = in_period(frames.assessments, "authorised", periods).with_columns(
        working_days(pl.col("start"), pl.col("authorised"), frames.holidays).alias("working_days")
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
    open_ = open_on(
        frames, "assessments", frames.assessments, periods, "start", "authorised", end_inclusive=False
    )
    rows = open_.filter(deadline_passed(pl.col("start"), ASSESSMENT_DAYS, pl.col("date"), frames.holidays))
    rows = rows.with_columns(
        working_days(pl.col("start"), pl.col("date"), frames.holidays).alias("working_days")
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
