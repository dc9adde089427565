"""Forms for the need-to-know pages, in GOV.UK style. Rules live in ``privacy.actions``; these
only read and check the input's shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from divert.core.codes import PartnerAgency
from divert.core.forms import GovukFormMixin
from divert.core.models import User
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.privacy.actions import MIN_REASON
from divert.privacy.models import RestrictedRecord

DATE_HINT = "For example, 27 3 2026"


def _reason(label: str, hint: str, required: str, **extra: Any) -> forms.CharField:
    field = forms.CharField(
        label=label, help_text=hint, max_length=300, widget=forms.Textarea(attrs={"rows": 3}), **extra
    )
    field.error_messages["required"] = required
    field.error_messages["max_length"] = "The reason must be 300 characters or fewer"
    return field


class RestrictForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Why is this record restricted?",
        choices=RestrictedRecord.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the record is restricted",
            "invalid_choice": "Choose why the record is restricted",
        },
    )
    reason = _reason(
        "Reason",
        "Say why only named people should see this record. Managers and auditors read this.",
        "Enter why this record is restricted",
    )


class NamePersonForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label="Person to name on this record",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Choose a person to name on this record",
            "invalid_choice": "Choose a person from the list",
        },
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = _person_label  # type: ignore[attr-defined]


def _person_label(user: User) -> str:
    team = f", {user.team.name}" if user.team_id and user.team else ""
    return f"{user.get_full_name() or user.username} ({user.get_role_display()}{team})"


class LiftForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    reason = _reason(
        "Why is the restriction being lifted?",
        "Once lifted, everyone whose role reaches this child can see the record again.",
        "Enter why the restriction is lifted",
    )


class BreakGlassForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    reason = _reason(
        "Why do you need to open this record?",
        "For example, the child's allocated worker is off sick and the school has called about a concern.",
        "Enter why you need to open this record",
        min_length=MIN_REASON,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["min_length"] = (
            f"Enter why you need to open this record, in at least {MIN_REASON} characters"
        )


class ShareForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    agency = forms.ChoiceField(
        label="Agency",
        choices=[("", "Choose an agency"), *PartnerAgency.choices],
        error_messages={
            "required": "Choose the agency to share the record with",
            "invalid_choice": "Choose the agency to share the record with",
        },
    )
    reason = _reason(
        "Why is the record shared?",
        "The partner agency sees this reason with the record.",
        "Enter why the record is shared",
    )
    start = GovukDateField(label="First day shared", help_text=DATE_HINT)
    end = GovukDateField(
        label="Last day shared (optional)", required=False, help_text="Leave blank to share until it is ended"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = "Enter the first day shared"

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        start: dt.date = data["start"]
        return {"agency": data["agency"], "reason": data["reason"], "start": start, "end": data.get("end")}
