"""Gatekeeping and early help on the scorecard: entries through the edge-of-care panel, diversions
that held for a year, early help open and stepped up, on hand-made registers, and the same answers
as the panel and early help pages give on the same records in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.conf import settings

from divert.earlyhelp import queries as earlyhelp_queries
from divert.earlyhelp.models import EarlyHelpEpisode
from divert.indicators import catalogue, compute
from divert.indicators.defs import gatekeeping
from divert.indicators.extract import extract
from divert.indicators.frames import Frames
from divert.indicators.rag import rag
from divert.panels import queries as panel_queries
from divert.panels.models import PanelMeeting
from divert.panels.queries import HowEntered
from divert.people.models import Child, Locality, Professional, Team
from tests.conftest import World, make_child
from tests.indicators.fd_builders import d, day, episode, members, month, register, value
from tests.indicators.test_counts_fast_path import assert_counts_match_facts
from tests.panels.conftest import decided, emergency, meeting, proposal
from tests.panels.conftest import episode as db_episode

Row = dict[str, Any]
MARCH = "2025-03-31"
GATEKEEPING = (
    "starts_through_panel_pct",
    "diversions_held_12m_pct",
    "early_help_open",
    "early_help_stepped_up_pct",
)


def _proposal(
    id: int,
    child: int,
    *,
    heard: str | None = None,
    decision: str = "",
    kind: str = "edge_of_care",
    accommodated_on: str | None = None,
    proposed: str | None = None,
) -> Row:
    """A proposal row; ``heard`` is the date of the meeting that decided it (or reviewed an emergency)."""
    return {
        "id": id,
        "child": child,
        "proposed": d(proposed or accommodated_on or heard or "2025-01-01"),
        "emergency": accommodated_on is not None,
        "accommodated_on": d(accommodated_on) if accommodated_on else None,
        "meeting": id if heard else None,
        "meeting_date": d(heard) if heard else None,
        "meeting_kind": kind if heard else None,
        "decision": decision,
    }


def _early_help(
    id: int, child: int, start: str, end: str | None = None, outcome: str = "", locality: str = "North"
) -> Row:
    return {
        "id": id,
        "child": child,
        "start": d(start),
        "end": d(end) if end else None,
        "outcome": outcome,
        "locality": locality,
        "lead_professional": f"Lead {id}",
    }


def _child(id: int, locality: str) -> Row:
    return {
        "child": id,
        "sex": "F",
        "dob": d("2012-06-01"),
        "uasc": False,
        "locality": locality,
        "died": None,
    }


# --- Entries to care through the panel ----------------------------------------------------------


def entries_register() -> Frames:
    """Entries to care in March 2025 and how each came in.

    1 was agreed at panel on 1 March and came in on the 10th; 2 was agreed exactly 90 days before
    coming in (12 Dec to 12 Mar) and 10 91 days before (11 Dec to 12 Mar); 3 was an emergency on
    15 March, reviewed at the panel of the 20th (which sat after the entry, so it is no agreement);
    4 an emergency on 20 March not yet reviewed; 5 was agreed by the resource panel, not the
    edge-of-care panel; 6's panel sat the day after the entry; 7 was diverted, then came in
    anyway; 8 was agreed the day it came in; 9 went on a short break (V3), not an entry.
    """
    return register(
        episodes=[
            episode(1, "2025-03-10"),
            episode(2, "2025-03-12"),
            episode(10, "2025-03-12"),
            episode(3, "2025-03-15"),
            episode(4, "2025-03-20"),
            episode(5, "2025-03-25"),
            episode(6, "2025-03-28"),
            episode(7, "2025-03-05"),
            episode(8, "2025-03-31"),
            episode(9, "2025-03-18", ls="V3"),
        ],
        proposals=[
            _proposal(1, 1, heard="2025-03-01", decision="accommodate"),
            _proposal(2, 2, heard="2024-12-12", decision="accommodate"),
            _proposal(3, 10, heard="2024-12-11", decision="accommodate"),
            _proposal(4, 3, accommodated_on="2025-03-15", heard="2025-03-20", decision="accommodate"),
            _proposal(5, 4, accommodated_on="2025-03-20"),
            _proposal(6, 5, heard="2025-03-10", decision="accommodate", kind="resource"),
            _proposal(7, 6, heard="2025-03-29", decision="accommodate"),
            _proposal(8, 7, heard="2025-03-01", decision="divert"),
            _proposal(9, 8, heard="2025-03-31", decision="accommodate"),
            _proposal(10, 9, heard="2025-03-01", decision="accommodate"),
        ],
        children=[_child(c, "North" if c < 5 else "South") for c in range(1, 11)],
    )


def test_the_share_of_entries_agreed_by_the_panel_counts_every_entry_as_cla_starts_does() -> None:
    frames = entries_register()
    # Nine entries (9's short break is none); 1, 2 and 8 were agreed: 3 / 9.
    assert value(frames, "cla_starts", month(MARCH)) == 9
    assert value(frames, "starts_through_panel_pct", month(MARCH)) == pytest.approx(100 * 3 / 9)


def test_the_list_says_how_each_child_came_in_and_when_the_panel_sat() -> None:
    rows = members(entries_register(), "starts_through_panel_pct", month(MARCH), denominator=True)
    listed = {r["child"]: (r["came_in"], r["panel_met"]) for r in rows.iter_rows(named=True)}
    assert listed == {
        1: ("Through panel", d("2025-03-01")),
        2: ("Through panel", d("2024-12-12")),
        10: ("No panel", None),
        3: ("Emergency, reviewed at panel", d("2025-03-20")),
        4: ("Emergency, awaiting review", None),
        5: ("No panel", None),
        6: ("No panel", None),
        7: ("No panel", None),
        8: ("Through panel", d("2025-03-31")),
    }
    counted = members(entries_register(), "starts_through_panel_pct", month(MARCH))
    assert counted["child"].to_list() == [1, 2, 8]


def test_the_latest_agreement_in_the_window_is_the_one_shown() -> None:
    frames = register(
        episodes=[episode(1, "2025-03-10")],
        proposals=[
            _proposal(1, 1, heard="2025-02-01", decision="accommodate"),
            _proposal(2, 1, heard="2025-03-03", decision="accommodate"),
            _proposal(3, 1, heard="2025-03-05", decision="defer"),
        ],
    )
    rows = members(frames, "starts_through_panel_pct", month(MARCH))
    assert rows["panel_met"].to_list() == [d("2025-03-03")]


def test_a_reviewed_emergency_is_shown_before_an_unreviewed_one_the_same_day() -> None:
    frames = register(
        episodes=[episode(1, "2025-03-10")],
        proposals=[
            _proposal(1, 1, accommodated_on="2025-03-10", heard="2025-03-17", decision="accommodate"),
            _proposal(2, 1, accommodated_on="2025-03-10", proposed="2025-03-11"),
        ],
    )
    rows = members(frames, "starts_through_panel_pct", month(MARCH), denominator=True)
    assert rows.select("came_in", "panel_met").row(0) == ("Emergency, reviewed at panel", d("2025-03-17"))


def test_entries_are_broken_down_like_cla_starts() -> None:
    split = compute.breakdown(
        entries_register(), catalogue.get("starts_through_panel_pct"), month(MARCH), "locality"
    )
    # North (1-4): 1 and 2 of 4 entries; South (5-10): 8 of 5 entries.
    assert {r["locality"]: (r["num"], r["den"]) for r in split.iter_rows(named=True)} == {
        "North": (2, 4),
        "South": (1, 5),
    }


def test_the_programme_target_is_80_percent_with_amber_down_to_70() -> None:
    ind = catalogue.get("starts_through_panel_pct")
    assert [rag(v, ind.target, ind.tolerance, ind.good) for v in (85, 75, 65)] == ["green", "amber", "red"]


def test_a_register_with_no_proposals_at_all_has_no_figure_rather_than_none_through_panel() -> None:
    frames = register(episodes=[episode(1, "2025-03-10"), episode(2, "2025-03-12")])
    assert value(frames, "cla_starts", month(MARCH)) == 2
    assert value(frames, "starts_through_panel_pct", month(MARCH)) is None
    assert members(frames, "starts_through_panel_pct", month(MARCH), denominator=True).is_empty()


def test_a_month_with_no_entries_has_no_figure() -> None:
    assert value(entries_register(), "starts_through_panel_pct", month("2025-05-31")) is None


# --- Diversions that held --------------------------------------------------------------------------


def diversions_register() -> Frames:
    """Children diverted by the panel in 2024, followed for 12 months.

    1 (15 Mar) stayed home; 2 (20 Mar) came into care on 20 March 2025, the last day of the year
    after; 3 (31 Mar) came in on 1 April 2025, a day after it; 4 (29 Feb) is followed to 28 Feb
    2025 (February's figure); 5 (1 Apr) to April 2025; 6 (10 Mar) had a short break in June,
    which is not coming into care; 7's proposal was decided "accommodate", not diverted.
    """
    return register(
        episodes=[
            episode(2, "2025-03-20"),
            episode(3, "2025-04-01"),
            episode(6, "2024-06-01", "2024-06-03", ls="V3", rec="E8"),
            episode(7, "2024-03-20"),
        ],
        proposals=[
            _proposal(1, 1, heard="2024-03-15", decision="divert"),
            _proposal(2, 2, heard="2024-03-20", decision="divert"),
            _proposal(3, 3, heard="2024-03-31", decision="divert"),
            _proposal(4, 4, heard="2024-02-29", decision="divert"),
            _proposal(5, 5, heard="2024-04-01", decision="divert"),
            _proposal(6, 6, heard="2024-03-10", decision="divert"),
            _proposal(7, 7, heard="2024-03-15", decision="accommodate"),
        ],
    )


def test_a_diversion_held_when_the_child_did_not_come_into_care_in_the_12_months() -> None:
    frames = diversions_register()
    # March 2025: 1, 2, 3 and 6 reached their year; 2 came into care within it: 3 / 4.
    assert value(frames, "diversions_held_12m_pct", month(MARCH)) == 75.0
    assert members(frames, "diversions_held_12m_pct", month(MARCH))["child"].to_list() == [1, 3, 6]
    assert value(frames, "diversions_held_12m_pct", month("2025-02-28")) == 100.0


def test_the_list_shows_the_panel_the_year_and_when_the_child_came_in() -> None:
    rows = members(diversions_register(), "diversions_held_12m_pct", month(MARCH), denominator=True)
    assert rows.select("child", "panel_met", "followed_up_to", "entered_care").rows() == [
        (1, d("2024-03-15"), d("2025-03-15"), None),
        (2, d("2024-03-20"), d("2025-03-20"), d("2025-03-20")),
        (3, d("2024-03-31"), d("2025-03-31"), None),
        (6, d("2024-03-10"), d("2025-03-10"), None),
    ]


def test_a_child_diverted_twice_is_followed_for_each_diversion() -> None:
    frames = register(
        episodes=[episode(1, "2024-09-01")],
        proposals=[
            _proposal(1, 1, heard="2024-03-05", decision="divert"),
            _proposal(2, 1, heard="2024-03-25", decision="divert"),
        ],
    )
    assert value(frames, "diversions_held_12m_pct", month(MARCH)) == 0.0
    assert members(frames, "diversions_held_12m_pct", month(MARCH), denominator=True).height == 2


def test_no_diversion_reaching_its_year_gives_no_figure() -> None:
    assert value(diversions_register(), "diversions_held_12m_pct", month("2025-06-30")) is None


# --- Early help ---------------------------------------------------------------------------------------


def early_help_register() -> Frames:
    """Early help around 31 March 2025.

    1 open since January (North); 2 closed on 31 March (needs met); 3 began on 31 March (South);
    4 begins in April; 5 closed in 2024; 6 stepped up on 5 March; 7 declined on 1 March; 8 is
    stepped up on 1 April. Child 3's episode is held by the North locality's team, though the
    child lives in the South.
    """
    return register(
        early_help=[
            _early_help(1, 1, "2025-01-06"),
            _early_help(2, 2, "2025-02-03", "2025-03-31", "needs_met"),
            _early_help(3, 3, "2025-03-31", locality="North"),
            _early_help(4, 4, "2025-04-01"),
            _early_help(5, 5, "2024-01-08", "2024-06-01", "universal"),
            _early_help(6, 6, "2025-01-13", "2025-03-05", "stepped_up"),
            _early_help(7, 7, "2025-02-10", "2025-03-01", "declined"),
            _early_help(8, 8, "2025-02-10", "2025-04-01", "stepped_up"),
        ],
        children=[_child(c, "South" if c == 3 else "North") for c in range(1, 9)],
    )


def test_early_help_open_on_the_date_leaves_out_an_episode_closing_that_day() -> None:
    frames = early_help_register()
    assert members(frames, "early_help_open", day(MARCH))["child"].to_list() == [1, 3, 8]
    assert members(frames, "early_help_open", day("2025-03-30"))["child"].to_list() == [1, 2, 8]
    assert value(frames, "early_help_open", day("2025-04-01")) == 3  # 1, 3 and 4


def test_the_open_list_names_the_lead_professional_and_the_episodes_locality() -> None:
    rows = members(early_help_register(), "early_help_open", day(MARCH))
    assert rows.filter(pl.col("child") == 3).select(
        "early_help_start", "early_help_locality", "lead_professional"
    ).row(0) == (d("2025-03-31"), "North", "Lead 3")


def test_early_help_open_is_broken_down_by_the_childs_locality() -> None:
    split = compute.breakdown(early_help_register(), catalogue.get("early_help_open"), day(MARCH), "locality")
    assert {r["locality"]: r["value"] for r in split.iter_rows(named=True)} == {"North": 2, "South": 1}


def test_the_count_of_open_early_help_is_the_same_worked_out_either_way() -> None:
    assert_counts_match_facts(early_help_register())


def test_the_share_of_early_help_stepped_up_is_of_episodes_closed_in_the_period() -> None:
    frames = early_help_register()
    # Closed in March: 2 (needs met, on the 31st), 6 (stepped up), 7 (declined): 1 / 3.
    assert value(frames, "early_help_stepped_up_pct", month(MARCH)) == pytest.approx(100 / 3)
    assert members(frames, "early_help_stepped_up_pct", month(MARCH))["child"].to_list() == [6]
    # April: 8 stepped up, alone.
    assert value(frames, "early_help_stepped_up_pct", month("2025-04-30")) == 100.0


def test_the_closed_list_says_the_outcome_in_words() -> None:
    rows = members(early_help_register(), "early_help_stepped_up_pct", month(MARCH), denominator=True)
    assert rows.select("child", "closed", "outcome").rows() == [
        (2, d("2025-03-31"), "Needs met: closed"),
        (6, d("2025-03-05"), "Stepped up to children's social care"),
        (7, d("2025-03-01"), "Family declined or withdrew consent"),
    ]


# --- Registers without panels or early help (SSDA903 and CIN census imports) ------------------------


def test_an_imported_register_has_empty_panel_and_early_help_frames() -> None:
    frames = Frames()
    assert frames.proposals.is_empty() and frames.early_help.is_empty()
    assert "meeting_date" in frames.proposals.columns and "outcome" in frames.early_help.columns


@pytest.mark.parametrize("frames", [Frames(), register(episodes=[episode(1, "2025-03-10")])])
def test_without_panels_or_early_help_the_percentages_have_no_figure_and_open_early_help_is_nought(
    frames: Frames,
) -> None:
    assert value(frames, "starts_through_panel_pct", month(MARCH)) is None
    assert value(frames, "diversions_held_12m_pct", month(MARCH)) is None
    assert value(frames, "early_help_stepped_up_pct", month(MARCH)) is None
    assert value(frames, "early_help_open", day(MARCH)) == 0
    for name in GATEKEEPING:
        ind = catalogue.get(name)
        for by in ind.breakdowns:
            assert compute.breakdown(frames, ind, month(MARCH, 3), by).is_empty()
        assert compute.members(frames, ind, month(MARCH), d(MARCH), denominator=True).is_empty()


# --- The same words and windows as the panel and early help pages ----------------------------------


def test_the_scorecard_uses_the_panel_pages_words_and_windows() -> None:
    assert gatekeeping.PANEL_WINDOW_DAYS == panel_queries.PANEL_WINDOW_DAYS
    follow_ups: tuple[int, ...] = settings.DIVERT["PANEL_FOLLOW_UP_MONTHS"]  # type: ignore[assignment]
    assert max(follow_ups) == gatekeeping.FOLLOW_UP_MONTHS
    words = [gatekeeping.THROUGH_PANEL, gatekeeping.EMERGENCY_REVIEWED]
    words += [gatekeeping.EMERGENCY_AWAITING, gatekeeping.NO_PANEL]
    assert [w.lower() for w in words] == [str(h) for h in HowEntered]
    assert dict(EarlyHelpEpisode.Outcome.choices) == gatekeeping.OUTCOMES


# --- Agreement with the pages, on the same records in the database ----------------------------------

D = dt.date


def _children(world: World, count: int) -> list[Child]:
    return [
        make_child(world.authority, f"G{i:04d}", f"Gail{i}", "Gatesby", D(2012, 1, 1 + i))
        for i in range(count)
    ]


def _page_entries(world: World) -> dict[tuple[int, dt.date], tuple[str, dt.date | None]]:
    """March 2025's entries as the panel pages classify them: how each came in, and the meeting shown."""
    hos = world.users["hos"]
    entries = panel_queries.classified_entries(hos, world.authority.pk, D(2025, 3, 1), D(2025, 3, 31))
    return {(e.child.pk, e.date): (str(e.how), e.meeting.date if e.meeting else None) for e in entries}


def _scorecard_entries(frames: Frames) -> dict[tuple[int, dt.date], tuple[str, dt.date | None]]:
    rows = members(frames, "starts_through_panel_pct", month(MARCH), denominator=True)
    return {
        (r["child"], r["decom"]): (r["came_in"].lower(), r["panel_met"]) for r in rows.iter_rows(named=True)
    }


def test_entries_through_the_panel_agree_with_the_panel_pages(world: World) -> None:
    g = _children(world, 10)
    decided(g[0], D(2025, 3, 1))
    db_episode(g[0], D(2025, 3, 10))
    decided(g[1], D(2024, 12, 12))  # 90 days before
    db_episode(g[1], D(2025, 3, 12))
    decided(g[2], D(2024, 12, 11))  # 91 days before
    db_episode(g[2], D(2025, 3, 12))
    emergency(g[3], D(2025, 3, 15), meeting=meeting(g[3], D(2025, 3, 20)), decision="accommodate")
    # Recorded twice, the later one never reviewed: the reviewed one is shown.
    proposal(g[3], D(2025, 3, 16), emergency=True, accommodated_on=D(2025, 3, 15), justification="Police")
    db_episode(g[3], D(2025, 3, 15))
    emergency(g[4], D(2025, 3, 20))
    db_episode(g[4], D(2025, 3, 20))
    resource = meeting(g[5], D(2025, 3, 10), PanelMeeting.Kind.RESOURCE)
    proposal(g[5], D(2025, 3, 10), meeting=resource, decision="accommodate")
    db_episode(g[5], D(2025, 3, 25))
    decided(g[6], D(2025, 3, 29))
    db_episode(g[6], D(2025, 3, 28))
    decided(g[7], D(2025, 3, 1), "divert")
    db_episode(g[7], D(2025, 3, 5))
    decided(g[8], D(2025, 3, 31))
    decided(g[8], D(2025, 2, 1))
    db_episode(g[8], D(2025, 3, 31))
    decided(g[9], D(2025, 3, 1))
    db_episode(g[9], D(2025, 3, 18), ls="V3")
    db_episode(world.child_north, D(2025, 3, 3))  # no proposal at all

    frames = extract(world.authority.pk)
    pages = _page_entries(world)
    assert _scorecard_entries(frames) == pages
    assert sorted(how for how, _ in pages.values()) == sorted(
        ["through panel"] * 3
        + ["no panel"] * 5
        + ["emergency, reviewed at panel", "emergency, awaiting review"]
    )
    figures = panel_queries.months_figures(world.users["hos"], world.authority.pk, D(2025, 3, 1), count=1)[0]
    assert value(frames, "starts_through_panel_pct", month(MARCH)) == pytest.approx(
        100 * figures.through_panel / figures.entries
    )


def test_diversions_that_held_agree_with_the_panel_pages_twelve_month_follow_up(world: World) -> None:
    g = _children(world, 5)
    decided(g[0], D(2024, 3, 15), "divert")
    decided(g[1], D(2024, 3, 20), "divert")
    db_episode(g[1], D(2025, 3, 20))  # the last day of the year after
    decided(g[2], D(2024, 3, 31), "divert")
    db_episode(g[2], D(2025, 4, 1))  # a day too late to count
    decided(g[3], D(2024, 3, 10), "divert")
    db_episode(g[3], D(2024, 6, 1), ls="V3", dec=D(2024, 6, 3), rec="E8")  # a short break
    decided(g[4], D(2024, 3, 12), "divert")
    db_episode(g[4], D(2024, 3, 12))  # came in the day of the panel

    rows = members(extract(world.authority.pk), "diversions_held_12m_pct", month(MARCH), denominator=True)
    scorecard = {r["child"]: r["entered_care"] for r in rows.iter_rows(named=True)}
    pages = {}
    for diverted in panel_queries.proposals_for(world.users["hos"]).filter(decision="divert"):
        twelve = panel_queries.follow_ups(diverted, on=D(2025, 4, 30))[-1]
        assert twelve.months == 12 and twelve.known
        pages[diverted.child_id] = twelve.entry
    assert scorecard == pages
    assert [child for child, entry in scorecard.items() if entry is None] == [g[0].pk, g[2].pk, g[3].pk]


def _early_help_world(world: World) -> list[Child]:
    """Early help in two localities, as at 31 March 2025 (``TODAY``): three open, six closed in the year."""
    g = _children(world, 9)
    north = Locality.objects.create(authority=world.authority, name="North")
    south = Locality.objects.create(authority=world.authority, name="South")
    team = Team.objects.create(authority=world.authority, name="Early help", kind=Team.Kind.EARLY_HELP)
    lead = Professional.objects.create(name="Lee Lead", team=team, qualified_social_worker=False)

    def made(
        child: Child,
        start: dt.date,
        end: dt.date | None = None,
        outcome: str = "",
        *,
        where: Locality = north,
    ) -> None:
        EarlyHelpEpisode.objects.create(
            child=child, locality=where, lead_professional=lead, start=start, end=end, outcome=outcome
        )

    made(g[0], D(2025, 1, 6))
    made(g[1], D(2025, 3, 31), where=south)
    made(g[2], D(2024, 11, 4))
    made(g[3], D(2025, 1, 6), TODAY, "needs_met")
    made(g[4], D(2024, 10, 1), D(2025, 2, 3), "stepped_up", where=south)
    made(g[5], D(2024, 1, 8), D(2024, 4, 1), "stepped_up")  # the year's first day
    made(g[6], D(2024, 1, 8), D(2024, 3, 31), "declined")  # the day before the year
    made(g[7], D(2024, 9, 2), D(2024, 12, 20), "universal")
    made(g[8], D(2024, 9, 2), D(2025, 1, 10), "moved", where=south)
    return g


TODAY = D(2025, 3, 31)


def test_early_help_figures_agree_with_the_early_help_pages(world: World) -> None:
    _early_help_world(world)
    hos, everyone = world.users["hos"], earlyhelp_queries.Filters()
    frames = extract(world.authority.pk)

    open_now = earlyhelp_queries.open_episodes(hos, everyone, TODAY)
    assert value(frames, "early_help_open", day(MARCH)) == len(open_now) == 3

    table = earlyhelp_queries.outcome_table(hos, everyone, TODAY)
    stepped_up = table.totals[[v for v, _ in table.outcomes].index("stepped_up")]
    year = pl.DataFrame({"start": [TODAY - dt.timedelta(days=364)], "date": [TODAY]})
    assert (stepped_up, table.total) == (2, 5)
    assert value(frames, "early_help_stepped_up_pct", year) == pytest.approx(100 * stepped_up / table.total)


def test_the_extract_reads_proposals_and_early_help_as_the_register_holds_them(world: World) -> None:
    g = _early_help_world(world)
    emergency(
        world.child_north,
        D(2025, 3, 15),
        meeting=meeting(world.child_north, D(2025, 3, 20)),
        decision="defer",
    )
    proposal(world.child_south, D(2025, 3, 16))
    frames = extract(world.authority.pk)

    proposals = frames.proposals.sort("child").drop("id", "meeting")
    assert proposals.rows() == [
        (world.child_north.pk, D(2025, 3, 15), True, D(2025, 3, 15), D(2025, 3, 20), "edge_of_care", "defer"),
        (world.child_south.pk, D(2025, 3, 16), False, None, None, None, ""),
    ]
    assert frames.proposals["meeting"].null_count() == 1
    south = frames.early_help.filter(pl.col("child") == g[4].pk).drop("id").row(0)
    assert south == (g[4].pk, D(2024, 10, 1), D(2025, 2, 3), "stepped_up", "South", "Lee Lead")
    assert frames.early_help.filter(pl.col("end").is_null())["outcome"].to_list() == ["", "", ""]
