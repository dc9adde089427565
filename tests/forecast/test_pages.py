"""The forecast pages as a head of service, an analyst and a team manager use them.

Most tests use the stand-in model of ``conftest.fake_model`` (192 children, £728,000 a month)
so the figures on the page can be worked by hand; one runs the real model on the test world.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from divert.core.models import AuditEvent
from divert.forecast import actions, charts, queries
from divert.forecast.models import BacktestResult, SavedScenario
from divert.forecast.types import Move, Scenario
from divert.indicators.models import IndicatorTarget
from tests.conftest import World
from tests.forecast.conftest import WEEKLY, FakeModel

TODAY = dt.date(2026, 11, 24)
HELD = Scenario(
    entries_cap=8,
    entries_from=dt.date(2026, 12, 1),
    moves=(Move(dt.date(2027, 6, 1), 10, "residential_independent", "in_house_foster"),),
)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "today", lambda: TODAY)


def _as(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def _text(html: bytes) -> str:
    """The page's words without tags or charts, spaces squeezed."""
    page = re.sub(r"<svg.*?</svg>", " ", html.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _held(world: World) -> SavedScenario:
    return actions.save_scenario(
        world.users["hos"], authority=world.authority, name="Held to 8", scenario=HELD
    )


def test_the_forecast_page_shows_the_total_its_band_and_the_programme_target(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    IndicatorTarget.objects.create(authority=world.authority, indicator="cla_count", target=Decimal(345))
    IndicatorTarget.objects.create(
        authority=world.authority, indicator="residential_count", target=Decimal(13)
    )
    response = _as(client, world, "hos").get(reverse("forecast:index"))
    assert response.status_code == 200
    text = _text(response.content)
    # 192 children each month, the band 10% either side: 172.8 to 211.2, shown rounded.
    assert "In 24 months 192 children (8 chances in 10 of 173 to 211)" in text
    html = response.content.decode()
    assert '<option value="24" selected>2 years</option>' in html  # the choice says what is shown
    assert "Target for children in care 345" in html and "Target for residential care 13" in html
    assert '<polygon points="' in html  # the shaded 80% band
    # The backtest's words: error 8.4%, bias +4 points, coverage 0.75 at 24 months.
    assert (
        "In the past, 24 months ahead, the total was within 8.4% on average and it tended to forecast too "
        "many by 4.0%; the 80% band held the actual number 75% of the time (6 forecasts checked)." in text
    )
    # 24 months at £728,000 = £17,472,000.
    assert "Spend on placements over the 24 months: £17,472,000" in text


def test_each_view_is_audited_without_naming_a_child(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    _as(client, world, "ana").get(reverse("forecast:index"), {"months": "12"})
    row = AuditEvent.objects.get(object_type="forecast.projection")
    assert row.action == AuditEvent.Action.VIEW and row.child_id is None
    assert row.note == "Forecast from 24/11/2026, 12 months: baseline"


def test_a_scenario_shows_its_saving_against_the_baseline(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    held = _held(world)
    response = _as(client, world, "fin").get(reverse("forecast:index"), {"scenario": held.pk, "months": "12"})
    text = _text(response.content)
    # From June 2027 (the 7th month) 10 children move from independent residential care (£4,000 a week)
    # to in-house foster care (£500): £35,000 a week less, 35,000 x 52 / 12 = £151,666.67 a month.
    # Months June to November 2027 (6 of the 12): 6 x 151,666.67 = £910,000.
    assert "against the baseline that is a saving of £910,000" in text
    assert "In 12 months 192 children" in text  # a move changes where children live, not how many


def test_another_councils_scenario_is_not_found(client: Client, world: World, fake_model: FakeModel) -> None:
    theirs = actions.save_scenario(None, authority=world.other_authority, name="Theirs", scenario=HELD)
    response = _as(client, world, "hos").get(reverse("forecast:index"), {"scenario": theirs.pk})
    assert response.status_code == 400  # not among the reader's choices: shown back as a form error
    assert response.context["form"].errors["scenario"] == ["Choose a saved scenario or the baseline"]
    assert (
        _as(client, world, "hos").get(reverse("forecast:scenario_edit", args=[theirs.pk])).status_code == 404
    )


def test_a_wrong_length_is_shown_back_not_a_server_error(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    response = _as(client, world, "hos").get(reverse("forecast:index"), {"months": "500"})
    assert response.status_code == 400
    assert "Choose how far ahead to forecast" in response.content.decode()
    assert fake_model.forecasts == 0


def test_the_comparison_answers_the_programmes_question(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    held = _held(world)
    response = _as(client, world, "tom").get(reverse("forecast:compare"), {"scenarios": [held.pk]})
    assert response.status_code == 200
    text = _text(response.content)
    # Baseline: 24 x £728,000 = £17,472,000. Held to 8: June 2027 to November 2028 is 18 months
    # at £151,666.67 less: saving 18 x 151,666.67 = £2,730,000; spend £14,742,000.
    assert "Spend on placements over 24 months £17,472,000 £14,742,000" in text
    assert "Saving against the baseline over 24 months None: this is the baseline £2,730,000" in text
    # Residential in 24 months: 12 in the baseline, 12 - 10 = 2 with the move.
    assert "In residential care in 24 months 12 2" in text


def test_the_comparison_takes_up_to_three_scenarios(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    pks = [
        actions.save_scenario(
            None, authority=world.authority, name=f"S{i}", scenario=Scenario(entries_cap=i)
        ).pk
        for i in range(4)
    ]
    response = _as(client, world, "ana").get(reverse("forecast:compare"), {"scenarios": pks})
    assert response.status_code == 400
    assert "Choose up to 3 scenarios to compare" in response.content.decode()
    shown = _as(client, world, "ana").get(reverse("forecast:compare"))  # none chosen: the first three
    assert len(shown.context["columns"]) == 4


def test_a_head_of_service_saves_a_scenario_and_sees_it(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    data = {
        "name": "Entries 8 a month, 10 out of residential",
        "entries": "cap",
        "entries_cap": "8",
        "entries_from": "2026-12",
        "move_1_count": "10",
        "move_1_from": "residential_independent",
        "move_1_to": "in_house_foster",
        "move_1_month": "2027-06",
        "in_house_growth": "0",
        "inflation": "0",
        **{f"cost_{k}": str(v) for k, v in WEEKLY.items()},
    }
    response = _as(client, world, "hos").post(reverse("forecast:scenario_new"), data)
    saved = SavedScenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('forecast:index')}?scenario={saved.pk}"
    assert saved.scenario.entries_cap == 8 and saved.created_by == world.users["hos"]
    again = client.post(reverse("forecast:scenario_new"), data)
    assert again.status_code == 400
    assert "There is already a scenario called" in again.content.decode()


def test_a_team_manager_reads_but_does_not_save(client: Client, world: World, fake_model: FakeModel) -> None:
    held = _held(world)
    tom = _as(client, world, "tom")
    assert tom.get(reverse("forecast:scenarios")).status_code == 200
    assert tom.post(reverse("forecast:scenario_new"), {"name": "x"}).status_code == 403
    assert tom.post(reverse("forecast:scenario_delete", args=[held.pk])).status_code == 403
    assert SavedScenario.objects.filter(pk=held.pk).exists()


def test_deleting_a_scenario(client: Client, world: World, fake_model: FakeModel) -> None:
    held = _held(world)
    response = _as(client, world, "fin").post(reverse("forecast:scenario_delete", args=[held.pk]))
    assert response.status_code == 302 and not SavedScenario.objects.exists()


def test_the_backtest_is_worked_out_once_for_a_care_history(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    hos = _as(client, world, "hos")
    hos.get(reverse("forecast:index"))
    _held(world)  # a change that is not to the care history
    hos.get(reverse("forecast:index"))
    assert fake_model.backtests == 1
    assert BacktestResult.objects.count() == 1


def test_the_excel_download_has_the_baseline_and_the_scenario(
    client: Client, world: World, fake_model: FakeModel
) -> None:
    held = _held(world)
    response = _as(client, world, "ana").get(reverse("forecast:excel"), {"scenario": held.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"
    assert f"forecast-2026-11-24-{held.pk}.xlsx" in response["Content-Disposition"]


def test_the_real_model_runs_on_the_register(client: Client, world: World) -> None:
    """No stand-in: the model and backtest on the test world's register, with few runs."""
    response = _as(client, world, "hos").get(reverse("forecast:index"))
    assert response.status_code == 200
    assert "How accurate has this been?" in response.content.decode()


def test_the_band_chart_draws_the_band_under_the_line_and_escapes_its_words() -> None:
    months = [dt.date(2027, m, 1) for m in (1, 2, 3)]
    svg = charts.band_chart(
        months,
        [10, 12, 14],
        title="Children <in> care",
        low=[8, 9, 10],
        high=[12, 15, 18],
        references=[charts.Reference("Target", 11)],
        uid="t",
    )
    assert svg.index("<polygon") < svg.index('stroke="#1d70b8" stroke-width="3"')
    assert "Children &lt;in&gt; care" in svg
    assert "From 10 in January 2027 to 14 in March 2027, the 80% band then 10 to 18; target 11." in svg


def test_the_list_of_scenarios_costs_the_same_queries_however_many(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        actions.save_scenario(
            world.users["hos"], authority=world.authority, name=f"S{i}", scenario=Scenario()
        )
    hos = _as(client, world, "hos")
    hos.get(reverse("forecast:scenarios"))  # the session and user, loaded once
    with django_assert_max_num_queries(6):
        response = hos.get(reverse("forecast:scenarios"))
    assert _text(response.content).count("Change S") == 5
