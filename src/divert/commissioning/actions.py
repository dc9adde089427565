"""Every write about contracts and prices, and the re-pricing of placements from them.

Each action runs in one transaction with its audit rows; a write that breaks a rule is
refused with a ``ValidationError`` keyed by the form's field names and writes nothing. A
placement's cost is never typed over silently: it is either its contract's price
(``pricing.cost_for``) or an override that says why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from divert.care.models import Episode, Provider
from divert.commissioning import pricing
from divert.commissioning.models import Contract, ContractPrice
from divert.core.actions import Problems, audited_create, audited_update, lock, refuse
from divert.core.codes import PLACEMENT_CATEGORIES

if TYPE_CHECKING:
    from divert.core.models import User


def _by(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _contract_problems(
    provider: Provider,
    reference: str,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    committed_places: int | None,
    contract: Contract | None = None,
) -> Problems:
    problems: Problems = {}
    if not reference.strip():
        problems["reference"] = "Enter the contract reference"
    else:
        same = Contract.objects.filter(provider=provider, reference=reference.strip())
        if contract is not None:
            same = same.exclude(pk=contract.pk)
        if same.exists():
            problems["reference"] = f"{provider.name} already has a contract {reference.strip()}"
    if kind not in Contract.Kind.values:
        problems["kind"] = "Choose the contract type"
    if end is not None and end < start:
        problems["end"] = "The end date must be on or after the start date"
    if kind == Contract.Kind.COST_AND_VOLUME and not committed_places:
        problems["committed_places"] = "Enter how many places a cost and volume contract commits to"
    elif kind != Contract.Kind.COST_AND_VOLUME and committed_places:
        problems["committed_places"] = "Only a cost and volume contract commits to places"
    return problems


@transaction.atomic
def create_contract(
    actor: User | None,
    *,
    provider: Provider,
    reference: str,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    committed_places: int | None = None,
    notes: str = "",
) -> Contract:
    """Record a contract with ``provider``; its prices are added one by one after."""
    refuse(_contract_problems(provider, reference, kind, start, end, committed_places))
    contract = Contract(
        provider=provider,
        reference=reference.strip(),
        kind=kind,
        start=start,
        end=end,
        committed_places=committed_places if kind == Contract.Kind.COST_AND_VOLUME else None,
        notes=notes.strip(),
        created_by=_by(actor),
    )
    return audited_create(actor, contract)


@transaction.atomic
def update_contract(
    actor: User | None,
    contract: Contract,
    *,
    reference: str,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    committed_places: int | None = None,
    notes: str = "",
) -> Contract:
    """Change a contract's terms (its prices keep their own dates)."""
    lock(contract)
    refuse(_contract_problems(contract.provider, reference, kind, start, end, committed_places, contract))
    changes = {
        "reference": reference.strip(),
        "kind": kind,
        "start": start,
        "end": end,
        "committed_places": committed_places if kind == Contract.Kind.COST_AND_VOLUME else None,
        "notes": notes.strip(),
    }
    return audited_update(actor, contract, changes)


@transaction.atomic
def add_price(
    actor: User | None, *, contract: Contract, placement: str, weekly_price: Decimal, from_date: dt.date
) -> ContractPrice:
    """Add a weekly price for one placement type from a date (a rise is a new price, not an edit)."""
    problems: Problems = {}
    if placement not in PLACEMENT_CATEGORIES:
        problems["placement"] = "Choose the placement type"
    if weekly_price < 0:
        problems["weekly_price"] = "The weekly price cannot be negative"
    if from_date < contract.start or (contract.end is not None and from_date > contract.end):
        problems["from_date"] = "The price must start within the contract's dates"
    elif ContractPrice.objects.filter(contract=contract, placement=placement, from_date=from_date).exists():
        problems["from_date"] = "This contract already has a price for that type from that date"
    refuse(problems)
    price = ContractPrice(
        contract=contract, placement=placement, weekly_price=weekly_price, from_date=from_date
    )
    return audited_create(actor, price, note=f"Price for contract {contract.reference}")


def _apply(
    actor: User | None, episode: Episode, cost: Decimal, contract: Contract | None, reason: str
) -> bool:
    changes = {"weekly_cost": cost, "contract": contract, "cost_override_reason": reason}
    if all(getattr(episode, name) == value for name, value in changes.items()):
        return False
    audited_update(actor, episode, changes, note="Placement cost")
    return True


@transaction.atomic
def reprice_placement(actor: User | None, episode: Episode) -> pricing.Cost:
    """Set a placement's cost from its contract (``pricing.cost_for``); an override is kept.

    A placement with no contract price keeps its recorded cost. Returns the cost it now has.
    """
    lock(episode)
    cost = pricing.cost_for(episode)
    if cost.source == pricing.Source.CONTRACT:
        _apply(actor, episode, cost.weekly, cost.contract, "")
    return cost


@transaction.atomic
def override_cost(actor: User | None, episode: Episode, *, weekly_cost: Decimal, reason: str) -> Episode:
    """Set a placement's weekly cost by hand: allowed only with a reason, which is kept and audited."""
    lock(episode)
    problems: Problems = {}
    if weekly_cost is None or weekly_cost < 0:
        problems["weekly_cost"] = "Enter a weekly cost of £0 or more"
    if not reason.strip():
        problems["reason"] = "Say why this placement's cost differs from the contract"
    refuse(problems)
    contract = episode.contract
    if contract is None and episode.provider is not None:
        contract = pricing.contract_in_force(episode.provider, episode.decom)
    _apply(actor, episode, weekly_cost, contract, reason.strip())
    return episode


@transaction.atomic
def clear_override(actor: User | None, episode: Episode) -> pricing.Cost:
    """Drop a placement's override so its contract prices it again."""
    lock(episode)
    if episode.cost_override_reason:
        audited_update(actor, episode, {"cost_override_reason": ""}, note="Override removed")
    return reprice_placement(actor, episode)


@transaction.atomic
def reprice_open_placements(actor: User | None, *, authority_id: int, today: dt.date) -> int:
    """Re-price every placement open on ``today`` with one of the authority's providers.

    All or nothing; each changed placement has its own audit row. Overrides are kept.
    Returns how many placements changed.
    """
    open_now = (
        Episode.objects.filter(provider__authority_id=authority_id, decom__lte=today)
        .exclude(dec__lte=today)
        .filter(cost_override_reason="")
        .select_related("provider", "contract")
        .select_for_update(of=("self",))
    )
    changed = 0
    for episode in open_now:
        cost = pricing.cost_for(episode)
        if cost.source == pricing.Source.CONTRACT:
            changed += _apply(actor, episode, cost.weekly, cost.contract, "")
    return changed
