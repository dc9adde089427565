"""Write a generated authority to the register in one transaction, and clear the register.

This is a bulk loader, documented as such: it writes with ``bulk_create`` rather than the
domain actions, because a synthetic authority is hundreds of thousands of rows and one
audit row per row would be noise. Every row still meets the models' rules (the database
enforces the CHECK and unique constraints, and the tests check codes and choices), each
authority is written all or nothing, and one audit event of action ``load`` records it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.apps import apps
from django.db import connection, models, transaction

from divert.care.models import (
    AdoptionRecord,
    AnnualHealthOutcome,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanenceOrder,
    Provider,
    Visit,
)
from divert.carers.models import FosterHousehold
from divert.cases.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    Conference,
    Section47,
    StrategyDiscussion,
)
from divert.core import audit
from divert.core.models import AuditEvent, Authority, Benchmark, PopulationEstimate, UnitCost, User
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import (
    Contact,
    Enquiry,
    HouseholdMember,
    InformationRequest,
    NamedChild,
    Referral,
)
from divert.panels.models import (
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    ResourceOption,
    ResourceRequest,
)
from divert.people.models import Allocation, Child, FamilyMember, Locality, Professional, Share, Team
from divert.synth import reference, targets
from divert.synth.authorities import AuthoritySpec
from divert.synth.bulk import insert, reserve
from divert.synth.carers_history import add_carer_history
from divert.synth.chronology_history import add_significant_events
from divert.synth.commissioning_history import add_contracts
from divert.synth.forecast_history import add_scenarios
from divert.synth.permanence_history import add_permanence
from divert.synth.plan_review_history import add_plan_reviews
from divert.synth.programme_history import add_programme
from divert.synth.records import AuthorityData
from divert.synth.stability_history import add_stability
from divert.synth.stepdown_history import add_placement_reviews
from divert.synth.timeline import Window

R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

# Every register table, children's records first, so deleting in this order breaks no link.
REGISTER: tuple[type[models.Model], ...] = (
    ResourceOption,
    ResourceRequest,
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    EarlyHelpEpisode,
    AnnualHealthOutcome,
    PreviousPermanenceOrder,
    Visit,
    LookedAfterReview,
    MissingEpisode,
    AdoptionRecord,
    CareLeaverContact,
    Episode,
    Conference,
    ChildProtectionPlan,
    Section47,
    StrategyDiscussion,
    CINPlan,
    Assessment,
    Referral,
    Contact,
    InformationRequest,
    HouseholdMember,
    NamedChild,
    Enquiry,
    Allocation,
    Share,
    FamilyMember,
    Child,
    FosterHousehold,
    Provider,
    Professional,
    Team,
    Locality,
    PopulationEstimate,
)
# Tables that say whether the register holds anything.
CONTENT: tuple[type[models.Model], ...] = (
    Child,
    Team,
    Provider,
    FosterHousehold,
    Episode,
    Referral,
    Contact,
    Enquiry,
    PanelMeeting,
)


def register_is_empty() -> bool:
    return not any(model._default_manager.exists() for model in CONTENT)


def flush_register() -> None:
    """Delete every register row (authorities, users, audit and reference tables stay).

    Rows of other apps that point into the register are deleted first through the ORM (so
    their own rules apply); users lose their team; the register tables are then emptied
    with one DELETE each, which keeps a national-size flush to seconds.
    """
    register = set(REGISTER)
    with transaction.atomic():
        for model in _dependants(register):
            model._default_manager.all().delete()
        User.objects.filter(team__isnull=False).update(team=None)
        children = Child.objects.count()
        with connection.cursor() as cursor:
            for model in REGISTER:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        audit.record(
            None,
            AuditEvent.Action.DELETE,
            object_type="register",
            note=f"divert synth --flush emptied the register ({children} children)",
        )


def _dependants(register: set[type[models.Model]]) -> list[type[models.Model]]:
    """Models outside the register (other than users and audit) with a foreign key into it, each
    before any dependant it points at (a meeting before the flag it answers), so that a
    protected link never stops the flush."""
    found = []
    for model in apps.get_models():
        if model in register or model in {User, AuditEvent, Authority}:
            continue
        if any(_points_at(model, register)):
            found.append(model)
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], seen: frozenset[type[models.Model]]) -> None:
        if model in ordered or model in seen:
            return
        for other in found:
            if other is not model and model in set(_points_at(other, {model})):
                visit(other, seen | {model})
        ordered.append(model)

    for model in found:
        visit(model, frozenset())
    return ordered


def _points_at(model: type[models.Model], targets: set[type[models.Model]]) -> list[type[models.Model]]:
    """The models in ``targets`` that ``model`` has a foreign key to."""
    return [
        cast(type[models.Model], f.related_model)
        for f in model._meta.get_fields()
        if f.is_relation and f.many_to_one and f.related_model in targets
    ]


def _bulk(
    model: type[M], rows: Sequence[R], make: Callable[[R], dict[str, Any]], ids: Sequence[int] | None = None
) -> list[int]:
    """Insert ``rows``, each made into a dict of column attnames to values (the same keys, in the
    same order, for every row); the new primary keys in order (``ids`` when reserved first)."""
    keys = list(ids) if ids is not None else reserve(model, len(rows))
    if rows:
        columns = list(make(rows[0]))
        insert(model, columns, (tuple(make(row).values()) for row in rows), keys)
    return keys


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def write_authority(spec: AuthoritySpec, data: AuthorityData, window: Window, seed: int) -> Authority:
    """Write one authority's rows, its population estimates and a ``load`` audit event, atomically."""
    with transaction.atomic():
        authority = _authority(spec)
        PopulationEstimate.objects.filter(authority=authority).delete()
        reference.population(authority, spec, window)
        reference.comparator_benchmarks(authority, window)
        targets.programme_targets(authority)
        ids = _people(authority, data)
        _enquiries(authority, data, ids)
        _front_door(data, ids)
        _care(data, ids)
        _panels(authority, data, ids)
        _casework_history(authority, window, seed)
        audit.record(
            None,
            AuditEvent.Action.LOAD,
            object_type="core.authority",
            object_id=str(authority.pk),
            note=f"divert synth: seed {seed}, {spec.children} children aged 0-17, {data.row_count()} rows, "
            f"{window.start:%d/%m/%Y} to {window.today:%d/%m/%Y}",
        )
    return authority


