"""Forms of the children-in-care pages, in GOV.UK style.

They check each field's shape; the rules (an end date after the placement began, a flag on a
placement the child was in, a meeting on or after the flag it answers) are the actions'.
"""

from __future__ import annotations

from typing import Any

from django import forms

from divert.care.models import MeetingReason, PlacementRiskFlag, RiskOutcome, RiskRaisedBy
from divert.cases.forms import ClocksFilterForm
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 27 3 2026"


class CareClocksFilterForm(ClocksFilterForm):
    """Narrow the clocks to one team's or one worker's children (the same filter as the assessment clocks)."""


class CareForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's GOV.UK error messages from ``messages`` ({field: {code: text}})."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


class PlannedEndForm(VersionedFormMixin, CareForm):
    planned_end = GovukDateField(label="Planned end date", help_text="For example, 31 8 2027")

    messages = {"planned_end": {"required": "Enter the planned end date"}}


class FlagForm(CareForm):
    """A placement at risk of breaking down, as a carer or social worker sees it."""

    raised = GovukDateField(label="Date the risk was raised", help_text=DATE_HINT)
    raised_by = forms.ChoiceField(label="Raised by", choices=RiskRaisedBy.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why the placement is at risk",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the carer or worker has seen, and what support might keep the placement going",
    )

    messages = {
        "raised": {"required": "Enter the date the risk was raised"},
        "raised_by": {
            "required": "Choose who raised the risk",
            "invalid_choice": "Choose who raised the risk",
        },
        "reason": {"required": "Say why the placement is at risk"},
    }


class ResolveFlagForm(CareForm):
    resolved = GovukDateField(label="Date resolved", help_text=DATE_HINT)
    outcome = forms.ChoiceField(label="Outcome", choices=RiskOutcome.choices, widget=forms.RadioSelect)
    outcome_note = forms.CharField(
        label="What happened (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "resolved": {"required": "Enter the date the flag was resolved"},
        "outcome": {"required": "Choose the outcome", "invalid_choice": "Choose the outcome"},
    }


def _flag_label(flag: PlacementRiskFlag) -> str:
    state = "open" if flag.is_open else f"resolved {flag.resolved:%d/%m/%Y}"
    return f"Placement flagged at risk on {flag.raised.day} {flag.raised:%B %Y} ({state})"


class MeetingForm(CareForm):
    """A team-around-the-child meeting; ``answers`` is one of the child's flags or a moves warning."""

    date = GovukDateField(label="Date of the meeting", help_text=DATE_HINT)
    answers = forms.ChoiceField(label="What the meeting answers", widget=forms.RadioSelect)
    attendees = forms.CharField(
        label="Who attended",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names and roles, one a line: the carer, the child's worker, and anyone else who can help",
    )
    agreed = forms.CharField(
        label="What was agreed",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The actions to support the placement, who does each and by when",
    )
    next_meeting = GovukDateField(label="Next meeting (optional)", required=False, help_text=DATE_HINT)

    messages = {
        "date": {"required": "Enter the date of the meeting"},
        "answers": {
            "required": "Choose what the meeting answers",
            "invalid_choice": "Choose what the meeting answers",
        },
        "attendees": {"required": "Enter who attended"},
        "agreed": {"required": "Enter what was agreed"},
    }

    def __init__(self, *args: Any, flags: list[PlacementRiskFlag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flags = {str(flag.pk): flag for flag in flags}
        answers: Any = self.fields["answers"]
        answers.choices = [(f"flag:{pk}", _flag_label(flag)) for pk, flag in self.flags.items()] + [
            (reason.value, reason.label) for reason in (MeetingReason.MOVED, MeetingReason.NEAR_THREE)
        ]

    def changes(self) -> dict[str, Any]:
        """The action's arguments: the answer becomes a reason and, for a flag, the flag."""
        data = self.cleaned_data
        answer: str = data["answers"]
        flag = self.flags.get(answer.removeprefix("flag:")) if answer.startswith("flag:") else None
        return {
            "date": data["date"],
            "reason": MeetingReason.AT_RISK.value if flag is not None else answer,
            "flag": flag,
            "attendees": data["attendees"],
            "agreed": data["agreed"],
            "next_meeting": data.get("next_meeting"),
        }

    def apply_errors(self, error: Any) -> None:
        """The reason's and the flag's problems belong beside the choice of what the meeting answers."""
        if hasattr(error, "error_dict"):
            for name in ("reason", "flag"):
                if name in error.error_dict:
                    error.error_dict.setdefault("answers", []).extend(error.error_dict.pop(name))
        super().apply_errors(error)
