"""The form for a new API token: a name and how many days it lasts (the action checks the rules)."""

from __future__ import annotations

from django import forms

from divert.api.models import DEFAULT_DAYS, MAX_DAYS
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukErrorsMixin


class TokenForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="What the token is for, to tell your tokens apart: 'Power BI placements report'",
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"{DEFAULT_DAYS} days unless you need longer; at most {MAX_DAYS}",
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Enter a whole number of days",
            "min_value": f"A token lasts between 1 and {MAX_DAYS} days",
            "max_value": f"A token lasts between 1 and {MAX_DAYS} days",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
