"""The one extract step: the register of one authority, read into :class:`Frames`.

Nothing about a child is filtered here by the user's access: indicators are aggregate figures
about the whole authority, and the children behind a figure are fetched again through
``restrict`` when a person asks to see them (``queries.members``). Names are never read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F

from divert.care.models import AdoptionRecord, Episode, LookedAfterReview, Visit
from divert.carers.models import FosterHousehold
from divert.cases.models import Assessment, ChildProtectionPlan, CINPlan, Conference, Section47
from divert.core.calendar import bank_holidays
from divert.core.models import PopulationEstimate
from divert.frontdoor.models import Contact, Referral
from divert.indicators.frames import Frames, frame
from divert.people.models import Allocation, Child


def _dates(rows: Any, *positions: int) -> Any:
    """Turn datetimes at ``positions`` into their (local) dates, leaving other values alone."""
    from django.utils import timezone

    for row in rows:
        row = list(row)
        for i in positions:
            if row[i] is not None:
                row[i] = timezone.localtime(row[i]).date()
        yield row


def _floats(rows: Any, position: int) -> Any:
    for row in rows:
        row = list(row)
        value = row[position]
        row[position] = float(value) if isinstance(value, Decimal) else value
        yield row


def extract(authority_id: int) -> Frames:
    """Every table the indicators read, for one authority, as it stands in the register now."""
    mine = {"child__authority_id": authority_id}
    return Frames(
        children=frame(
            "children",
            Child.objects.filter(authority_id=authority_id).values_list(
                "pk", "sex", "date_of_birth", "uasc", "locality__name", "date_of_death"
            ),
        ),
        episodes=frame(
            "episodes",
            _floats(
                Episode.objects.filter(**mine)
                .order_by("child_id", "decom")
                .values_list(
                    "child_id",
                    "decom",
                    "rne",
                    "ls",
                    "cin",
                    "place",
                    "place_provider",
                    "dec",
                    "rec",
                    "reason_place_change",
                    "provider__name",
                    "carer_id",
                    "weekly_cost",
                    "planned_end",
                )
                .iterator(chunk_size=5000),
                12,
            ),
        ),
        reviews=frame(
            "reviews",
            LookedAfterReview.objects.filter(**mine).values_list("child_id", "date", "permanence_plan"),
        ),
        visits=frame("visits", Visit.objects.filter(**mine).values_list("child_id", "date")),
        allocations=frame(
            "allocations",
            Allocation.objects.filter(**mine).values_list(
                "child_id",
                "worker_id",
                "worker__name",
                "worker__qualified_social_worker",
                "team__name",
                "team__kind",
                "start",
                "end",
            ),
        ),
        contacts=frame(
            "contacts",
            _dates(
                Contact.objects.filter(**mine)
                .values_list("pk", "child_id", "received", "source", "decision", "decided")
                .iterator(chunk_size=5000),
                2,
                5,
            ),
        ),
        referrals=frame(
            "referrals",
            Referral.objects.filter(**mine)
            .values_list("pk", "child_id", "date", "source", "route", "decided", "re_referral", "closed")
            .iterator(chunk_size=5000),
        ),
        assessments=frame(
            "assessments", Assessment.objects.filter(**mine).values_list("child_id", "start", "authorised")
        ),
        cin_plans=frame("cin_plans", CINPlan.objects.filter(**mine).values_list("child_id", "start", "end")),
        section47s=frame(
            "section47s",
            Section47.objects.filter(**mine).values_list(
                "child_id", "strategy_discussion", "start", "icpc_required", "completed"
            ),
        ),
        cp_plans=frame(
            "cp_plans",
            ChildProtectionPlan.objects.filter(**mine).values_list(
                "pk", "child_id", "start", "end", "category", "earlier_plans_not_held"
            ),
        ),
        conferences=frame(
            "conferences",
            Conference.objects.filter(**mine).values_list("child_id", "plan_id", "kind", "date", "plan_made"),
        ),
        adoptions=frame(
            "adoptions",
            AdoptionRecord.objects.filter(**mine).values_list("child_id", "decision", "matched", "placed"),
        ),
        households=frame(
            "households",
            FosterHousehold.objects.filter(authority_id=authority_id).values_list(
                "pk",
                "name",
                "kind",
                "status",
                "enquiry_date",
                "approval_date",
                "deregistration_date",
                "approved_places",
            ),
        ),
        population=frame(
            "population",
            PopulationEstimate.objects.filter(authority_id=authority_id).values_list(
                "year", F("children_0_17")
            ),
        ),
        holidays=tuple(bank_holidays()),
    )