def _casework_history(authority: Authority, window: Window, seed: int) -> None:
    """The history written from the register itself (issues 6 to 8), each from a stream of its own.

    Contracts come first: they re-price placements, and the placement review copies the weekly
    cost of the placement it reviews. Steps whose rows hang from the authority alone (scenarios,
    the programme) replace the authority's rows, as a flush does not reach them.
    """
    base = f"{seed}-{authority.code}"
    add_contracts(authority, window, random.Random(f"{base}-contracts"))
    add_plan_reviews(authority, window, random.Random(f"{base}-plan-reviews"))
    add_stability(authority, window, random.Random(f"{base}-stability"))
    add_permanence(authority, window, random.Random(f"{base}-permanence"))
    add_placement_reviews(authority, window, random.Random(f"{base}-placement-review"))
    add_significant_events(authority, window, random.Random(f"{base}-chronology"))
    add_scenarios(authority, window, random.Random(f"{base}-forecast-scenarios"))
    add_carer_history(authority, window, random.Random(f"{base}-carers"))
    add_programme(authority, window, random.Random(f"{base}-programme"))


def write_reference(window: Window) -> None:
    with transaction.atomic():
        reference.benchmarks(window)
        reference.unit_costs(window)


def _authority(spec: AuthoritySpec) -> Authority:
    name = f"{spec.name} (synthetic)"
    authority, _ = Authority.objects.update_or_create(
        code=spec.code, defaults={"la_number": spec.la_number, "name": name}
    )
    return authority


