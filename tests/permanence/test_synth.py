"""The synthetic authority's permanence history agrees with its register (a small build)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from divert.care.models import Episode
from divert.permanence.models import CourtApplication, PermanencePlan
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db


def test_plans_and_applications_follow_the_register():
    call_command("synth", *SMALL, stdout=StringIO())

    plans = PermanencePlan.objects.all()
    assert plans.count() > 50
    # Each plan agreed at a review is on that review's day, and the review recorded a plan.
    at_review = plans.filter(review__isnull=False)
    assert at_review.count() > 0.8 * plans.count()
    assert not at_review.exclude(agreed=F("review__date")).exists()
    assert not at_review.filter(review__permanence_plan=False).exists()
    # Every adoption from care has its adoption order application, granted on the day.
    adopted = Episode.objects.filter(rec__in=["E11", "E12"])
    granted = CourtApplication.objects.filter(kind="adoption", outcome="granted")
    assert adopted.exists()
    assert set(granted.values_list("child_id", "outcome_date")) >= set(adopted.values_list("child_id", "dec"))
    # Open applications have no outcome date; every kind the lists show appears.
    assert not CourtApplication.objects.filter(outcome="", outcome_date__isnull=False).exists()
    assert {"discharge", "sgo", "adoption"} <= set(CourtApplication.objects.values_list("kind", flat=True))
