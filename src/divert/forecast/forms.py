"""The scenario editor, in GOV.UK style and plain English: a head of service sets the
programme's levers (entries, exits, one-off moves, in-house foster places, costs) without
knowing how the model works. The form checks each field's shape and turns the answers into a
``types.Scenario``; whether the levers make sense together is the actions' rule
(``actions.scenario_problems``), shown back beside the fields it names.

Also the two small forms that choose what the forecast page and the comparison show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms

from divert.core.calendar import add_months
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.forecast.actions import MAX_MOVES
from divert.forecast.types import CATEGORIES, Move, Scenario
from divert.people.forms import GovukErrorsMixin

#: How far ahead a scenario's months can be set, and how far the forecast page looks.
MONTHS_AHEAD = 48
MONTH_CHOICES_FOR_PAGE = [("12", "1 year"), ("24", "2 years"), ("36", "3 years")]

ENTRIES = [
    ("none", "No change: as many as the history suggests"),
    ("cap", "Hold entries to at most a number a month"),
    ("scale", "Change entries by a percentage"),
]


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


def month_choices(origin: dt.date, blank: str) -> list[tuple[str, str]]:
    first = origin.replace(day=1)
    months = [add_months(first, i) for i in range(MONTHS_AHEAD + 1)]
    return [("", blank), *((f"{m:%Y-%m}", month_label(m)) for m in months)]


def parse_month(text: str | None) -> dt.date | None:
    if not text:
        return None
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


class ForecastForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's error messages from ``messages`` ({field: {code: text}})."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


def _count(label: str, hint: str = "", required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=hint,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"invalid": f"{label.split(' (')[0]} must be a whole number"},
    )


class ScenarioForm(ForecastForm):
    """Name, then the levers in the order a head of service thinks about them."""

    name = forms.CharField(
        label="Name of the scenario",
        max_length=120,
        help_text='Say what it does, for example "Entries held to 8 a month, 10 out of residential"',
    )
    description = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this scenario, and where its figures come from",
    )
    entries = forms.ChoiceField(label="Children coming into care", choices=ENTRIES, widget=forms.RadioSelect)
    entries_cap = _count("Most children coming into care in a month", "For example, 8")
    entries_percent = forms.DecimalField(
        label="Change in children coming into care (%)",
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text="For example, -10 for a tenth fewer than the history suggests, 5 for 5% more",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        error_messages={"invalid": "The change in children coming into care must be a number, like -10"},
    )
    entries_from = forms.ChoiceField(label="Starting in", required=False)
    entries_until = forms.ChoiceField(label="Until the end of", required=False)
    exit_target = _count(
        "Children leaving care each month (optional)",
        "At least this many children leave care each month, for example 10. Leave empty for no target",
    )
    exits_from = forms.ChoiceField(label="Starting in", required=False)
    exits_until = forms.ChoiceField(label="Until the end of", required=False)
    in_house_places = _count(
        "In-house foster places now (optional)",
        "Children the model would place in-house beyond the places go to independent foster care. "
        "Leave empty if places are not a limit",
    )
    in_house_growth = _count(
        "New in-house foster places each quarter",
        "For example, 5 if recruitment adds 5 places every 3 months. 0 for no growth",
    )
    inflation = forms.DecimalField(
        label="Rise in costs each year (%)",
        max_digits=5,
        decimal_places=1,
        help_text="For example, 3 for 3% a year. 0 to keep today's prices",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "The rise in costs must be a number, like 3",
            "required": "Enter the rise in costs each year, or 0",
        },
    )

    messages = {
        "name": {"required": "Enter a name for the scenario"},
        "entries": {
            "required": "Choose what happens to children coming into care",
            "invalid_choice": "Choose what happens to children coming into care",
        },
        "in_house_growth": {"required": "Enter the new in-house foster places each quarter, or 0"},
    }

    def __init__(self, *args: Any, origin: dt.date, defaults: dict[str, Decimal], **kwargs: Any) -> None:
        self.origin = origin
        self.defaults = defaults
        super().__init__(*args, **kwargs)
        self.fields["in_house_growth"].required = True
        for name in ("entries_from", "exits_from"):
            cast(forms.ChoiceField, self.fields[name]).choices = month_choices(origin, "From now")
        for name in ("entries_until", "exits_until"):
            cast(forms.ChoiceField, self.fields[name]).choices = month_choices(origin, "No end")
        categories = [("", "Choose a kind of placement"), *CATEGORIES]
        for i in range(1, MAX_MOVES + 1):
            self.fields[f"move_{i}_count"] = _count(f"Move {i}: number of children")
            self.fields[f"move_{i}_from"] = forms.ChoiceField(
                label="From", choices=categories, required=False
            )
            self.fields[f"move_{i}_to"] = forms.ChoiceField(label="To", choices=categories, required=False)
            self.fields[f"move_{i}_month"] = forms.ChoiceField(
                label="In", choices=month_choices(origin, "Choose a month"), required=False
            )
        for key, label in CATEGORIES:
            default = defaults.get(key)
            self.fields[f"cost_{key}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=None,
                max_digits=9,
                decimal_places=2,
                help_text=f"Reference cost £{default:,.0f} a week" if default is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
                error_messages={"invalid": f"The weekly cost of {label.lower()} must be an amount, like 850"},
            )
        for name in self.fields:
            if name.startswith(("move_", "cost_")):
                widget = self.fields[name].widget
                css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
                widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
        self._describe_hints()

    def moves(self) -> list[list[forms.BoundField]]:
        """The move rows' bound fields, for the template: count, from, to, month."""
        return [
            [self[f"move_{i}_{part}"] for part in ("count", "from", "to", "month")]
            for i in range(1, MAX_MOVES + 1)
        ]

    def costs(self) -> list[forms.BoundField]:
        return [self[f"cost_{key}"] for key, _ in CATEGORIES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("entries") == "cap"
            and data.get("entries_cap") is None
            and "entries_cap" not in self.errors
        ):
            self.add_error("entries_cap", "Enter the most children coming into care in a month")
        if (
            data.get("entries") == "scale"
            and data.get("entries_percent") is None
            and "entries_percent" not in self.errors
        ):
            self.add_error("entries_percent", "Enter the change in children coming into care, like -10")
        for i in range(1, MAX_MOVES + 1):
            parts = [data.get(f"move_{i}_{part}") for part in ("count", "from", "to", "month")]
            if any(p not in (None, "") for p in parts) and not all(p not in (None, "") for p in parts):
                for part, value in zip(("count", "from", "to", "month"), parts, strict=True):
                    if value in (None, "") and f"move_{i}_{part}" not in self.errors:
                        self.add_error(f"move_{i}_{part}", _MOVE_MISSING[part].format(i=i))
        return data

    def scenario(self) -> Scenario:
        """The answers as the model's levers (only costs changed from the reference are kept)."""
        data = self.cleaned_data
        entries = data.get("entries")
        moves = tuple(
            Move(
                month=parse_month(data[f"move_{i}_month"]) or self.origin.replace(day=1),
                count=int(data[f"move_{i}_count"]),
                from_category=data[f"move_{i}_from"],
                to_category=data[f"move_{i}_to"],
            )
            for i in range(1, MAX_MOVES + 1)
            if data.get(f"move_{i}_count") is not None and data.get(f"move_{i}_from")
        )
        costs = {
            key: data[f"cost_{key}"]
            for key, _ in CATEGORIES
            if data.get(f"cost_{key}") is not None and data[f"cost_{key}"] != self.defaults.get(key)
        }
        percent = data.get("entries_percent")
        return Scenario(
            name=data.get("name", "").strip() or "Scenario",
            entries_cap=data.get("entries_cap") if entries == "cap" else None,
            entries_scale=float(1 + percent / 100) if entries == "scale" and percent is not None else 1.0,
            entries_from=parse_month(data.get("entries_from")) if entries != "none" else None,
            entries_until=parse_month(data.get("entries_until")) if entries != "none" else None,
            exit_target=data.get("exit_target"),
            exits_from=parse_month(data.get("exits_from")) if data.get("exit_target") is not None else None,
            exits_until=parse_month(data.get("exits_until")) if data.get("exit_target") is not None else None,
            moves=moves,
            in_house_places=data.get("in_house_places"),
            in_house_growth_per_quarter=data.get("in_house_growth") or 0,
            weekly_costs=costs,
            inflation=float(data.get("inflation") or 0) / 100,
        )


