"""Forms for the chronology pages, in GOV.UK style: the filter, and a significant event."""

from __future__ import annotations

from typing import Any

from django import forms

from divert.chronology.entries import KINDS
from divert.chronology.models import SignificantEvent
from divert.chronology.queries import Filters, long_date
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 27 3 2026"
ORDERS = (("newest", "Newest first"), ("oldest", "Oldest first"))


class ChronologyForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Which kinds of entry, which period (both ends included) and which order to show."""

    kind = forms.MultipleChoiceField(
        label="Kinds of entry",
        choices=KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to see every kind",
    )
    start = GovukDateField(label="From", required=False, help_text=DATE_HINT)
    end = GovukDateField(label="To", required=False, help_text=DATE_HINT)
    order = forms.ChoiceField(label="Order", choices=ORDERS, required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = "Choose kinds of entry from the list"
        self.fields["order"].error_messages["invalid_choice"] = "Choose newest first or oldest first"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", f"The 'to' date must be the same as or after {long_date(start)}")
        return data

    def filters(self) -> Filters:
        """The filters asked for; the whole chronology, newest first, when the form has errors."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            kinds=frozenset(data.get("kind") or ()),
            start=data.get("start"),
            end=data.get("end"),
            newest_first=data.get("order") != "oldest",
        )


class EventForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of the event", help_text=DATE_HINT)
    title = forms.CharField(
        label="What happened, in a line",
        max_length=150,
        help_text="For example, Interim care order hearing adjourned to 12 May",
    )
    detail = forms.CharField(
        label="What happened (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who was involved, what was decided, what it means for the child",
    )
    category = forms.ChoiceField(
        label="Category (optional)",
        choices=[("", "Not chosen"), *SignificantEvent.Category.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the event"
        self.fields["title"].error_messages["required"] = "Enter what happened, in a line"
        self.fields["title"].error_messages["max_length"] = (
            "What happened, in a line, must be 150 characters or fewer"
        )

    @classmethod
    def initial_for(cls, event: SignificantEvent) -> dict[str, Any]:
        return {"date": event.date, "title": event.title, "detail": event.detail, "category": event.category}


class CorrectEventForm(VersionedFormMixin, EventForm):
    reason = forms.CharField(
        label="Why are you correcting it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is kept with the change, for anyone who reads the record later",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are correcting this event"


class RemoveEventForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you removing it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, it was recorded on the wrong child's chronology",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are removing this event"
