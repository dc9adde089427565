"""The synthetic authority's providers' contracts and prices (issue 8).

Runs after the register is written (``load.write_authority``), inside its transaction, from a
random stream of its own so the rest of the authority is untouched.

Every independent provider (PR4/PR5) gets a contract: a framework for the fostering agencies,
cost and volume for the two children's homes with most children placed now, a spot
arrangement for the rest. A contract's price for each placement type it is used for is the
median weekly cost of its current placements of that type (to the nearest £5), from the
start of this financial year, with last year's price 4% lower before it. Current placements
are then priced from their contract as ``commissioning.pricing.cost_for`` would, except a few
(about 1 in 12, and every one costing over one and a half times the price) that keep their
cost as an override with a reason. Earlier placements are linked to the contract in force
when they began, with their recorded costs kept. Providers' locations are recorded from
their postcodes (see ``_location``).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from divert.care.models import Episode, Provider
from divert.commissioning.models import Contract, ContractPrice
from divert.core.codes import placement_category
from divert.core.models import Authority
from divert.synth.timeline import Window

OVERRIDE_SHARE = 1 / 12
OVERRIDE_ABOVE = Decimal("1.5")
YEARLY_RISE = Decimal("1.04")
REASONS = (
    "Agreed 2:1 staffing while the placement settles",
    "Enhanced package for complex health needs",
    "Solo placement agreed by the resource panel",
    "Transport to school out of area included",
    "Price agreed before the contract, honoured until the placement's review",
)


def _april(day: dt.date) -> dt.date:
    """The 1 April that starts ``day``'s financial year."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _pounds(value: float) -> Decimal:
    """To the nearest £5."""
    return (Decimal(str(value)) / 5).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 5


def _area(postcode: str) -> str:
    return postcode.split(" ")[0].rstrip("0123456789") if postcode else ""


def _location(provider: Provider, outward: set[str], areas: set[str]) -> str:
    """Where a provider is, from postcodes alone (the ONS coordinates are not read for this step):
    in the authority when its postcode district is one the authority's children live in (or it
    is the council's own), within 20 miles when it shares their postcode area, else further."""
    district = provider.postcode.split(" ")[0] if provider.postcode else ""
    if provider.place_provider == "PR1" or district in outward:
        return Provider.Location.IN_AUTHORITY
    if _area(provider.postcode) in areas:
        return Provider.Location.WITHIN_20_MILES
    return Provider.Location.FURTHER


def _record_locations(authority: Authority, providers: list[Provider]) -> None:
    homes = set(
        Episode.objects.filter(child__authority=authority)
        .exclude(home_post="")
        .values_list("home_post", flat=True)
    )
    outward = {p.split(" ")[0] for p in homes}
    areas = {_area(p) for p in homes}
    for provider in providers:
        provider.location = _location(provider, outward, areas)
    Provider.objects.bulk_update(providers, ["location"])


def _kinds(providers: list[Provider], placed_now: dict[int, int]) -> dict[int, str]:
    homes = sorted(
        (p for p in providers if p.kind == Provider.Kind.CHILDRENS_HOME),
        key=lambda p: (-placed_now[p.pk], p.pk),
    )
    cost_and_volume = {p.pk for p in homes[:2] if placed_now[p.pk] > 0}
    kinds: dict[int, str] = {}
    for p in providers:
        if p.kind == Provider.Kind.FOSTERING_AGENCY:
            kinds[p.pk] = Contract.Kind.FRAMEWORK
        elif p.pk in cost_and_volume:
            kinds[p.pk] = Contract.Kind.COST_AND_VOLUME
        else:
            kinds[p.pk] = Contract.Kind.SPOT
    return kinds


