"""The scorecard's filters, read from the query string and checked before anything is computed.

Every page takes its filters by GET, so a view of the figures can be bookmarked and shared.
A bad value (a date that does not exist, a team from another authority) comes back as the
GOV.UK error beside the field, never as a server error. Team and locality choices are the
user's own authority's, by name: the figures' breakdowns name them that way too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from divert.core.forms import GovukFormMixin
from divert.indicators.periods import Frequency
from divert.people.forms import DateParts, GovukDateField, GovukDateWidget, GovukErrorsMixin
from divert.people.models import Locality, Team

NOT_RECORDED = "Not recorded"  # the breakdowns' name for a child with no team or locality
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

SPANS = {"12": 12, "24": 24, "60": 60, "all": None}
SPAN_CHOICES = [("12", "12 months"), ("24", "24 months"), ("60", "5 years"), ("all", "Whole history")]
FREQUENCY_CHOICES = [(f.value, f.label) for f in (Frequency.MONTH, Frequency.WEEK, Frequency.DAY)]


class IsoOrPartsDateWidget(GovukDateWidget):
    """The GOV.UK day, month and year boxes, which also accept one ``2026-11-24`` value (as links use)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        match = _ISO_DATE.match((data.get(name) or "").strip())
        if match:
            year, month, day = match.groups()
            return DateParts((day, month, year))
        return super().value_from_datadict(data, files, name)


class AsAtField(GovukDateField):
    widget = IsoOrPartsDateWidget

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise self._fail("{label} must be today or in the past")


class FiltersForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """As-at date, frequency, team and locality: what every scorecard page is narrowed by."""

    date = AsAtField(label="Figures as at", required=False, help_text="For example, 24 11 2026")
    freq = forms.ChoiceField(label="Period", choices=FREQUENCY_CHOICES, required=False)
    team = forms.ChoiceField(label="Team", required=False)
    locality = forms.ChoiceField(label="Locality", required=False)

    error_messages_by_field = {
        "freq": {"invalid_choice": "Select monthly, weekly or daily"},
        "team": {"invalid_choice": "Select a team from the list"},
        "locality": {"invalid_choice": "Select a locality from the list"},
    }
    allow_not_recorded = False

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = list(
            Team.objects.filter(authority_id=authority_id).order_by("name").values_list("name", flat=True)
        )
        places = list(Locality.objects.filter(authority_id=authority_id).values_list("name", flat=True))
        extra = [NOT_RECORDED] if self.allow_not_recorded else []
        self.fields["team"].choices = [("", "All teams"), *((n, n) for n in [*teams, *extra])]  # type: ignore[attr-defined]
        self.fields["locality"].choices = [  # type: ignore[attr-defined]
            ("", "All localities"),
            *((n, n) for n in [*places, *extra]),
        ]
        for name, messages in self.error_messages_by_field.items():
            if name in self.fields:
                self.fields[name].error_messages.update(messages)

    def value(self, name: str) -> Any:
        """The cleaned value of a valid form, or the default for a field left out."""
        data = getattr(self, "cleaned_data", {})
        return data.get(name) or self.defaults().get(name)

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {"date": timezone.localdate(), "freq": Frequency.MONTH.value, "span": "24"}

    @property
    def as_at(self) -> dt.date:
        day: dt.date = self.value("date")
        return day

    @property
    def frequency(self) -> Frequency:
        return Frequency(self.value("freq"))

    @property
    def where(self) -> dict[str, str]:
        """The team and locality chosen, as the engine's ``where`` (empty for the whole authority)."""
        return {name: self.value(name) for name in ("team", "locality") if self.value(name)}


class IndicatorForm(FiltersForm):
    """An indicator's page adds how far back its series goes."""

    span = forms.ChoiceField(label="Show", choices=SPAN_CHOICES, required=False)

    error_messages_by_field = {
        **FiltersForm.error_messages_by_field,
        "span": {"invalid_choice": "Select 12 months, 24 months, 5 years or the whole history"},
    }

    @property
    def months(self) -> int | None:
        """How many months back the series goes (``None`` for the whole history)."""
        return SPANS[self.value("span")]


class MembersForm(FiltersForm):
    """The drill-down: a figure's date and filters, plus one breakdown value, and which rows to list."""

    age_band = forms.CharField(required=False, max_length=100)
    placement_type = forms.CharField(required=False, max_length=100)
    provider = forms.CharField(required=False, max_length=100)
    all = forms.BooleanField(required=False)
    page = forms.CharField(required=False, max_length=10)

    allow_not_recorded = True
    EXTRA = ("age_band", "placement_type", "provider")

    @property
    def narrowing(self) -> dict[str, str]:
        """Every dimension filter: team and locality, and a breakdown value followed from a table."""
        return {**self.where, **{n: self.value(n) for n in self.EXTRA if self.value(n)}}

    def clean_page(self) -> int:
        """A page number that is not one shows the first page (as ``Paginator.get_page`` does)."""
        text = self.cleaned_data.get("page") or ""
        return int(text) if text.isdigit() and int(text) > 0 else 1
