"""Access-matrix rows for the programme (merged by ``tests/access/rows.py``).

Programme readers (team managers, analysts, the head of service, finance) read; analysts, the
head of service and finance keep the programme (work streams, actions, risks and their scores,
the savings plan); social workers, the MASH, partners and administrators get a 403. A record of
another council is the same 404 as a missing one. No child is named in the programme.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from divert.core.models import Authority
from tests.access import DENIED, HIDDEN, OK, SIGN_IN, Page
from tests.conftest import World
from tests.programme.conftest import action, line, risk, stream

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (DENIED, OK, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
RUNNERS = (DENIED, DENIED, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
READ_THEIRS = (DENIED, HIDDEN, DENIED, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)
RUN_THEIRS = (DENIED, DENIED, DENIED, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)


def _authority(world: World, whose: str) -> Authority:
    return world.authority if whose == "ours" else world.other_authority


def _stream(whose: str, name: str = "programme:workstream") -> Callable[[World], str]:
    return lambda world: reverse(name, args=[stream(_authority(world, whose)).pk])


def _action(name: str, whose: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        found = action(_authority(world, whose), "Creation of safeguarding hub", timezone.localdate())
        return reverse(name, args=[found.pk])

    return build


def _risk(whose: str, name: str = "programme:risk") -> Callable[[World], str]:
    return lambda world: reverse(name, args=[risk(_authority(world, whose), "Rise in care", 4, 5).pk])


def _line(name: str, whose: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        found = line(_authority(world, whose), "care_leavers", timezone.localdate().year, "130")
        return reverse(name, args=[found.pk])

    return build


ROWS: dict[Page, tuple[str, ...]] = {
    Page("programme:index"): READERS,
    Page("programme:actions"): READERS,
    Page("programme:risks"): READERS,
    Page("programme:savings"): READERS,
    Page("programme:report"): READERS,
    Page("programme:report_pdf"): READERS,
    Page("programme:report_xlsx"): READERS,
    Page("programme:action_new"): RUNNERS,
    Page("programme:workstream", build=_stream("ours"), about="ours"): READERS,
    Page("programme:workstream", build=_stream("theirs"), about="theirs"): READ_THEIRS,
    Page("programme:action_edit", build=_action("programme:action_edit", "ours"), about="ours"): RUNNERS,
    Page(
        "programme:action_edit", build=_action("programme:action_edit", "theirs"), about="theirs"
    ): RUN_THEIRS,
    Page("programme:action_done", build=_action("programme:action_done", "ours"), about="ours"): RUNNERS,
    Page(
        "programme:action_done", build=_action("programme:action_done", "theirs"), about="theirs"
    ): RUN_THEIRS,
    Page("programme:risk", build=_risk("ours"), about="ours"): READERS,
    Page("programme:risk", build=_risk("theirs"), about="theirs"): READ_THEIRS,
    Page(
        "programme:saving_achieved", build=_line("programme:saving_achieved", "ours"), about="ours"
    ): RUNNERS,
    Page("programme:saving_achieved", build=_line("programme:saving_achieved", "theirs"), about="theirs"): (
        RUN_THEIRS
    ),
    Page(
        "programme:saving_on_track", build=_line("programme:saving_on_track", "ours"), about="ours"
    ): RUNNERS,
    Page("programme:saving_on_track", build=_line("programme:saving_on_track", "theirs"), about="theirs"): (
        RUN_THEIRS
    ),
    Page("programme:workstream_new"): RUNNERS,
    Page("programme:risk_new"): RUNNERS,
    Page("programme:saving_new"): RUNNERS,
    Page(
        "programme:workstream_edit", build=_stream("ours", "programme:workstream_edit"), about="ours"
    ): RUNNERS,
    Page(
        "programme:workstream_edit", build=_stream("theirs", "programme:workstream_edit"), about="theirs"
    ): RUN_THEIRS,
    Page("programme:risk_edit", build=_risk("ours", "programme:risk_edit"), about="ours"): RUNNERS,
    Page("programme:risk_edit", build=_risk("theirs", "programme:risk_edit"), about="theirs"): RUN_THEIRS,
    Page("programme:saving_edit", build=_line("programme:saving_edit", "ours"), about="ours"): RUNNERS,
    Page("programme:saving_edit", build=_line("programme:saving_edit", "theirs"), about="theirs"): RUN_THEIRS,
}
