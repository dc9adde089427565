"""The board's own pages for the register and plan: adding a risk (its history starts with its
first score), changing and closing or reopening one (the history is kept), adding and changing
savings lines (one per area and year; the placements line's achieved never typed), and adding and
renaming work streams. Each write is audited; bad input shows field errors and writes nothing;
only keepers of the programme see the links or may use the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from divert.programme.models import Risk, RiskScore, SavingsLine, WorkStream
from tests.conftest import World
from tests.programme.conftest import line, risk, stream


def _audits(object_type: str, action: str) -> int:
    return AuditEvent.objects.filter(object_type=object_type, action=action).count()


# --- Risks ----------------------------------------------------------------------------------------


def test_a_new_risk_starts_its_history_with_its_first_score(client: Client, world: World) -> None:
    client.force_login(world.users["hos"])
    assert "Add a risk" in client.get("/programme/risks/").content.decode()
    response = client.post(
        "/programme/risks/new/",
        {
            "title": "  Foster carers leave  ",
            "description": "Carers retire faster than we recruit",
            "owner": "Anne Osborne",
            "mitigation": "Recruitment campaign",
            "probability": "3",
            "impact": "4",
        },
    )
    made = Risk.objects.get(title="Foster carers leave")
    assert response.status_code == 302 and response["Location"] == f"/programme/risks/{made.pk}/"
    assert (made.authority, made.status, made.score, made.rating) == (world.authority, "open", 12, "Medium")
    # The history is exactly the first score, dated today and signed by who added it.
    (first,) = made.scores.all()
    assert (first.date, first.probability, first.impact, first.note, first.by) == (
        timezone.localdate(),
        3,
        4,
        "First assessment",
        world.users["hos"],
    )
    assert _audits("programme.risk", "create") == 1
    assert _audits("programme.riskscore", "create") == 1
    html = client.get(f"/programme/risks/{made.pk}/").content.decode()
    assert "First assessment" in html and "Change or close the risk" in html


def test_a_bad_new_risk_shows_field_errors_and_writes_nothing(client: Client, world: World) -> None:
    client.force_login(world.users["ana"])
    response = client.post("/programme/risks/new/", {"title": " ", "probability": "6", "impact": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the risk&#x27;s title" in html or "Enter the risk's title" in html
    assert "Select a valid choice" in html  # probability 6 is not on the 1 to 5 scale
    assert "Choose an impact from 1 (insignificant) to 5 (massive)" in html
    assert not Risk.objects.exists() and not RiskScore.objects.exists()
    assert not AuditEvent.objects.filter(object_type__startswith="programme.").exists()


def test_a_risk_is_changed_and_closed_with_a_reason_keeping_its_history(client: Client, world: World) -> None:
    found = risk(world.authority, "Rise in care", 4, 5)
    client.force_login(world.users["fin"])
    url = f"/programme/risks/{found.pk}/edit/"
    data = {
        "title": "Rise in children in care",
        "description": "",
        "owner": "Dave Simpkins",
        "mitigation": "Edge of care team",
        "status": "closed",
        "reason": "",
    } | versioned(found)
    refused = client.post(url, data)
    assert "Say why the risk is closed" in refused.content.decode()
    found.refresh_from_db()
    assert (found.title, found.status, found.scores.count()) == ("Rise in care", "open", 1)

    assert client.post(url, data | {"reason": "Numbers in care fell for a year"}).status_code == 302
    found.refresh_from_db()
    assert (found.title, found.mitigation, found.status) == (
        "Rise in children in care",
        "Edge of care team",
        "closed",
    )
    # Closing keeps the score (4 x 5 = 20) and adds a history row with the reason; the first stays.
    assert found.score == 20
    notes = [s.note for s in found.scores.all()]
    assert notes == ["Closed: Numbers in care fell for a year", "PID"]
    assert _audits("programme.risk", "update") == 1
    assert _audits("programme.riskscore", "create") == 1

    register = client.get("/programme/risks/").content.decode()
    open_part, closed_part = register.split('id="closed"')
    assert "Rise in children in care" not in open_part.split('id="register"')[1]
    assert "Rise in children in care" in closed_part.split("History")[0]
    assert "Change or reopen the risk" in client.get(f"/programme/risks/{found.pk}/").content.decode()

    reopened = data | {"status": "open", "reason": "Numbers rising again"} | versioned(found)
    assert client.post(url, reopened).status_code == 302
    found.refresh_from_db()
    assert found.status == "open" and found.scores.first().note == "Reopened: Numbers rising again"  # type: ignore[union-attr]


def test_changing_words_only_adds_no_history_row(client: Client, world: World) -> None:
    found = risk(world.authority, "Rise in care", 4, 5)
    client.force_login(world.users["hos"])
    data = {"title": "Rise in care", "owner": "Joy Howick", "status": "open"} | versioned(found)
    assert client.post(f"/programme/risks/{found.pk}/edit/", data).status_code == 302
    found.refresh_from_db()
    assert (found.owner, found.scores.count()) == ("Joy Howick", 1)


# --- Savings lines --------------------------------------------------------------------------------


def test_a_savings_line_is_added_and_changed(client: Client, world: World) -> None:
    client.force_login(world.users["fin"])
    assert "Add a savings line" in client.get("/programme/savings/").content.decode()
    data = {"area": "court", "year": "2026", "target_k": "180", "fte": "1.5", "comment": "Transport contract"}
    assert client.post("/programme/savings/new/", data).status_code == 302
    made = SavingsLine.objects.get(area="court", year=2026)
    assert (made.target_k, made.fte, made.comment, made.achieved_k) == (
        Decimal("180.0"),
        Decimal("1.5"),
        "Transport contract",
        None,
    )
    assert _audits("programme.savingsline", "create") == 1

    changed = data | {"target_k": "162.5", "fte": ""} | versioned(made)
    assert client.post(f"/programme/savings/{made.pk}/edit/", changed).status_code == 302
    made.refresh_from_db()
    assert (made.target_k, made.fte) == (Decimal("162.5"), None)
    assert _audits("programme.savingsline", "update") == 1
    assert f"/programme/savings/{made.pk}/edit/" in client.get("/programme/savings/").content.decode()


def test_one_line_per_area_and_year_and_bad_figures_are_refused(client: Client, world: World) -> None:
    existing = line(world.authority, "court", 2026, "180")
    other = line(world.authority, "court", 2027, "180")
    client.force_login(world.users["hos"])
    duplicate = client.post("/programme/savings/new/", {"area": "court", "year": "2026", "target_k": "50"})
    assert "There is already a court ordered placements and transport line for 2026/27" in (
        duplicate.content.decode()
    )
    # Moving another line onto the same area and year is refused the same way.
    moved = client.post(
        f"/programme/savings/{other.pk}/edit/",
        {"area": "court", "year": "2026", "target_k": "180"} | versioned(other),
    )
    assert (
        "There is already a court ordered placements and transport line for 2026/27" in moved.content.decode()
    )
    bad = client.post("/programme/savings/new/", {"area": "", "year": "26/27", "target_k": "12.25"})
    html = bad.content.decode()
    assert "Choose the area of the saving" in html
    assert "Enter the financial year as the year it starts in, like 2026" in html
    assert "Enter £000 to one decimal place, like 62.5" in html
    negative = client.post("/programme/savings/new/", {"area": "staff", "year": "2026", "target_k": "-1"})
    assert "Enter the target, 0 or more" in negative.content.decode()
    assert SavingsLine.objects.count() == 2
    other.refresh_from_db()
    assert other.year == 2027 and existing.year == 2026
    assert not _audits("programme.savingsline", "create") and not _audits("programme.savingsline", "update")


def test_the_placements_lines_achieved_is_never_typed(client: Client, world: World) -> None:
    placements = line(world.authority, "placements", 2026, "750")
    client.force_login(world.users["hos"])
    form = client.get(f"/programme/savings/{placements.pk}/edit/").content.decode()
    assert 'name="achieved_k"' not in form
    data = {"area": "placements", "year": "2026", "target_k": "800", "achieved_k": "999"} | versioned(
        placements
    )
    assert client.post(f"/programme/savings/{placements.pk}/edit/", data).status_code == 302
    placements.refresh_from_db()
    assert (placements.target_k, placements.achieved_k) == (Decimal("800.0"), None)
    # A typed saving is dropped when a line becomes the placements line (its achieved comes from the review).
    staff = line(
        world.authority, "staff", 2027, "100", achieved_k=Decimal("40"), achieved_on=dt.date(2026, 1, 5)
    )
    data = {"area": "placements", "year": "2027", "target_k": "100"} | versioned(staff)
    assert client.post(f"/programme/savings/{staff.pk}/edit/", data).status_code == 302
    staff.refresh_from_db()
    assert (staff.area, staff.achieved_k, staff.achieved_on) == ("placements", None, None)


# --- Work streams ---------------------------------------------------------------------------------


def test_a_work_stream_is_added_and_renamed(client: Client, world: World) -> None:
    client.force_login(world.users["ana"])
    assert "Add a work stream" in client.get("/programme/").content.decode()
    response = client.post(
        "/programme/work-streams/new/", {"name": "Edge of care", "lead": "Joy Howick", "order": "7"}
    )
    made = WorkStream.objects.get(name="Edge of care")
    assert response["Location"] == f"/programme/work-streams/{made.pk}/"
    assert (made.authority, made.lead, made.order) == (world.authority, "Joy Howick", 7)
    assert "Change the work stream" in client.get(response["Location"]).content.decode()
    data = {"name": "Edge of care and reunification", "lead": "", "order": "2"} | versioned(made)
    assert client.post(f"/programme/work-streams/{made.pk}/edit/", data).status_code == 302
    made.refresh_from_db()
    assert (made.name, made.lead, made.order) == ("Edge of care and reunification", "", 2)
    assert _audits("programme.workstream", "create") == 1
    assert _audits("programme.workstream", "update") == 1


def test_a_work_stream_needs_a_name_of_its_own(client: Client, world: World) -> None:
    stream(world.authority, "Safeguarding hub")
    stream(world.other_authority, "Edge of care")  # another council's name does not clash
    client.force_login(world.users["hos"])
    taken = client.post("/programme/work-streams/new/", {"name": "safeguarding HUB", "order": "1"})
    assert "There is already a work stream with this name" in taken.content.decode()
    blank = client.post("/programme/work-streams/new/", {"name": "", "order": "-1"})
    assert (
        "Enter the work stream&#x27;s name" in blank.content.decode()
        or "Enter the work stream's name" in (blank.content.decode())
    )
    assert "Enter the order, 0 or more" in blank.content.decode()
    assert (
        client.post("/programme/work-streams/new/", {"name": "Edge of care", "order": "1"}).status_code == 302
    )
    assert WorkStream.objects.filter(authority=world.authority).count() == 2
    assert _audits("programme.workstream", "create") == 1


# --- Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tom", "alice", "adam"])
def test_only_keepers_see_the_links_or_may_post(client: Client, world: World, who: str) -> None:
    found = risk(world.authority, "Rise in care", 4, 5)
    saving = line(world.authority, "court", 2026, "180")
    hub = stream(world.authority, "Safeguarding hub")
    client.force_login(world.users[who])
    if who == "tom":  # a team manager reads the programme but does not keep it: no links
        pages = ["/programme/", "/programme/risks/", f"/programme/risks/{found.pk}/", "/programme/savings/"]
        html = "".join(client.get(p).content.decode() for p in [*pages, f"/programme/work-streams/{hub.pk}/"])
        for link in ("Add a risk", "Change or close", "Add a savings line", "Add a work stream", "/edit/"):
            assert link not in html
    posts = {
        "/programme/risks/new/": {"title": "X", "probability": "1", "impact": "1"},
        f"/programme/risks/{found.pk}/edit/": {"title": "X", "status": "closed", "reason": "Gone"},
        "/programme/savings/new/": {"area": "staff", "year": "2026", "target_k": "1"},
        f"/programme/savings/{saving.pk}/edit/": {"area": "court", "year": "2026", "target_k": "1"},
        "/programme/work-streams/new/": {"name": "X", "order": "0"},
        f"/programme/work-streams/{hub.pk}/edit/": {"name": "X", "order": "0"},
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    found.refresh_from_db()
    assert (found.title, found.status, Risk.objects.count(), SavingsLine.objects.count()) == (
        "Rise in care",
        "open",
        1,
        1,
    )
    assert WorkStream.objects.count() == 1


def test_another_councils_records_are_not_found(client: Client, world: World) -> None:
    theirs = risk(world.other_authority, "Rise in care", 4, 5)
    client.force_login(world.users["hos"])
    data = {"title": "Ours now", "status": "open"}
    assert client.post(f"/programme/risks/{theirs.pk}/edit/", data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Rise in care"
