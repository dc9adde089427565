"""Forms for the carers pages, in GOV.UK style. They check each field's shape; the pipeline's
rules (no going back without a reason, approval needs places and an age range) are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms

from divert.carers.models import FosterHousehold
from divert.core.concurrency import VersionedFormMixin
from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukDateField, GovukErrorsMixin

DATE_HINT = "For example, 27 3 2026"


class CarersForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    pass


class StageForm(VersionedFormMixin, CarersForm):
    edits = ("stage",)  # a move made by someone else since the page was opened is shown, not undone

    stage = forms.ChoiceField(label="Move the household to", widget=forms.RadioSelect)
    day = GovukDateField(label="Date of the move", help_text=DATE_HINT)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the household goes back to an earlier stage",
    )
    approved_places = forms.IntegerField(
        label="Places approved", required=False, min_value=0, max_value=9, help_text="For an approval"
    )
    age_from = forms.IntegerField(
        label="Youngest age approved for",
        required=False,
        min_value=0,
        max_value=17,
        help_text="For an approval",
    )
    age_to = forms.IntegerField(
        label="Oldest age approved for",
        required=False,
        min_value=0,
        max_value=17,
        help_text="For an approval",
    )
    parent_and_child = forms.BooleanField(label="Parent and child placements", required=False)
    complex_needs = forms.BooleanField(label="Children with complex needs", required=False)
    sibling_groups = forms.BooleanField(label="Sibling groups", required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = choices  # type: ignore[attr-defined]

    def apply_errors(self, error: Any) -> None:
        """Deregistration's date problems belong beside the date of the move."""
        super().apply_errors(_rename_deregistration(error))


class ReviewForm(CarersForm):
    prefix = "review"  # beside the stage form on the household's page: ids must differ
    day = GovukDateField(label="Date of the review", help_text=DATE_HINT)
    note = forms.CharField(
        label="What the review found and what happens next", widget=forms.Textarea(attrs={"rows": 3})
    )


class NeedsForm(CarersForm):
    """What the child needs of a placement (read from the query string)."""

    siblings = forms.IntegerField(
        label="Children to place together", min_value=1, max_value=6, initial=1, required=False
    )
    complex_needs = forms.BooleanField(label="Complex needs", required=False)
    parent_and_child = forms.BooleanField(label="Parent and child placement", required=False)


def stage_choices(household: FosterHousehold) -> list[tuple[str, str]]:
    """Every stage but the current one, the next one first (the usual move)."""
    from divert.carers import rules

    Stage = FosterHousehold.Stage
    following = rules.next_stage(household)
    order = [*rules.stages_for(household.kind), Stage.INACTIVE, Stage.DEREGISTERED, Stage.WITHDRAWN]
    stages = [s for s in order if s != household.stage]
    if following in stages:
        stages.remove(following)
        stages.insert(0, following)
    return [(s, Stage(s).label) for s in stages]


def _rename_deregistration(error: Any) -> Any:
    if hasattr(error, "error_dict") and "deregistration_date" in error.error_dict:
        error.error_dict["day"] = error.error_dict.pop("deregistration_date")
    return error