def _people(authority: Authority, data: AuthorityData) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    ids["localities"] = _bulk(Locality, data.localities, lambda n: dict(authority_id=authority.pk, name=n))
    ids["teams"] = _bulk(
        Team, data.teams, lambda t: dict(authority_id=authority.pk, name=t.name, kind=t.kind)
    )
    teams, localities = ids["teams"], ids["localities"]
    ids["professionals"] = _bulk(
        Professional,
        data.professionals,
        lambda p: dict(
            name=p.name,
            job_title=p.job_title,
            team_id=teams[p.team],
            qualified_social_worker=p.qualified,
            sw_id=p.sw_id,
            active=p.active,
        ),
    )
    ids["providers"] = _bulk(
        Provider,
        data.providers,
        lambda p: dict(
            authority_id=authority.pk,
            name=p.name,
            kind=p.kind,
            place_provider=p.place_provider,
            ofsted_urn=p.ofsted_urn,
            postcode=p.postcode,
        ),
    )
    ids["households"] = _bulk(
        FosterHousehold,
        data.households,
        lambda h: dict(
            authority_id=authority.pk,
            reference=h.reference,
            name=h.name,
            kind=h.kind,
            status=h.status,
            enquiry_date=h.enquiry_date,
            approval_date=h.approval_date,
            deregistration_date=h.deregistration_date,
            approved_places=h.approved_places,
            postcode=h.postcode,
        ),
    )
    ids["children"] = _bulk(
        Child,
        data.children,
        lambda c: dict(
            authority_id=authority.pk,
            child_id=c.child_id,
            first_name=c.first_name,
            last_name=c.last_name,
            sex=c.sex,
            date_of_birth=c.dob,
            ethnicity=c.ethnicity,
            upn=c.upn,
            disability=c.disability,
            uasc=c.uasc,
            uasc_ceased=c.uasc_ceased,
            home_postcode=c.home_postcode,
            locality_id=localities[c.quadrant],
            is_mother=c.first_child_born is not None,
            first_child_born=c.first_child_born,
        ),
    )
    children, workers = ids["children"], ids["professionals"]
    _bulk(
        FamilyMember,
        data.family,
        lambda f: dict(
            child_id=children[f.child],
            name=f.name,
            relationship=f.relationship,
            date_of_birth=f.dob,
            parental_responsibility=f.parental_responsibility,
            postcode=f.postcode,
        ),
    )
    _bulk(
        Allocation,
        data.allocations,
        lambda a: dict(
            child_id=children[a.child],
            worker_id=workers[a.worker],
            team_id=teams[a.team],
            start=a.start,
            end=a.end,
        ),
    )
    return ids


def _enquiries(authority: Authority, data: AuthorityData, ids: dict[str, list[int]]) -> None:
    """Enquiries and what they hold; each may point at the early help episode it steps up from,
    whose key is reserved now and written after the contacts (see ``bulk``)."""
    children = ids["children"]
    early_help = ids["early_help"] = reserve(EarlyHelpEpisode, len(data.early_help))
    enquiries = ids["enquiries"] = _bulk(
        Enquiry,
        data.enquiries,
        lambda e: dict(
            authority_id=authority.pk,
            received=e.received,
            source=e.source,
            method=e.method,
            referrer_name=e.referrer_name,
            referrer_role=e.referrer_role,
            referrer_contact=e.referrer_contact,
            concerns=e.concerns,
            postcode=e.postcode,
            consent=e.consent,
            consent_note=e.consent_note,
            closed=e.closed,
            stepped_up_from_id=early_help[e.stepped_up_from] if e.stepped_up_from is not None else None,
        ),
    )
    ids["named_children"] = _bulk(
        NamedChild,
        data.named_children,
        lambda n: dict(
            enquiry_id=enquiries[n.enquiry],
            first_name=n.first_name,
            last_name=n.last_name,
            date_of_birth=n.dob,
            sex=n.sex,
            child_id=children[n.child] if n.child is not None else None,
        ),
    )
    _bulk(
        HouseholdMember,
        data.household_members,
        lambda h: dict(
            enquiry_id=enquiries[h.enquiry], name=h.name, relationship=h.relationship, date_of_birth=h.dob
        ),
    )
    _bulk(
        InformationRequest,
        data.information_requests,
        lambda r: dict(
            enquiry_id=enquiries[r.enquiry],
            agency=r.agency,
            question=r.question,
            requested=r.requested,
            due=r.due,
            response=r.response,
            responded=r.responded,
        ),
    )


