"""The synthetic authority's carers: stage histories that agree with each household's dates,
and households in recruitment at every stage with some overdue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import call_command
from tests.synth.helpers import SMALL

from divert.carers import queries, rules
from divert.carers.models import FosterHousehold, StageChange
from divert.core.models import Authority

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 23)


def test_histories_match_the_households_and_the_pipeline_has_work_in_it() -> None:
    call_command("synth", *SMALL, verbosity=0)
    households = {h.pk: h for h in FosterHousehold.objects.all()}
    steps = defaultdict(list)
    for change in StageChange.objects.order_by("date", "pk"):
        steps[change.household_id].append(change)
    for h in households.values():
        history = steps[h.pk]
        assert history[0].stage == "enquiry" and history[0].date == h.enquiry_date
        assert (history[-1].stage, history[-1].date) == (h.stage, h.in_stage_since)
        assert [c.date for c in history] == sorted(c.date for c in history)
        assert history[-1].date <= TODAY
        assert h.status == rules.STATUS_OF_STAGE[h.stage]
        if h.approval_date:
            assert any(c.stage == "approved" and c.date == h.approval_date for c in history)
            assert h.age_from <= h.age_to
    authority = Authority.objects.get()
    stages = queries.pipeline(authority.pk, on=TODAY)
    assert all(row.count for row in stages), "every recruitment stage has a household"
    assert sum(row.overdue for row in stages), "some are overdue"
    assert queries.capacity(authority.pk, on=TODAY).total.places > 0
