"""Saving, changing and deleting scenarios; the editor's answers as the model's levers."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from divert.core.models import AuditEvent
from divert.forecast import actions
from divert.forecast.forms import ScenarioForm, initial_for
from divert.forecast.models import SavedScenario
from divert.forecast.types import Move, Scenario
from divert.synth.forecast_history import add_scenarios, next_month_numbered
from tests.conftest import World
from tests.forecast.conftest import WEEKLY

ORIGIN = dt.date(2026, 11, 24)
HELD = Scenario(
    name="Held",
    entries_cap=8,
    entries_from=dt.date(2026, 12, 1),
    exit_target=10,
    exits_from=dt.date(2026, 12, 1),
    moves=(Move(dt.date(2027, 6, 1), 10, "residential_independent", "in_house_foster"),),
)


def _post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Entries 8 a month, 10 out of residential",
        "description": "",
        "entries": "cap",
        "entries_cap": "8",
        "entries_from": "2026-12",
        "exit_target": "10",
        "exits_from": "2026-12",
        "move_1_count": "10",
        "move_1_from": "residential_independent",
        "move_1_to": "in_house_foster",
        "move_1_month": "2027-06",
        "in_house_growth": "0",
        "inflation": "0",
        **{f"cost_{key}": str(value) for key, value in WEEKLY.items()},
    }
    data.update(changes)
    return data


def _form(**changes: Any) -> ScenarioForm:
    return ScenarioForm(_post(**changes), origin=ORIGIN, defaults=dict(WEEKLY))


def test_the_editor_turns_plain_answers_into_the_models_levers() -> None:
    form = _form()
    assert form.is_valid(), form.errors
    scenario = form.scenario()
    assert scenario.entries_cap == 8
    assert scenario.entries_from == dt.date(2026, 12, 1)
    assert scenario.exit_target == 10
    assert scenario.moves == (Move(dt.date(2027, 6, 1), 10, "residential_independent", "in_house_foster"),)
    # Costs left at the reference are not pinned in the scenario: later reference costs still apply.
    assert scenario.weekly_costs == {}


def test_a_changed_cost_and_a_percentage_are_kept_as_the_model_reads_them() -> None:
    form = _form(entries="scale", entries_percent="-10", cost_residential_independent="4500", inflation="3")
    assert form.is_valid(), form.errors
    scenario = form.scenario()
    assert scenario.entries_cap is None
    assert scenario.entries_scale == pytest.approx(0.9)  # 10% fewer: 1 - 10/100
    assert scenario.weekly_costs == {"residential_independent": Decimal("4500")}
    assert scenario.inflation == pytest.approx(0.03)


def test_a_saved_scenario_comes_back_to_the_form_as_it_was_typed(world: World) -> None:
    form = _form(cost_residential_independent="4500")
    assert form.is_valid()
    saved = actions.save_scenario(
        world.users["hos"], authority=world.authority, name="Held", scenario=form.scenario()
    )
    again = ScenarioForm(
        initial_for(saved.scenario, saved.name, "", dict(WEEKLY)), origin=ORIGIN, defaults=dict(WEEKLY)
    )
    assert again["entries"].value() == "cap"
    assert again["entries_cap"].value() == 8
    assert again["move_1_month"].value() == "2027-06"
    assert again["cost_residential_independent"].value() == Decimal("4500")
    assert again["cost_in_house_foster"].value() == Decimal("500")


def test_json_round_trip_keeps_every_lever(world: World) -> None:
    saved = actions.save_scenario(world.users["hos"], authority=world.authority, name="Held", scenario=HELD)
    saved.refresh_from_db()
    assert saved.scenario == HELD
    assert Scenario.from_json(saved.params) == HELD


def test_a_cap_without_a_number_and_half_a_move_are_shown_beside_their_fields() -> None:
    form = _form(entries_cap="", move_1_month="")
    assert not form.is_valid()
    assert form.errors["entries_cap"] == ["Enter the most children coming into care in a month"]
    assert form.errors["move_1_month"] == ["Choose the month of move 1"]


def test_saving_writes_the_scenario_with_its_audit_row(world: World) -> None:
    saved = actions.save_scenario(world.users["hos"], authority=world.authority, name=" Held ", scenario=HELD)
    assert saved.name == "Held"
    assert saved.created_by == world.users["hos"]
    row = AuditEvent.objects.get(object_type="forecast.savedscenario", object_id=str(saved.pk))
    assert row.action == AuditEvent.Action.CREATE


def test_a_name_is_used_once_in_an_authority_whatever_its_capitals(world: World) -> None:
    actions.save_scenario(world.users["hos"], authority=world.authority, name="Held", scenario=HELD)
    with pytest.raises(ValidationError) as refused:
        actions.save_scenario(world.users["ana"], authority=world.authority, name="HELD", scenario=Scenario())
    assert "already a scenario called" in refused.value.message_dict["name"][0]
    assert SavedScenario.objects.count() == 1
    # Another council may use the same name.
    actions.save_scenario(None, authority=world.other_authority, name="Held", scenario=HELD)


@pytest.mark.parametrize(
    ("scenario", "field", "message"),
    [
        (Scenario(entries_cap=-1), "entries_cap", "The cap on entries must be 0 or more a month"),
        (Scenario(exit_target=-2), "exit_target", "The exit target must be 0 or more a month"),
        (
            Scenario(moves=(Move(dt.date(2027, 6, 1), 10, "in_house_foster", "in_house_foster"),)),
            "move_1_to",
            "Children must move to a different kind of placement from the one they are in",
        ),
        (
            Scenario(moves=(Move(dt.date(2027, 6, 1), 0, "residential_independent", "in_house_foster"),)),
            "move_1_count",
            "The number of children moved must be 1 or more",
        ),
        (
            Scenario(entries_cap=8, entries_from=dt.date(2027, 6, 1), entries_until=dt.date(2027, 5, 1)),
            "entries_until",
            "The last month for entries must be the same as or after the first month",
        ),
        (
            Scenario(in_house_growth_per_quarter=5),
            "in_house_places",
            "Enter the in-house foster places now, so that new places can be added to them",
        ),
        (
            Scenario(weekly_costs={"kinship": Decimal("-1")}),
            "cost_kinship",
            "A weekly cost must be £0 or more",
        ),
    ],
)
def test_levers_the_model_would_misread_are_refused_and_nothing_is_written(
    world: World, scenario: Scenario, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.save_scenario(world.users["hos"], authority=world.authority, name="Bad", scenario=scenario)
    assert refused.value.message_dict[field] == [message]
    assert not SavedScenario.objects.exists()
    assert not AuditEvent.objects.filter(object_type="forecast.savedscenario").exists()


def test_the_form_shows_an_actions_refusal_beside_its_field() -> None:
    form = _form(move_1_to="residential_independent")
    assert form.is_valid()
    form.apply_errors(ValidationError(actions.scenario_problems(form.scenario())))
    assert form.errors["move_1_to"] == [
        "Children must move to a different kind of placement from the one they are in"
    ]


def test_changing_and_deleting_are_audited(world: World) -> None:
    saved = actions.save_scenario(world.users["hos"], authority=world.authority, name="Held", scenario=HELD)
    actions.update_scenario(
        world.users["fin"], saved, name="Held to 8", scenario=HELD, description="With the finance view"
    )
    saved.refresh_from_db()
    assert (saved.name, saved.description) == ("Held to 8", "With the finance view")
    update = AuditEvent.objects.get(object_type="forecast.savedscenario", action=AuditEvent.Action.UPDATE)
    assert update.before["name"] == "Held" and update.after["name"] == "Held to 8"
    actions.delete_scenario(world.users["hos"], saved)
    assert not SavedScenario.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="forecast.savedscenario", action=AuditEvent.Action.DELETE
    ).exists()


def test_changing_a_scenario_to_another_ones_name_is_refused(world: World) -> None:
    actions.save_scenario(world.users["hos"], authority=world.authority, name="Held", scenario=HELD)
    other = actions.save_scenario(
        world.users["hos"], authority=world.authority, name="Other", scenario=Scenario()
    )
    with pytest.raises(ValidationError):
        actions.update_scenario(world.users["hos"], other, name="held", scenario=Scenario())
    # Keeping its own name is fine.
    actions.update_scenario(world.users["hos"], other, name="Other", scenario=Scenario(entries_cap=7))


class _Window:
    today = ORIGIN


def test_the_demo_has_the_programmes_scenarios_starting_after_today(world: World) -> None:
    add_scenarios(world.authority, _Window(), random.Random(1))  # type: ignore[arg-type]
    held = SavedScenario.objects.get(name="Entries held to 8 a month, 10 out of residential").scenario
    # Today is 24 November 2026: the cap and exit target start in December, the move the next June.
    assert (held.entries_cap, held.entries_from, held.exit_target) == (8, dt.date(2026, 12, 1), 10)
    assert held.moves == (Move(dt.date(2027, 6, 1), 10, "residential_independent", "in_house_foster"),)
    grows = SavedScenario.objects.get(name="In-house fostering grows by 5 places a quarter").scenario
    assert grows.in_house_growth_per_quarter == 5 and grows.in_house_places is not None
    assert SavedScenario.objects.filter(authority=world.authority).count() == 4
    add_scenarios(world.authority, _Window(), random.Random(1))  # type: ignore[arg-type]  # a reload replaces
    assert SavedScenario.objects.filter(authority=world.authority).count() == 4


def test_next_june_from_june_is_a_year_on() -> None:
    assert next_month_numbered(dt.date(2026, 6, 15), 6) == dt.date(2027, 6, 1)
    assert next_month_numbered(dt.date(2026, 5, 31), 6) == dt.date(2026, 6, 1)
