"""The scorecard pages as people use them: figures, filters, the children behind a figure, and downloads."""

from __future__ import annotations

import csv
import io
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from divert.core.models import AuditEvent
from divert.indicators import catalogue
from divert.indicators.models import IndicatorTarget
from divert.privacy.pseudonyms import pseudonym
from tests.conftest import World
from tests.indicators.scorecard_world import AS_AT, more_north_children_in_care, put_world_in_care, team

MARCH = {"date": AS_AT.isoformat(), "freq": "month"}


def _signed_in(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def _text(response: object) -> str:
    """The page's words without tags, with runs of space made one."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _figure(response: object, title: str) -> str:
    """The figure shown beside an indicator's title on the scorecard."""
    html = response.content.decode()  # type: ignore[attr-defined]
    row = re.search(rf">{re.escape(escape(title))}</a></th>\s*<td[^>]*>(?:<a[^>]*>)?([^<]+)<", html)
    assert row, f"{title} is not on the scorecard"
    return row.group(1)


def test_the_scorecard_shows_every_indicator_in_the_catalogue_with_its_figure(
    client: Client, world: World
) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "hos").get(reverse("indicators:scorecard"), MARCH)
    assert response.status_code == 200
    for ind in catalogue.indicators():
        assert _figure(response, ind.title)
    # Ava and Sid are in care on 31 March 2025; Sid entered care in March, nobody in February.
    assert _figure(response, "Children in care") == "2"
    assert _figure(response, "Children entering care") == "1"
    text = _text(response)
    assert "Figures for the month to 31 March 2025" in text
    assert "up 1 (worse)" in text


def test_a_figure_off_its_target_is_rated_in_words_not_colour_alone(client: Client, world: World) -> None:
    put_world_in_care(world)
    IndicatorTarget.objects.create(authority=world.authority, indicator="cla_count", target=0, tolerance=0)
    response = _signed_in(client, world, "tom").get(reverse("indicators:scorecard"), MARCH)
    assert re.search(r'govuk-tag--red">Off target<', response.content.decode())


def test_a_team_filter_narrows_the_figures_to_that_teams_children(client: Client, world: World) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "ana").get(
        reverse("indicators:scorecard"), {**MARCH, "team": "North children in care"}
    )
    assert _figure(response, "Children in care") == "1"  # Ava only
    assert _figure(response, "Children entering care") == "0"  # Sid (South) entered in March
    assert "for North children in care" in _text(response)


def test_the_scorecard_figure_links_to_the_children_behind_it(client: Client, world: World) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "hos").get(reverse("indicators:scorecard"), MARCH)
    link = reverse("indicators:members", args=["cla_count"]) + "?date=2025-03-31&amp;freq=month"
    assert link in response.content.decode()


def test_a_bad_date_period_or_team_is_shown_beside_the_field_not_a_server_error(
    client: Client, world: World
) -> None:
    response = _signed_in(client, world, "ana").get(
        reverse("indicators:scorecard"), {"date": "2025-02-30", "freq": "year", "team": "Elsewhere"}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "There is a problem" in text
    assert "Figures as at must be a real date" in text
    assert "Select monthly, weekly or daily" in text
    assert "Select a team from the list" in text
    assert "<title>Error: Performance scorecard" in response.content.decode()


def test_a_date_in_the_future_is_refused(client: Client, world: World) -> None:
    response = _signed_in(client, world, "ana").get(reverse("indicators:scorecard"), {"date": "2999-01-01"})
    assert response.status_code == 400
    assert "Figures as at must be today or in the past" in _text(response)


def test_an_unknown_indicator_is_not_found(client: Client, world: World) -> None:
    signed_in = _signed_in(client, world, "ana")
    assert signed_in.get(reverse("indicators:detail", args=["no_such_thing"])).status_code == 404
    assert signed_in.get(reverse("indicators:members", args=["no_such_thing"])).status_code == 404


def test_the_indicator_page_shows_its_definition_chart_table_and_breakdowns(
    client: Client, world: World
) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "tom").get(
        reverse("indicators:detail", args=["cla_starts"]), {**MARCH, "span": "12"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    ind = catalogue.get("cla_starts")
    assert ind.definition in text
    assert "8, and within 2 of it is amber" in text  # the catalogue's default target and tolerance
    assert "The catalogue's default target." in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="divert-chart"' in html
    assert "Children entering care by month, newest first" in text
    # 12 months to March 2025: April 2024 ... March 2025, each a row.
    assert text.count(" 2024 ") + text.count(" 2025 ") >= 12
    assert "By age band" in text and "By team" in text
    assert "Download this series (CSV)" in text


def test_an_authoritys_own_target_is_said_to_be_its_own(client: Client, world: World) -> None:
    IndicatorTarget.objects.create(authority=world.authority, indicator="cla_starts", target=5, tolerance=1)
    response = _signed_in(client, world, "ana").get(reverse("indicators:detail", args=["cla_starts"]), MARCH)
    assert "5, and within 1 of it is amber" in _text(response)
    assert "Set by your authority." in _text(response)


def test_a_social_worker_sees_only_her_teams_children_but_the_full_count(
    client: Client, world: World
) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "alice").get(
        reverse("indicators:members", args=["cla_count"]), MARCH
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Ava Northam" in text
    assert "Sid Southey" not in text
    assert "Showing 1 of the 2 children counted; the others are not allocated to your team." in text
    assert reverse("people:child", args=[world.child_north.pk]) in response.content.decode()


def test_an_analyst_sees_every_child_behind_the_figure_by_pseudonym(client: Client, world: World) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "ana").get(reverse("indicators:members", args=["cla_count"]), MARCH)
    text = _text(response)
    assert pseudonym(world.child_north.pk) in text and pseudonym(world.child_south.pk) in text
    assert "Northam" not in text and "Southey" not in text
    assert "2 children counted." in text
    assert "Showing 1 of" not in text


def test_a_breakdown_link_lists_only_the_children_in_that_part(client: Client, world: World) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "hos").get(
        reverse("indicators:members", args=["cla_count"]), {**MARCH, "placement_type": "Not recorded"}
    )
    assert response.status_code == 200
    detail = _signed_in(client, world, "hos").get(reverse("indicators:detail", args=["cla_count"]), MARCH)
    team_link = re.search(r'href="([^"]*team=South[^"]*)"', detail.content.decode())
    assert team_link
    south = client.get(team_link.group(1).replace("&amp;", "&"))
    assert "Sid Southey" in _text(south) and "Ava Northam" not in _text(south)


