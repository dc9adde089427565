"""Where a chronology's entries come from: one function per kind of record, each one query.

Every dated event on a child's record is read from the record that holds it, so the chronology
is never typed twice and always agrees with the rest of the register. Each function takes the
child and returns :class:`~divert.chronology.entries.Entry` lines; who may read the chronology
is decided once, for the child, before any source is read (``core.access.may_read_chronology``):
every record here is about that one child, so ``restrict`` would let the same rows through.

Other apps provide their own sources as a module with ``entries(child)`` (:data:`APP_SOURCES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from django.urls import reverse
from django.utils import timezone

from divert.care import chronology as care_chronology
from divert.care.models import (
    AdoptionRecord,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    Visit,
)
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    PlanReview,
    Section47,
    StrategyDiscussion,
)
from divert.chronology.entries import Entry
from divert.chronology.models import SignificantEvent
from divert.core.codes import LegalStatus, Placement, ReasonEpisodeCeased
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Contact, Referral
from divert.panels.models import EdgeOfCareProposal, ResourceRequest
from divert.people.models import Child
from divert.permanence import chronology as permanence_chronology
from divert.stepdown import chronology as stepdown_chronology

Source = Callable[[Child], list[Entry]]

#: Other apps' sources: each app that owns a kind of record about a child says what it means.
APP_SOURCES: tuple[Source, ...] = (
    stepdown_chronology.entries,
    care_chronology.entries,
    permanence_chronology.entries,
)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _source(obj: object) -> str:
    meta = obj._meta  # type: ignore[attr-defined]
    return f"{meta.app_label}.{meta.model_name}:{obj.pk}"  # type: ignore[attr-defined]


def _label(choices: type, code: str) -> str:
    """A code's label, or the code itself when a return carried one the register does not know."""
    return str(dict(choices.choices).get(code, code))  # type: ignore[attr-defined]


def _sentence(text: str, limit: int = 300) -> str:
    """Free text cut to a line or two, so a long note does not swamp the timeline."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- The front door ----------------------------------------------------------------------------


def contacts(child: Child) -> list[Entry]:
    """Each contact as it arrived and, on the day it was made, the MASH decision on it."""
    found: list[Entry] = []
    for contact in Contact.objects.filter(child=child):
        url = reverse("frontdoor:enquiry", args=[contact.enquiry_id]) if contact.enquiry_id else ""
        found.append(
            Entry(
                _day(contact.received),
                "contact",
                f"Contact received: {contact.get_source_display()}",
                _sentence(contact.concerns),
                url,
                _source(contact),
            )
        )
        if contact.decided is not None:
            level = f" Level of need: {contact.get_need_level_display()}." if contact.need_level else ""
            found.append(
                Entry(
                    _day(contact.decided),
                    "contact",
                    f"MASH decision: {contact.get_decision_display()}",
                    _sentence(f"{contact.reasons}{level}".strip()),
                    url,
                    _source(contact),
                )
            )
    return found


def referrals(child: Child) -> list[Entry]:
    """Each referral to social care, the route decided for it, and its closure."""
    found: list[Entry] = []
    for referral in Referral.objects.filter(child=child):
        again = " (a re-referral within 12 months)" if referral.re_referral else ""
        route = f"Route: {referral.get_route_display()}." if referral.route else ""
        found.append(
            Entry(
                referral.date,
                "referral",
                f"Referral to children's social care{again}",
                f"Source: {referral.get_source_display()}. {route}".strip(),
                "",
                _source(referral),
            )
        )
        if referral.closed is not None:
            found.append(
                Entry(
                    referral.closed,
                    "referral",
                    "Children in need episode closed",
                    referral.get_closure_reason_display(),
                    "",
                    _source(referral),
                )
            )
    return found


# --- Early help and casework -------------------------------------------------------------------


def early_help(child: Child) -> list[Entry]:
    """Each early help episode's start, assessment and close."""
    found: list[Entry] = []
    for episode in EarlyHelpEpisode.objects.filter(child=child).select_related("lead_professional"):
        url = reverse("earlyhelp:episode", args=[episode.pk])
        lead = f"Lead professional: {episode.lead_professional.name}."
        found.append(Entry(episode.start, "early_help", "Early help began", lead, url, _source(episode)))
        if episode.assessment_completed is not None:
            found.append(
                Entry(
                    episode.assessment_completed,
                    "early_help",
                    "Early help assessment completed",
                    _sentence(episode.assessment_summary),
                    url,
                    _source(episode),
                )
            )
        if episode.end is not None:
            found.append(
                Entry(
                    episode.end,
                    "early_help",
                    f"Early help closed: {episode.get_outcome_display() or 'no outcome recorded'}",
                    _sentence(episode.outcome_note),
                    url,
                    _source(episode),
                )
            )
    return found


