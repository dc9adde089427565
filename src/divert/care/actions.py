"""Every write about a child in care: SSDA903 episodes, moves, reviews, visits, missing periods,
planned end dates, and the early warning (placements at risk, team-around-the-child meetings).

The episode rules live here so that they hold on every database: a child's episodes never
overlap (PostgreSQL also refuses it with an exclusion constraint, SQLite relies on this
module), a child has at most one open episode, and the reason for a new episode (RNE) agrees
with how the previous one ended. A move or a change of legal status closes one episode with
X1 and opens the next in the same transaction, each with its audit row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from divert.care import rules
from divert.care.models import (
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PlacementRiskFlag,
    Provider,
    TeamAroundChildMeeting,
    Visit,
)
from divert.care.rules import describe_period, long_date
from divert.carers.models import FosterHousehold
from divert.core.actions import (
    Problems,
    audited_create,
    audited_update,
    day_problems,
    lock,
    lock_child,
    refuse,
    renamed,
)
from divert.core.codes import ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, SHORT_BREAK_STATUSES
from divert.people.models import Child

if TYPE_CHECKING:
    from divert.core.models import User

CONTINUING_RNE = frozenset({"L", "P", "T", "U", "B"})


# Episodes: the rules


def _date_problems(episode: Episode) -> Problems:
    child = episode.child
    problems = day_problems(child, "decom", episode.decom)
    if episode.dec is not None:
        if episode.dec < episode.decom:
            problems["dec"] = "The episode cannot end before it started"
        else:
            problems |= day_problems(child, "dec", episode.dec)
        if not episode.rec:
            problems["rec"] = "Choose the reason the episode ended"
    elif episode.rec:
        problems["dec"] = "Enter the date the episode ended, or leave the reason blank"
    if episode.planned_end is not None and episode.planned_end < episode.decom:
        problems["planned_end"] = "The planned end cannot be before the episode starts"
    return problems


def _clash_problems(episode: Episode, others: list[Episode]) -> Problems:
    """No second open episode, and no overlap with any other episode of the child."""
    name = episode.child.first_name
    if episode.dec is None:
        for other in others:
            if other.dec is None:
                return {
                    "decom": f"{name} already has an open episode {describe_period(other.decom, None)}; "
                    "record a change of placement or legal status, or end that episode first"
                }
    for other in others:
        if other.decom == episode.decom:
            return {"decom": f"{name} already has an episode starting on {long_date(other.decom)}"}
        if rules.periods_overlap(episode.decom, episode.dec, other.decom, other.dec):
            return {"decom": f"This would overlap {name}'s episode {describe_period(other.decom, other.dec)}"}
    return {}


def _rne_problems(episode: Episode, others: list[Episode]) -> Problems:
    """S starts a period of care; L, P, T, U and B continue one that ended with X1 that very day."""
    ended_that_day = [other for other in others if other.dec == episode.decom]
    if episode.rne == "S" and ended_that_day:
        return {
            "rne": f"An episode ended on {long_date(episode.decom)}, so this one continues that period "
            "of care: "
            "choose the change that happened (L, P, T, U or B), not S"
        }
    if episode.rne in CONTINUING_RNE and not any(other.rec == "X1" for other in ended_that_day):
        return {
            "rne": "A change of placement or legal status follows an episode that ended on "
            f"{long_date(episode.decom)} with reason X1; there is none, so use S for a new period of care"
        }
    return {}


def _short_break_problems(episode: Episode, others: list[Episode]) -> Problems:
    """SSDA903 rules 366 and 426: V3 breaks start afresh; V3 and V4 never mix in one year."""
    if not rules.is_short_break(episode.ls):
        return {}
    if episode.ls == "V3" and episode.rne != "S":
        return {"rne": "An individual short break (V3) always starts a new period of care (S)"}
    other_status = "V4" if episode.ls == "V3" else "V3"
    year = rules.collection_year(episode.decom)
    for other in others:
        if other.ls == other_status and rules.collection_year(other.decom) == year:
            return {
                "ls": f"{episode.child.first_name} already has {other_status} short breaks "
                "in this year's return"
            }
    return {}


def _provider_problems(episode: Episode, provider: Provider | None) -> Problems:
    if provider is not None and provider.authority_id != episode.child.authority_id:
        return {"provider": "Choose a provider from this council's list"}
    return {}


def _carer_problems(episode: Episode, carer: FosterHousehold | None) -> Problems:
    """A child is placed only with a household approved on the day, in a foster or adoptive placement."""
    if carer is None:
        return {}
    if carer.authority_id != episode.child.authority_id:
        return {"carer": "Choose a household approved by this council"}
    if episode.place not in FOSTER_PLACEMENTS | ADOPTION_PLACEMENTS:
        return {"carer": "A foster household can only be linked to a foster or adoption placement"}
    approved, ended = carer.approval_date, carer.deregistration_date
    if approved is None or approved > episode.decom or (ended is not None and ended <= episode.decom):
        return {"carer": f"{carer.name} was not an approved household on {long_date(episode.decom)}"}
    return {}


def episode_problems(episode: Episode) -> Problems:
    """Every rule a new episode must meet against the child's other episodes (first problem per field)."""
    others = list(Episode.objects.filter(child_id=episode.child_id).exclude(pk=episode.pk))
    problems: Problems = {}
    for found in (
        _date_problems(episode),
        _clash_problems(episode, others),
        _rne_problems(episode, others),
        _short_break_problems(episode, others),
        _provider_problems(episode, episode.provider),
        _carer_problems(episode, episode.carer),
    ):
        for field, message in found.items():
            problems.setdefault(field, message)
    return problems


