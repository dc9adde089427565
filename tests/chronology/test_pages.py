"""The chronology page and its PDF: filters by kind and period, order, audit, and the download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from divert.chronology import pdf
from divert.chronology.queries import Filters, chronology
from divert.core.models import AuditEvent
from tests.chronology.records import EXPECTED, build_record
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(world: World) -> Client:
    build_record(world.child_north, world.users["alice"])
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    return client


def _page(world: World, client: Client, query: str = "") -> str:
    url = reverse("chronology:child", args=[world.child_north.pk])
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200
    return response.content.decode()


def _titles(world: World, filters: Filters) -> list[str]:
    return [e.title for e in chronology(world.users["alice"], world.child_north, filters).entries]


def test_the_page_shows_every_entry_newest_first_with_counts_per_kind(world: World, alice: Client) -> None:
    html = _page(world, alice)
    assert f"{len(EXPECTED)} entries, newest first" in html
    # Newest first: the care leaver contact (20 June 2025) comes before the first early help (1 June 2022).
    assert html.index("Care leaver contact: In touch") < html.index("Early help began")
    assert "Panels (3)" in html  # a proposal, its decision and a resource request
    assert "Entries to care, legal status changes and exits from care (3)" in html
    assert '<time datetime="2024-05-05">5 May 2024</time>' in html


def test_oldest_first_reverses_the_order(world: World, alice: Client) -> None:
    oldest = _titles(world, Filters(newest_first=False))
    newest = _titles(world, Filters(newest_first=True))
    assert oldest == list(reversed(newest))
    assert oldest[0] == "Early help began" and oldest[-1].startswith("Care leaver contact")
    html = _page(world, alice, "order=oldest")
    assert html.index("Early help began") < html.index("Care leaver contact: In touch")


def test_entries_on_the_same_day_follow_the_order_of_the_kinds(world: World, alice: Client) -> None:
    """A visit on the day Ava came into care comes after the entry to care, oldest first or newest."""
    world.child_north.visits.create(date=dt.date(2024, 3, 6))
    filters = Filters(kinds=frozenset({"care", "visit"}), start=dt.date(2024, 3, 6), end=dt.date(2024, 3, 6))
    assert _titles(world, Filters(**{**filters.__dict__, "newest_first": False})) == [
        "Became looked after",
        "Statutory visit",
    ]
    assert _titles(world, filters) == ["Statutory visit", "Became looked after"]


def test_filtering_by_kind_keeps_only_those_kinds_and_still_counts_the_rest(
    world: World, alice: Client
) -> None:
    filters = Filters(kinds=frozenset({"care", "placement"}), newest_first=False)
    assert _titles(world, filters) == [
        "Became looked after",
        "Placement moved",
        "Legal status changed",
        "Left care",
    ]
    html = _page(world, alice, "kind=care&kind=placement&order=oldest")
    assert "4 entries, oldest first" in html
    assert "Visits (1)" in html  # counted, though not shown
    assert "Statutory visit" not in html
    assert 'value="care" checked' in html


def test_the_period_includes_both_of_its_end_days(world: World, alice: Client) -> None:
    """From 1 April 2024 to 1 June 2024: the review on the 1 April and the move on 1 June are both in."""
    filters = Filters(start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 1), newest_first=False)
    assert _titles(world, filters) == [
        "Looked-after review",
        "Statutory visit",
        "Interim care order hearing",
        "Placement moved",
    ]
    query = "start-day=1&start-month=4&start-year=2024&end-day=1&end-month=6&end-year=2024"
    assert "4 entries" in _page(world, alice, query)


def test_a_period_that_ends_before_it_starts_is_shown_beside_the_field(world: World, alice: Client) -> None:
    query = "start-day=1&start-month=6&start-year=2024&end-day=1&end-month=4&end-year=2024"
    html = _page(world, alice, query)
    assert "There is a problem" in html
    assert "The &#x27;to&#x27; date must be the same as or after 1 June 2024" in html
    assert 'id="id_end-error-1"' in html
    assert f"{len(EXPECTED)} entries" in html  # the whole chronology, until the filter is put right
    assert "<title>Error: Chronology" in html


def test_a_date_that_is_not_real_is_refused(world: World, alice: Client) -> None:
    html = _page(world, alice, "start-day=31&start-month=2&start-year=2024")
    assert "From must be a real date" in html


def test_each_view_is_audited_on_the_child_with_the_filter(world: World, alice: Client) -> None:
    _page(world, alice, "kind=visit&start-day=1&start-month=1&start-year=2024")
    row = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, child_id=world.child_north.pk).latest("pk")
    assert row.actor == world.users["alice"]
    assert row.note == "Chronology: Visits; From 1 January 2024; newest first"


def test_the_pdf_is_a_pdf_of_the_same_filtered_chronology_and_is_audited(world: World, alice: Client) -> None:
    url = reverse("chronology:pdf", args=[world.child_north.pk])
    response = alice.get(f"{url}?kind=visit&kind=missing")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-N0001-')
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000
    row = AuditEvent.objects.filter(child_id=world.child_north.pk).latest("pk")
    assert row.note == "Chronology PDF downloaded: Visits, Missing and away episodes; All dates; newest first"


def test_the_pdf_says_who_the_child_is_how_it_is_marked_and_who_made_it(world: World, alice: Client) -> None:
    filters = Filters(kinds=frozenset({"visit"}), start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    found = chronology(world.users["alice"], world.child_north, filters)
    made = dt.datetime(2025, 7, 1, 10, 30, tzinfo=dt.UTC)
    html = pdf.html(found, generated_by="Alice Tester", generated_at=made)
    assert "Chronology: Ava Northam" in html
    assert "N0001" in html
    assert html.count("OFFICIAL-SENSITIVE") >= 2  # on the page and in every page's margin
    assert "1 January 2024 to 31 December 2024" in html
    assert "Alice Tester, 1 July 2025" in html
    assert "Statutory visit" in html and "Looked-after review" not in html


def test_the_child_page_links_to_the_chronology_for_those_who_read_it(world: World) -> None:
    link = reverse("chronology:child", args=[world.child_north.pk])
    for who, shown in (("alice", True), ("hos", True), ("ana", False), ("fin", False)):
        client = Client()
        client.login(username=who, password=PASSWORD)
        html = client.get(reverse("people:child", args=[world.child_north.pk])).content.decode()
        assert (f'href="{link}"' in html) is shown, who