def add_contracts(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write providers' contracts and prices for ``authority``, and price its placements from them."""
    providers = list(Provider.objects.filter(authority=authority).order_by("pk"))
    if not providers:
        return
    _record_locations(authority, providers)
    independent = [p for p in providers if p.place_provider in {"PR4", "PR5"}]
    today = window.today
    episodes = list(
        Episode.objects.filter(provider__in=independent).only(
            "pk", "provider_id", "place", "place_provider", "decom", "dec", "weekly_cost"
        )
    )
    current = [e for e in episodes if e.is_open_on(today)]
    placed_now: dict[int, int] = defaultdict(int)
    costs: dict[tuple[int, str], list[float]] = defaultdict(list)
    for e in current:
        placed_now[e.provider_id] += 1  # type: ignore[index]
        costs[(e.provider_id, placement_category(e.place, e.place_provider))].append(float(e.weekly_cost))  # type: ignore[index]
    earliest: dict[int, dt.date] = {}
    for e in episodes:
        pid = int(e.provider_id)  # type: ignore[arg-type]
        earliest[pid] = min(earliest.get(pid, e.decom), e.decom)
    kinds = _kinds(independent, placed_now)
    contracts = _write_contracts(independent, kinds, placed_now, earliest, window)
    prices = _write_prices(contracts, costs, today)
    _price_placements(episodes, current, contracts, prices, rng)


def _write_contracts(
    providers: list[Provider],
    kinds: dict[int, str],
    placed_now: dict[int, int],
    earliest: dict[int, dt.date],
    window: Window,
) -> dict[int, Contract]:
    """Frameworks from the history's first April, cost and volume for three years from two
    Aprils ago, spot arrangements from the provider's first placement."""
    this_year = _april(window.today)
    contracts = []
    for p in providers:
        kind = kinds[p.pk]
        starts: dict[str, dt.date] = {
            Contract.Kind.FRAMEWORK: _april(window.start),
            Contract.Kind.COST_AND_VOLUME: dt.date(this_year.year - 2, 4, 1),
            Contract.Kind.SPOT: _april(earliest.get(p.pk, window.start)),
        }
        contracts.append(
            Contract(
                provider=p,
                reference={"framework": "IFA-FW", "cost_and_volume": "CV", "spot": "SPOT"}[kind]
                + f"-{p.pk:04d}",
                kind=kind,
                start=starts[kind],
                end=dt.date(this_year.year + 3, 3, 31) if kind == Contract.Kind.COST_AND_VOLUME else None,
                committed_places=placed_now[p.pk] + 1 if kind == Contract.Kind.COST_AND_VOLUME else None,
                notes="Regional fostering framework" if kind == Contract.Kind.FRAMEWORK else "",
            )
        )
    Contract.objects.bulk_create(contracts)
    return {c.provider_id: c for c in contracts}


def _write_prices(
    contracts: dict[int, Contract], costs: dict[tuple[int, str], list[float]], today: dt.date
) -> dict[tuple[int, str], list[tuple[dt.date, Decimal]]]:
    """Last year's price from the contract's start, this year's from 1 April: (from, price) newest first."""
    this_year = _april(today)
    rows, prices = [], {}
    for (provider_id, category), values in sorted(costs.items()):
        contract = contracts[provider_id]
        now = _pounds(statistics.median(values))
        before = _pounds(float(now / YEARLY_RISE))
        steps = [(this_year, now)]
        if contract.start < this_year:
            steps.append((contract.start, before))
        prices[(provider_id, category)] = steps
        rows += [
            ContractPrice(contract=contract, placement=category, weekly_price=p, from_date=d)
            for d, p in steps
        ]
    ContractPrice.objects.bulk_create(rows)
    return prices


def _price_placements(
    episodes: list[Episode],
    current: list[Episode],
    contracts: dict[int, Contract],
    prices: dict[tuple[int, str], list[tuple[dt.date, Decimal]]],
    rng: random.Random,
) -> None:
    """Link each placement to its contract; price the current ones from it, a few overridden."""
    changed = []
    for e in current:
        contract = contracts[e.provider_id]  # type: ignore[index]
        steps = prices.get((e.provider_id, placement_category(e.place, e.place_provider)), [])  # type: ignore[arg-type]
        price = next((p for d, p in steps if d <= e.decom), None)
        if price is None or e.decom < contract.start:
            continue
        e.contract = contract
        if e.weekly_cost > price * OVERRIDE_ABOVE or rng.random() < OVERRIDE_SHARE:
            e.cost_override_reason = rng.choice(REASONS)
        else:
            e.weekly_cost = price
        changed.append(e)
    Episode.objects.bulk_update(changed, ["contract", "weekly_cost", "cost_override_reason"], batch_size=500)
    for provider_id, contract in contracts.items():
        ended = Episode.objects.filter(provider_id=provider_id, decom__gte=contract.start, dec__isnull=False)
        if contract.end is not None:
            ended = ended.filter(decom__lte=contract.end)
        ended.update(contract=contract)