# Episodes: the actions


def _fill_placement(episode: Episode) -> None:
    """Copy what the provider (or foster household) already says where the caller left it blank."""
    provider, carer = episode.provider, episode.carer
    if provider is not None:
        episode.place_provider = episode.place_provider or provider.place_provider
        episode.pl_post = episode.pl_post or provider.postcode
        episode.urn = episode.urn or provider.ofsted_urn
    if carer is not None:
        episode.pl_post = episode.pl_post or carer.postcode


@transaction.atomic
def record_episode(
    actor: User | None,
    *,
    child: Child,
    decom: dt.date,
    rne: str,
    ls: str,
    cin: str,
    place: str,
    place_provider: str = "",
    provider: Provider | None = None,
    carer: FosterHousehold | None = None,
    weekly_cost: Decimal | None = None,
    home_post: str | None = None,
    pl_post: str = "",
    urn: str = "",
    planned_end: dt.date | None = None,
    dec: dt.date | None = None,
    rec: str = "",
    reason_place_change: str = "",
) -> Episode:
    """Record one SSDA903 episode (a start of care, or a historical episode from an import).

    Placement postcode, provider code and Ofsted URN come from the provider when not given;
    the home postcode from the child's record. Refused if it would overlap another episode,
    open a second one, or give a reason for the new episode that the history contradicts.
    """
    lock_child(child)
    episode = Episode(
        child=child,
        decom=decom,
        rne=rne,
        ls=ls,
        cin=cin,
        place=place,
        place_provider=place_provider,
        provider=provider,
        carer=carer,
        weekly_cost=Decimal("0") if weekly_cost is None else weekly_cost,
        home_post=child.home_postcode if home_post is None else home_post,
        pl_post=pl_post,
        urn=urn,
        planned_end=planned_end,
        dec=dec,
        rec=rec,
        reason_place_change=reason_place_change,
    )
    _fill_placement(episode)
    refuse(episode_problems(episode))
    return audited_create(actor, episode)


def _open_episode(child: Child) -> Episode:
    episode = Episode.objects.filter(child=child, dec__isnull=True).first()
    if episode is None:
        raise ValidationError({NON_FIELD_ERRORS: f"{child.first_name} is not looked after at the moment"})
    return episode


def _close_problems(episode: Episode, date: dt.date, *, same_day_ok: bool) -> Problems:
    """The day an open episode ends: after it began (a new episode cannot start the same day)."""
    if date < episode.decom or (date == episode.decom and not same_day_ok):
        return {"date": f"The date must be after the current episode began on {long_date(episode.decom)}"}
    return day_problems(episode.child, "date", date)


def _close(
    actor: User | None, episode: Episode, date: dt.date, rec: str, reason_place_change: str = ""
) -> None:
    changes = {"dec": date, "rec": rec, "reason_place_change": reason_place_change}
    try:
        audited_update(actor, episode, changes)
    except ValidationError as error:
        raise renamed(error, {"dec": "date"}) from error