def _front_door(data: AuthorityData, ids: dict[str, list[int]]) -> None:
    children, enquiries, named = ids["children"], ids["enquiries"], ids["named_children"]
    contacts = _bulk(
        Contact,
        data.contacts,
        lambda c: dict(
            child_id=children[c.child],
            enquiry_id=enquiries[c.enquiry] if c.enquiry is not None else None,
            named_id=named[c.named] if c.named is not None else None,
            received=c.received,
            source=c.source,
            concerns=c.concerns,
            decision=c.decision,
            decided=c.decided,
            need_level=c.need_level,
            reasons=c.reasons,
        ),
    )
    referrals = _bulk(
        Referral,
        data.referrals,
        lambda r: dict(
            child_id=children[r.child],
            contact_id=contacts[r.contact] if r.contact is not None else None,
            date=r.date,
            source=r.source,
            primary_need=r.primary_need,
            route=r.route,
            decided=r.decided,
            re_referral=r.re_referral,
            closed=r.closed,
            closure_reason=r.closure_reason,
        ),
    )
    _bulk(
        Assessment,
        data.assessments,
        lambda a: dict(
            child_id=children[a.child],
            referral_id=referrals[a.referral],
            start=a.start,
            authorised=a.authorised,
            factors=a.factors,
        ),
    )
    _bulk(
        CINPlan,
        data.cin_plans,
        lambda p: dict(
            child_id=children[p.child],
            referral_id=referrals[p.referral],
            start=p.start,
            end=p.end,
        ),
    )
    strategies = _bulk(
        StrategyDiscussion,
        data.strategy_discussions,
        lambda d: dict(
            child_id=children[d.child],
            referral_id=referrals[d.referral] if d.referral is not None else None,
            date=d.date,
            chair=d.chair,
            attendees=d.attendees,
            decision=d.decision,
            reasons=d.reasons,
        ),
    )
    s47s = _bulk(
        Section47,
        data.section47s,
        lambda s: dict(
            child_id=children[s.child],
            referral_id=referrals[s.referral],
            strategy_id=strategies[s.strategy] if s.strategy is not None else None,
            strategy_discussion=s.strategy_discussion,
            start=s.start,
            icpc_required=s.icpc_required,
            completed=s.completed,
        ),
    )
    plans = _bulk(
        ChildProtectionPlan,
        data.cp_plans,
        lambda p: dict(
            child_id=children[p.child],
            referral_id=referrals[p.referral],
            start=p.start,
            category=p.category,
            end=p.end,
        ),
    )
    _bulk(
        Conference,
        data.conferences,
        lambda c: dict(
            child_id=children[c.child],
            section47_id=s47s[c.section47] if c.section47 is not None else None,
            plan_id=plans[c.plan] if c.plan is not None else None,
            kind=c.kind,
            date=c.date,
            plan_made=c.plan_made,
        ),
    )
    _early_help(data, ids, contacts, referrals)


def _early_help(
    data: AuthorityData, ids: dict[str, list[int]], contacts: list[int], referrals: list[int]
) -> None:
    children, localities, workers = ids["children"], ids["localities"], ids["professionals"]
    _bulk(
        EarlyHelpEpisode,
        data.early_help,
        lambda e: dict(
            child_id=children[e.child],
            contact_id=contacts[e.contact] if e.contact is not None else None,
            referral_id=referrals[e.referral] if e.referral is not None else None,
            locality_id=localities[e.locality],
            lead_professional_id=workers[e.lead],
            start=e.start,
            assessment_completed=e.assessment_completed,
            assessment_summary=e.assessment_summary,
            intervention=e.intervention,
            intervention_start=e.intervention_start,
            intervention_planned_end=e.intervention_planned_end,
            end=e.end,
            outcome=e.outcome,
            outcome_note=e.outcome_note,
        ),
        ids=ids["early_help"],
    )


