"""Forms for the panels' pages, in GOV.UK style. They check each field's shape; the rules
(a decision once, a package for a diversion, an end date for an approval) are the actions'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from divert.care.models import Episode, Provider
from divert.core.codes import PLACEMENT_CATEGORIES
from divert.core.forms import GovukFormMixin
from divert.panels.actions import AlternativeEntry
from divert.panels.models import (
    Alternative,
    EdgeOfCareProposal,
    PanelMeeting,
    ResourceOption,
    ResourceRequest,
)
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 27 3 2026"


class PanelForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's GOV.UK error messages from ``messages`` ({field: {code: text}})."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


def _meeting_label(meeting: PanelMeeting) -> str:
    return f"{meeting.date.day} {meeting.date:%B %Y}, chaired by {meeting.chair}"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _meeting_label(obj)


class MeetingForm(PanelForm):
    kind = forms.ChoiceField(label="Which panel", choices=PanelMeeting.Kind.choices, widget=forms.RadioSelect)
    date = GovukDateField(label="Date of the meeting", help_text=DATE_HINT)
    chair = forms.CharField(
        label="Chair", max_length=120, help_text="A service manager chairs the edge-of-care panel"
    )
    attendees = forms.CharField(
        label="Attendees",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names and roles, one a line",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "kind": {
            "required": "Choose which panel is meeting",
            "invalid_choice": "Choose which panel is meeting",
        },
        "date": {"required": "Enter the date of the meeting"},
        "chair": {"required": "Enter the name of the chair"},
    }


class ProposalForm(PanelForm):
    """A proposal to accommodate a child, with a status and note for each alternative to care."""

    proposed = GovukDateField(label="Date proposed", help_text=DATE_HINT)
    basis = forms.ChoiceField(
        label="Proposed legal route", choices=EdgeOfCareProposal.Basis.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label="Why accommodation is proposed", widget=forms.Textarea(attrs={"rows": 5}))
    emergency = forms.BooleanField(
        label="The child has already been accommodated in an emergency", required=False
    )
    accommodated_on = GovukDateField(
        label="Date accommodated in the emergency", required=False, help_text="Only for an emergency"
    )
    justification = forms.CharField(
        label="Why it could not wait for the panel",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only for an emergency: the clear and present danger",
    )
    meeting = MeetingChoiceField(
        label="Panel to hear it (optional)", queryset=PanelMeeting.objects.none(), required=False
    )

    messages = {
        "proposed": {"required": "Enter the date proposed"},
        "basis": {
            "required": "Choose the proposed legal route",
            "invalid_choice": "Choose the proposed legal route",
        },
        "reasons": {"required": "Say why accommodation is proposed"},
    }

    def __init__(self, *args: Any, meetings: QuerySet[PanelMeeting], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"proposed": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for kind, label in Alternative.Kind.choices:
            self.fields[f"alt_{kind}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Not tried or considered"), *Alternative.Status.choices],
            )
            self.fields[f"alt_{kind}_note"] = forms.CharField(
                label=f"Note on {label[0].lower()}{label[1:]} (optional)", required=False, max_length=300
            )
        meeting_field: Any = self.fields["meeting"]
        meeting_field.queryset = meetings
        meeting_field.empty_label = "Not yet: choose later"

    def alternative_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"alt_{kind}"], self[f"alt_{kind}_note"]) for kind in Alternative.Kind.values]

    def alternatives(self) -> list[AlternativeEntry]:
        data = self.cleaned_data
        return [
            (kind, data[f"alt_{kind}"], data.get(f"alt_{kind}_note") or "")
            for kind in Alternative.Kind.values
            if data.get(f"alt_{kind}")
        ]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "proposed": data["proposed"],
            "basis": data["basis"],
            "reasons": data["reasons"],
            "alternatives": self.alternatives(),
            "emergency": bool(data.get("emergency")),
            "accommodated_on": data.get("accommodated_on"),
            "justification": data.get("justification") or "",
        }

    def apply_errors(self, error: Any) -> None:
        """The alternatives' problem belongs beside the first alternative's status."""
        if hasattr(error, "error_dict") and "alternatives" in error.error_dict:
            error.error_dict[f"alt_{Alternative.Kind.values[0]}"] = error.error_dict.pop("alternatives")
        super().apply_errors(error)


class DecideProposalForm(PanelForm):
    meeting = MeetingChoiceField(label="Meeting that heard it", queryset=PanelMeeting.objects.none())
    decision = forms.ChoiceField(
        label="The panel's decision", choices=EdgeOfCareProposal.Decision.choices, widget=forms.RadioSelect
    )
    package = forms.CharField(
        label="Support package",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a diversion: what support, from whom, for how long",
    )
    note = forms.CharField(
        label="Notes of the decision (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "meeting": {"required": "Choose the meeting", "invalid_choice": "Choose a meeting from the list"},
        "decision": {
            "required": "Choose the panel's decision",
            "invalid_choice": "Choose the panel's decision",
        },
    }

    def __init__(self, *args: Any, meetings: QuerySet[PanelMeeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field: Any = self.fields["meeting"]
        meeting_field.queryset = meetings
        meeting_field.empty_label = "Choose a meeting"


class ResourceRequestForm(PanelForm):
    requested = GovukDateField(label="Date requested", help_text=DATE_HINT)
    need = forms.CharField(
        label="What the child needs from the placement", widget=forms.Textarea(attrs={"rows": 5})
    )
    meeting = MeetingChoiceField(
        label="Panel to hear it (optional)", queryset=PanelMeeting.objects.none(), required=False
    )

    messages = {
        "requested": {"required": "Enter the date requested"},
        "need": {"required": "Say what the child needs from the placement"},
    }

    def __init__(self, *args: Any, meetings: QuerySet[PanelMeeting], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"requested": timezone.localdate()})
        super().__init__(*args, **kwargs)
        meeting_field: Any = self.fields["meeting"]
        meeting_field.queryset = meetings
        meeting_field.empty_label = "Not yet: choose later"


class OptionForm(PanelForm):
    kind = forms.ChoiceField(
        label="Kind of option", choices=ResourceOption.Kind.choices, widget=forms.RadioSelect
    )
    placement = forms.ChoiceField(
        label="Placement category",
        choices=[("", "Choose a category"), *((c, c) for c in PLACEMENT_CATEGORIES)],
    )
    provider = forms.ModelChoiceField(
        label="Provider (optional)", queryset=Provider.objects.none(), required=False
    )
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)
    weekly_cost = forms.DecimalField(
        label="Weekly cost in pounds",
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        help_text="For example, 850.00",
    )
    available = forms.BooleanField(label="This option can be had now", required=False, initial=True)

    messages = {
        "kind": {"required": "Choose the kind of option", "invalid_choice": "Choose the kind of option"},
        "placement": {
            "required": "Choose the placement category",
            "invalid_choice": "Choose the placement category",
        },
        "provider": {"invalid_choice": "Choose a provider from the list"},
        "weekly_cost": {
            "required": "Enter the weekly cost",
            "invalid": "The weekly cost must be a number of pounds, like 850.00",
            "min_value": "The weekly cost cannot be negative",
            "max_digits": "The weekly cost is too large",
            "max_decimal_places": "The weekly cost can have at most 2 decimal places",
        },
    }

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider: Any = self.fields["provider"]
        provider.queryset = Provider.objects.filter(authority_id=authority_id)
        provider.empty_label = "None chosen"
        self.fields["weekly_cost"].widget = forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-10",
                "inputmode": "decimal",
                "spellcheck": "false",
            }
        )


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = f", {obj.provider}" if obj.provider_id else ""
        state = "" if obj.available else " (not available)"
        return f"{obj.placement}{where}: £{obj.weekly_cost:,.2f} a week{state}"


class DecideResourceForm(PanelForm):
    meeting = MeetingChoiceField(label="Meeting that heard it", queryset=PanelMeeting.objects.none())
    decision = forms.ChoiceField(
        label="The panel's decision", choices=ResourceRequest.Decision.choices, widget=forms.RadioSelect
    )
    option = OptionChoiceField(
        label="Option approved",
        queryset=ResourceOption.objects.none(),
        required=False,
        help_text="Only for an approval",
    )
    planned_end = GovukDateField(
        label="Planned end date", required=False, help_text="Required for an approval. For example, 27 3 2027"
    )
    conditions = forms.CharField(
        label="Conditions (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Review dates, outcomes the provider must meet",
    )

    messages = DecideProposalForm.messages | {
        "option": {"invalid_choice": "Choose one of this request's options"}
    }

    def __init__(
        self, *args: Any, meetings: QuerySet[PanelMeeting], options: QuerySet[ResourceOption], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        meeting_field: Any = self.fields["meeting"]
        meeting_field.queryset = meetings
        meeting_field.empty_label = "Choose a meeting"
        option_field: Any = self.fields["option"]
        option_field.queryset = options
        option_field.empty_label = "None"


class EpisodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        from divert.core.codes import placement_category

        provider = f", {obj.provider}" if obj.provider_id else ""
        return (
            f"From {obj.decom.day} {obj.decom:%B %Y}: {placement_category(obj.place, obj.place_provider)}"
            f"{provider}, £{obj.weekly_cost:,.2f} a week"
        )


class LinkPlacementForm(PanelForm):
    episode = EpisodeChoiceField(label="Placement made under the approval", queryset=Episode.objects.none())

    messages = {
        "episode": {"required": "Choose the placement", "invalid_choice": "Choose a placement from the list"}
    }

    def __init__(self, *args: Any, episodes: QuerySet[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episode: Any = self.fields["episode"]
        episode.queryset = episodes
        episode.empty_label = "Choose a placement"


class PeriodForm(PanelForm):
    """The period whose placements are checked for approval (GET)."""

    start = GovukDateField(label="Started on or after", help_text=DATE_HINT)
    end = GovukDateField(label="Started on or before", help_text=DATE_HINT)

    messages = {"start": {"required": "Enter the first day"}, "end": {"required": "Enter the last day"}}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("end", "The last day must be on or after the first day")
        return data
