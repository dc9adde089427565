"""Forms for the permanence pages, in GOV.UK style. They check each field's shape; the rules (the
child looked after on the day, under the order to be discharged, an outcome once) are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from divert.care.models import LookedAfterReview
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.permanence.models import CourtApplication, PermanencePlan

DATE_HINT = "For example, 27 3 2026"


class PermanenceForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's GOV.UK error messages from ``messages`` ({field: text})."""

    messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.messages.items():
            self.fields[name].error_messages.update({"required": message, "invalid_choice": message})


class ReviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"Review on {obj.date.day} {obj.date:%B %Y}"


class PlanForm(PermanenceForm):
    plan = forms.ChoiceField(
        label="Permanence plan", choices=PermanencePlan.Kind.choices, widget=forms.RadioSelect
    )
    agreed = GovukDateField(label="Date agreed", help_text=DATE_HINT)
    review = ReviewChoiceField(
        label="Agreed at a looked-after review (optional)",
        queryset=LookedAfterReview.objects.none(),
        required=False,
        empty_label="Not at a review",
        help_text="The date agreed must be the review's date",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Whether the child can go home safely, and what is needed to make the plan happen",
    )

    messages = {
        "plan": "Choose the permanence plan",
        "agreed": "Enter the date the plan was agreed",
        "review": "Choose one of the child's reviews",
    }

    def __init__(self, *args: Any, reviews: QuerySet[LookedAfterReview], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        review: Any = self.fields["review"]
        review.queryset = reviews


class ApplicationForm(PermanenceForm):
    kind = forms.ChoiceField(
        label="What is the application for?", choices=CourtApplication.Kind.choices, widget=forms.RadioSelect
    )
    applied = GovukDateField(label="Date applied", help_text=DATE_HINT)
    hearing = GovukDateField(label="Hearing date (optional)", required=False, help_text=DATE_HINT)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "kind": "Choose what the application is for",
        "applied": "Enter the date of the application",
    }


class UpdateApplicationForm(VersionedFormMixin, PermanenceForm):
    hearing = GovukDateField(label="Next hearing date (optional)", required=False, help_text=DATE_HINT)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Not decided yet"), *CourtApplication.Outcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    outcome_date = GovukDateField(label="Date of the outcome", required=False, help_text=DATE_HINT)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {"outcome": "Choose the outcome"}


class KindFilterForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of application",
        choices=[("", "Every kind"), *CourtApplication.Kind.choices],
        required=False,
    )