def _care(data: AuthorityData, ids: dict[str, list[int]]) -> None:
    children, providers, households = ids["children"], ids["providers"], ids["households"]
    ids["episodes"] = _bulk(
        Episode,
        data.episodes,
        lambda e: dict(
            child_id=children[e.child],
            decom=e.decom,
            rne=e.rne,
            ls=e.ls,
            cin=e.cin,
            place=e.place,
            place_provider=e.place_provider,
            dec=e.dec,
            rec=e.rec,
            reason_place_change=e.reason_place_change,
            home_post=e.home_post,
            pl_post=e.pl_post,
            urn=e.urn,
            provider_id=providers[e.provider] if e.provider is not None else None,
            carer_id=households[e.carer] if e.carer is not None else None,
            weekly_cost=_money(e.weekly_cost),
            planned_end=e.planned_end,
        ),
    )
    _bulk(
        LookedAfterReview,
        data.reviews,
        lambda r: dict(
            child_id=children[r.child],
            date=r.date,
            participation=r.participation,
            permanence_plan=r.permanence_plan,
        ),
    )
    _bulk(
        Visit, data.visits, lambda v: dict(child_id=children[v.child], date=v.date, seen_alone=v.seen_alone)
    )
    _bulk(
        MissingEpisode,
        data.missing,
        lambda m: dict(
            child_id=children[m.child],
            kind=m.kind,
            start=m.start,
            end=m.end,
        ),
    )
    _bulk(
        AdoptionRecord,
        data.adoptions,
        lambda a: dict(
            child_id=children[a.child],
            decision=a.decision,
            matched=a.matched,
            placed=a.placed,
            foster_care=a.foster_care,
            number_of_adopters=a.number_of_adopters,
            sex_of_adopters=a.sex_of_adopters,
            legal_status_of_adopters=a.legal_status_of_adopters,
        ),
    )
    _bulk(
        CareLeaverContact,
        data.leaver_contacts,
        lambda c: dict(
            child_id=children[c.child],
            date=c.date,
            in_touch=c.in_touch,
            activity=c.activity,
            accommodation=c.accommodation,
        ),
    )
    _health(data, children)


def _health(data: AuthorityData, children: list[int]) -> None:
    """OC2 outcomes and previous permanence (generated by synth/health.py)."""
    _bulk(
        AnnualHealthOutcome,
        data.health_outcomes,
        lambda h: dict(
            child_id=children[h.child],
            year=h.year,
            sdq_score=h.sdq_score,
            sdq_reason=h.sdq_reason,
            convicted=h.convicted,
            health_check=h.health_check,
            immunisations=h.immunisations,
            teeth_check=h.teeth_check,
            health_assessment=h.health_assessment,
            substance_misuse=h.substance_misuse,
            intervention_received=h.intervention_received,
            intervention_offered=h.intervention_offered,
        ),
    )
    _bulk(
        PreviousPermanenceOrder,
        data.previous_permanence,
        lambda p: dict(child_id=children[p.child], option=p.option, la_code=p.la_code, date=p.date),
    )