def _continue(actor: User | None, current: Episode, date: dt.date, **fields: Any) -> Episode:
    """Open the episode that follows ``current`` on ``date``, carrying over what did not change."""
    carried: dict[str, Any] = {
        "ls": current.ls,
        "cin": current.cin,
        "place": current.place,
        "place_provider": current.place_provider,
        "provider": current.provider,
        "carer": current.carer,
        "weekly_cost": current.weekly_cost,
        "home_post": current.home_post,
        "pl_post": current.pl_post,
        "urn": current.urn,
        "planned_end": current.planned_end,
    }
    try:
        return record_episode(actor, child=current.child, decom=date, **(carried | fields))
    except ValidationError as error:
        raise renamed(error, {"decom": "date"}) from error


@transaction.atomic
def change_placement(
    actor: User | None,
    *,
    child: Child,
    date: dt.date,
    reason_place_change: str,
    place: str,
    provider: Provider | None = None,
    carer: FosterHousehold | None = None,
    place_provider: str = "",
    weekly_cost: Decimal | None = None,
    pl_post: str = "",
    urn: str = "",
    planned_end: dt.date | None = None,
    ls: str = "",
    same_carer: bool | None = None,
) -> Episode:
    """A move: close the open episode with X1 and the reason, open the next with P, T, U or B.

    ``ls`` is given when the legal status changes at the same time (U or B). ``same_carer``
    says the carers stay the same (T or U); by default, when the new household is the old one.
    """
    lock_child(child)
    current = _open_episode(child)
    problems = _close_problems(current, date, same_day_ok=False)
    if not reason_place_change:
        problems["reason_place_change"] = "Choose the reason the placement changed"
    refuse(problems)
    if same_carer is None:
        same_carer = carer is not None and carer.pk == current.carer_id
    status_changed = bool(ls) and ls != current.ls
    rne = rules.rne_for_change(legal_status_changed=status_changed, same_carer=same_carer)
    _close(actor, current, date, "X1", reason_place_change)
    return _continue(
        actor,
        current,
        date,
        rne=rne,
        ls=ls or current.ls,
        place=place,
        provider=provider,
        carer=carer,
        place_provider=place_provider,
        weekly_cost=weekly_cost,
        pl_post=pl_post,
        urn=urn,
        planned_end=planned_end,
    )


@transaction.atomic
def change_legal_status(
    actor: User | None, *, child: Child, date: dt.date, ls: str, cin: str = ""
) -> Episode:
    """The legal status changes but the child stays put: close with X1, open the next with L."""
    lock_child(child)
    current = _open_episode(child)
    problems = _close_problems(current, date, same_day_ok=False)
    if ls == current.ls:
        problems["ls"] = f"{child.first_name}'s legal status is already {current.get_ls_display()} ({ls})"
    refuse(problems)
    _close(actor, current, date, "X1")
    return _continue(actor, current, date, rne="L", ls=ls, cin=cin or current.cin)


@transaction.atomic
def end_care(actor: User | None, *, child: Child, date: dt.date, rec: str) -> Episode:
    """The child leaves care: the open episode ends with the reason they left (never X1)."""
    lock_child(child)
    current = _open_episode(child)
    problems = _close_problems(current, date, same_day_ok=True)
    if not rec:
        problems["rec"] = "Choose the reason the child left care"
    elif rec == "X1":
        problems["rec"] = (
            "X1 is for a new episode beginning the same day; choose the reason the child left care"
        )
    refuse(problems)
    _close(actor, current, date, rec)
    return current


@transaction.atomic
def set_planned_end(actor: User | None, *, episode: Episode, planned_end: dt.date) -> Episode:
    """Give the placement its planned end date, so every placement is reviewed against one."""
    episode.refresh_from_db(from_queryset=Episode.objects.select_for_update())
    if episode.dec is not None:
        refuse({"planned_end": f"This episode ended on {long_date(episode.dec)}"})
    if planned_end < episode.decom:
        refuse(
            {
                "planned_end": "The planned end cannot be before the episode began on "
                f"{long_date(episode.decom)}"
            }
        )
    return audited_update(actor, episode, {"planned_end": planned_end})


