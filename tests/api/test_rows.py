"""What the API returns: pseudonymised children in care within the reader's reach, and figures.

No response may name a child: the world's children's names, dates of birth, postcodes and
register ids are searched for in every endpoint's whole response.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from divert.api.queries import age_band
from divert.privacy.models import RestrictedRecord
from divert.privacy.pseudonyms import pseudonym
from tests.api.conftest import API, API_USERS, ENDPOINTS, episode, get, token_for
from tests.conftest import World, make_child

CHILDREN = f"{API}children-in-care/"
IDENTIFYING_KEYS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
    "home_postcode",
    "child_id",
    "upn",
}


def _identifiers(world: World) -> list[str]:
    out = []
    for child in (world.child_north, world.child_south, world.child_elsewhere):
        out += [child.first_name, child.last_name, child.child_id, child.date_of_birth.isoformat()]
        out += [child.home_postcode] if child.home_postcode else []
    return out


def _keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


@pytest.mark.parametrize("who", API_USERS)
def test_no_response_names_a_child(client: Client, in_care: World, who: str) -> None:
    secret = token_for(in_care.users[who])
    for path in ENDPOINTS[:-1]:
        response = get(client, path, secret, limit=1000)
        text = response.content.decode()
        for identifier in _identifiers(in_care):
            assert identifier not in text, f"{identifier} in {path}"
        assert not _keys(response.json()) & IDENTIFYING_KEYS, path


def test_a_child_in_care_is_a_pseudonymised_row(client: Client, in_care: World) -> None:
    rows = get(client, CHILDREN, token_for(in_care.users["fin"])).json()["results"]
    by_code = {row["pseudonym"]: row for row in rows}
    today = timezone.localdate()
    sid = by_code[pseudonym(in_care.child_south.pk)]
    assert sid == {
        "pseudonym": pseudonym(in_care.child_south.pk),
        "age_band": age_band(in_care.child_south.date_of_birth, today),
        "sex": "F",
        "ethnicity": in_care.child_south.ethnicity,
        "legal_status": "C1",
        "placement_type": "K2",
        "place_provider": "PR4",
        "provider_sector": "private",
        "independent": True,
        "weekly_cost": 5200.0,
        "episode_start": today.replace(day=1).isoformat(),
        "locality": "",
        "team": "South children in care",
    }
    assert by_code[pseudonym(in_care.child_north.pk)]["provider_sector"] == "in-house"


def test_the_same_child_has_the_same_pseudonym_for_every_reader(client: Client, in_care: World) -> None:
    seen = [
        {r["pseudonym"] for r in get(client, CHILDREN, token_for(in_care.users[w])).json()["results"]}
        for w in API_USERS
    ]
    assert (
        seen[0]
        == seen[1]
        == seen[2]
        == {pseudonym(in_care.child_north.pk), pseudonym(in_care.child_south.pk)}
    )


def test_a_child_outside_the_readers_reach_never_appears(client: Client, in_care: World) -> None:
    """Eli is another council's; Ava's record is restricted to the people named on it."""
    RestrictedRecord.objects.create(
        child=in_care.child_north, category="high_profile", reason="Test", set_by=in_care.users["hos"]
    )
    rows = get(client, CHILDREN, token_for(in_care.users["hos"])).json()["results"]
    assert [r["pseudonym"] for r in rows] == [pseudonym(in_care.child_south.pk)]


def test_a_child_who_has_left_care_is_not_a_row(client: Client, in_care: World) -> None:
    in_care.child_north.episodes.update(dec=dt.date(2025, 9, 1), rec="E11")
    rows = get(client, CHILDREN, token_for(in_care.users["ana"])).json()["results"]
    assert [r["pseudonym"] for r in rows] == [pseudonym(in_care.child_south.pk)]


def test_children_filter_by_placement_type_and_legal_status(client: Client, in_care: World) -> None:
    secret = token_for(in_care.users["ana"])
    assert get(client, CHILDREN, secret, placement_type="K2").json()["count"] == 1
    assert get(client, CHILDREN, secret, legal_status="C2").json()["count"] == 1
    assert get(client, CHILDREN, secret, legal_status="C2", placement_type="K2").json()["count"] == 0
    refused = get(client, CHILDREN, secret, placement_type="ZZ")
    assert refused.status_code == 400 and "placement_type" in refused.json()


def test_pages_link_to_the_next_and_the_size_is_capped(
    client: Client, in_care: World, settings: object
) -> None:
    secret = token_for(in_care.users["ana"])
    first = get(client, CHILDREN, secret, limit=1).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["previous"] is None
    second = client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert second["next"] is None and second["previous"]
    assert {first["results"][0]["pseudonym"], second["results"][0]["pseudonym"]} == {
        pseudonym(in_care.child_north.pk),
        pseudonym(in_care.child_south.pk),
    }
    indicators = get(client, f"{API}indicators/", secret).json()
    assert indicators["count"] == len(indicators["results"]) > 30  # all on the default page of 100
    settings.DIVERT_API_MAX_PAGE_SIZE = 5  # type: ignore[attr-defined]
    assert len(get(client, f"{API}indicators/", secret, limit=1000).json()["results"]) == 5


def test_indicators_carry_the_scorecards_figures(client: Client, in_care: World) -> None:
    secret = token_for(in_care.users["hos"])
    rows = {r["id"]: r for r in get(client, f"{API}indicators/", secret).json()["results"]}
    assert rows["cla_count"]["value"] == 2
    assert rows["cla_count"]["unit"] == "count" and rows["cla_count"]["frequency"] == "month"
    assert {"target", "england", "comparator", "rag", "previous"} <= set(rows["cla_count"])


def test_an_indicators_series_has_one_row_a_period(client: Client, in_care: World) -> None:
    secret = token_for(in_care.users["ana"])
    monthly = get(client, f"{API}indicators/cla_count/series/", secret, periods=6).json()["results"]
    assert len(monthly) == 6 and monthly[-1]["value"] == 2
    weekly = get(client, f"{API}indicators/cla_starts/series/", secret, period="weekly", periods=3).json()
    assert weekly["count"] == 3 and weekly["results"][0]["frequency"] == "week"
    assert get(client, f"{API}indicators/no_such/series/", secret).status_code == 404
    assert get(client, f"{API}indicators/cla_count/series/", secret, periods=9999).status_code == 400


def test_care_movements_count_entries_and_exits_by_month(client: Client, in_care: World) -> None:
    in_care.child_north.episodes.update(dec=dt.date(2025, 9, 10), rec="E11")
    secret = token_for(in_care.users["fin"])
    rows = get(client, f"{API}care-movements/", secret, **{"from": "2025-01", "to": "2025-12"}).json()[
        "results"
    ]
    by_month = {r["month"]: (r["entries"], r["exits"]) for r in rows}
    assert len(rows) == 12
    assert by_month["2025-03"] == (1, 0) and by_month["2025-09"] == (0, 1)
    assert by_month["2025-06"] == (0, 0)  # Eli is another council's
    this_month = get(client, f"{API}care-movements/", secret).json()["results"][-1]
    assert this_month["month"] == f"{timezone.localdate():%Y-%m}" and this_month["entries"] == 1
    backwards = get(client, f"{API}care-movements/", secret, **{"from": "2025-06", "to": "2025-01"})
    assert backwards.status_code == 400


def test_the_schema_is_openapi_3_in_json_and_yaml(client: Client, world: World) -> None:
    secret = token_for(world.users["ana"])
    described = json.loads(get(client, f"{API}schema/", secret).content)
    assert described["openapi"].startswith("3.")
    assert f"{API}children-in-care/" in described["paths"]
    assert described["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    yaml = get(client, f"{API}schema/", secret, format="yaml")
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3")


def test_the_children_list_takes_as_many_queries_for_five_as_for_two(client: Client, in_care: World) -> None:
    secret = token_for(in_care.users["hos"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, CHILDREN, secret).status_code == 200
        return len(captured)

    two = queries()
    for n in range(3):
        child = make_child(in_care.authority, f"X{n}", "Extra", f"Child{n}", dt.date(2010, 1, 1))
        episode(child, dt.date(2025, 1, 1))
    assert get(client, CHILDREN, secret).json()["count"] == 5
    assert queries() == two
