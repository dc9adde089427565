"""What a placement costs a week, and where that figure comes from: the one derivation.

The rule, in order:

1. **Override**: a placement whose cost was set by hand with a reason keeps that cost.
2. **Contract**: otherwise the placement's contract (the one it is linked to, or else the
   provider's contract in force on the placement's start date) prices it: the contract's
   latest price for the placement's type (its forecast category) from on or before the start
   date.
3. **No contract price**: otherwise the cost already recorded on the placement stands, and
   a placement with no cost recorded takes the reference unit cost for its type
   (``core.UnitCost`` through ``divert.forecast.costs``).

The start date is the placement's (the episode's DECOM): a price rise later in a contract
does not change what a placement that began under the older price costs until it is
re-priced on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from divert.care.models import Episode, Provider
from divert.commissioning.models import Contract
from divert.core.codes import PLACEMENT_CATEGORIES, placement_category


class Source:
    OVERRIDE = "override"
    CONTRACT = "contract"
    RECORDED = "recorded"
    REFERENCE = "reference"

    LABELS = {
        OVERRIDE: "Set by hand (override)",
        CONTRACT: "Contract price",
        RECORDED: "Recorded cost (no contract price)",
        REFERENCE: "Reference unit cost (no contract price)",
    }


class Cost(NamedTuple):
    """A weekly cost, where it came from (a ``Source``), and the contract that priced it, if any."""

    weekly: Decimal
    source: str
    contract: Contract | None = None

    @property
    def source_label(self) -> str:
        return Source.LABELS[self.source]


def placement_type(place: str, place_provider: str) -> str:
    """A placement's type for pricing: the forecast's category of its PLACE and PLACE_PROVIDER."""
    return placement_category(place, place_provider)


def contract_in_force(provider: Provider, day: dt.date) -> Contract | None:
    """The provider's contract in force on ``day``; of several, the one that started last."""
    return (
        Contract.objects.filter(provider=provider, start__lte=day)
        .exclude(end__lt=day)
        .order_by("-start", "-pk")
        .first()
    )


def choose_contract(contracts: Iterable[Contract], day: dt.date) -> Contract | None:
    """``contract_in_force`` over contracts already fetched (a page pricing many placements)."""
    in_force = [c for c in contracts if c.in_force_on(day)]
    return max(in_force, key=lambda c: (c.start, c.pk)) if in_force else None


def contract_price(contract: Contract, placement: str, day: dt.date) -> Decimal | None:
    """The contract's weekly price for ``placement`` on ``day``: its latest price from on or before it.

    Uses the contract's prefetched prices when it has them (``prefetch_related("prices")``).
    """
    prices = contract.prices.all()
    dated = [p for p in prices if p.placement == placement and p.from_date <= day]
    return max(dated, key=lambda p: p.from_date).weekly_price if dated else None


def _reference_cost(placement: str, day: dt.date) -> Decimal:
    """The forecast's unit cost for the category (its keys are the same categories, in the same order)."""
    from divert.forecast.costs import default_weekly_costs
    from divert.forecast.types import CATEGORIES

    key = dict(zip(PLACEMENT_CATEGORIES, (k for k, _ in CATEGORIES), strict=True))[placement]
    year = day.year + 1 if day.month >= 4 else day.year  # financial year named by the year it ends
    return default_weekly_costs(year).get(key, Decimal("0"))


def cost_for(
    subject: Episode | Provider | None,
    place: str = "",
    day: dt.date | None = None,
    *,
    place_provider: str = "",
    contracts: Iterable[Contract] | None = None,
) -> Cost:
    """The weekly cost of a placement, and its source, by the rule in this module's docstring.

    ``subject`` is an episode (its own placement, provider, start date, link and override are
    used; ``place`` and ``day`` may be left out), or a provider with the placement code
    ``place`` starting on ``day`` (a placement being planned; PLACE_PROVIDER defaults to the
    provider's). ``contracts``, when given, are the provider's contracts already fetched with
    their prices, so a page pricing many placements reads them once.
    """
    if isinstance(subject, Episode):
        return _episode_cost(subject, contracts)
    if day is None:
        raise ValueError("cost_for needs the placement's start day")
    provider = subject
    category = placement_type(place, place_provider or (provider.place_provider if provider else ""))
    contract = _in_force(provider, day, contracts) if provider is not None else None
    return _from_contract(contract, category, day, recorded=Decimal("0"))


def _in_force(provider: Provider, day: dt.date, contracts: Iterable[Contract] | None) -> Contract | None:
    return contract_in_force(provider, day) if contracts is None else choose_contract(contracts, day)


def _episode_cost(episode: Episode, contracts: Iterable[Contract] | None = None) -> Cost:
    if episode.cost_override_reason.strip():
        return Cost(episode.weekly_cost, Source.OVERRIDE, episode.contract)
    category = placement_type(episode.place, episode.place_provider)
    contract = episode.contract
    if contract is None and episode.provider is not None:
        contract = _in_force(episode.provider, episode.decom, contracts)
    return _from_contract(contract, category, episode.decom, recorded=episode.weekly_cost)


def _from_contract(contract: Contract | None, category: str, day: dt.date, *, recorded: Decimal) -> Cost:
    if contract is not None:
        price = contract_price(contract, category, day)
        if price is not None:
            return Cost(price, Source.CONTRACT, contract)
    if recorded > 0:
        return Cost(recorded, Source.RECORDED, None)
    return Cost(_reference_cost(category, day), Source.REFERENCE, None)
