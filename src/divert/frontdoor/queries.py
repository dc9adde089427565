"""Reads at the front door: the MASH queue, an enquiry with all it carries, partners' requests.

Enquiries are read through ``core.access.enquiries_for`` and information requests through
``information_requests_for``; the children's records behind them (contacts, referrals, early
help) through ``restrict``. The queue is ordered by the decision's due date, which only grows
with the day received, so ordering by the time received is the same order and the database
can do it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from divert.care.rules import one_year_before
from divert.core.access import enquiries_for, information_requests_for, restrict
from divert.core.clocks import contact_decision_due, is_overdue, local_day, working_days_left
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import (
    SOCIAL_WORK_TEAMS,
    Contact,
    Enquiry,
    InformationRequest,
    NamedChild,
    Referral,
)
from divert.people.models import Allocation, Child
from divert.people.queries import held_on

Show = Literal["all", "overdue", "due_today", "mine", "unallocated", "decided"]
SHOWS: dict[str, str] = {
    "all": "All open",
    "overdue": "Overdue",
    "due_today": "Due today",
    "mine": "Mine",
    "unallocated": "Unallocated",
    "decided": "Recently decided",
}
#: How far back "recently decided" looks, in days.
RECENT_DAYS = 7


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in England."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _first_day_due_on_or_after(today: dt.date) -> dt.date:
    """The earliest day received whose decision is due on ``today`` or later.

    Everything received before it is overdue. The due date grows with the day received, so
    stepping back while the day before is still due in time finds it in a few steps.
    """
    day = today
    while contact_decision_due(start_of(day - dt.timedelta(days=1))) >= today:
        day -= dt.timedelta(days=1)
    return day


def overdue_before(today: dt.date) -> dt.datetime:
    """An open enquiry received before this moment is past its decision day."""
    return start_of(_first_day_due_on_or_after(today))


def due_today_until(today: dt.date) -> dt.datetime:
    """An open enquiry received from ``overdue_before(today)`` up to this moment is due today."""
    return overdue_before(today + dt.timedelta(days=1))


@dataclass(frozen=True)
class Clock:
    """The one-working-day decision clock of an enquiry, as the queue shows it."""

    due: dt.date
    days_left: int
    overdue: bool

    @classmethod
    def of(cls, received: dt.datetime, today: dt.date, done: dt.date | None = None) -> Clock:
        due = contact_decision_due(received)
        return cls(
            due=due, days_left=working_days_left(due, done or today), overdue=is_overdue(due, today, done)
        )

    @property
    def label(self) -> str:
        if self.overdue:
            late = -self.days_left
            return f"Overdue by {late} working day{'s' if late != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        if self.days_left == 1:
            return "Due tomorrow"
        return f"Due {self.due:%-d %b %Y}"

    @property
    def colour(self) -> str:
        if self.overdue:
            return "govuk-tag--red"
        return "govuk-tag--orange" if self.days_left == 0 else "govuk-tag--grey"


@dataclass(frozen=True)
class OpenCase:
    """A child's case already open to social care, and who holds it, so the MASH knows whom to tell."""

    referral: Referral | None
    allocation: Allocation | None


@dataclass
class NamedRow:
    named: NamedChild
    contact: Contact | None
    previous_referral: Referral | None = None
    open_case: OpenCase | None = None

    @property
    def state(self) -> str:
        if self.contact is None:
            return "Not matched"
        if self.contact.decision:
            return self.contact.get_decision_display()
        return "Matched: awaiting decision"


@dataclass
class QueueRow:
    enquiry: Enquiry
    clock: Clock
    children: list[NamedRow]
    outstanding_requests: int

    @property
    def re_referrals(self) -> list[NamedRow]:
        return [row for row in self.children if row.previous_referral is not None]


@dataclass
class QueueCounts:
    open: int
    overdue: int
    due_today: int
    decided_today: int


def _base(user: Any) -> QuerySet[Enquiry]:
    return enquiries_for(user).select_related("officer", "stepped_up_from")


def open_enquiries(user: Any, show: str = "all", today: dt.date | None = None) -> QuerySet[Enquiry]:
    """The open enquiries ``user`` may read, earliest decision due first, narrowed by ``show``."""
    today = today or timezone.localdate()
    found = _base(user).filter(closed__isnull=True)
    if show == "overdue":
        found = found.filter(received__lt=overdue_before(today))
    elif show == "due_today":
        found = found.filter(received__gte=overdue_before(today), received__lt=due_today_until(today))
    elif show == "mine":
        found = found.filter(officer_id=getattr(user, "pk", None))
    elif show == "unallocated":
        found = found.filter(officer__isnull=True)
    return found.order_by("received", "pk")


