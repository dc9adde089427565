"""Early help teams, episodes, referrals and section 47 enquiries about the world's children.

Shared by the early help and cases tests and by their access-matrix rows (``build=``): Ava is in
the North locality, Sid in the South, Eli in the other authority's own locality.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from divert.cases.actions import record_strategy_discussion, start_assessment
from divert.cases.models import Assessment, Section47
from divert.earlyhelp.actions import step_down
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.actions import decide_referral, record_referral
from divert.frontdoor.models import Referral
from divert.people.models import Child, Locality, Professional, Team
from tests.conftest import World


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def locality_of(world: World, child: Child) -> Locality:
    """North for Ava, South for Sid, and the other authority's one locality for Eli."""
    name = {"N0001": "North", "S0001": "South"}.get(child.child_id, "Elsewhere")
    locality, _ = Locality.objects.get_or_create(authority=child.authority, name=name)
    return locality


def lead_professional(world: World, child: Child) -> Professional:
    """A worker in the early help team of the child's locality (made the first time it is asked for)."""
    locality = locality_of(world, child)
    team, _ = Team.objects.get_or_create(
        authority=child.authority,
        name=f"{locality.name} early help",
        defaults={"kind": Team.Kind.EARLY_HELP, "locality": locality},
    )
    worker, _ = Professional.objects.get_or_create(
        team=team, name=f"{locality.name} Lead", defaults={"qualified_social_worker": False}
    )
    return worker


def referral(world: World, child: Child, date: dt.date | None = None, route: str = "") -> Referral:
    """The child's open referral (a child has one at a time), made from ``date`` if there is none."""
    made = child.referrals.filter(closed__isnull=True).first() or record_referral(
        None, child=child, date=date or days_ago(30), source="1B"
    )
    if route and not made.route:
        made = decide_referral(None, referral=made, route=route, decided=made.date)
    return made


def episode(world: World, child: Child, start: dt.date | None = None) -> EarlyHelpEpisode:
    """An open early help episode for ``child``, stepped down from a referral."""
    start = start or days_ago(20)
    return step_down(
        None,
        child=child,
        locality=locality_of(world, child),
        lead_professional=lead_professional(world, child),
        start=start,
        referral=referral(world, child, start - dt.timedelta(days=5)),
    )


def section47(world: World, child: Child, date: dt.date | None = None) -> Section47:
    """A section 47 enquiry begun by a strategy discussion ``date`` (default 10 days ago)."""
    discussion = record_strategy_discussion(
        None,
        child=child,
        date=date or days_ago(10),
        chair="Chris Chair, team manager",
        attendees="Police, health visitor, social worker",
        decision="s47",
        reasons="",
    )
    return discussion.section47


def assessment(world: World, child: Child, referral_date: dt.date | None = None) -> Assessment:
    made = referral(world, child, referral_date or days_ago(30), route=Referral.Route.ASSESSMENT)
    return start_assessment(None, child=child, start=made.date, referral=made)
