"""Weekly unit costs by forecast category: reference data (``core.UnitCost``) or, failing that, constants.

Reference unit costs are kept by placement type (``UnitCost.placement_type``); the forecast's
categories map onto them as follows:

* in-house foster care: ``in_house_foster``; independent foster care: ``ifa``; kinship: ``kinship``;
* residential care, in-house and independent: both ``childrens_home`` (the reference table has one
  figure for a children's home; an authority that knows its own homes cost less sets it on the
  scenario);
* supported accommodation: ``supported``;
* placed with parents and placed for adoption: no placement fee (0), as the step-down plans count
  going home, special guardianship and adoption (``stepdown.queries.NO_PLACEMENT_FEE``): support
  packages that follow are entered on a scenario when known;
* other placements (temporary, health, parent and child, custody): ``ifa``, the price of a typical
  bought placement, because these are mostly arranged outside the authority's own provision.
"""

from __future__ import annotations

from decimal import Decimal

#: Category -> reference placement type (None: no placement fee).
PLACEMENT_TYPE: dict[str, str | None] = {
    "in_house_foster": "in_house_foster",
    "independent_foster": "ifa",
    "kinship": "kinship",
    "residential_in_house": "childrens_home",
    "residential_independent": "childrens_home",
    "supported": "supported",
    "placed_with_parents": None,
    "adoption": None,
    "other": "ifa",
}

#: Weekly costs when there is no reference data (2025 prices): in-house foster care all-in (PSSRU
#: 2017, about £650), independent fostering agency and private children's home (CMA 2021, £820 and
#: £3,830), kinship allowance and supported accommodation (illustrative figures as the synthetic
#: reference data uses).
FALLBACK: dict[str, Decimal] = {
    "in_house_foster": Decimal("650.00"),
    "independent_foster": Decimal("820.00"),
    "kinship": Decimal("300.00"),
    "residential_in_house": Decimal("3830.00"),
    "residential_independent": Decimal("3830.00"),
    "supported": Decimal("1150.00"),
    "placed_with_parents": Decimal("0.00"),
    "adoption": Decimal("0.00"),
    "other": Decimal("820.00"),
}


def default_weekly_costs(year: int) -> dict[str, Decimal]:
    """Weekly cost by category for ``year`` (the reference year on or before it, else the earliest).

    ``year`` is a financial year named by the year it ends, as ``UnitCost.year`` is (1 April 2026
    to 31 March 2027 is 2027: ``stepdown.savings.financial_year_end``).

    Falls back to ``FALLBACK`` for every placement type the reference table does not hold.
    """
    from divert.core.models import UnitCost

    found: dict[str, Decimal] = {}
    for kind, row_year, cost in UnitCost.objects.order_by("year").values_list(
        "placement_type", "year", "weekly_cost"
    ):
        if row_year <= year or kind not in found:
            found[kind] = cost
    return {
        category: (Decimal("0.00") if kind is None else found.get(kind, FALLBACK[category]))
        for category, kind in PLACEMENT_TYPE.items()
    }