def recently_decided(user: Any, today: dt.date | None = None) -> QuerySet[Enquiry]:
    """Enquiries closed in the last week, latest first."""
    today = today or timezone.localdate()
    since = start_of(today - dt.timedelta(days=RECENT_DAYS))
    return _base(user).filter(closed__gte=since).order_by("-closed", "-pk")


def counts(user: Any, today: dt.date | None = None) -> QueueCounts:
    """The figures at the top of the queue, in one query."""
    today = today or timezone.localdate()
    late, until = overdue_before(today), due_today_until(today)
    open_ = Q(closed__isnull=True)
    figures = enquiries_for(user).aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(received__lt=late)),
        due_today=Count("pk", filter=open_ & Q(received__gte=late, received__lt=until)),
        decided_today=Count(
            "pk", filter=Q(closed__gte=start_of(today), closed__lt=start_of(today + dt.timedelta(days=1)))
        ),
    )
    return QueueCounts(**figures)


def previous_referrals(user: Any, contacts: list[Contact]) -> dict[int, Referral]:
    """For each contact (by pk), the child's latest referral in the 12 months before it was received.

    The DfE's re-referral: a referral within 12 months of a previous one. One query for a page.
    """
    if not contacts:
        return {}
    earliest = one_year_before(min(local_day(c.received) for c in contacts))
    referrals = (
        restrict(Referral.objects.all(), user)
        .filter(child_id__in={c.child_id for c in contacts}, date__gte=earliest)
        .order_by("-date")
    )
    by_child: dict[int, list[Referral]] = defaultdict(list)
    for referral in referrals:
        by_child[referral.child_id].append(referral)
    found: dict[int, Referral] = {}
    for contact in contacts:
        day = local_day(contact.received)
        earlier = [r for r in by_child[contact.child_id] if one_year_before(day) <= r.date < day]
        if earlier:
            found[contact.pk] = earlier[0]
    return found


def _named_rows(user: Any, enquiries: list[Enquiry]) -> dict[int, list[NamedRow]]:
    named = (
        NamedChild.objects.filter(enquiry__in=enquiries)
        .select_related("child")
        .prefetch_related(Prefetch("contact", queryset=restrict(Contact.objects.all(), user)))
        .order_by("pk")
    )
    rows: dict[int, list[NamedRow]] = defaultdict(list)
    for each in named:
        rows[each.enquiry_id].append(NamedRow(each, getattr(each, "contact", None)))
    contacts = [row.contact for group in rows.values() for row in group if row.contact is not None]
    earlier = previous_referrals(user, contacts)
    for group in rows.values():
        for row in group:
            if row.contact is not None:
                row.previous_referral = earlier.get(row.contact.pk)
    return rows


def _outstanding(enquiries: list[Enquiry]) -> dict[int, int]:
    open_requests = (
        InformationRequest.objects.filter(enquiry__in=enquiries, responded__isnull=True)
        .values("enquiry_id")
        .annotate(n=Count("pk"))
    )
    return {row["enquiry_id"]: row["n"] for row in open_requests}


def queue_rows(user: Any, enquiries: QuerySet[Enquiry], today: dt.date | None = None) -> list[QueueRow]:
    """The queue's rows with their clocks, children, re-referral flags and requests: four queries."""
    today = today or timezone.localdate()
    listed = list(enquiries)
    named = _named_rows(user, listed)
    outstanding = _outstanding(listed)
    return [
        QueueRow(
            enquiry=enquiry,
            clock=Clock.of(enquiry.received, today, local_day(enquiry.closed) if enquiry.closed else None),
            children=named.get(enquiry.pk, []),
            outstanding_requests=outstanding.get(enquiry.pk, 0),
        )
        for enquiry in listed
    ]


def _holder(allocations: list[Allocation]) -> Allocation | None:
    """The social work team's allocation when there is one, else the latest (say, early help's)."""
    social_work = [a for a in allocations if a.team.kind in SOCIAL_WORK_TEAMS]
    ranked = social_work or allocations
    return ranked[0] if ranked else None


def open_cases(user: Any, child_ids: Iterable[int], today: dt.date | None = None) -> dict[int, OpenCase]:
    """For each child (by pk) whose case is open to social care today, the open referral and the
    allocation that holds it: the same test as the open-case route (``actions.has_open_case``).

    Two queries, both through ``restrict``: a child the user may not see is left out.
    """
    today = today or timezone.localdate()
    ids = set(child_ids)
    referrals = restrict(Referral.objects.all(), user).filter(child_id__in=ids, closed__isnull=True)
    allocations = (
        restrict(Allocation.objects.all(), user)
        .filter(held_on(today), child_id__in=ids)
        .select_related("worker", "team")
        .order_by("-start", "-pk")
    )
    open_referral = {r.child_id: r for r in referrals.order_by("date", "pk")}
    held: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        held[allocation.child_id].append(allocation)
    cases = {}
    for child_id in ids:
        holder = _holder(held[child_id])
        referral = open_referral.get(child_id)
        if referral is not None or (holder is not None and holder.team.kind in SOCIAL_WORK_TEAMS):
            cases[child_id] = OpenCase(referral, holder)
    return cases


