"""The chronology is built from every dated event on the child's record, each linked to its record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from divert.chronology import sources
from divert.chronology.entries import KINDS, Entry
from divert.chronology.queries import Filters, chronology
from tests.chronology.records import EXPECTED, build_record
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def _signed_in(world: World, who: str) -> Client:
    client = Client()
    assert client.login(username=who, password=PASSWORD)
    return client


def test_every_kind_of_event_on_the_record_appears_with_its_date_and_title(world: World) -> None:
    build_record(world.child_north, world.users["alice"])
    found = chronology(world.users["alice"], world.child_north, Filters(newest_first=False)).entries
    got = [(e.kind, e.date, e.title) for e in found]
    for kind, day, title in EXPECTED:
        assert any(k == kind and d == day and t.startswith(title) for k, d, t in got), (kind, day, title)
    assert len(found) == len(EXPECTED)
    assert {kind for kind, _ in KINDS} == {e.kind for e in found}


def test_each_entry_has_a_source_row_and_a_page_that_opens(world: World) -> None:
    records = build_record(world.child_north, world.users["alice"])
    for who in ("alice", "hos", "mo"):
        client = _signed_in(world, who)
        found = chronology(world.users[who], world.child_north, Filters()).entries
        for entry in found:
            assert entry.source.count(":") == 1
            assert client.get(entry.url).status_code == 200, (who, entry.title, entry.url)
    by_title = {e.title: e for e in chronology(world.users["hos"], world.child_north, Filters()).entries}
    enquiry = records["enquiry"]
    assert by_title["MASH decision: Referral to children's social care"].url == reverse(
        "frontdoor:enquiry",
        args=[enquiry.pk],  # type: ignore[attr-defined]
    )
    assert by_title["Early help began"].url == reverse("earlyhelp:episode", args=[records["early_help"].pk])  # type: ignore[attr-defined]
    assert by_title["Request to the resource panel"].url == reverse(
        "panels:resource", args=[records["request"].pk]
    )  # type: ignore[attr-defined]
    assert by_title["Interim care order hearing"].url == reverse(
        "chronology:event", args=[records["event"].pk]
    )  # type: ignore[attr-defined]
    assert by_title["Statutory visit"].url == reverse("people:child", args=[world.child_north.pk])


def test_a_page_the_readers_role_cannot_open_is_replaced_by_the_childs_record(world: World) -> None:
    """Alice (a social worker) does not read MASH enquiries: her contact entries link to Ava's record."""
    build_record(world.child_north, world.users["alice"])
    found = chronology(world.users["alice"], world.child_north, Filters(kinds=frozenset({"contact"}))).entries
    assert [e.url for e in found] == [reverse("people:child", args=[world.child_north.pk])] * 2


def test_reading_a_chronology_takes_one_query_per_source_not_per_row(
    world: World, django_assert_max_num_queries: Any
) -> None:
    build_record(world.child_north, world.users["alice"])
    one = len(chronology(world.users["hos"], world.child_north, Filters()).entries)
    for day in range(20):  # twenty more visits must not cost twenty more queries
        world.child_north.visits.create(date=dt.date(2024, 8, 1) + dt.timedelta(days=day))
    budget = len(sources.all_sources()) + 5  # a query a source, and a few to check the reader's role
    with django_assert_max_num_queries(budget):
        many = chronology(world.users["hos"], world.child_north, Filters()).entries
    assert len(many) == one + 20


def test_removed_significant_events_are_left_out(world: World) -> None:
    records = build_record(world.child_north, world.users["alice"])
    event = records["event"]
    event.removed_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    event.removed_reason = "Wrong child"  # type: ignore[attr-defined]
    event.save()  # type: ignore[attr-defined]
    found = chronology(world.users["alice"], world.child_north, Filters(kinds=frozenset({"significant"})))
    assert found.entries == []


def test_an_entry_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chronology kind"):
        Entry(dt.date(2024, 1, 1), "gossip", "Rumour")
