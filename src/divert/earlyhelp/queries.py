"""Reads for the early help pages: open episodes, recent closures, outcomes, one episode's history.

Every function takes the user and reads through ``.restrict(user, action)`` or
``get_for_user``, so the pages show only children the user may see. "Today" is a parameter so
that tests can fix it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from divert.core.access import get_for_user
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.people.models import Locality, Professional

#: Closed episodes listed on the index page: those closed in the last ``RECENT_DAYS`` days.
RECENT_DAYS = 90
#: An intervention whose planned end is this close (in days) is flagged on the index page.
ENDING_SOON_DAYS = 14
#: The outcomes table counts the episodes closed in the last year.
OUTCOME_DAYS = 365


@dataclass(frozen=True)
class Filters:
    locality: Locality | None = None
    lead_professional: Professional | None = None

    def condition(self) -> Q:
        condition = Q()
        if self.locality is not None:
            condition &= Q(locality=self.locality)
        if self.lead_professional is not None:
            condition &= Q(lead_professional=self.lead_professional)
        return condition


def _episodes(user: Any, filters: Filters) -> QuerySet[EarlyHelpEpisode]:
    return (
        EarlyHelpEpisode.objects.restrict(user, "view")
        .filter(filters.condition())
        .select_related("child", "locality", "lead_professional__team")
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def since(start: dt.date, today: dt.date) -> str:
    """How long ago in words a person reads at a glance: days for a fortnight, then weeks."""
    days = (today - start).days
    return _plural(days, "day") if days < 14 else _plural(days // 7, "week")


@dataclass(frozen=True)
class OpenRow:
    episode: EarlyHelpEpisode
    today: dt.date

    @property
    def waiting(self) -> str:
        """How long the family has had early help without an assessment."""
        return since(self.episode.start, self.today)

    @property
    def ending(self) -> tuple[str, str] | None:
        """The intervention's planned-end tag, when it is near or past: (label, colour)."""
        planned = self.episode.intervention_planned_end
        if planned is None:
            return None
        days = (planned - self.today).days
        if days < 0:
            return ("Past planned end", "govuk-tag--red")
        if days == 0:
            return ("Ends today", "govuk-tag--orange")
        if days <= ENDING_SOON_DAYS:
            return (f"Ends in {_plural(days, 'day')}", "govuk-tag--yellow")
        return None


def open_episodes(user: Any, filters: Filters, today: dt.date) -> list[OpenRow]:
    """Open episodes, the most pressing first: the earliest planned end, then the longest open."""
    found = _episodes(user, filters).filter(end__isnull=True, start__lte=today)
    rows = [OpenRow(episode, today) for episode in found]
    far = dt.date.max
    return sorted(
        rows,
        key=lambda r: (r.episode.intervention_planned_end or far, r.episode.start, r.episode.pk),
    )


def recently_closed(user: Any, filters: Filters, today: dt.date) -> QuerySet[EarlyHelpEpisode]:
    since_day = today - dt.timedelta(days=RECENT_DAYS)
    return _episodes(user, filters).filter(end__gte=since_day, end__lte=today).order_by("-end", "-pk")


@dataclass(frozen=True)
class OutcomeTable:
    """Episodes closed in the last year, by locality and outcome."""

    outcomes: list[tuple[str, str]]
    rows: list[tuple[str, list[int], int]]
    totals: list[int]
    total: int


def outcome_table(user: Any, filters: Filters, today: dt.date) -> OutcomeTable:
    since_day = today - dt.timedelta(days=OUTCOME_DAYS)
    counted = (
        EarlyHelpEpisode.objects.restrict(user, "view")
        .filter(filters.condition(), end__gt=since_day, end__lte=today)
        .values("locality__name", "outcome")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in counted:
        counts.setdefault(row["locality__name"], {})[row["outcome"]] = row["n"]
    outcomes = list(EarlyHelpEpisode.Outcome.choices)
    rows = [
        (name, [by.get(value, 0) for value, _ in outcomes], sum(by.values()))
        for name, by in sorted(counts.items())
    ]
    totals = [sum(row[1][i] for row in rows) for i in range(len(outcomes))]
    return OutcomeTable(outcomes=outcomes, rows=rows, totals=totals, total=sum(totals))


@dataclass
class Index:
    today: dt.date
    open: list[OpenRow]
    closed: list[EarlyHelpEpisode]
    outcomes: OutcomeTable


def index(user: Any, filters: Filters, today: dt.date | None = None) -> Index:
    today = today or timezone.localdate()
    return Index(
        today=today,
        open=open_episodes(user, filters, today),
        closed=list(recently_closed(user, filters, today)),
        outcomes=outcome_table(user, filters, today),
    )


# --- One episode ------------------------------------------------------------------------------


def episode_for(user: Any, pk: Any, action: str = "view") -> EarlyHelpEpisode:
    """The episode, or the same 404 as a missing one when the user may not see (or change) it."""
    queryset = EarlyHelpEpisode.objects.select_related(
        "child", "locality", "lead_professional__team", "contact", "referral"
    )
    return get_for_user(queryset, user, "change" if action == "change" else "view", pk=pk)


@dataclass(frozen=True)
class Event:
    date: dt.date
    label: str
    detail: str


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _front_door_events(episode: EarlyHelpEpisode) -> list[Event]:
    events = []
    if episode.contact is not None:
        contact = episode.contact
        events.append(
            Event(_day(contact.received), "Contact to the front door", f"From {contact.get_source_display()}")
        )
    if episode.referral is not None:
        referral = episode.referral
        events.append(
            Event(referral.date, "Referral to social care", f"From {referral.get_source_display()}")
        )
    return events


def _episode_events(episode: EarlyHelpEpisode) -> list[Event]:
    lead = episode.lead_professional
    events = [
        Event(
            episode.start,
            "Stepped down to early help",
            f"Lead professional {lead.name} ({lead.team.name}), {episode.locality.name}",
        )
    ]
    if episode.assessment_completed:
        events.append(
            Event(episode.assessment_completed, "Early help assessment completed", episode.assessment_summary)
        )
    if episode.intervention_start:
        planned = episode.intervention_planned_end
        until = f", planned to end {planned.day} {planned:%b %Y}" if planned else ""
        events.append(
            Event(episode.intervention_start, "Family support began", f"{episode.intervention}{until}")
        )
    for enquiry in episode.step_ups.all():
        events.append(
            Event(_day(enquiry.received), "Stepped up to social care", f"MASH enquiry {enquiry.reference}")
        )
    if episode.end:
        note = f": {episode.outcome_note}" if episode.outcome_note else ""
        events.append(Event(episode.end, "Early help closed", f"{episode.get_outcome_display()}{note}"))
    return events


def _earlier_events(user: Any, episode: EarlyHelpEpisode) -> list[Event]:
    """The child's other early help episodes, so a lead professional sees the pattern."""
    others = (
        EarlyHelpEpisode.objects.restrict(user, "view").filter(child=episode.child).exclude(pk=episode.pk)
    )
    events = []
    for other in others.select_related("lead_professional"):
        ended = f" to {other.end.day} {other.end:%b %Y}: {other.get_outcome_display()}" if other.end else ""
        events.append(
            Event(other.start, "Another early help episode", f"With {other.lead_professional.name}{ended}")
        )
    return events


def history(user: Any, episode: EarlyHelpEpisode) -> list[Event]:
    """What happened, oldest first: how the family came to early help, the work, the outcome."""
    events = _front_door_events(episode) + _episode_events(episode) + _earlier_events(user, episode)
    return sorted(events, key=lambda event: event.date)
