"""Forms for the clocks page's filters, strategy discussions, assessments and initial conferences.

The forms check each field's shape; the rules (not in the future, within the child's life, on an
open referral) are the actions', and come back beside the field they name (``apply_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from divert.cases.models import PlanReview, StrategyDiscussion
from divert.core.codes import CPCategory
from divert.core.forms import GovukFormMixin
from divert.frontdoor.models import Referral
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.people.models import Professional, Team

DATE_HINT = "For example, 27 3 2026"


def referral_label(referral: Referral) -> str:
    route = f", {referral.get_route_display().lower()}" if referral.route else ""
    return f"Referral of {referral.date.day} {referral.date:%B %Y} ({referral.get_source_display()}{route})"


class ReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return referral_label(obj)


class ClocksFilterForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Narrow the page to one team's or one worker's children (by their current allocation)."""

    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)
    worker = forms.ModelChoiceField(label="Worker", queryset=Professional.objects.none(), required=False)

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team: Any = self.fields["team"]
        worker: Any = self.fields["worker"]
        team.queryset = Team.objects.filter(authority_id=authority_id).exclude(kind=Team.Kind.PARTNER)
        team.empty_label = "Every team"
        worker.queryset = Professional.objects.filter(team__authority_id=authority_id, active=True).exclude(
            team__kind=Team.Kind.PARTNER
        )
        worker.empty_label = "Every worker"
        team.error_messages["invalid_choice"] = "Select a team from the list"
        worker.error_messages["invalid_choice"] = "Select a worker from the list"


class StrategyDiscussionForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    referral = ReferralChoiceField(
        label="Referral", queryset=Referral.objects.none(), required=False, empty_label="Not on a referral"
    )
    date = GovukDateField(label="Date of the strategy discussion", help_text=DATE_HINT)
    chair = forms.CharField(label="Chair", max_length=120, help_text="Name and role")
    attendees = forms.CharField(
        label="Who took part",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names and agencies: police, health and children's social care at least",
    )
    decision = forms.ChoiceField(
        label="What did the discussion decide?",
        choices=StrategyDiscussion.Decision.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required for no further action",
    )

    def __init__(self, *args: Any, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referral: Any = self.fields["referral"]
        referral.queryset = referrals
        self.fields["referral"].error_messages["invalid_choice"] = "Select an open referral from the list"
        self.fields["date"].error_messages["required"] = "Enter the date of the strategy discussion"
        self.fields["chair"].error_messages["required"] = "Enter who chaired the discussion"
        self.fields["attendees"].error_messages["required"] = "Enter who took part"
        self.fields["decision"].error_messages["required"] = "Select what the discussion decided"


class AssessmentStartForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    referral = ReferralChoiceField(label="Referral", queryset=Referral.objects.none(), empty_label=None)
    start = GovukDateField(label="Start date", help_text=DATE_HINT)
    factors = forms.CharField(
        label="Assessment factors (optional)",
        max_length=200,
        required=False,
        help_text="CIN census factor codes, comma-separated, for example 2A,3A",
    )

    def __init__(self, *args: Any, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referral: Any = self.fields["referral"]
        referral.queryset = referrals
        self.fields["referral"].error_messages.update(
            {"required": "Select the referral", "invalid_choice": "Select an open referral from the list"}
        )
        self.fields["start"].error_messages["required"] = "Enter the date the assessment started"


class AssessmentCompleteForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    authorised = GovukDateField(label="Date authorised", help_text=DATE_HINT)
    factors = forms.CharField(
        label="Assessment factors",
        max_length=200,
        required=False,
        help_text="CIN census factor codes, comma-separated, for example 2A,3A",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authorised"].error_messages["required"] = "Enter the date the assessment was authorised"


class ConferenceForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of the initial conference", help_text=DATE_HINT)
    plan_made = forms.TypedChoiceField(
        label="Did the conference make a child protection plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label="Category of abuse or neglect",
        choices=[("", "Choose a category"), *CPCategory.choices],
        required=False,
        help_text="Only when a plan was made",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the conference"
        self.fields["plan_made"].error_messages["required"] = "Select whether a plan was made"


class PlanReviewForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """A plan's review at a milestone; the milestones offered are the local rule's."""

    milestone = forms.TypedChoiceField(label="Which review is this?", coerce=int, widget=forms.RadioSelect)
    date = GovukDateField(label="Date of the review", help_text=DATE_HINT)
    outcome = forms.ChoiceField(
        label="What did the review decide?", choices=PlanReview.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the review found and who acts next",
    )

    def __init__(self, *args: Any, milestones: tuple[int, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        milestone: Any = self.fields["milestone"]
        milestone.choices = [(months, f"{months}-month review") for months in milestones]
        self.fields["milestone"].error_messages.update(
            {"required": "Select which review this is", "invalid_choice": "Select a review from the list"}
        )
        self.fields["date"].error_messages["required"] = "Enter the date of the review"
        self.fields["outcome"].error_messages["required"] = "Select what the review decided"
