"""Forms for contracts, prices, a placement's cost override and the spend period, in GOV.UK style.

They check each field's shape; the rules (a reason for an override, committed places only for
cost and volume, prices within the contract's dates) are the actions'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from divert.commissioning.models import PLACEMENT_TYPES, Contract
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 1 4 2026"


class CommissioningForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's GOV.UK error messages from ``messages`` ({field: {code: text}})."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


class ContractForm(VersionedFormMixin, CommissioningForm):
    reference = forms.CharField(label="Contract reference", max_length=40)
    kind = forms.ChoiceField(label="Contract type", choices=Contract.Kind.choices, widget=forms.RadioSelect)
    start = GovukDateField(label="Start date", help_text=DATE_HINT)
    end = GovukDateField(label="End date (optional)", required=False, help_text=DATE_HINT)
    committed_places = forms.IntegerField(
        label="Committed places",
        required=False,
        min_value=1,
        max_value=999,
        help_text="Cost and volume contracts only: the places bought whether used or not",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "reference": {"required": "Enter the contract reference"},
        "kind": {"required": "Choose the contract type", "invalid_choice": "Choose the contract type"},
        "start": {"required": "Enter the start date"},
        "committed_places": {
            "invalid": "Enter the committed places as a whole number",
            "min_value": "Committed places must be 1 or more",
            "max_value": "Committed places must be 999 or fewer",
        },
    }


class PriceForm(CommissioningForm):
    placement = forms.ChoiceField(label="Placement type", choices=[("", "Choose a type"), *PLACEMENT_TYPES])
    weekly_price = forms.DecimalField(
        label="Weekly price (£)", min_value=0, max_digits=9, decimal_places=2, widget=forms.TextInput
    )
    from_date = GovukDateField(label="Price from", help_text=DATE_HINT)

    messages = {
        "placement": {"required": "Choose the placement type", "invalid_choice": "Choose the placement type"},
        "weekly_price": {
            "required": "Enter the weekly price",
            "invalid": "Enter the weekly price as a number of pounds, like 850 or 850.50",
            "min_value": "The weekly price cannot be negative",
            "max_digits": "Enter a weekly price under £10,000,000",
            "max_decimal_places": "Enter the weekly price to the penny at most",
        },
        "from_date": {"required": "Enter the date the price applies from"},
    }


class OverrideForm(VersionedFormMixin, CommissioningForm):
    edits = ("weekly_cost", "cost_override_reason")

    weekly_cost = forms.DecimalField(
        label="Weekly cost (£)", min_value=0, max_digits=9, decimal_places=2, widget=forms.TextInput
    )
    reason = forms.CharField(
        label="Why this placement's cost differs from the contract",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, an agreed package of extra staffing",
    )

    messages = {
        "weekly_cost": {
            "required": "Enter the weekly cost",
            "invalid": "Enter the weekly cost as a number of pounds, like 850 or 850.50",
            "min_value": "The weekly cost cannot be negative",
            "max_digits": "Enter a weekly cost under £10,000,000",
            "max_decimal_places": "Enter the weekly cost to the penny at most",
        },
        "reason": {"required": "Say why this placement's cost differs from the contract"},
    }


class PeriodForm(CommissioningForm):
    start = GovukDateField(label="From", help_text=DATE_HINT)
    end = GovukDateField(label="To", help_text=DATE_HINT)

    messages = {"start": {"required": "Enter the first day"}, "end": {"required": "Enter the last day"}}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end", "The last day must be on or after the first day")
        return data
