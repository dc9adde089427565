"""Forms for the early help pages: the filters, stepping down, the assessment, the intervention,
closing, and stepping up to social care.

The forms check each field's shape; the rules (one open episode, once-only steps, dates in the
child's life) are the actions', and come back beside the field they name (``apply_errors``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from divert.cases.forms import ReferralChoiceField
from divert.core.forms import GovukFormMixin
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.frontdoor.models import Enquiry, Referral
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.people.models import Locality, Professional, Team

DATE_HINT = "For example, 27 3 2026"


def early_help_workers(authority_id: int) -> QuerySet[Professional]:
    """Who can be a lead professional: active members of the authority's early help teams."""
    return (
        Professional.objects.filter(
            team__authority_id=authority_id, team__kind=Team.Kind.EARLY_HELP, active=True
        )
        .select_related("team__locality")
        .order_by("team__locality__name", "team__name", "name")
    )


class LeadProfessionalField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        locality = obj.team.locality
        return f"{obj.name}, {obj.team.name}" + (f" ({locality.name})" if locality else "")


class EarlyHelpFilterForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    locality = forms.ModelChoiceField(label="Locality", queryset=Locality.objects.none(), required=False)
    lead_professional = LeadProfessionalField(
        label="Lead professional", queryset=Professional.objects.none(), required=False
    )

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locality: Any = self.fields["locality"]
        lead: Any = self.fields["lead_professional"]
        locality.queryset = Locality.objects.filter(authority_id=authority_id)
        locality.empty_label = "Every locality"
        lead.queryset = early_help_workers(authority_id)
        lead.empty_label = "Every lead professional"
        locality.error_messages["invalid_choice"] = "Select a locality from the list"
        lead.error_messages["invalid_choice"] = "Select a lead professional from the list"


class StepDownForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    referral = ReferralChoiceField(label="Referral", queryset=Referral.objects.none(), empty_label=None)
    locality = forms.ModelChoiceField(label="Locality", queryset=Locality.objects.none())
    lead_professional = LeadProfessionalField(
        label="Lead professional",
        queryset=Professional.objects.none(),
        help_text="Someone in an early help team, ideally of the family's locality",
    )
    start = GovukDateField(label="Start date", help_text=DATE_HINT)

    def __init__(self, *args: Any, authority_id: int, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referral: Any = self.fields["referral"]
        locality: Any = self.fields["locality"]
        lead: Any = self.fields["lead_professional"]
        referral.queryset = referrals
        locality.queryset = Locality.objects.filter(authority_id=authority_id)
        locality.empty_label = "Choose a locality"
        lead.queryset = early_help_workers(authority_id)
        lead.empty_label = "Choose a lead professional"
        messages = {
            "referral": "Select the referral",
            "locality": "Select the locality",
            "lead_professional": "Select the lead professional",
            "start": "Enter the date early help starts",
        }
        for name, message in messages.items():
            self.fields[name].error_messages.update({"required": message, "invalid_choice": message})


class AssessmentForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    completed = GovukDateField(label="Date completed", help_text=DATE_HINT)
    summary = forms.CharField(
        label="What did the assessment find?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The family's needs and strengths, and what support will help",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed"].error_messages["required"] = "Enter the date the assessment was completed"
        self.fields["summary"].error_messages["required"] = "Say what the assessment found"


class InterventionForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    intervention = forms.CharField(
        label="Family support intervention", max_length=200, help_text="What support, and from whom"
    )
    start = GovukDateField(label="Start date", help_text=DATE_HINT)
    planned_end = GovukDateField(label="Planned end (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weeks = settings.DIVERT["EARLY_HELP_WEEKS"]
        self.fields["planned_end"].help_text = f"Leave blank for {weeks} weeks from the start"
        self.fields["intervention"].error_messages["required"] = "Say what support the family will have"
        self.fields["start"].error_messages["required"] = "Enter the date the intervention starts"


class CloseForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Closing with an outcome. Stepping up is its own page, since it also brings the child to the MASH."""

    end = GovukDateField(label="Date closed", help_text=DATE_HINT)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in EarlyHelpEpisode.Outcome.choices if c[0] != EarlyHelpEpisode.Outcome.STEPPED_UP],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the outcome is other",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end"].error_messages["required"] = "Enter the date early help closed"
        self.fields["outcome"].error_messages.update(
            {"required": "Select the outcome", "invalid_choice": "Select the outcome"}
        )


class StepUpForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    received = GovukDateField(label="Date", help_text=DATE_HINT)
    time = forms.TimeField(
        label="Time", help_text="24-hour clock, for example 14:30", input_formats=["%H:%M", "%H.%M"]
    )
    referrer_name = forms.CharField(label="Who is making the referral", max_length=120)
    method = forms.ChoiceField(label="How it reaches the front door", choices=Enquiry.Method.choices)
    concerns = forms.CharField(
        label="What are the concerns?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has changed, and why early help can no longer meet the family's needs",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time"].widget.attrs["class"] += " govuk-input--width-5"
        messages = {
            "received": {"required": "Enter the date"},
            "time": {"required": "Enter the time", "invalid": "Enter a time like 14:30"},
            "referrer_name": {"required": "Enter who is making the referral"},
            "concerns": {"required": "Say what the concerns are"},
        }
        for name, message in messages.items():
            self.fields[name].error_messages.update(message)

    def received_at(self) -> dt.datetime:
        """The date and time together, in England's time zone."""
        day: dt.date = self.cleaned_data["received"]
        return timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["time"]))

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "received": self.received_at(),
            "concerns": data["concerns"],
            "referrer_name": data["referrer_name"],
            "method": data["method"],
        }
