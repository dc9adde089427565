"""The synthetic authority's foster carer and adopter recruitment and capacity (issue 8).

Runs after the register is written (``load.write_authority``), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.

The register already has the households the placements needed, with their enquiry, approval
and deregistration dates. This step gives each a stage history consistent with those dates
(information evening, initial visit, assessment stages 1 and 2 and panel spread between enquiry
and approval, as a fostering team's would be), the ages and skills approved households are
approved for (covering the children actually placed with them), and adds households in
recruitment today at every stage, some past their stage's expected time, so the pipeline has
something to manage.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.db.models import Min

from divert.care.models import Episode
from divert.carers import rules
from divert.carers.models import FosterHousehold, StageChange
from divert.core.models import Authority
from divert.synth import names
from divert.synth.timeline import Window

Stage = FosterHousehold.Stage
Kind = FosterHousehold.Kind

#: Where each fostering stage starts, as a share of the time from enquiry to approval.
FOSTERING_SHARES = (
    (Stage.INFORMATION_EVENING, 0.10),
    (Stage.INITIAL_VISIT, 0.17),
    (Stage.STAGE_ONE, 0.25),
    (Stage.STAGE_TWO, 0.50),
    (Stage.PANEL, 0.88),
)
ADOPTER_SHARES = ((Stage.STAGE_ONE, 0.12), (Stage.STAGE_TWO, 0.45), (Stage.PANEL, 0.88))
#: Age ranges a household is approved for (widened to cover the children placed there).
AGE_BANDS = ((0, 4), (0, 10), (0, 17), (5, 17), (11, 17), (3, 15))
#: Households recruited now, per stage: mostly on time, some overdue.
RECRUITS_PER_STAGE = (2, 5)
ADOPTERS_IN_RECRUITMENT = (1, 3)
UPDATED = (
    "stage",
    "stage_since",
    "status",
    "age_from",
    "age_to",
    "parent_and_child",
    "complex_needs",
    "sibling_groups",
    "last_review_date",
)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _spread(start: dt.date, end: dt.date, shares: tuple[tuple[str, float], ...]) -> list[tuple[str, dt.date]]:
    span = (end - start).days
    return [(stage, start + dt.timedelta(days=int(span * share))) for stage, share in shares]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def add_carer_history(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write foster carer and adopter recruitment and capacity for ``authority``."""
    today = window.today
    households = list(FosterHousehold.objects.filter(authority=authority).order_by("pk"))
    ages = _ages_placed(households)
    placed_from = dict(
        Episode.objects.filter(carer__in=households)
        .values("carer_id")
        .annotate(first=Min("decom"))
        .values_list("carer_id", "first")
    )
    history: list[StageChange] = []
    for h in households:
        steps = _steps(h, today, rng, placed_from.get(h.pk))
        if h.approval_date is not None:
            _approval_terms(h, rng, ages.get(h.pk))
        h.stage, h.stage_since = steps[-1]
        h.status = rules.STATUS_OF_STAGE[h.stage]
        if h.stage == Stage.INACTIVE and rng.random() < 0.5:
            h.last_review_date = _between(rng, h.stage_since, today)
        history += [StageChange(household=h, stage=stage, date=day) for stage, day in steps]
    _update(households)
    recruits = _recruits(authority, today, rng, len(households))
    FosterHousehold.objects.bulk_create(recruits)
    for h in recruits:
        history += [StageChange(household=h, stage=stage, date=day) for stage, day in h._steps]  # type: ignore[attr-defined]
    StageChange.objects.bulk_create(history, batch_size=2000)


def _update(households: list[FosterHousehold]) -> None:
    """One parameterised UPDATE per household (``bulk_update``'s CASE expressions are far slower)."""
    table = connection.ops.quote_name(FosterHousehold._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in UPDATED)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns} WHERE id = %s",  # noqa: S608  # names from the model, values bound
            [[getattr(h, name) for name in UPDATED] + [h.pk] for h in households],
        )


def _ages_placed(households: list[FosterHousehold]) -> dict[int, tuple[int, int]]:
    """The youngest and oldest age of the children placed with each household, on arrival."""
    found: dict[int, tuple[int, int]] = {}
    rows = Episode.objects.filter(carer__in=households).values_list(
        "carer_id", "decom", "child__date_of_birth"
    )
    for carer_id, decom, born in rows:
        age = min(max(_age(born, decom), 0), 17)
        low, high = found.get(carer_id, (age, age))
        found[carer_id] = (min(low, age), max(high, age))
    return found


