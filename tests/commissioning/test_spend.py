"""Spend by provider and contract over a period: weekly cost x days in the period / 7, hand-worked."""

from __future__ import annotations

import io
from decimal import Decimal

from divert.commissioning import queries
from divert.commissioning.models import Contract
from divert.core.spreadsheet import write_csv
from tests.commissioning.conftest import D, agency, framework, placement
from tests.conftest import World


def test_days_in_a_period_count_from_the_later_start_to_the_earlier_end() -> None:
    first, last = D(2025, 4, 1), D(2025, 4, 30)  # 30 days
    assert queries.days_in_period(D(2025, 1, 1), None, first, last) == 30  # open throughout
    assert queries.days_in_period(D(2025, 4, 11), None, first, last) == 20  # 11th to 30th
    assert queries.days_in_period(D(2025, 1, 1), D(2025, 4, 8), first, last) == 7  # 1st to 7th (DEC is away)
    assert queries.days_in_period(D(2025, 4, 11), D(2025, 4, 18), first, last) == 7
    assert queries.days_in_period(D(2025, 5, 1), None, first, last) == 0
    assert queries.days_in_period(D(2025, 1, 1), D(2025, 4, 1), first, last) == 0


def test_spend_by_provider_and_contract_is_hand_worked(world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    lodge = agency(world, "Hill Lodge", kind="childrens_home")
    cv = Contract.objects.create(
        provider=lodge, reference="CV-1", kind="cost_and_volume", start=D(2024, 4, 1), committed_places=2
    )
    # April 2025, 30 days.
    # Harbour, FW-1: £840/week all month: 840 x 30 / 7 = 3,600.00
    placement(world.child_north, harbour, D(2025, 1, 1), weekly_cost=Decimal("840"), contract=contract)
    # Harbour, no contract: £700/week from 11 April (20 days): 700 x 20 / 7 = 2,000.00
    placement(world.child_south, harbour, D(2025, 4, 11), weekly_cost=Decimal("700"))
    # Hill Lodge, CV-1: £4,200/week ending 8 April (7 days): 4,200 x 7 / 7 = 4,200.00
    placement(
        world.child_south, lodge, D(2025, 2, 1), dec=D(2025, 4, 8), weekly_cost=Decimal("4200"), contract=cv
    )
    # Outside the month: not counted.
    placement(
        world.child_north, lodge, D(2024, 5, 1), dec=D(2024, 12, 1), weekly_cost=Decimal("4000"), contract=cv
    )

    report = queries.spend_report(world.authority.pk, D(2025, 4, 1), D(2025, 4, 30))

    got = [
        (r.provider.name, r.contract.reference if r.contract else None, r.days, r.spend) for r in report.rows
    ]
    assert got == [
        ("Harbour Fostering", "FW-1", 30, Decimal("3600.00")),
        ("Harbour Fostering", None, 20, Decimal("2000.00")),
        ("Hill Lodge", "CV-1", 7, Decimal("4200.00")),
    ]
    assert report.total == Decimal("9800.00")
    # Hill Lodge's 2 committed places were used by 7 child-days in 30 days: 0.23 of a place.
    assert report.rows[2].places_used == Decimal(7) / Decimal(30)


def test_spend_rounds_to_the_penny_once_per_row(world: World) -> None:
    harbour = agency(world)
    # £1,000/week for 1 day = 142.857... -> £142.86
    placement(world.child_north, harbour, D(2025, 4, 30), weekly_cost=Decimal("1000"))
    report = queries.spend_report(world.authority.pk, D(2025, 4, 1), D(2025, 4, 30))
    assert report.total == Decimal("142.86")


def test_the_spend_download_escapes_formulas(world: World) -> None:
    harbour = agency(world, '=HYPERLINK("http://x")')
    placement(world.child_north, harbour, D(2025, 4, 1), weekly_cost=Decimal("700"))
    header, rows = queries.spend_table(queries.spend_report(world.authority.pk, D(2025, 4, 1), D(2025, 4, 7)))
    stream = io.StringIO()
    write_csv(stream, header, rows)
    assert "'=HYPERLINK" in stream.getvalue()
    assert rows[0][-1] == 700.0  # 700 x 7 / 7


def test_spend_counts_only_the_authoritys_providers(world: World) -> None:
    theirs = agency(world, authority=world.other_authority)
    placement(world.child_elsewhere, theirs, D(2025, 4, 1))
    assert queries.spend_report(world.authority.pk, D(2025, 4, 1), D(2025, 4, 30)).rows == []
