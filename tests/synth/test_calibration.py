"""The default synthetic authority lands within 10% of every figure it is calibrated to."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from divert.core.models import Authority
from divert.synth.calibration import figures, read_register, within
from tests.synth.helpers import SMALL

AS_AT = dt.date(2025, 3, 31)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_default_authority_is_within_ten_percent_of_every_target() -> None:
    call_command("synth", "--today", "2025-11-23", stdout=StringIO())
    figs = figures(read_register(Authority.objects.get(code="E06000026"), AS_AT), AS_AT)
    names = {f.name for f in figs}
    assert {
        "children looked after",
        "looked after per 10,000",
        "re-referral rate",
        "IFA weekly cost",
    } <= names
    assert len(figs) >= 25
    assert [(f.name, round(f.target, 3), round(f.value, 3)) for f in within(figs)] == []
    in_care = next(f for f in figs if f.name == "children looked after")
    assert 340 <= in_care.value <= 420


@pytest.mark.django_db
def test_calibration_json_lists_each_figure_with_its_relative_difference() -> None:
    call_command("synth", *SMALL, stdout=StringIO())
    out = StringIO()
    call_command("calibration", "--format", "json", "--as-at", "2025-03-31", "--years", "3", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows and {"name", "target", "value", "relative_difference", "authority"} <= set(rows[0])
    for row in rows:
        if row["target"]:
            assert row["relative_difference"] == pytest.approx(
                (row["value"] - row["target"]) / row["target"], abs=1e-4
            )


@pytest.mark.django_db
def test_calibration_table_marks_figures_outside_ten_percent() -> None:
    call_command("synth", *SMALL, stdout=StringIO())
    out = StringIO()
    call_command("calibration", "--as-at", "2025-03-31", "--years", "3", stdout=out)
    text = out.getvalue()
    assert "Plymouth (synthetic)" in text and "children looked after" in text and "target" in text
