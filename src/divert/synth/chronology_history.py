"""The synthetic authority's history of significant events.

Writes significant events added by hand to children's chronologies: court hearings, school
exclusions, hospital admissions, bereavements and the like, for a share of the children social
care has worked with (in care, or on a child protection plan). The text is plain and synthetic.
Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.
"""

from __future__ import annotations

import datetime as dt
import random

from divert.care.models import Episode
from divert.cases.models import ChildProtectionPlan
from divert.chronology.models import SignificantEvent
from divert.core.models import Authority
from divert.people.models import Child
from divert.synth.timeline import Window

#: The share of children worked with who have any significant event added by hand.
SHARE = 0.4
#: At most this many events a child.
MOST = 3

Category = SignificantEvent.Category

#: (category, title, detail, youngest age, oldest age): what might be added, for whom.
EVENTS: tuple[tuple[str, str, str, int, int], ...] = (
    (
        Category.COURT,
        "Care proceedings: case management hearing",
        "The court set the timetable for the final hearing.",
        0,
        17,
    ),
    (
        Category.COURT,
        "Interim care order renewed at court",
        "The court renewed the interim care order; the plan is unchanged.",
        0,
        17,
    ),
    (
        Category.COURT,
        "Final hearing adjourned",
        "The final hearing was adjourned for a further parenting assessment.",
        0,
        17,
    ),
    (
        Category.EDUCATION,
        "Fixed-term exclusion from school",
        "Excluded for three days after an incident in class; a return meeting was held.",
        5,
        16,
    ),
    (
        Category.EDUCATION,
        "Moved school",
        "Started at a new school nearer the placement; the virtual school arranged the move.",
        4,
        16,
    ),
    (
        Category.EDUCATION,
        "Personal education plan reviewed",
        "Attendance has improved; extra reading support agreed.",
        4,
        17,
    ),
    (
        Category.HEALTH,
        "Admitted to hospital",
        "Admitted overnight after an accident at home; discharged the next day.",
        0,
        17,
    ),
    (Category.HEALTH, "Attended accident and emergency", "Seen for a minor injury; no admission.", 0, 17),
    (
        Category.HEALTH,
        "Referred to child and adolescent mental health services",
        "Referred by the GP for low mood; waiting for assessment.",
        8,
        17,
    ),
    (
        Category.FAMILY,
        "Bereavement: death of a grandparent",
        "A grandparent the child was close to died; bereavement support offered.",
        2,
        17,
    ),
    (
        Category.FAMILY,
        "Parent moved out of the family home",
        "One parent moved out; contact arrangements agreed with both parents.",
        0,
        17,
    ),
    (Category.FAMILY, "Sibling born", "A younger sibling was born.", 1, 17),
    (
        Category.POLICE,
        "Arrested and released under investigation",
        "Arrested with others after a theft from a shop; an appropriate adult attended.",
        12,
        17,
    ),
    (
        Category.POLICE,
        "Police called to the family home",
        "Police attended after a domestic incident; the child was present.",
        0,
        17,
    ),
)


def add_significant_events(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write significant events for a share of ``authority``'s children in care or on a plan."""
    children = _children_worked_with(authority)
    events = [
        event
        for child_id, born in children
        if rng.random() < SHARE
        for event in _events_for(child_id, born, window, rng)
    ]
    SignificantEvent.objects.bulk_create(events, batch_size=2000)


def _children_worked_with(authority: Authority) -> list[tuple[int, dt.date]]:
    ids = set(Episode.objects.filter(child__authority=authority).values_list("child_id", flat=True))
    ids |= set(
        ChildProtectionPlan.objects.filter(child__authority=authority).values_list("child_id", flat=True)
    )
    rows = Child.objects.filter(pk__in=ids).values_list("pk", "date_of_birth").order_by("pk")
    return list(rows)


def _events_for(child_id: int, born: dt.date, window: Window, rng: random.Random) -> list[SignificantEvent]:
    first = max(born, window.start)
    span = (window.today - first).days
    if span < 0:
        return []
    found = []
    for _ in range(rng.randint(1, MOST)):
        day = first + dt.timedelta(days=rng.randint(0, span))
        age = (day - born).days // 365
        fitting = [e for e in EVENTS if e[3] <= age <= e[4]]
        if not fitting:
            continue
        category, title, detail, _, _ = rng.choice(fitting)
        found.append(
            SignificantEvent(child_id=child_id, date=day, category=category, title=title, detail=detail)
        )
    return found