def _approval_terms(h: FosterHousehold, rng: random.Random, placed: tuple[int, int] | None) -> None:
    low, high = rng.choice(AGE_BANDS)
    if placed is not None:
        low, high = min(low, placed[0]), max(high, placed[1])
    h.age_from, h.age_to = low, high
    h.sibling_groups = h.approved_places >= 2 and rng.random() < 0.5
    h.complex_needs = rng.random() < 0.15
    h.parent_and_child = h.kind == Kind.MAINSTREAM and rng.random() < 0.05


def _steps(
    h: FosterHousehold, today: dt.date, rng: random.Random, placed: dt.date | None
) -> list[tuple[str, dt.date]]:
    """The household's stages and the day it entered each, from its register dates."""
    steps: list[tuple[str, dt.date]] = [(Stage.ENQUIRY, h.enquiry_date)]
    shares = ADOPTER_SHARES if h.kind == Kind.ADOPTER else FOSTERING_SHARES
    if h.approval_date is not None:
        if h.kind != Kind.KINSHIP:  # connected persons are approved on the day of placement
            steps += _spread(h.enquiry_date, h.approval_date, shares)
        steps.append((Stage.APPROVED, h.approval_date))
        if h.kind == Kind.ADOPTER and placed is not None and placed >= h.approval_date:
            matched = max(h.approval_date, placed - dt.timedelta(days=rng.randint(14, 56)))
            steps.append((Stage.MATCHED, matched))
            if placed <= today:
                steps.append((Stage.PLACED, placed))
        if h.deregistration_date is not None:
            steps.append((Stage.DEREGISTERED, h.deregistration_date))
        elif h.status == FosterHousehold.Status.INACTIVE:
            steps.append((Stage.INACTIVE, _between(rng, h.approval_date, today)))
        return steps
    # not approved: withdrew, or still in recruitment (approval to come), placed by elapsed time
    expected = dt.timedelta(days=rng.randint(150, 240))
    passed = [(s, d) for s, d in _spread(h.enquiry_date, h.enquiry_date + expected, shares) if d <= today]
    if h.status == FosterHousehold.Status.WITHDRAWN:
        withdrawn = h.enquiry_date + dt.timedelta(days=rng.randint(14, 89))
        steps += [(s, d) for s, d in passed if d < withdrawn]
        steps.append((Stage.WITHDRAWN, min(withdrawn, today)))
        return steps
    return steps + passed


def _recruits(authority: Authority, today: dt.date, rng: random.Random, count: int) -> list[FosterHousehold]:
    """Households in recruitment today at every stage: in the stage for up to 1.3 times its clock."""
    made: list[FosterHousehold] = []
    plans = [
        (Kind.MAINSTREAM, s, RECRUITS_PER_STAGE) for s in rules.FOSTERING_STAGES if s in rules.RECRUITMENT
    ]
    plans += [
        (Kind.ADOPTER, s, ADOPTERS_IN_RECRUITMENT) for s in rules.ADOPTER_STAGES if s in rules.RECRUITMENT
    ]
    for kind, stage, (low, high) in plans:
        clock = rules.clock_for(kind, stage)
        for _ in range(rng.randint(low, high)):
            span = ((clock.due(today) - today).days if clock else 30) or 30
            since = today - dt.timedelta(days=int(span * rng.uniform(0.0, 1.3)))
            order = rules.stages_for(kind)
            earlier = list(order[: order.index(stage)])
            # earlier stages a few weeks each, backwards from the current one
            day, steps = since, [(stage, since)]
            for previous in reversed(earlier):
                day -= dt.timedelta(days=rng.randint(10, 40))
                steps.insert(0, (previous, day))
            count += 1
            prefix = "AR" if kind == Kind.ADOPTER else "FR"
            h = FosterHousehold(
                authority=authority,
                reference=f"{prefix}{count:05d}",
                name=f"{names.surname(rng)} household",
                kind=kind,
                stage=stage,
                stage_since=since,
                status=rules.STATUS_OF_STAGE[stage],
                enquiry_date=steps[0][1],
            )
            h._steps = steps  # type: ignore[attr-defined]
            made.append(h)
    return made
