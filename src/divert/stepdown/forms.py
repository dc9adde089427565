"""Forms for the placement review, in GOV.UK style. They check each field's shape; the rules
(one decision a child a meeting, a plan's destination and dates, a fee lower than before) are
the actions'."""

from __future__ import annotations

from typing import Any

from django import forms

from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.people.models import Professional, Team
from divert.stepdown.models import Decision, Destination

DATE_HINT = "For example, 27 3 2026"
#: Whose staff act on a placement review's decisions: the teams that place and support children in care.
ACTING_TEAMS = (
    Team.Kind.CHILDREN_IN_CARE,
    Team.Kind.LEAVING_CARE,
    Team.Kind.FOSTERING,
    Team.Kind.DISABILITY,
    Team.Kind.MANAGEMENT,
)
MONEY_MESSAGES = {
    "invalid": "Enter an amount in pounds, like 650 or 650.50",
    "max_decimal_places": "Enter pounds and pence only, like 650.50",
    "max_digits": "Enter an amount under £10,000,000",
    "max_whole_digits": "Enter an amount under £10,000,000",
}


class ReviewForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """Sets each field's GOV.UK error messages from ``messages`` ({field: {code: text}})."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


def _money(label: str, help_text: str = "", required: bool = False) -> forms.DecimalField:
    field = forms.DecimalField(
        label=label, max_digits=9, decimal_places=2, required=required, help_text=help_text
    )
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"})
    return field


class MeetingForm(ReviewForm):
    date = GovukDateField(label="Date of the meeting", help_text=DATE_HINT)
    chair = forms.CharField(label="Chair", max_length=120, help_text="A service manager usually chairs")
    attendees = forms.CharField(
        label="Attendees",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names and roles, one a line: service and team managers, commissioning",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    messages = {
        "date": {"required": "Enter the date of the meeting"},
        "chair": {"required": "Enter the name of the chair"},
    }


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.team.name})"


class DecisionForm(ReviewForm):
    """One child's decision at the meeting; the plan's fields apply to a step-down or a fee."""

    outcome = forms.ChoiceField(label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
    acts = ProfessionalChoiceField(
        label="Who acts", queryset=Professional.objects.none(), empty_label="Choose someone"
    )
    next_review = GovukDateField(
        label="Next review (optional)", required=False, help_text="Leave blank for 6 weeks from the meeting"
    )
    destination = forms.ChoiceField(
        label="Step down to",
        required=False,
        choices=[
            ("", "Choose a destination"),
            *[c for c in Destination.choices if c[0] != Destination.LOWER_FEE],
        ],
        help_text="For a step-down only",
    )
    expected_weekly_cost = _money(
        "Expected weekly cost, £ (optional)",
        "For a step-down, leave blank for the reference cost of the destination; for a fee, the fee sought",
    )
    target_date = GovukDateField(label="Target date", required=False, help_text="For a step-down or a fee")

    messages = {
        "outcome": {"required": "Choose the decision", "invalid_choice": "Choose the decision"},
        "reason": {"required": "Enter the reason for the decision"},
        "acts": {"required": "Choose who acts on the decision", "invalid_choice": "Choose who acts"},
        "destination": {"invalid_choice": "Choose where the child is to step down to"},
        "expected_weekly_cost": MONEY_MESSAGES,
    }

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        acts = self.fields["acts"]
        assert isinstance(acts, forms.ModelChoiceField)
        acts.queryset = (
            Professional.objects.filter(
                team__authority_id=authority_id, team__kind__in=ACTING_TEAMS, active=True, agency=""
            )
            .select_related("team")
            .order_by("name")
        )


class FeeForm(ReviewForm):
    agreed_fee = _money("Agreed weekly fee, £", required=True)
    agreed_on = GovukDateField(label="Date the new fee applies from", help_text=DATE_HINT)

    messages = {
        "agreed_fee": {"required": "Enter the weekly fee agreed", **MONEY_MESSAGES},
        "agreed_on": {"required": "Enter the date the new fee applies from"},
    }


class WithdrawForm(ReviewForm):
    reason = forms.CharField(label="Why is the plan withdrawn?", widget=forms.Textarea(attrs={"rows": 3}))

    messages = {"reason": {"required": "Enter why the plan is withdrawn"}}
