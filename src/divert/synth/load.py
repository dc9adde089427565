"""Write a generated authority to the register in one transaction, and clear the register.

This is a bulk loader, documented as such: it writes with ``bulk_create`` rather than the
domain actions, because a synthetic authority is hundreds of thousands of rows and one
audit row per row would be noise. Every row still meets the models' rules (the database
enforces the CHECK and unique constraints, and the tests check codes and choices), each
authority is written all or nothing, and one audit event of action ``load`` records it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

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
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core import audit
from divert.core.models import AuditEvent, Authority, Benchmark, PopulationEstimate, UnitCost, User
from divert.frontdoor.models import Contact, Referral
from divert.people.models import Allocation, Child, FamilyMember, Locality, Professional, Share, Team
from divert.synth import reference, targets
from divert.synth.authorities import AuthoritySpec
from divert.synth.records import AuthorityData
from divert.synth.timeline import Window

CHUNK = 5_000
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

# Every register table, children's records first, so deleting in this order breaks no link.
REGISTER: tuple[type[models.Model], ...] = (
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
    CINPlan,
    Assessment,
    Referral,
    Contact,
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
CONTENT: tuple[type[models.Model], ...] = (Child, Team, Provider, FosterHousehold, Episode, Referral, Contact)


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
    """Models outside the register (other than users and audit) with a foreign key into it."""
    out = []
    for model in apps.get_models():
        if model in register or model in {User, AuditEvent, Authority}:
            continue
        if any(
            f.is_relation and f.many_to_one and f.related_model in register for f in model._meta.get_fields()
        ):
            out.append(model)
    return out


def _bulk(model: type[M], rows: Sequence[R], make: Callable[[R], M]) -> list[int]:
    """Insert ``rows`` built into model instances in chunks; the new primary keys in order."""
    pks: list[int] = []
    for i in range(0, len(rows), CHUNK):
        objs = [make(row) for row in rows[i : i + CHUNK]]
        model._default_manager.bulk_create(objs, batch_size=1_000)
        pks.extend(obj.pk for obj in objs)
    return pks


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
        _front_door(data, ids)
        _care(data, ids)
        audit.record(
            None,
            AuditEvent.Action.LOAD,
            object_type="core.authority",
            object_id=str(authority.pk),
            note=f"divert synth: seed {seed}, {spec.children} children aged 0-17, {data.row_count()} rows, "
            f"{window.start:%d/%m/%Y} to {window.today:%d/%m/%Y}",
        )
    return authority


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
    ids["localities"] = _bulk(Locality, data.localities, lambda n: Locality(authority=authority, name=n))
    ids["teams"] = _bulk(Team, data.teams, lambda t: Team(authority=authority, name=t.name, kind=t.kind))
    teams, localities = ids["teams"], ids["localities"]
    ids["professionals"] = _bulk(
        Professional,
        data.professionals,
        lambda p: Professional(
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
        lambda p: Provider(
            authority=authority,
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
        lambda h: FosterHousehold(
            authority=authority,
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
        lambda c: Child(
            authority=authority,
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
        lambda f: FamilyMember(
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
        lambda a: Allocation(
            child_id=children[a.child],
            worker_id=workers[a.worker],
            team_id=teams[a.team],
            start=a.start,
            end=a.end,
        ),
    )
    return ids


def _front_door(data: AuthorityData, ids: dict[str, list[int]]) -> None:
    children = ids["children"]
    contacts = _bulk(
        Contact,
        data.contacts,
        lambda c: Contact(
            child_id=children[c.child],
            received=c.received,
            source=c.source,
            concerns=c.concerns,
            decision=c.decision,
            decided=c.decided,
        ),
    )
    referrals = _bulk(
        Referral,
        data.referrals,
        lambda r: Referral(
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
        lambda a: Assessment(
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
        lambda p: CINPlan(
            child_id=children[p.child],
            referral_id=referrals[p.referral],
            start=p.start,
            end=p.end,
        ),
    )
    s47s = _bulk(
        Section47,
        data.section47s,
        lambda s: Section47(
            child_id=children[s.child],
            referral_id=referrals[s.referral],
            strategy_discussion=s.strategy_discussion,
            start=s.start,
            icpc_required=s.icpc_required,
            completed=s.completed,
        ),
    )
    plans = _bulk(
        ChildProtectionPlan,
        data.cp_plans,
        lambda p: ChildProtectionPlan(
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
        lambda c: Conference(
            child_id=children[c.child],
            section47_id=s47s[c.section47] if c.section47 is not None else None,
            plan_id=plans[c.plan] if c.plan is not None else None,
            kind=c.kind,
            date=c.date,
            plan_made=c.plan_made,
        ),
    )


def _care(data: AuthorityData, ids: dict[str, list[int]]) -> None:
    children, providers, households = ids["children"], ids["providers"], ids["households"]
    _bulk(
        Episode,
        data.episodes,
        lambda e: Episode(
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
        lambda r: LookedAfterReview(
            child_id=children[r.child],
            date=r.date,
            participation=r.participation,
            permanence_plan=r.permanence_plan,
        ),
    )
    _bulk(
        Visit, data.visits, lambda v: Visit(child_id=children[v.child], date=v.date, seen_alone=v.seen_alone)
    )
    _bulk(
        MissingEpisode,
        data.missing,
        lambda m: MissingEpisode(
            child_id=children[m.child],
            kind=m.kind,
            start=m.start,
            end=m.end,
        ),
    )
    _bulk(
        AdoptionRecord,
        data.adoptions,
        lambda a: AdoptionRecord(
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
        lambda c: CareLeaverContact(
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
        lambda h: AnnualHealthOutcome(
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
        lambda p: PreviousPermanenceOrder(
            child_id=children[p.child], option=p.option, la_code=p.la_code, date=p.date
        ),
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
