"""The risk register: re-scoring adds to the history, the register sorts by probability x impact,
and the heat map places each open risk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from divert.core.concurrency import versioned
from divert.programme import actions, queries
from divert.programme.models import RiskScore
from tests.conftest import World
from tests.programme.conftest import risk


def test_rescoring_adds_a_history_row_and_changes_the_current_score(world: World) -> None:
    today = timezone.localdate()
    found = risk(
        world.authority, "Rise in number of children in care", 4, 5, on=today - dt.timedelta(days=60)
    )
    actions.rescore_risk(
        world.users["hos"],
        found,
        probability=3,
        impact=5,
        date=today - dt.timedelta(days=30),
        note="Numbers fell",
    )
    actions.rescore_risk(world.users["ana"], found, probability=2, impact=5, date=today, note="Fell again")
    found.refresh_from_db()
    # Current: 2 x 5 = 10; history newest first: 10, 15, 20.
    assert (found.probability, found.impact, found.score) == (2, 5, 10)
    assert [s.score for s in found.scores.all()] == [10, 15, 20]
    assert [s.by_label for s in found.scores.all()][:2] == ["ana", "hos"]


def test_a_rescoring_needs_a_reason_a_valid_score_and_a_date_not_before_the_last(world: World) -> None:
    today = timezone.localdate()
    found = risk(world.authority, "Court ordered placements", 2, 4, on=today - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as refused:
        actions.rescore_risk(
            world.users["hos"], found, probability=6, impact=0, date=today - dt.timedelta(days=20), note=" "
        )
    assert set(refused.value.message_dict) == {"probability", "impact", "date", "note"}
    with pytest.raises(ValidationError) as future:
        actions.rescore_risk(
            world.users["hos"], found, probability=2, impact=4, date=today + dt.timedelta(days=1), note="x"
        )
    assert "future" in future.value.message_dict["date"][0]
    assert RiskScore.objects.filter(risk=found).count() == 1
    found.refresh_from_db()
    assert found.score == 8


def test_the_register_sorts_by_score_and_the_heat_map_places_open_risks(world: World) -> None:
    a = world.authority
    risk(a, "Secure beds", 2, 2)  # 4
    risk(a, "Rise in care", 4, 5)  # 20
    risk(a, "Front door", 3, 4)  # 12
    risk(a, "Parent and child", 2, 5)  # 10
    closed = risk(a, "Old risk", 5, 5)
    closed.status = "closed"
    closed.save()
    rows = queries.register(a.pk)
    assert [r.title for r in rows] == [
        "Rise in care",
        "Front door",
        "Parent and child",
        "Secure beds",
        "Old risk",
    ]
    heat = queries.heat_map(rows)
    # Row 0 is probability 5 (the closed risk is not on the map); row 1 probability 4, impact 5 (index 4).
    assert heat[0][4].risks == []
    assert [r.title for r in heat[1][4].risks] == ["Rise in care"]
    assert heat[1][4].rating == "High" and heat[2][3].rating == "Medium" and heat[3][1].rating == "Low"
    assert [r.title for r in queries.top_risks(a.pk, 2)] == ["Rise in care", "Front door"]


def test_the_risk_page_rescores_and_shows_the_history(client: Client, world: World) -> None:
    today = timezone.localdate()
    found = risk(world.authority, "Band 4 foster placements", 3, 4, on=today - dt.timedelta(days=30))
    client.force_login(world.users["hos"])
    response = client.post(
        f"/programme/risks/{found.pk}/",
        {
            "probability": "2",
            "impact": "4",
            "date": today.strftime("%d/%m/%Y"),
            "note": "Six Band 4 carers approved",
            "status": "open",
        }
        | versioned(found),
    )
    assert response.status_code == 302
    html = client.get(f"/programme/risks/{found.pk}/").content.decode()
    assert "Six Band 4 carers approved" in html and "2 \u00d7 4 = <strong>8</strong>" in html
    client.force_login(world.users["tom"])
    assert "Re-score the risk" not in client.get(f"/programme/risks/{found.pk}/").content.decode()
    assert client.post(f"/programme/risks/{found.pk}/", {}).status_code == 403
