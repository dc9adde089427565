"""Every write to the forecast: saving, changing and deleting a named scenario.

A scenario is checked here, not only on the form, so the demo's seed and any future import
cannot save one the model would misread: a cap below zero, a move from a category to itself,
an "until" month before its "from" month. Problems are keyed by the scenario form's field
names so the form shows each beside its field. Each write runs in one transaction with its
audit row (``core.actions``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from divert.core.actions import Problems, audited_create, audited_delete, audited_update, refuse
from divert.core.models import Authority
from divert.forecast.models import BacktestResult, SavedScenario
from divert.forecast.types import CATEGORY_LABELS, Scenario

if TYPE_CHECKING:
    from divert.core.models import User

#: Up to this many one-off moves in a scenario (the form shows this many rows).
MAX_MOVES = 5


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _period_problems(scenario: Scenario) -> Problems:
    problems: Problems = {}
    pairs = (
        ("entries_until", scenario.entries_from, scenario.entries_until, "entries"),
        ("exits_until", scenario.exits_from, scenario.exits_until, "the exit target"),
    )
    for field, first, last, what in pairs:
        if first and last and last < first:
            problems[field] = f"The last month for {what} must be the same as or after the first month"
    return problems


def _move_problems(scenario: Scenario) -> Problems:
    problems: Problems = {}
    if len(scenario.moves) > MAX_MOVES:
        problems["move_1_count"] = f"A scenario can have at most {MAX_MOVES} one-off moves"
    for i, move in enumerate(scenario.moves[:MAX_MOVES], start=1):
        if move.count <= 0:
            problems[f"move_{i}_count"] = "The number of children moved must be 1 or more"
        if move.from_category not in CATEGORY_LABELS:
            problems[f"move_{i}_from"] = "Choose the kind of placement the children move from"
        elif move.to_category not in CATEGORY_LABELS:
            problems[f"move_{i}_to"] = "Choose the kind of placement the children move to"
        elif move.from_category == move.to_category:
            problems[f"move_{i}_to"] = (
                "Children must move to a different kind of placement from the one they are in"
            )
    return problems


def scenario_problems(scenario: Scenario) -> Problems:
    """What is wrong with a scenario's levers, by form field; empty when the model can run it."""
    problems: Problems = {}
    if scenario.entries_cap is not None and scenario.entries_cap < 0:
        problems["entries_cap"] = "The cap on entries must be 0 or more a month"
    if scenario.entries_scale < 0:
        problems["entries_percent"] = "Entries cannot fall by more than 100%"
    if scenario.exit_target is not None and scenario.exit_target < 0:
        problems["exit_target"] = "The exit target must be 0 or more a month"
    if scenario.in_house_places is not None and scenario.in_house_places < 0:
        problems["in_house_places"] = "In-house foster places must be 0 or more"
    elif scenario.in_house_places is None and scenario.in_house_growth_per_quarter:
        problems["in_house_places"] = (
            "Enter the in-house foster places now, so that new places can be added to them"
        )
    if scenario.in_house_growth_per_quarter < 0:
        problems["in_house_growth"] = "New in-house foster places each quarter must be 0 or more"
    if scenario.inflation <= -1:
        problems["inflation"] = "Inflation must be more than -100% a year"
    for key, cost in scenario.weekly_costs.items():
        if key not in CATEGORY_LABELS:
            problems["__all__"] = "Weekly costs can only be set for the placement categories listed"
        elif cost < Decimal(0):
            problems[f"cost_{key}"] = "A weekly cost must be £0 or more"
    return {**problems, **_period_problems(scenario), **_move_problems(scenario)}


def _name_problems(authority: Authority, name: str, exclude: int | None = None) -> Problems:
    if not name.strip():
        return {"name": "Enter a name for the scenario"}
    taken = SavedScenario.objects.filter(authority=authority, name__iexact=name.strip())
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        return {"name": f"There is already a scenario called {name.strip()!r}: choose another name"}
    return {}


@transaction.atomic
def save_scenario(
    actor: User | None, *, authority: Authority, name: str, scenario: Scenario, description: str = ""
) -> SavedScenario:
    """Save a new named scenario for the authority."""
    refuse({**_name_problems(authority, name), **scenario_problems(scenario)})
    saved = SavedScenario(
        authority=authority,
        name=name.strip(),
        description=description.strip(),
        params=Scenario.to_json(_named(scenario, name)),
        created_by=_by(actor),
    )
    return audited_create(actor, saved)


@transaction.atomic
def update_scenario(
    actor: User | None, saved: SavedScenario, *, name: str, scenario: Scenario, description: str = ""
) -> SavedScenario:
    """Change a saved scenario's name, description or levers (audited before and after)."""
    refuse({**_name_problems(saved.authority, name, exclude=saved.pk), **scenario_problems(scenario)})
    changes = {
        "name": name.strip(),
        "description": description.strip(),
        "params": Scenario.to_json(_named(scenario, name)),
    }
    return audited_update(actor, saved, changes)


@transaction.atomic
def delete_scenario(actor: User | None, saved: SavedScenario) -> None:
    """Delete a saved scenario (its levers are kept in the audit row, so it can be made again)."""
    audited_delete(actor, saved, note=f"Forecast scenario {saved.name!r} deleted")


def _named(scenario: Scenario, name: str) -> Scenario:
    from dataclasses import replace

    return replace(scenario, name=name.strip())


def store_backtest(
    authority_id: int, fingerprint: str, runs: int, data: dict, seconds: float
) -> BacktestResult:
    """Keep a backtest's result for this state of the care history, dropping older ones.

    Not audited: it is worked out from the register, changes nothing in it, and an audit row
    would raise the register version and so throw away the very figures just cached. Two
    readers who worked it out at once both get the one stored first.
    """
    try:
        with transaction.atomic():
            stored = BacktestResult.objects.create(
                authority_id=authority_id, fingerprint=fingerprint, runs=runs, data=data, seconds=seconds
            )
    except IntegrityError:
        return BacktestResult.objects.get(authority_id=authority_id, fingerprint=fingerprint, runs=runs)
    BacktestResult.objects.filter(authority_id=authority_id).exclude(fingerprint=fingerprint).delete()
    return stored
