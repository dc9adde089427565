"""Forms for the programme, in GOV.UK style. They check each field's shape; the rules (a done
action's date, a re-scoring's reason, the placements line not typed) are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms

from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.indicators import catalogue
from divert.people.forms import GovukDateField, GovukErrorsMixin
from divert.programme.models import Action, Risk, SavingsLine, WorkStream

DATE_HINT = "For example, 27 3 2026"
SCORES = [("", "Choose")] + [(str(n), str(n)) for n in range(1, 6)]


class ProgrammeForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    messages: dict[str, dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)


def _text(label: str, rows: int = 3, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ActionForm(VersionedFormMixin, ProgrammeForm):
    stream = forms.ModelChoiceField(
        queryset=WorkStream.objects.none(), label="Work stream", empty_label="Choose"
    )
    what = forms.CharField(label="What we want to achieve", max_length=300)
    how = _text("What we are going to do")
    measure = _text("How we will measure success")
    due = GovukDateField(label="Due date", help_text=DATE_HINT)
    resources = _text("Resources needed", rows=2)
    owner = forms.CharField(label="Who is responsible", max_length=200)
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    done_on = GovukDateField(label="Date done", required=False, help_text="Only for a done action")
    barrier = _text("What is blocking it", rows=2, help_text="Only for a blocked action")
    indicators = forms.MultipleChoiceField(
        label="Indicators that show progress (optional)",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    messages = {
        "stream": {"required": "Choose the work stream"},
        "what": {"required": "Enter what the action wants to achieve"},
        "due": {"required": "Enter the due date"},
        "owner": {"required": "Enter who is responsible"},
    }

    def __init__(self, *args: Any, authority_id: int, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stream"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = WorkStream.objects.filter(authority_id=authority_id)
        choices = self.fields["indicators"]
        assert isinstance(choices, forms.MultipleChoiceField)
        choices.choices = [(i.id, i.title) for i in catalogue.indicators()]
        if new:
            for name in ("status", "done_on", "barrier"):
                del self.fields[name]


class DoneForm(ProgrammeForm):
    done_on = GovukDateField(label="Date done", help_text=DATE_HINT)
    messages = {"done_on": {"required": "Enter the date the action was done"}}


class RescoreForm(VersionedFormMixin, ProgrammeForm):
    edits = ("probability", "impact", "status")  # the date and note belong to the new score row

    probability = forms.TypedChoiceField(
        label="Probability (1 unlikely to 5 certain)", choices=SCORES, coerce=int
    )
    impact = forms.TypedChoiceField(label="Impact (1 insignificant to 5 massive)", choices=SCORES, coerce=int)
    date = GovukDateField(label="Date of the scoring", help_text=DATE_HINT)
    note = _text("Why the score has changed, or why it stands", required=True)
    status = forms.ChoiceField(label="Status", choices=Risk.Status.choices)

    messages = {
        "probability": {"required": "Choose a probability from 1 (unlikely) to 5 (certain)"},
        "impact": {"required": "Choose an impact from 1 (insignificant) to 5 (massive)"},
        "date": {"required": "Enter the date of the scoring"},
        "note": {"required": "Say why the score has changed (or why it stands)"},
    }


class AchievedForm(VersionedFormMixin, ProgrammeForm):
    achieved_k = forms.DecimalField(
        label="Saving achieved (£000)", max_digits=9, decimal_places=1, help_text="For example, 130 or 62.5"
    )
    achieved_on = GovukDateField(label="As at", help_text=DATE_HINT)

    messages = {
        "achieved_k": {
            "required": "Enter the saving achieved in £000",
            "invalid": "Enter the saving in £000, like 130 or 62.5",
            "max_decimal_places": "Enter £000 to one decimal place, like 62.5",
        },
        "achieved_on": {"required": "Enter the date the saving is as at"},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achieved_k"].widget.attrs.update(
            {"inputmode": "decimal", "class": "govuk-input--width-10"}
        )


class OnTrackForm(VersionedFormMixin, ProgrammeForm):
    edits = ("on_track", "on_track_note")

    on_track = forms.ChoiceField(
        label="Forecast: will the target be met?", choices=[("", "Choose"), *SavingsLine.OnTrack.choices]
    )
    note = _text("Why (optional)", rows=2)
    messages = {"on_track": {"required": "Choose green, amber or red"}}


class WorkStreamForm(VersionedFormMixin, ProgrammeForm):
    name = forms.CharField(label="Name", max_length=120)
    lead = forms.CharField(label="Lead (optional)", max_length=120, required=False)
    order = forms.IntegerField(
        label="Order in the lists",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lower numbers come first",
    )

    messages = {
        "name": {"required": "Enter the work stream's name"},
        "order": {
            "required": "Enter the order, 0 or more",
            "invalid": "Enter the order as a whole number, like 3",
            "min_value": "Enter the order, 0 or more",
            "max_value": "Enter the order, 999 or less",
        },
    }


class RiskForm(VersionedFormMixin, ProgrammeForm):
    """A new risk (with its first score) or a change to one (with closing or reopening it)."""

    title = forms.CharField(label="Title", max_length=300)
    description = _text("Description (optional)")
    owner = forms.CharField(label="Owner (optional)", max_length=200, required=False)
    mitigation = _text("Mitigation (optional)")
    probability = forms.TypedChoiceField(
        label="Probability (1 unlikely to 5 certain)", choices=SCORES, coerce=int
    )
    impact = forms.TypedChoiceField(label="Impact (1 insignificant to 5 massive)", choices=SCORES, coerce=int)
    status = forms.ChoiceField(label="Status", choices=Risk.Status.choices)
    reason = _text("Why it is closed or reopened", rows=2, help_text="Only when you close or reopen the risk")

    messages = {
        "title": {"required": "Enter the risk's title"},
        "probability": {"required": "Choose a probability from 1 (unlikely) to 5 (certain)"},
        "impact": {"required": "Choose an impact from 1 (insignificant) to 5 (massive)"},
    }

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new risk is scored and open; a change keeps the score (re-scoring has its own form).
        for name in ("status", "reason") if new else ("probability", "impact"):
            del self.fields[name]


class SavingsLineForm(VersionedFormMixin, ProgrammeForm):
    area = forms.ChoiceField(label="Area", choices=[("", "Choose"), *SavingsLine.Area.choices])
    year = forms.IntegerField(
        label="Financial year",
        min_value=2000,
        max_value=2099,
        help_text="The year it starts in: for example, 2026 for April 2026 to March 2027",
    )
    target_k = forms.DecimalField(
        label="Target (£000)", max_digits=9, decimal_places=1, help_text="For example, 130 or 62.5"
    )
    fte = forms.DecimalField(
        label="FTE (optional)", max_digits=6, decimal_places=1, required=False, help_text="For example, 2.5"
    )
    comment = _text("Description (optional)")

    messages = {
        "area": {"required": "Choose the area of the saving"},
        "year": {
            "required": "Enter the financial year, like 2026",
            "invalid": "Enter the financial year as the year it starts in, like 2026",
            "min_value": "Enter a financial year from 2000",
            "max_value": "Enter a financial year before 2100",
        },
        "target_k": {
            "required": "Enter the target in £000",
            "invalid": "Enter the target in £000, like 130 or 62.5",
            "max_decimal_places": "Enter £000 to one decimal place, like 62.5",
            "max_digits": "Enter a target under £100,000,000k",
        },
        "fte": {
            "invalid": "Enter the FTE as a number, like 2.5",
            "max_decimal_places": "Enter the FTE to one decimal place, like 2.5",
            "max_digits": "Enter an FTE under 100,000",
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("year", "target_k", "fte"):
            attrs = self.fields[name].widget.attrs
            attrs["inputmode"] = "numeric" if name == "year" else "decimal"
            attrs["class"] = f"{attrs.get('class', '')} govuk-input--width-10".strip()


class ActionFilterForm(forms.Form):
    """The actions list's filters (a GET form: bad values are ignored, not errors)."""

    stream = forms.TypedChoiceField(label="Work stream", required=False, coerce=int, empty_value=None)
    owner = forms.CharField(label="Owner", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Action.Status.choices])

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stream"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "All")] + [
            (s.pk, s.name) for s in WorkStream.objects.filter(authority_id=authority_id)
        ]
        for f in self.fields.values():
            css = (
                "govuk-select" if isinstance(f.widget, forms.Select) else "govuk-input govuk-input--width-20"
            )
            f.widget.attrs["class"] = css