# Reviews, visits and missing periods


def _looked_after_on(child: Child, day: dt.date) -> bool:
    """In care on ``day``, counting the day an episode ends (a review may be held as the child leaves)."""
    return any(
        episode.decom <= day and (episode.dec is None or day <= episode.dec)
        for episode in child.episodes.all()
    )


@transaction.atomic
def record_la_review(
    actor: User | None, *, child: Child, date: dt.date, participation: str, permanence_plan: bool = False
) -> LookedAfterReview:
    """A looked-after child's statutory review, with how the child took part (SSDA903 Reviews)."""
    problems = day_problems(child, "date", date)
    if not problems and not _looked_after_on(child, date):
        problems["date"] = f"{child.first_name} was not looked after on {long_date(date)}"
    elif not problems and child.la_reviews.filter(date=date).exists():
        problems["date"] = f"A review on {long_date(date)} is already recorded"
    fit = rules.participation_problem(participation, child.age_on(date))
    if participation and fit:
        problems["participation"] = fit
    refuse(problems)
    review = LookedAfterReview(
        child=child, date=date, participation=participation, permanence_plan=permanence_plan
    )
    return audited_create(actor, review)


@transaction.atomic
def record_visit(actor: User | None, *, child: Child, date: dt.date, seen_alone: bool = True) -> Visit:
    """A statutory visit by the child's social worker."""
    refuse(day_problems(child, "date", date))
    return audited_create(actor, Visit(child=child, date=date, seen_alone=seen_alone))


def _missing_clash(child: Child, start: dt.date, end: dt.date | None) -> Problems:
    for other in child.missing_episodes.all():
        if other.end is None:
            return {"start": f"{child.first_name} is still recorded as away since {long_date(other.start)}"}
        if other.start == start or rules.periods_overlap(start, end, other.start, other.end):
            return {"start": f"This would overlap the period {describe_period(other.start, other.end)}"}
    return {}


@transaction.atomic
def record_missing(
    actor: User | None, *, child: Child, kind: str, start: dt.date, end: dt.date | None = None
) -> MissingEpisode:
    """A period missing or away from placement without authorisation (SSDA903 Missing)."""
    lock_child(child)
    problems = day_problems(child, "start", start)
    if end is not None and end < start:
        problems["end"] = "The child cannot return before they went missing"
    elif end is not None:
        problems |= day_problems(child, "end", end)
    for field, message in _missing_clash(child, start, end).items():
        problems.setdefault(field, message)
    refuse(problems)
    return audited_create(actor, MissingEpisode(child=child, kind=kind, start=start, end=end))


@transaction.atomic
def end_missing(actor: User | None, *, missing: MissingEpisode, end: dt.date) -> MissingEpisode:
    """The child came back: the open missing period ends."""
    missing.refresh_from_db(from_queryset=MissingEpisode.objects.select_for_update())
    if missing.end is not None:
        refuse({"end": f"The child's return was already recorded on {long_date(missing.end)}"})
    if end < missing.start:
        refuse({"end": "The child cannot return before they went missing"})
    refuse(day_problems(missing.child, "end", end))
    return audited_update(actor, missing, {"end": end})


# Early warning: placements at risk and team-around-the-child meetings


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _placement_on(child: Child, day: dt.date) -> Episode | None:
    """The placement the child was in on ``day`` (a short break is not a placement)."""
    for episode in Episode.objects.filter(child=child, decom__lte=day).exclude(ls__in=SHORT_BREAK_STATUSES):
        if episode.is_open_on(day):
            return episode
    return None


def _flag_problems(
    child: Child, raised: dt.date, raised_by: str, reason: str
) -> tuple[Problems, Episode | None]:
    problems = day_problems(child, "raised", raised)
    episode = None
    if not problems:
        episode = _placement_on(child, raised)
        if episode is None:
            problems["raised"] = f"{child.first_name} was not in a placement on {long_date(raised)}"
        elif (open_flag := episode.risk_flags.filter(resolved__isnull=True).first()) is not None:
            problems["raised"] = (
                f"This placement is already flagged at risk since {long_date(open_flag.raised)}; "
                "resolve that flag or record a meeting about it"
            )
    if raised_by not in PlacementRiskFlag.RaisedBy.values:
        problems["raised_by"] = "Choose who raised the risk"
    if not reason.strip():
        problems["reason"] = "Say why the placement is at risk"
    return problems, episode