def assessments(child: Child) -> list[Entry]:
    found: list[Entry] = []
    for assessment in Assessment.objects.filter(child=child):
        source = _source(assessment)
        found.append(
            Entry(assessment.start, "assessment", "Children and families assessment began", "", "", source)
        )
        if assessment.authorised is not None:
            factors = f"Assessment factors: {assessment.factors}." if assessment.factors else ""
            found.append(
                Entry(assessment.authorised, "assessment", "Assessment authorised", factors, "", source)
            )
    return found


def strategy_discussions(child: Child) -> list[Entry]:
    return [
        Entry(
            discussion.date,
            "strategy",
            f"Strategy discussion: {discussion.get_decision_display()}",
            _sentence(" ".join(part for part in (discussion.attendees, discussion.reasons) if part)),
            "",
            _source(discussion),
        )
        for discussion in StrategyDiscussion.objects.filter(child=child)
    ]


def section47s(child: Child) -> list[Entry]:
    found: list[Entry] = []
    for enquiry in Section47.objects.filter(child=child):
        source = _source(enquiry)
        found.append(Entry(enquiry.start, "strategy", "Section 47 enquiry began", "", "", source))
        if enquiry.completed is not None:
            outcome = (
                "An initial conference is needed." if enquiry.icpc_required else "No initial conference."
            )
            found.append(
                Entry(enquiry.completed, "strategy", "Section 47 enquiry completed", outcome, "", source)
            )
    return found


def _plan_entries(plan: CINPlan | ChildProtectionPlan, name: str, detail: str) -> Iterator[Entry]:
    yield Entry(plan.start, "plan", f"{name} began", detail, "", _source(plan))
    if plan.end is not None:
        yield Entry(plan.end, "plan", f"{name} ended", "", "", _source(plan))


def cin_plans(child: Child) -> list[Entry]:
    return [
        e
        for plan in CINPlan.objects.filter(child=child)
        for e in _plan_entries(plan, "Child in need plan", "")
    ]


def cp_plans(child: Child) -> list[Entry]:
    return [
        entry
        for plan in ChildProtectionPlan.objects.filter(child=child)
        for entry in _plan_entries(plan, "Child protection plan", f"Category: {plan.get_category_display()}.")
    ]


def conferences(child: Child) -> list[Entry]:
    found: list[Entry] = []
    for conference in Conference.objects.filter(child=child):
        if conference.kind == Conference.Kind.INITIAL:
            result = "A child protection plan was made." if conference.plan_made else "No plan was made."
        else:
            result = "The plan continues." if conference.plan_made else "The plan ended."
        found.append(
            Entry(
                conference.date, "conference", conference.get_kind_display(), result, "", _source(conference)
            )
        )
    return found


def plan_reviews(child: Child) -> list[Entry]:
    found: list[Entry] = []
    for review in PlanReview.objects.filter(child=child):
        plan = "child protection" if review.cp_plan_id else "child in need"
        title = f"{review.milestone}-month review of the {plan} plan: {review.get_outcome_display()}"
        found.append(Entry(review.date, "plan_review", title, _sentence(review.note), "", _source(review)))
    return found


# --- Panels ------------------------------------------------------------------------------------


def edge_of_care_proposals(child: Child) -> list[Entry]:
    """Each proposal to accommodate, and the edge-of-care panel's decision on the day it sat."""
    found: list[Entry] = []
    for proposal in EdgeOfCareProposal.objects.filter(child=child).select_related("meeting"):
        url = reverse("panels:proposal", args=[proposal.pk])
        source = _source(proposal)
        found.append(
            Entry(
                proposal.proposed,
                "panel",
                f"Proposed to the edge-of-care panel: {proposal.get_basis_display()}",
                _sentence(proposal.reasons),
                url,
                source,
            )
        )
        if proposal.decision and proposal.meeting is not None:
            title = f"Edge-of-care panel decision: {proposal.get_decision_display()}"
            note = _sentence(proposal.package or proposal.decision_note)
            found.append(Entry(proposal.meeting.date, "panel", title, note, url, source))
    return found


def resource_requests(child: Child) -> list[Entry]:
    """Each request to the resource panel, and its decision on the day it sat."""
    found: list[Entry] = []
    for request in ResourceRequest.objects.filter(child=child).select_related("meeting"):
        url = reverse("panels:resource", args=[request.pk])
        source = _source(request)
        found.append(
            Entry(
                request.requested,
                "panel",
                "Request to the resource panel",
                _sentence(request.need),
                url,
                source,
            )
        )
        if request.decision and request.meeting is not None:
            title = f"Resource panel decision: {request.get_decision_display()}"
            found.append(
                Entry(request.meeting.date, "panel", title, _sentence(request.conditions), url, source)
            )
    return found


# --- Children in care --------------------------------------------------------------------------

MOVES = frozenset({"P", "T", "U", "B"})
LEGAL_CHANGES = frozenset({"L", "U", "B"})


def episodes(child: Child) -> list[Entry]:
    """Entries to care, placement moves, legal status changes and exits, from the SSDA903 episodes.

    A new episode's reason (RNE) says what changed on its start date: ``S`` is an entry to care,
    a placement change (``P``, ``T``, ``U``, ``B``) is a move, a legal status change (``L``,
    ``U``, ``B``) is a change of legal status. An episode that ceased with any reason but ``X1``
    (a new episode the same day) is an exit from care.
    """
    found: list[Entry] = []
    for episode in Episode.objects.filter(child=child).select_related("provider").order_by("decom"):
        found.extend(_episode_entries(episode))
    return found


