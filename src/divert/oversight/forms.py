"""Forms for the oversight pages: filtering an access history, and acknowledging an alert."""

from __future__ import annotations

from typing import Any

from django import forms

from divert.core.forms import GovukFormMixin
from divert.oversight.queries import Filters
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 27 3 2026"


class HistoryForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """A period (both ends included) and, on a child's history, one person."""

    start = GovukDateField(label="From", required=False, help_text=DATE_HINT)
    end = GovukDateField(label="To", required=False, help_text=DATE_HINT)
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            person = self.fields["person"]
            assert isinstance(person, forms.TypedChoiceField)
            person.choices = [("", "Everyone"), *people]
            self.fields["person"].error_messages["invalid_choice"] = "Choose a person from the list"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The 'to' date must be the same as or after the 'from' date")
        return data

    def filters(self) -> Filters:
        """The filters asked for; everything when the form has errors."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(start=data.get("start"), end=data.get("end"), person=data.get("person"))


class AcknowledgeForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    outcome = forms.CharField(
        label="What did you find?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the social worker was covering the duty rota; no further action",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Enter what you found and what was done"
