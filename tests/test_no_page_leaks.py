"""No page, list, export or drill-down shows a child to someone who may not see them.

The access matrix (``tests/test_access_matrix.py``) proves who may *open* each page. This test
proves what the opened pages *contain*: it signs in as each user, fetches every page of the
matrix that user may open (downloads included: CSV, Excel and zip files are unpacked and read),
and looks for the names of the children that user must not see. Each child is in care, on a
child protection plan and allocated, so they appear on every list that could show them: the
care and casework lists, the scorecard's drill-downs, the placement review, the exports.

Who must not be seen, by whom:
- Eli, of another council, by everyone.
- Quinn, a restricted North child named to tom only, by everyone else (alice is in Quinn's
  team but is not named on the record).
- Ava (North) by the South social worker and the police; Sid (South) by North's worker and
  manager. The police see only Sid, who was shared with them.
- The analyst sees no child's real name at all: every child they load is pseudonymised.

A page that goes through ``restrict`` passes without knowing this test exists; a page that
filters by hand, or not at all, fails it. PDFs are compressed and are not read here; the
chronology's PDF has its own access tests.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from divert.care.models import Episode
from divert.cases.models import ChildProtectionPlan
from divert.people.models import Allocation, Child, Professional
from divert.privacy.models import NamedAccess, RestrictedRecord
from tests.access import OK, WHO, Page
from tests.conftest import World, make_child
from tests.test_access_matrix import MATRIX

D = dt.date

AVA, SID, ELI, QUINN = "Northam", "Southey", "Elsewhere", "Quietwater"
# Children of each team (and the other council) who are in care and were on a plan, so that
# they are on every list; the world's own children are left to the pages' own builders.
NELL, SAUL, ELMO = "Northcote", "Southcott", "Elsewhen"
NORTH, SOUTH, OTHER = {AVA, NELL}, {SID, SAUL}, {ELI, ELMO}

# The surnames each user must never meet on a page.
FORBIDDEN: dict[str, set[str]] = {
    "alice": SOUTH | OTHER | {QUINN},
    "tom": SOUTH | OTHER,
    "sam": NORTH | OTHER | {QUINN},
    "mo": OTHER | {QUINN},
    "pat": NORTH | OTHER | {QUINN, SAUL},
    "ana": NORTH | SOUTH | OTHER | {QUINN},
    "hos": OTHER | {QUINN},
    "fin": OTHER | {QUINN},
    "adam": NORTH | SOUTH | OTHER | {QUINN},
}
# Pages that name a child to someone who cannot otherwise see them, on purpose: the MASH's request
# to the police about Ava is what the MASH chose to share with them.
SHOWN_BY_DESIGN: dict[tuple[str, str], set[str]] = {("pat", "frontdoor:answer"): {AVA}}
SIGNED_IN = [who for who in WHO if who != "anonymous"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"


def _in_care_and_on_a_plan(child: Child, cost: str) -> None:
    Episode.objects.create(
        child=child,
        decom=D(2025, 1, 6),
        rne="S",
        ls="C2",
        cin="N1",
        place="R1",
        place_provider="PR4",
        weekly_cost=Decimal(cost),
    )
    ChildProtectionPlan.objects.create(child=child, start=D(2024, 6, 3), category="NEG", end=D(2025, 1, 6))


def _allocated(world: World, child_id: str, first: str, last: str, team: str) -> Child:
    child = make_child(world.authority, child_id, first, last, D(2013, 4, 2), home_postcode="PL4 9QQ")
    worker = Professional.objects.get(user=world.users["alice" if team == "north" else "sam"])
    Allocation.objects.create(child=child, worker=worker, team=getattr(world, team), start=D(2024, 1, 1))
    return child


@pytest.fixture
def known_world(world: World) -> World:
    quinn = _allocated(world, "N0002", "Quinn", QUINN, "north")
    RestrictedRecord.objects.create(
        child=quinn,
        category=RestrictedRecord.Category.STAFF_FAMILY,
        reason="Staff family",
        set_by=world.users["hos"],
    )
    NamedAccess.objects.create(child=quinn, user=world.users["tom"], added_by=world.users["hos"])
    nell = _allocated(world, "N0003", "Nell", NELL, "north")
    saul = _allocated(world, "S0003", "Saul", SAUL, "south")
    elmo = make_child(world.other_authority, "E0003", "Elmo", ELMO, D(2012, 1, 9))
    for child, cost in ((nell, "4100"), (saul, "5200"), (elmo, "6300"), (quinn, "7400")):
        _in_care_and_on_a_plan(child, cost)
    return world


def _text(response: Any) -> str:
    """The response as text, with downloads unpacked (zip and Excel files are zips of text)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        return ""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


class _Undo(Exception):
    """Raised to roll a page's own records back once it has been read."""


def _read(client: Client, page: Page, world: World) -> tuple[str, int, str]:
    """Build the page's record, fetch and read it, then roll the record back.

    Each page's builder was written for a database of its own (one matrix cell); rolling each
    back to a savepoint lets every page be read in one database without their records meeting.
    """
    result: tuple[str, int, str] = ("", 0, "")
    try:
        with transaction.atomic():
            url = page.url(world)
            response = client.get(url)
            result = (url, response.status_code, _text(response) if response.status_code == 200 else "")
            raise _Undo
    except _Undo:
        pass
    return result


def _pages_for(who: str) -> list[Page]:
    column = WHO.index(who)
    return [page for page, row in MATRIX.items() if row[column] == OK and not page.name.startswith("admin:")]


@pytest.mark.parametrize("who", SIGNED_IN)
def test_no_page_shows_a_child_the_user_may_not_see(client: Client, known_world: World, who: str) -> None:
    client.force_login(known_world.users[who])
    pages = _pages_for(who)
    assert pages, f"{who} opens no page at all"
    leaks = []
    for page in pages:
        url, status, text = _read(client, page, known_world)
        assert status == 200, f"{who} could not open {url} ({status}); the matrix says they may"
        forbidden = FORBIDDEN[who] - SHOWN_BY_DESIGN.get((who, page.name), set())
        leaks += [f"{url} shows {name}" for name in sorted(forbidden) if name in text]
    assert not leaks, f"{who} saw children they may not see:\n" + "\n".join(leaks)


def test_the_sweep_would_see_a_leak(client: Client, known_world: World) -> None:
    """The head of service's pages do show the children they may see, so an absence means something."""
    client.force_login(known_world.users["hos"])
    seen = "".join(_read(client, page, known_world)[2] for page in _pages_for("hos"))
    assert NELL in seen and SAUL in seen


def test_the_analyst_meets_pseudonyms_where_others_meet_names(client: Client, known_world: World) -> None:
    from divert.privacy.pseudonyms import pseudonym

    client.force_login(known_world.users["ana"])
    response = client.get(f"/children/{known_world.child_north.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert pseudonym(known_world.child_north.pk) in text
    assert AVA not in text and "PL4 8AA" not in text and "PL4" in text