def _episode_entries(episode: Episode) -> Iterator[Entry]:
    source = _source(episode)
    status = _label(LegalStatus, episode.ls)
    where = _label(Placement, episode.place) + (f", {episode.provider.name}" if episode.provider else "")
    if episode.rne == "S":
        yield Entry(
            episode.decom, "care", "Became looked after", f"{status}. Placed in: {where}.", "", source
        )
    if episode.rne in MOVES:
        reason = (
            f" Reason: {episode.get_reason_place_change_display()}." if episode.reason_place_change else ""
        )
        yield Entry(
            episode.decom, "placement", "Placement moved", f"Now placed in: {where}.{reason}", "", source
        )
    if episode.rne in LEGAL_CHANGES:
        yield Entry(episode.decom, "care", "Legal status changed", f"Now: {status}.", "", source)
    if episode.dec is not None and episode.rec and episode.rec != "X1":
        yield Entry(episode.dec, "care", "Left care", _label(ReasonEpisodeCeased, episode.rec), "", source)


def la_reviews(child: Child) -> list[Entry]:
    return [
        Entry(
            review.date,
            "la_review",
            "Looked-after review",
            review.get_participation_display()
            + (". A permanence plan was in place." if review.permanence_plan else "."),
            "",
            _source(review),
        )
        for review in LookedAfterReview.objects.filter(child=child)
    ]


def visits(child: Child) -> list[Entry]:
    return [
        Entry(
            visit.date,
            "visit",
            "Statutory visit",
            "Seen alone." if visit.seen_alone else "Not seen alone.",
            "",
            _source(visit),
        )
        for visit in Visit.objects.filter(child=child)
    ]


def missing_episodes(child: Child) -> list[Entry]:
    found: list[Entry] = []
    for episode in MissingEpisode.objects.filter(child=child):
        title = (
            "Missing from placement" if episode.kind == MissingEpisode.Kind.MISSING else "Away from placement"
        )
        back = f"Returned {episode.end.day} {episode.end:%B %Y}." if episode.end else "Not yet returned."
        found.append(Entry(episode.start, "missing", title, back, "", _source(episode)))
    return found


def adoption(child: Child) -> list[Entry]:
    """The steps to adoption (SSDA903 AD1 and placed for adoption), one entry a step."""
    found: list[Entry] = []
    for record in AdoptionRecord.objects.filter(child=child):
        source = _source(record)
        steps = (
            (record.decision, "Decision that the child should be placed for adoption"),
            (record.matched, "Matched with adopters"),
            (record.placed, "Placed for adoption"),
            (record.placed_ceased, "Placement for adoption ended"),
        )
        found.extend(
            Entry(day, "permanence", title, "", "", source) for day, title in steps if day is not None
        )
    return found


def care_leaver_contacts(child: Child) -> list[Entry]:
    return [
        Entry(
            contact.date,
            "care_leaver",
            f"Care leaver contact: {contact.get_in_touch_display()}",
            "",
            "",
            _source(contact),
        )
        for contact in CareLeaverContact.objects.filter(child=child)
    ]


# --- Added by hand -----------------------------------------------------------------------------


def significant_events(child: Child) -> list[Entry]:
    """Significant events added by hand (not those removed), each linked to its own page."""
    return [
        Entry(
            event.date,
            "significant",
            event.title,
            _sentence(event.detail),
            reverse("chronology:event", args=[event.pk]),
            _source(event),
        )
        for event in SignificantEvent.objects.filter(child=child, removed_at__isnull=True)
    ]


#: This app's sources, in the order they are read.
SOURCES: tuple[Source, ...] = (
    contacts,
    referrals,
    early_help,
    assessments,
    strategy_discussions,
    section47s,
    cin_plans,
    cp_plans,
    conferences,
    plan_reviews,
    edge_of_care_proposals,
    resource_requests,
    episodes,
    la_reviews,
    visits,
    missing_episodes,
    adoption,
    care_leaver_contacts,
    significant_events,
)


def all_sources() -> list[Source]:
    return [*SOURCES, *APP_SOURCES]


def entries_for(child: Child) -> list[Entry]:
    """Every entry of the child's chronology, in no particular order.

    Where another app gives an entry for the same record, kind and day as one of this app's
    sources (permanence gives the adoption steps, linked to its own page), the app's entry wins:
    the app that owns the record knows best what to say about it and where to show it.
    """
    from_apps = [entry for source in APP_SOURCES for entry in source(child)]
    claimed = {(entry.source, entry.kind, entry.date) for entry in from_apps}
    own = [entry for source in SOURCES for entry in source(child)]
    return [*from_apps, *(entry for entry in own if (entry.source, entry.kind, entry.date) not in claimed)]