def _panels(authority: Authority, data: AuthorityData, ids: dict[str, list[int]]) -> None:
    """Meetings, edge-of-care proposals with their alternatives, and resource requests with the
    options appraised (a request's approved option is written after it: see ``bulk``)."""
    children, episodes, providers = ids["children"], ids["episodes"], ids["providers"]
    meetings = _bulk(
        PanelMeeting,
        data.panel_meetings,
        lambda m: dict(
            authority_id=authority.pk, kind=m.kind, date=m.date, chair=m.chair, attendees=m.attendees
        ),
    )
    proposals = _bulk(
        EdgeOfCareProposal,
        data.proposals,
        lambda p: dict(
            child_id=children[p.child],
            proposed=p.proposed,
            basis=p.basis,
            reasons=p.reasons,
            emergency=p.emergency,
            accommodated_on=p.accommodated_on,
            justification=p.justification,
            meeting_id=meetings[p.meeting] if p.meeting is not None else None,
            decision=p.decision,
            package=p.package,
            decision_note=p.decision_note,
        ),
    )
    _bulk(
        Alternative,
        data.alternatives,
        lambda a: dict(proposal_id=proposals[a.proposal], kind=a.kind, status=a.status, note=a.note),
    )
    options = reserve(ResourceOption, len(data.resource_options))
    requests = _bulk(
        ResourceRequest,
        data.resource_requests,
        lambda r: dict(
            child_id=children[r.child],
            requested=r.requested,
            need=r.need,
            meeting_id=meetings[r.meeting] if r.meeting is not None else None,
            decision=r.decision,
            approved_option_id=options[r.approved_option] if r.approved_option is not None else None,
            conditions=r.conditions,
            planned_end=r.planned_end,
            episode_id=episodes[r.episode] if r.episode is not None else None,
        ),
    )
    _bulk(
        ResourceOption,
        data.resource_options,
        lambda o: dict(
            request_id=requests[o.request],
            kind=o.kind,
            placement=o.placement,
            provider_id=providers[o.provider] if o.provider is not None else None,
            description=o.description,
            weekly_cost=_money(o.weekly_cost),
            available=o.available,
        ),
        ids=options,
    )


# --- a fingerprint of the register, for "same seed, same register" -------------------------
HASHED: tuple[type[models.Model], ...] = (
    Authority,
    PopulationEstimate,
    Benchmark,
    UnitCost,
    Locality,
    Team,
    Professional,
    Provider,
    FosterHousehold,
    Child,
    FamilyMember,
    Allocation,
    Contact,
    Referral,
    Assessment,
    CINPlan,
    Section47,
    ChildProtectionPlan,
    Conference,
    Episode,
    LookedAfterReview,
    Visit,
    MissingEpisode,
    AdoptionRecord,
    CareLeaverContact,
    AnnualHealthOutcome,
    PreviousPermanenceOrder,
    Enquiry,
    NamedChild,
    HouseholdMember,
    InformationRequest,
    StrategyDiscussion,
    EarlyHelpEpisode,
    PanelMeeting,
    EdgeOfCareProposal,
    Alternative,
    ResourceRequest,
    ResourceOption,
)
UNHASHED_FIELDS = {"created", "updated"}


def register_digest() -> str:
    """A SHA-256 of every register row's content, with database ids replaced by row order.

    Ids depend on what the database held before, so each row's id is replaced by its rank
    in its table and each foreign key by the rank of the row it points to.
    """
    digest = hashlib.sha256()
    ranks: dict[type[models.Model], dict[Any, int]] = {}
    for model in HASHED:
        fields = [f for f in model._meta.concrete_fields if f.name not in UNHASHED_FIELDS]
        names = [f.attname for f in fields]
        rows = list(model._default_manager.order_by("pk").values_list(*names))
        pk_at = names.index(model._meta.pk.attname)
        ranks[model] = {row[pk_at]: n for n, row in enumerate(rows)}
        for row in rows:
            digest.update(repr(_content(row, fields, ranks, pk_at)).encode())
        digest.update(f"|{model._meta.label}|".encode())
    return digest.hexdigest()


def _content(
    row: Iterable[Any], fields: list[Any], ranks: dict[type[models.Model], dict[Any, int]], pk_at: int
) -> tuple[Any, ...]:
    out = []
    for n, (value, field) in enumerate(zip(row, fields, strict=True)):
        if n == pk_at:
            continue
        if field.is_relation and value is not None:
            value = ranks.get(field.related_model, {}).get(value, "?")
        out.append(value)
    return tuple(out)
