"""The front door's forms, in GOV.UK style: an enquiry with its rows of children and household,
a match, an information request and its answer, and the threshold decision.

Forms check each field's shape; the rules (a decision once, consent first, no new child without
confirmation ...) are the actions', whose refusals the forms show beside the fields they name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from divert.core.codes import PartnerAgency, ReferralSource
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.frontdoor.actions import END_OF_WORKING_DAY, OPEN_CASE_ROUTE, REASON_LENGTH
from divert.frontdoor.matching import Candidate
from divert.frontdoor.models import Contact, Enquiry
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.people.models import Locality, Professional, Team

CHILD_ROWS = 6
MEMBER_ROWS = 4
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class GovukForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    """A form whose messages are the GOV.UK ones given in ``messages`` by field."""

    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


class TimeField(forms.Field):
    """A time of day typed as 14:30 (or 14.30)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return super().widget_attrs(widget) | {"maxlength": "5"}

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        match = _TIME.match(text)
        try:
            if match is None:
                raise ValueError
            return dt.time(int(match.group(1)), int(match.group(2)))
        except ValueError as exc:
            raise ValidationError(f"{self.label} must be a real time, like 14:30") from exc


class EnquiryForm(GovukForm):
    """What reached the MASH, from whom, how and when, about which household."""

    received_date = GovukDateField(label="Date received", help_text="For example, 22 8 2025")
    received_time = TimeField(label="Time received", help_text="For example, 14:30")
    source = forms.ChoiceField(label="Referring agency", choices=[("", "Choose"), *ReferralSource.choices])
    method = forms.ChoiceField(label="How it arrived", choices=[("", "Choose"), *Enquiry.Method.choices])
    referrer_name = forms.CharField(label="Referrer's name", max_length=120)
    referrer_role = forms.CharField(label="Referrer's role or organisation", max_length=120, required=False)
    referrer_contact = forms.CharField(label="Referrer's telephone or email", max_length=120, required=False)
    concerns = forms.CharField(label="Concerns", widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label="Household address", max_length=200, required=False)
    postcode = forms.CharField(label="Household postcode", max_length=8, required=False)
    consent = forms.ChoiceField(
        label="Consent to share information",
        choices=[("", "Not recorded yet"), *Enquiry.Consent.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    consent_note = forms.CharField(label="Consent note", max_length=300, required=False)

    messages = {
        "received_date": {"required": "Enter the date the enquiry was received"},
        "received_time": {"required": "Enter the time the enquiry was received"},
        "source": {"required": "Choose the referring agency"},
        "method": {"required": "Choose how the enquiry arrived"},
        "referrer_name": {"required": "Enter the referrer's name"},
        "concerns": {"required": "Enter the concerns"},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_time"].widget.attrs["class"] += " govuk-input--width-5"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"
        for name in ("referrer_name", "address", "postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    @classmethod
    def initial_now(cls) -> dict[str, Any]:
        now = timezone.localtime()
        return {"received_date": now.date(), "received_time": f"{now:%H:%M}"}

    @classmethod
    def initial_for(cls, enquiry: Enquiry) -> dict[str, Any]:
        received = timezone.localtime(enquiry.received)
        values = {name: getattr(enquiry, name) for name in cls.base_fields if hasattr(enquiry, name)}
        return values | {"received_date": received.date(), "received_time": f"{received:%H:%M}"}

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, time = data.pop("received_date"), data.pop("received_time")
        data["received"] = timezone.make_aware(dt.datetime.combine(day, time))
        return data

    def apply_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "received" in error.error_dict:
            error.error_dict["received_date"] = error.error_dict.pop("received")
        super().apply_errors(error)


class EnquiryEditForm(VersionedFormMixin, EnquiryForm):
    """Correcting an open enquiry: saved only over the values its user saw (core.concurrency)."""

    edits = ("received", *EnquiryForm.base_fields)


class ChildRowForm(GovukForm):
    """One child as the referrer named them; a blank row is ignored."""

    first_name = forms.CharField(label="First name", max_length=60, required=False)
    last_name = forms.CharField(label="Last name", max_length=60, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="Or the due date for an unborn baby. Leave blank if not known",
    )
    sex = forms.ChoiceField(
        label="Sex", required=False, choices=[("", "Not known"), ("F", "Female"), ("M", "Male")]
    )
    postcode = forms.CharField(label="Postcode, if not the household's", max_length=8, required=False)
    unborn = forms.BooleanField(label="Unborn baby", required=False)

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        for name in ("first_name", "last_name", "postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            data.get(name) for name in ("first_name", "last_name", "date_of_birth", "postcode", "unborn")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("first_name"):
            self.add_error("first_name", f"Enter child {self.number}'s first name (or 'Unborn')")
        if not data.get("last_name"):
            self.add_error("last_name", f"Enter child {self.number}'s last name")
        return data


class NamedChildForm(GovukForm):
    """One more child named on an open enquiry: a sibling the MASH learnt of in its checks."""

    first_name = forms.CharField(
        label="First name", max_length=60, help_text="Or 'Unborn' for an unborn baby"
    )
    last_name = forms.CharField(label="Last name", max_length=60)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="Or the due date for an unborn baby. Leave blank if not known",
    )
    sex = forms.ChoiceField(
        label="Sex", required=False, choices=[("", "Not known"), ("F", "Female"), ("M", "Male")]
    )
    postcode = forms.CharField(label="Postcode, if not the household's", max_length=8, required=False)
    unborn = forms.BooleanField(label="Unborn baby", required=False)

    messages = {
        "first_name": {"required": "Enter the child's first name (or 'Unborn')"},
        "last_name": {"required": "Enter the child's last name"},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"


class RemoveChildForm(GovukForm):
    """Why a child named on the enquiry was named in error: kept in the audit log."""

    reason = forms.CharField(
        label="Why are you removing this child?",
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the referrer named a child who does not live in the household",
    )
    messages = {"reason": {"required": "Say why this child is being removed"}}


class MemberRowForm(GovukForm):
    """One person in the household; a blank row is ignored."""

    name = forms.CharField(label="Name", max_length=120, required=False)
    relationship = forms.CharField(label="Relationship to the children", max_length=80, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="Leave blank if not known"
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("name", "relationship", "date_of_birth"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("name"):
            self.add_error("name", f"Enter household member {self.number}'s name")
        if not data.get("relationship"):
            self.add_error(
                "relationship", f"Enter household member {self.number}'s relationship to the children"
            )
        return data


class NewEnquiryForms:
    """The enquiry form with fixed rows for children and household members (no script needed).

    Quacks like one form for ``core/error_summary.html``: ``errors`` and ``error_links``.
    """

    def __init__(self, data: Any = None) -> None:
        self.main = EnquiryForm(data, initial=EnquiryForm.initial_now())
        self.children = [ChildRowForm(data, prefix=f"child-{i}", number=i + 1) for i in range(CHILD_ROWS)]
        self.household = [MemberRowForm(data, prefix=f"member-{i}", number=i + 1) for i in range(MEMBER_ROWS)]
        self.extra: list[tuple[str, str]] = []

    @property
    def forms(self) -> list[GovukForm]:
        return [self.main, *self.children, *self.household]

    @property
    def is_bound(self) -> bool:
        return self.main.is_bound

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.forms])
        if valid and not self.named_children():
            self.extra.append((self.children[0]["first_name"].auto_id, "Name at least one child"))
            self.children[0].add_error("first_name", "Name at least one child")
            return False
        return valid

    @property
    def errors(self) -> bool:
        return bool(self.extra) or any(form.errors for form in self.forms)

    def error_links(self) -> list[tuple[str, str]]:
        links = [link for form in self.forms for link in form.error_links()]
        return links + [link for link in self.extra if link not in links]

    def named_children(self) -> list[dict[str, Any]]:
        return [dict(form.cleaned_data) for form in self.children if not form.is_blank()]

    def members(self) -> list[dict[str, Any]]:
        return [dict(form.cleaned_data) for form in self.household if not form.is_blank()]

    def apply_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.main.apply_errors(error)
            return
        rows = {"children": self.children[0], "household": self.household[0]}
        for key, target in rows.items():
            for message in error.error_dict.pop(key, []):
                text = "; ".join(message.messages)
                anchor = target["name" if key == "household" else "first_name"].auto_id
                self.extra.append((anchor, text))
        if error.error_dict:
            self.main.apply_errors(error)


class MatchForm(GovukForm):
    """Choose the register's child this named child is, or add a new child on purpose."""

    NEW = "new"
    OTHER = "other"

    choice = forms.ChoiceField(label="Which child is this?", widget=forms.RadioSelect)
    other_child_id = forms.CharField(
        label="Child ID of the child on the register",
        max_length=20,
        required=False,
        help_text="When you found the child another way, for example by searching the register",
    )
    confirm_no_match = forms.BooleanField(
        label="I have checked the register: none of these children is this child", required=False
    )
    child_id = forms.CharField(
        label="Child ID for the new child",
        max_length=20,
        required=False,
        help_text="Leave blank to give the child a front-door ID, which the council can change later",
    )
    date_of_birth = GovukDateField(
        label="Date of birth of the new child", required=False, help_text="If the referrer did not give it"
    )
    sex = forms.ChoiceField(
        label="Sex of the new child",
        required=False,
        choices=[("", "As named"), ("F", "Female"), ("M", "Male"), ("U", "Not known")],
    )

    messages = {
        "choice": {
            "required": "Choose the child, or add a new child",
            "invalid_choice": "Choose the child, or add a new child",
        }
    }

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.child.pk): c for c in candidates}
        choices = [(pk, c.child.full_name) for pk, c in self.candidates.items()]
        self.fields["choice"].choices = [  # type: ignore[attr-defined]
            *choices,
            (self.OTHER, "Another child on the register: enter their child ID"),
            (self.NEW, "None of these: add as a new child"),
        ]
        for name in ("child_id", "other_child_id"):
            self.fields[name].widget.attrs["class"] += " govuk-input--width-10"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == self.OTHER and not (data.get("other_child_id") or "").strip():
            self.add_error("other_child_id", "Enter the child ID of the child on the register")
        return data

    def chosen(self) -> Candidate | None:
        return self.candidates.get(self.cleaned_data.get("choice", ""))

    def new_child_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "child_id": data.get("child_id"),
            "date_of_birth": data.get("date_of_birth"),
            "sex": data.get("sex"),
        }


class InformationRequestForm(GovukForm):
    agency = forms.ChoiceField(label="Which agency?", choices=PartnerAgency.choices, widget=forms.RadioSelect)
    question = forms.CharField(
        label="What do you want to know?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "The agency sees this question, the children's names and dates of birth, and the household: "
            "not the concerns"
        ),
    )
    due_date = GovukDateField(
        label="Answer needed by",
        required=False,
        help_text="Leave blank for the end of the day the decision is due",
    )

    messages = {
        "agency": {"required": "Choose the agency to ask"},
        "question": {"required": "Enter what you want to know"},
    }

    def due(self) -> dt.datetime | None:
        day = self.cleaned_data.get("due_date")
        return timezone.make_aware(dt.datetime.combine(day, END_OF_WORKING_DAY)) if day else None

    def apply_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "due" in error.error_dict:
            error.error_dict["due_date"] = error.error_dict.pop("due")
        super().apply_errors(error)


class AnswerForm(GovukForm):
    response = forms.CharField(
        label="Your agency's answer",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What your agency knows about these children and this household",
    )
    messages = {"response": {"required": "Enter your agency's answer"}}


ROUTES = [
    ("nfa", "No further action"),
    ("advice", "Information and advice"),
    ("early_help", "Early help, with a lead professional in a locality"),
    ("assessment", "Social work assessment (children and families assessment)"),
    ("strategy", "Strategy discussion (section 47)"),
    ("open_case", OPEN_CASE_ROUTE),
]


class DecisionForm(GovukForm):
    """The threshold decision for one child: level of need, route, reasons, and consent if missing."""

    need_level = forms.ChoiceField(
        label="Level of need", choices=Contact.NeedLevel.choices, widget=forms.RadioSelect
    )
    route = forms.ChoiceField(label="What happens next", choices=ROUTES, widget=forms.RadioSelect)
    reasons = forms.CharField(label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 6}))
    locality = forms.ModelChoiceField(
        label="Early help locality",
        queryset=Locality.objects.none(),
        required=False,
        help_text="For early help only",
    )
    lead_professional = forms.ModelChoiceField(
        label="Lead professional",
        queryset=Professional.objects.none(),
        required=False,
        help_text="For early help only",
    )
    consent = forms.ChoiceField(
        label="Consent to share information",
        choices=Enquiry.Consent.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_note = forms.CharField(label="Consent note", max_length=300, required=False)

    messages = {
        "need_level": {"required": "Choose the level of need"},
        "route": {"required": "Choose what happens next", "invalid_choice": "Choose what happens next"},
        "reasons": {"required": "Say why you made this decision"},
    }

    def __init__(self, *args: Any, contact: Contact, open_case: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not open_case:  # offered only to a child whose case is open to social care
            self.fields["route"].choices = [r for r in ROUTES if r[0] != "open_case"]  # type: ignore[attr-defined]
        authority_id = contact.child.authority_id
        self.fields["locality"].queryset = Locality.objects.filter(authority_id=authority_id)  # type: ignore[attr-defined]
        self.fields["lead_professional"].queryset = Professional.objects.filter(  # type: ignore[attr-defined]
            team__authority_id=authority_id, team__kind=Team.Kind.EARLY_HELP, active=True
        ).select_related("team")
        self.fields["locality"].empty_label = "Choose"  # type: ignore[attr-defined]
        self.fields["lead_professional"].empty_label = "Choose"  # type: ignore[attr-defined]
        self.needs_consent = contact.enquiry is not None and not contact.enquiry.consent
        if not self.needs_consent:
            del self.fields["consent"], self.fields["consent_note"]

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def apply_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name in ("decision", "decided"):
                if name in error.error_dict:
                    error.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(error.error_dict.pop(name))
        super().apply_errors(error)