_MOVE_MISSING = {
    "count": "Enter how many children move in move {i}",
    "from": "Choose the kind of placement the children in move {i} move from",
    "to": "Choose the kind of placement the children in move {i} move to",
    "month": "Choose the month of move {i}",
}


class ScenarioEditForm(VersionedFormMixin, ScenarioForm):
    """Changing a saved scenario: saved only over the name, notes and levers its user saw."""

    edits = ("name", "description", "params")


def initial_for(
    scenario: Scenario | None, name: str, description: str, defaults: dict[str, Decimal]
) -> dict[str, Any]:
    """A form's starting answers: a saved scenario's levers, or none with the reference costs."""
    scenario = scenario or Scenario()
    initial: dict[str, Any] = {
        "name": name,
        "description": description,
        "entries": "cap"
        if scenario.entries_cap is not None
        else "scale"
        if scenario.entries_scale != 1
        else "none",
        "entries_cap": scenario.entries_cap,
        "entries_percent": round(Decimal(str((scenario.entries_scale - 1) * 100)), 1)
        if scenario.entries_scale != 1
        else None,
        "entries_from": _month_value(scenario.entries_from),
        "entries_until": _month_value(scenario.entries_until),
        "exit_target": scenario.exit_target,
        "exits_from": _month_value(scenario.exits_from),
        "exits_until": _month_value(scenario.exits_until),
        "in_house_places": scenario.in_house_places,
        "in_house_growth": scenario.in_house_growth_per_quarter,
        "inflation": round(Decimal(str(scenario.inflation * 100)), 1),
    }
    for i, move in enumerate(scenario.moves, start=1):
        initial |= {
            f"move_{i}_count": move.count,
            f"move_{i}_from": move.from_category,
            f"move_{i}_to": move.to_category,
            f"move_{i}_month": _month_value(move.month),
        }
    for key, _ in CATEGORIES:
        value = scenario.weekly_costs.get(key, defaults.get(key))
        initial[f"cost_{key}"] = (
            value.quantize(Decimal("1")) if value is not None and value == value.to_integral() else value
        )
    return initial