def test_every_list_of_children_behind_a_figure_is_audited(client: Client, world: World) -> None:
    put_world_in_care(world)
    _signed_in(client, world, "tom").get(reverse("indicators:members", args=["cla_count"]), MARCH)
    event = AuditEvent.objects.get(actor=world.users["tom"], object_type="indicators.child")
    assert event.action == AuditEvent.Action.VIEW
    assert event.object_id == "cla_count"
    assert "cla_count" in event.note and "month to 31 March 2025" in event.note


def test_the_drill_down_reads_the_same_number_of_queries_for_two_children_or_five(
    client: Client, world: World
) -> None:
    put_world_in_care(world)
    signed_in = _signed_in(client, world, "hos")
    url = reverse("indicators:members", args=["cla_count"])
    signed_in.get(url, MARCH)  # warm the session
    with CaptureQueriesContext(connection) as two:
        assert "Sid Southey" in _text(signed_in.get(url, MARCH))
    more_north_children_in_care(world, 3)
    with CaptureQueriesContext(connection) as five:
        assert "Nell2 Norbury" in _text(signed_in.get(url, MARCH))
    assert len(five) == len(two)


def test_the_scorecard_reads_a_bounded_number_of_queries(client: Client, world: World) -> None:
    put_world_in_care(world)
    signed_in = _signed_in(client, world, "ana")
    signed_in.get(reverse("indicators:scorecard"), MARCH)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(reverse("indicators:scorecard"), MARCH)
    more_north_children_in_care(world, 3)
    with CaptureQueriesContext(connection) as more:
        signed_in.get(reverse("indicators:scorecard"), MARCH)
    assert len(more) == len(few)
    assert len(few) <= 44


def test_the_series_downloads_as_a_csv_attachment_with_formulas_escaped(client: Client, world: World) -> None:
    put_world_in_care(world)
    team(world, '=HYPERLINK("http://evil")')
    response = _signed_in(client, world, "ana").get(
        reverse("indicators:series_csv", args=["cla_count"]), {**MARCH, "team": '=HYPERLINK("http://evil")'}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cla_count-month-2025-03-31.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["indicator", "title", "unit"]
    assert len(rows) == 1 + 24  # 24 months by default
    assert rows[-1][5] == "2025-03-31"
    assert rows[-1][10] == '\'=HYPERLINK("http://evil")'
    assert b"<html" not in response.content


def test_a_partner_user_gets_no_scorecard_and_no_menu_entry(client: Client, world: World) -> None:
    signed_in = _signed_in(client, world, "pat")
    assert signed_in.get(reverse("indicators:scorecard")).status_code == 403
    home = signed_in.get(reverse("core:home")).content.decode()
    assert reverse("indicators:scorecard") not in home


def test_a_team_manager_finds_the_scorecard_in_the_menu(client: Client, world: World) -> None:
    home = _signed_in(client, world, "tom").get(reverse("core:home")).content.decode()
    assert f'href="{reverse("indicators:scorecard")}"' in home


def test_a_percentage_drill_down_switches_between_counted_and_everyone_in_the_measure(
    client: Client, world: World
) -> None:
    percent = next((i for i in catalogue.indicators() if i.has_denominator), None)
    if percent is None:  # the catalogue has no percentage indicator yet
        return
    put_world_in_care(world)
    url = reverse("indicators:members", args=[percent.id])
    response = _signed_in(client, world, "ana").get(url, {**MARCH, "all": "1"})
    assert response.status_code == 200
    assert "Show only the" in _text(response)


def test_a_drill_down_with_a_bad_date_says_so_and_lists_no_one(client: Client, world: World) -> None:
    put_world_in_care(world)
    response = _signed_in(client, world, "ana").get(
        reverse("indicators:members", args=["cla_count"]), {"date": "31/31/2025", "page": "x"}
    )
    assert response.status_code == 400
    assert "Figures as at must be a real date" in _text(response)
    assert "Ava Northam" not in _text(response)
    assert not AuditEvent.objects.filter(object_type="indicators.child").exists()


def test_household_figures_list_households_not_children(client: Client, world: World) -> None:
    household = next((i for i in catalogue.indicators() if i.subject == "household"), None)
    if household is None:  # the catalogue has no household indicator yet
        return
    response = _signed_in(client, world, "ana").get(reverse("indicators:members", args=[household.id]), MARCH)
    assert response.status_code == 200
    assert "households counted" in _text(response)
