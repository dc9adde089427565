"""Forms for finding, adding and changing a child, in GOV.UK style.

Dates use the GOV.UK date input (day, month and year boxes), which also accepts one
``dd/mm/yyyy`` value so that a search can be linked or typed in one go. Error messages follow
the GOV.UK Design System's wording ("Date of birth must include a month").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from divert.core import concurrency
from divert.core.codes import Ethnicity, Sex
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people import actions
from divert.people.models import Child, Locality
from divert.people.queries import SearchCriteria

DATE_PARTS = ("day", "month", "year")
_WHOLE_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class DateParts(tuple[str, str, str]):
    """What the person typed in the day, month and year boxes, kept to show back to them."""


class GovukDateWidget(forms.Widget):
    """Reads ``name-day``, ``name-month`` and ``name-year``, or a single ``name=dd/mm/yyyy``."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        whole = (data.get(name) or "").strip()
        if whole:
            match = _WHOLE_DATE.match(whole)
            return DateParts(match.groups()) if match else whole
        parts = DateParts(tuple((data.get(f"{name}-{part}") or "").strip() for part in DATE_PARTS))
        return parts if any(parts) else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DateBoundField(forms.BoundField):
    """Gives the date-input template the three boxes with their values and error state."""

    def parts(self) -> list[dict[str, Any]]:
        value = self.value()
        if isinstance(value, dt.date):
            typed: tuple[str, ...] = (str(value.day), str(value.month), str(value.year))
        elif isinstance(value, tuple):
            typed = value
        else:
            typed = ("", "", "")
        wrong: set[str] = set()
        if self.errors:  # a rule broken by the whole date (in the future) marks every box
            wrong = getattr(self.field, "wrong_parts", set()) or set(DATE_PARTS)
        return [
            {
                "name": f"{self.html_name}-{part}",
                "id": f"{self.auto_id}-{part}",
                "label": part.capitalize(),
                "value": typed[i] if i < len(typed) else "",
                "width": 4 if part == "year" else 2,
                "error": part in wrong,
            }
            for i, part in enumerate(DATE_PARTS)
        ]

    @property
    def first_error_id(self) -> str:
        """Where the error summary's link should land: the first box that needs fixing."""
        wrong: set[str] = getattr(self.field, "wrong_parts", set())
        first = next((p for p in DATE_PARTS if p in wrong), "day")
        return f"{self.auto_id}-{first}"


class GovukDateField(forms.Field):
    """A date typed into three boxes, with the GOV.UK error messages for each mistake."""

    widget = GovukDateWidget
    bound_field_class = DateBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wrong_parts: set[str] = set()

    def _fail(self, message: str, parts: set[str] | None = None) -> ValidationError:
        self.wrong_parts = parts or set(DATE_PARTS)
        return ValidationError(message.format(label=self.label), code="invalid")

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, "") or (isinstance(value, tuple) and not any(value)):
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            raise self._fail("{label} must be a real date, like 27 3 2012")
        return self._from_parts(*value)

    def _from_parts(self, day: str, month: str, year: str) -> dt.date:
        missing = [name for name, text in zip(DATE_PARTS, (day, month, year), strict=True) if not text]
        if missing:
            names = " and a ".join(missing)
            raise self._fail(f"{{label}} must include a {names}", set(missing))
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise self._fail("{label} must be a real date")
        if len(year) != 4:
            raise self._fail("Year must include 4 numbers", {"year"})
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise self._fail("{label} must be a real date") from exc


class GovukErrorsMixin:
    """The error summary's links, each to the input that needs fixing (GOV.UK pattern), and
    hints joined to their inputs by ``aria-describedby`` as well as errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_hints()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._describe_hints()

    def _describe_hints(self) -> None:
        """Put each plain input's hint first in its ``aria-describedby`` (core/field.html ids)."""
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if not field.help_text or isinstance(field.widget, GovukDateWidget | forms.RadioSelect):
                continue
            hint = f"{self[name].id_for_label}-hint"  # type: ignore[index]
            described = field.widget.attrs.get("aria-describedby", "").split()
            if hint not in described:
                field.widget.attrs["aria-describedby"] = " ".join([hint, *described])

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for every error, in the order the fields appear on the page."""
        errors = self.errors  # type: ignore[attr-defined]
        order = [NON_FIELD_ERRORS, *self.fields]  # type: ignore[attr-defined]
        return [(self._anchor(name), message) for name in order for message in errors.get(name, [])]

    def _anchor(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            name = next(iter(self.fields))  # type: ignore[attr-defined]
        bound = self[name]  # type: ignore[index]
        if isinstance(bound, DateBoundField):
            return bound.first_error_id
        if isinstance(bound.field.widget, forms.RadioSelect):
            return f"{bound.auto_id}_0"
        return str(bound.id_for_label)

    def apply_errors(self, error: ValidationError) -> None:
        """Show an action's refusal beside the fields it names (and at the top otherwise)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for name, errors in error.error_dict.items():
            target = name if name in self.fields else None  # type: ignore[attr-defined]
            self.add_error(target, errors)  # type: ignore[attr-defined]
            if target:
                self._mark(target)

    def _mark(self, name: str) -> None:
        """Style an input whose error arrived after validation, as GovukFormMixin does."""
        widget = self.fields[name].widget  # type: ignore[attr-defined]
        bound = self[name]  # type: ignore[index]
        classes = widget.attrs.get("class", "").split()
        if isinstance(widget, forms.widgets.Input) and "govuk-input--error" not in classes:
            widget.attrs["class"] = " ".join([*classes, "govuk-input--error"])
        hint = [f"{bound.id_for_label}-hint"] if self.fields[name].help_text else []  # type: ignore[attr-defined]
        errors = [f"{bound.id_for_label}-error-{i}" for i in range(1, len(bound.errors) + 1)]
        widget.attrs["aria-describedby"] = " ".join(hint + errors)


class ChildSearchForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", required=False, max_length=120, help_text="All or part of their first name or last name"
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 17 5 2012")
    child_id = forms.CharField(label="Child ID", required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["child_id"].widget.attrs.update({"class": "govuk-input govuk-input--width-10"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and self.criteria().is_empty():
            raise ValidationError("Enter a name, date of birth or child ID to search for")
        return data

    def criteria(self) -> SearchCriteria:
        data = getattr(self, "cleaned_data", {})
        return SearchCriteria(
            name=data.get("name") or "",
            date_of_birth=data.get("date_of_birth"),
            child_id=data.get("child_id") or "",
        )


class ChildForm(VersionedFormMixin, GovukErrorsMixin, GovukFormMixin, forms.Form):
    """A child's own details. The rules beyond each field's shape come from the actions."""

    first_name = forms.CharField(label="First name", max_length=60)
    last_name = forms.CharField(label="Last name", max_length=60)
    child_id = forms.CharField(
        label="Child ID", max_length=20, help_text="The council's own ID for the child"
    )
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 17 5 2012")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=13,
        required=False,
        help_text="13 characters, for example A123456789012, or UN1 to UN10 if it is not known",
    )
    disability = forms.BooleanField(label="The child has a disability", required=False)
    uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child (UASC)", required=False)
    home_postcode = forms.CharField(label="Home postcode", max_length=8, required=False)
    locality = forms.ModelChoiceField(label="Locality", queryset=Locality.objects.none(), required=False)

    error_messages_by_field = {
        "first_name": {"required": "Enter the child's first name"},
        "last_name": {"required": "Enter the child's last name"},
        "child_id": {"required": "Enter the child's ID"},
        "date_of_birth": {"required": "Enter the child's date of birth"},
        "sex": {"required": "Select the child's sex", "invalid_choice": "Select the child's sex"},
        "ethnicity": {
            "required": "Select the child's ethnicity",
            "invalid_choice": "Select the child's ethnicity from the list",
        },
        "locality": {"invalid_choice": "Select a locality from the list"},
    }

    def __init__(self, *args: Any, authority_id: int, child: Child | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority_id = authority_id
        self.child = child
        self.fields["locality"].queryset = Locality.objects.filter(authority_id=authority_id)  # type: ignore[attr-defined]
        self.fields["locality"].empty_label = "Not recorded"  # type: ignore[attr-defined]
        for name, messages in self.error_messages_by_field.items():
            self.fields[name].error_messages.update(messages)
        for name, css in (("child_id", "10"), ("upn", "20"), ("home_postcode", "10")):
            self.fields[name].widget.attrs["class"] += f" govuk-input--width-{css}"
        self.fields["upn"].widget.attrs["spellcheck"] = "false"
        # The child's details, not the worker's own: never offer the browser's saved values.
        for name in ("first_name", "last_name", "home_postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    @classmethod
    def initial_for(cls, child: Child) -> dict[str, Any]:
        return {name: getattr(child, name) for name in actions.EDITABLE_FIELDS}

    def clean(self) -> dict[str, Any]:
        """Check the record's rules now too, so every problem shows at once."""
        data = super().clean() or {}
        exclude = self.child.pk if self.child else None
        values = dict(data)
        if self.child is not None:
            values["uasc_ceased"] = self.child.uasc_ceased
        values["upn"] = (values.get("upn") or "").strip().upper()
        values["home_postcode"] = actions.normalise_postcode(values.get("home_postcode") or "")
        today = timezone.localdate()
        for name, message in actions.child_rule_errors(
            values, authority_id=self.authority_id, today=today, exclude_pk=exclude
        ).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def changes(self) -> dict[str, Any]:
        """The fields to hand to the action."""
        return {name: self.cleaned_data[name] for name in self.fields if name != concurrency.FIELD}
