"""Builders shared by the front door's tests: an enquiry as the MASH records it, and early help staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from divert.frontdoor import actions
from divert.frontdoor.models import Contact, Enquiry
from divert.people.models import Child, Locality, Professional, Team
from tests.conftest import World

# Friday 22 August 2025: Monday 25 August is the summer bank holiday, so the decision is due Tuesday.
FRIDAY = timezone.make_aware(dt.datetime(2025, 8, 22, 10, 0))


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def named_as(child: Child, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth,
    } | extra


def an_enquiry(world: World, *, children: list[dict[str, Any]] | None = None, **extra: Any) -> Enquiry:
    fields: dict[str, Any] = {
        "authority": world.authority,
        "received": FRIDAY,
        "source": "6",
        "method": "phone",
        "referrer_name": "PC Lane",
        "referrer_role": "Devon and Cornwall Police",
        "concerns": "Police called to a domestic incident; the children were present",
        "address": "1 Harbour Row",
        "postcode": "PL1 2AA",
        "consent": "not_sought_risk",
        "children": children if children is not None else [named_as(world.child_south)],
    }
    return actions.record_enquiry(world.users["mo"], **(fields | extra))


def a_matched_contact(world: World, child: Child | None = None, **extra: Any) -> Contact:
    child = child or world.child_south
    enquiry = an_enquiry(world, children=[named_as(child)], **extra)
    return actions.match_child(world.users["mo"], named=enquiry.children.get(), child=child)


def early_help_staff(world: World) -> tuple[Locality, Professional]:
    locality = Locality.objects.create(authority=world.authority, name="Plymptown West")
    team = Team.objects.create(
        authority=world.authority, name="Early help West", kind=Team.Kind.EARLY_HELP, locality=locality
    )
    return locality, Professional.objects.create(name="Erin Helper", team=team, job_title="Family worker")