@transaction.atomic
def flag_placement_at_risk(
    actor: User | None, *, child: Child, raised: dt.date, raised_by: str, reason: str
) -> PlacementRiskFlag:
    """Flag the placement the child was in on ``raised`` as at risk of breaking down.

    One open flag per placement: a second worry about the same placement belongs to the flag
    already raised (and its team-around-the-child meeting), not a list of duplicates.
    """
    lock_child(child)
    problems, episode = _flag_problems(child, raised, raised_by, reason)
    refuse(problems)
    flag = PlacementRiskFlag(
        child=child,
        episode=episode,
        raised=raised,
        raised_by=raised_by,
        reason=reason.strip(),
        recorded_by=_by(actor),
    )
    return audited_create(actor, flag)


@transaction.atomic
def resolve_flag(
    actor: User | None, *, flag: PlacementRiskFlag, resolved: dt.date, outcome: str, outcome_note: str = ""
) -> PlacementRiskFlag:
    """Close an at-risk flag with how it ended: the placement held, the child moved, or care ended."""
    lock(flag)
    problems: Problems = {}
    if flag.resolved is not None:
        problems["resolved"] = f"This flag was already resolved on {long_date(flag.resolved)}"
    elif resolved < flag.raised:
        problems["resolved"] = f"The date cannot be before the flag was raised on {long_date(flag.raised)}"
    else:
        problems |= day_problems(flag.child, "resolved", resolved)
    if outcome not in PlacementRiskFlag.Outcome.values:
        problems["outcome"] = "Choose the outcome"
    refuse(problems)
    changes = {"resolved": resolved, "outcome": outcome, "outcome_note": outcome_note.strip()}
    return audited_update(actor, flag, changes)


def _meeting_problems(
    child: Child, date: dt.date, reason: str, flag: PlacementRiskFlag | None, next_meeting: dt.date | None
) -> Problems:
    problems = day_problems(child, "date", date)
    if not problems and child.team_around_child_meetings.filter(date=date).exists():
        problems["date"] = f"A team around the child meeting on {long_date(date)} is already recorded"
    if reason not in TeamAroundChildMeeting.Reason.values:
        problems["reason"] = "Choose what the meeting answers"
    elif reason == TeamAroundChildMeeting.Reason.AT_RISK and flag is None:
        problems["flag"] = "Choose the at-risk flag the meeting answers"
    elif reason != TeamAroundChildMeeting.Reason.AT_RISK and flag is not None:
        problems["flag"] = "A meeting about moves does not answer a flag"
    if flag is not None and flag.child_id != child.pk:
        problems["flag"] = f"Choose one of {child.first_name}'s flags"
    elif flag is not None and "date" not in problems and date < flag.raised:
        problems["date"] = f"The meeting cannot be before the flag was raised on {long_date(flag.raised)}"
    if next_meeting is not None and next_meeting <= date:
        problems["next_meeting"] = "The next meeting must be after this one"
    return problems


@transaction.atomic
def record_team_meeting(
    actor: User | None,
    *,
    child: Child,
    date: dt.date,
    reason: str,
    attendees: str,
    agreed: str,
    flag: PlacementRiskFlag | None = None,
    next_meeting: dt.date | None = None,
) -> TeamAroundChildMeeting:
    """Record a team-around-the-child meeting held to support a placement, and what it agreed.

    Peterborough: a "Team around the Child" meeting "which includes all relevant staff and
    plans made to support the placement". Who came and what was agreed are required: a
    meeting without them is no evidence that support was planned.
    """
    lock_child(child)
    problems = _meeting_problems(child, date, reason, flag, next_meeting)
    if not attendees.strip():
        problems["attendees"] = "Enter who attended"
    if not agreed.strip():
        problems["agreed"] = "Enter what was agreed"
    refuse(problems)
    meeting = TeamAroundChildMeeting(
        child=child,
        date=date,
        reason=reason,
        flag=flag,
        attendees=attendees.strip(),
        agreed=agreed.strip(),
        next_meeting=next_meeting,
        recorded_by=_by(actor),
    )
    return audited_create(actor, meeting)
