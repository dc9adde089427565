"""The synthetic authority's at-risk flags and team-around-the-child meetings fill the early warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from divert.care.models import PlacementRiskFlag, TeamAroundChildMeeting
from divert.care.queries import early_warning
from divert.cases.queries import Filters
from divert.core.models import Authority
from divert.core.roles import Role
from tests.conftest import make_user
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 11, 23)


def test_the_demo_has_flags_and_meetings_on_every_early_warning_list() -> None:
    call_command("synth", *SMALL, verbosity=0)
    authority = Authority.objects.get()
    flags = list(PlacementRiskFlag.objects.select_related("episode"))
    meetings = list(TeamAroundChildMeeting.objects.select_related("flag"))
    assert all(f.episode.child_id == f.child_id and f.episode.is_open_on(f.raised) for f in flags)
    assert all(m.date <= TODAY and (m.flag is None or m.flag.raised <= m.date) for m in meetings)
    assert {f.resolved is None for f in flags} == {True, False}  # some open, some resolved
    hos = make_user("hos", Role.HEAD_OF_SERVICE, authority)
    found = early_warning(hos, authority.pk, Filters(), TODAY)
    for rows in (found.moved, found.near_three, found.at_risk):
        assert rows, "every list has children"
    # Some met since the warning began, and some not yet: the lists show both.
    assert {row.meeting is None for row in found.moved + found.at_risk} == {True, False}
