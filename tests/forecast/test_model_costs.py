"""Default weekly costs by forecast category: from the reference unit costs, or constants without them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from divert.core.models import UnitCost
from divert.forecast.costs import FALLBACK, default_weekly_costs

pytestmark = pytest.mark.django_db


def test_without_reference_data_the_constants_are_used():
    UnitCost.objects.all().delete()
    assert default_weekly_costs(2026) == FALLBACK


def test_reference_costs_map_onto_categories_for_the_year_or_the_latest_before_it():
    UnitCost.objects.all().delete()
    for kind, year, cost in [
        ("in_house_foster", 2025, "600.00"),
        ("in_house_foster", 2026, "618.00"),
        ("in_house_foster", 2027, "636.54"),
        ("ifa", 2025, "900.00"),
        ("childrens_home", 2026, "5000.00"),
        ("supported", 2028, "1200.00"),  # only a later year: the earliest there is
    ]:
        UnitCost.objects.create(placement_type=kind, year=year, weekly_cost=Decimal(cost))
    costs = default_weekly_costs(2026)
    assert costs["in_house_foster"] == Decimal("618.00")
    assert costs["independent_foster"] == Decimal("900.00")  # 2025, the latest before 2026
    assert costs["residential_in_house"] == costs["residential_independent"] == Decimal("5000.00")
    assert costs["supported"] == Decimal("1200.00")
    assert costs["other"] == Decimal("900.00")  # priced as an agency placement
    assert costs["placed_with_parents"] == costs["adoption"] == Decimal("0.00")  # no placement fee
    assert costs["kinship"] == FALLBACK["kinship"]  # not in the table: the constant