def _month_value(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


class ChooseForm(ForecastForm):
    """What the forecast page shows: how far ahead, and the baseline or one saved scenario."""

    months = forms.ChoiceField(
        label="How far ahead", choices=MONTH_CHOICES_FOR_PAGE, required=False, initial="24"
    )
    scenario = forms.ChoiceField(label="Scenario", required=False)

    messages = {
        "months": {"invalid_choice": "Choose how far ahead to forecast"},
        "scenario": {"invalid_choice": "Choose a saved scenario or the baseline"},
    }

    def __init__(self, *args: Any, scenarios: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scenario"]).choices = [
            ("", "Baseline: no change"),
            *((str(pk), name) for pk, name in scenarios),
        ]

    @property
    def month_count(self) -> int:
        return int(self.cleaned_data.get("months") or 24) if self.is_bound else 24

    @property
    def scenario_pk(self) -> int | None:
        value = self.cleaned_data.get("scenario") if self.is_bound else None
        return int(value) if value else None


class CompareForm(ForecastForm):
    """Up to three saved scenarios to set beside the baseline."""

    scenarios = forms.MultipleChoiceField(
        label="Scenarios to compare with the baseline",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose up to 3",
    )

    messages = {"scenarios": {"invalid_choice": "Choose saved scenarios from the list"}}

    def __init__(self, *args: Any, scenarios: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scenarios"]).choices = [
            (str(pk), name) for pk, name in scenarios
        ]

    def clean_scenarios(self) -> list[int]:
        chosen = [int(pk) for pk in self.cleaned_data.get("scenarios") or []]
        if len(chosen) > 3:
            raise forms.ValidationError("Choose up to 3 scenarios to compare")
        return chosen
