"""Access-matrix rows for foster carers and adopters (merged by ``tests/access/rows.py``).

Carers readers (social workers, team managers, analysts, the head of service, finance) read
every page; the MASH, partners and administrators get a 403. A household of another council
is the same 404 as a missing one. The vacancies page is about a child, so it is also the
child's 404 for a reader who may not see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from divert.carers.models import FosterHousehold
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (OK, OK, OK, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
THEIRS = (HIDDEN, HIDDEN, HIDDEN, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)
VACANCIES = {
    "ava": (OK, OK, HIDDEN, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN),
    "sid": (HIDDEN, HIDDEN, OK, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN),
    "eli": THEIRS,
}


def _household(whose: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        authority = world.authority if whose == "ours" else world.other_authority
        household = FosterHousehold.objects.create(
            authority=authority,
            reference="FH900",
            name="The Access household",
            enquiry_date=dt.date(2024, 1, 1),
        )
        return reverse("carers:household", kwargs={"pk": household.pk})

    return build


def _review(world: World) -> str:
    household = FosterHousehold.objects.create(
        authority=world.authority,
        reference="FH901",
        name="The Review household",
        enquiry_date=dt.date(2024, 1, 1),
    )
    return reverse("carers:review", kwargs={"pk": household.pk})


def _vacancies(who: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        child = {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}[who]
        return reverse("carers:vacancies", kwargs={"child_pk": child.pk})

    return build


ROWS: dict[Page, tuple[str, ...]] = {
    Page("carers:index"): READERS,
    Page("carers:pipeline"): READERS,
    Page("carers:capacity"): READERS,
    Page("carers:inactive"): READERS,
    Page("carers:adopters"): READERS,
    Page("carers:household", build=_household("ours"), about="ours"): READERS,
    Page("carers:household", build=_household("theirs"), about="theirs"): THEIRS,
    Page("carers:review", build=_review, about="ours"): (NO_GET,) * 9 + (SIGN_IN,),
    **{Page("carers:vacancies", build=_vacancies(who), about=who): row for who, row in VACANCIES.items()},
}