# One enquiry


@dataclass
class EnquiryDetail:
    enquiry: Enquiry
    clock: Clock
    children: list[NamedRow]
    household: list[Any]
    requests: list[InformationRequest]
    stepped_up_from: EarlyHelpEpisode | None
    referrals: dict[int, Referral] = field(default_factory=dict)

    @property
    def contacts(self) -> list[Contact]:
        return [row.contact for row in self.children if row.contact is not None]

    @property
    def all_matched(self) -> bool:
        return all(row.contact is not None for row in self.children)


def get_enquiry(user: Any, pk: int) -> Enquiry:
    """The enquiry, or the same 404 for one that is not the user's to read as for a missing one."""
    try:
        return enquiries_for(user).select_related("officer", "recorded_by").get(pk=pk)
    except (Enquiry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such enquiry") from exc


def enquiry_detail(user: Any, enquiry: Enquiry, today: dt.date | None = None) -> EnquiryDetail:
    today = today or timezone.localdate()
    children = _named_rows(user, [enquiry]).get(enquiry.pk, [])
    contacts = [row.contact for row in children if row.contact is not None]
    made = restrict(Referral.objects.all(), user).filter(contact__in=contacts)
    episode = None
    if enquiry.stepped_up_from_id is not None:
        episode = (
            restrict(EarlyHelpEpisode.objects.all(), user)
            .select_related("lead_professional", "locality")
            .filter(pk=enquiry.stepped_up_from_id)
            .first()
        )
    cases = open_cases(user, [c.child_id for c in contacts], today)
    for row in children:
        if row.contact is not None:
            row.open_case = cases.get(row.contact.child_id)
    return EnquiryDetail(
        enquiry=enquiry,
        clock=Clock.of(enquiry.received, today, local_day(enquiry.closed) if enquiry.closed else None),
        children=children,
        household=list(enquiry.household.all()),
        requests=list(information_requests_for(user).filter(enquiry=enquiry).order_by("requested", "pk")),
        stepped_up_from=episode,
        referrals={r.contact_id: r for r in made if r.contact_id is not None},
    )


def get_named(user: Any, pk: int) -> NamedChild:
    """A named child of an enquiry the user may read (404 otherwise)."""
    try:
        return NamedChild.objects.select_related("enquiry", "child").get(
            pk=pk, enquiry__in=enquiries_for(user)
        )
    except (NamedChild.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child on an enquiry") from exc


def get_contact(user: Any, pk: int) -> Contact:
    """A contact made at the front door, of an enquiry the user may read, about a child they may see."""
    try:
        return (
            restrict(Contact.objects.all(), user)
            .select_related("child", "enquiry", "named")
            .get(pk=pk, enquiry__in=enquiries_for(user))
        )
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such contact") from exc


def child_by_id(user: Any, child_id: str) -> Child:
    """The child the user may see with this child ID, or a refusal on the field (never whose it is)."""
    found = restrict(Child.objects.all(), user).filter(child_id=child_id.strip()).first()
    if found is None:
        raise ValidationError({"other_child_id": "No child you can see has that child ID"})
    return found


# Partner agencies' side


def partner_requests(user: Any) -> QuerySet[InformationRequest]:
    """The requests to the user's agency: open ones first, soonest due first."""
    return (
        information_requests_for(user)
        .select_related("enquiry")
        .prefetch_related("enquiry__children")
        .order_by(F("responded").asc(nulls_first=True), "due", "pk")
    )


def partner_open_requests(user: Any) -> QuerySet[InformationRequest]:
    """The requests waiting for the user's agency's answer, soonest due first (a short list)."""
    return partner_requests(user).filter(responded__isnull=True).order_by("due", "pk")


def partner_answered_requests(user: Any) -> QuerySet[InformationRequest]:
    """The requests the agency has answered, latest answer first: years of them, so a page at a time."""
    return partner_requests(user).filter(responded__isnull=False).order_by("-responded", "-pk")


def get_request(user: Any, pk: int) -> InformationRequest:
    """A request the user's agency was sent (another agency's is the same 404 as a missing one)."""
    try:
        return information_requests_for(user).select_related("enquiry").get(pk=pk)
    except (InformationRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request") from exc
