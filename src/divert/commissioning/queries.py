"""Reads for the providers pages: the list of providers, one provider, and spend over a period.

Definitions (``docs/providers-and-prices.md`` says them in words):

* **Placed now**: episodes with the provider open on the day (started on or before it and not
  ceased on or before it: DEC is the first day away, as in ``Episode.is_open_on``).
* **Weekly spend now**: the sum of those placements' weekly costs.
* **Spend over a period** (first to last day, both included): for each episode overlapping it,
  weekly cost x days in the period / 7, the days counted from the later of DECOM and the first
  day to the earlier of DEC and the day after the last day. Summed by provider and by the
  contract the placement is linked to ("no contract" for a placement not linked to one).
* **Places used** of a cost and volume contract: the child-days of its placements in the
  period divided by the period's days (the average number of places filled).

Counts and sums are the authority's; the children behind them are listed only as far as
``restrict`` lets the reader see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from divert.care.models import Episode, Provider
from divert.commissioning import pricing
from divert.commissioning.models import Contract
from divert.core.access import restrict
from divert.core.calendar import add_months

PENNY = Decimal("0.01")


def today() -> dt.date:
    return timezone.localdate()


def _open_on(day: dt.date) -> Q:
    return Q(episodes__decom__lte=day) & (Q(episodes__dec__isnull=True) | Q(episodes__dec__gt=day))


def providers(authority_id: int, day: dt.date) -> QuerySet[Provider]:
    """The authority's providers with how many children are placed on ``day`` and their weekly spend."""
    open_now = _open_on(day)
    return (
        Provider.objects.filter(authority_id=authority_id)
        .annotate(
            placed=Count("episodes", filter=open_now), weekly=Sum("episodes__weekly_cost", filter=open_now)
        )
        .order_by("kind", "name")
    )


@dataclass
class KindGroup:
    label: str
    providers: list[Provider]
    placed: int
    weekly: Decimal


def by_kind(authority_id: int, day: dt.date) -> list[KindGroup]:
    """Providers grouped by kind, each with its current contract (``provider.current``)."""
    found = list(providers(authority_id, day))
    contracts = Contract.objects.filter(provider__authority_id=authority_id, start__lte=day).exclude(
        end__lt=day
    )
    current: dict[int, Contract] = {}
    for contract in contracts.order_by("start", "pk"):
        current[contract.provider_id] = contract  # the latest start wins, as pricing.contract_in_force
    groups: dict[str, KindGroup] = {}
    for provider in found:
        provider.current = current.get(provider.pk)  # type: ignore[attr-defined]
        provider.weekly = provider.weekly or Decimal("0")  # type: ignore[attr-defined]
        group = groups.setdefault(provider.kind, KindGroup(provider.get_kind_display(), [], 0, Decimal("0")))
        group.providers.append(provider)
        group.placed += provider.placed  # type: ignore[attr-defined]
        group.weekly += provider.weekly  # type: ignore[attr-defined]
    return list(groups.values())


def get_provider(authority_id: int, pk: int) -> Provider:
    """A provider of the reader's authority, or the same 404 as a missing one."""
    provider = Provider.objects.filter(authority_id=authority_id, pk=pk).first()
    if provider is None:
        raise Http404("No such provider")
    return provider


def get_contract(authority_id: int, pk: int) -> Contract:
    contract = (
        Contract.objects.select_related("provider").filter(provider__authority_id=authority_id, pk=pk).first()
    )
    if contract is None:
        raise Http404("No such contract")
    return contract


@dataclass
class Placed:
    episode: Episode
    cost: pricing.Cost


@dataclass
class ProviderPage:
    contracts: list[Contract]
    placed: list[Placed]
    hidden: int
    total_placed: int
    weekly: Decimal


def provider_page(user: object, provider: Provider, day: dt.date) -> ProviderPage:
    """A provider's contracts with their prices, and the children placed on ``day`` the reader may see."""
    contracts = list(provider.contracts.prefetch_related("prices").order_by("-start", "pk"))
    by_pk = {c.pk: c for c in contracts}
    open_now = Episode.objects.filter(provider=provider, decom__lte=day).exclude(dec__lte=day)
    total = open_now.count()
    weekly = open_now.aggregate(s=Sum("weekly_cost"))["s"] or Decimal("0")
    visible = list(restrict(open_now, user).select_related("child").order_by("decom"))
    for e in visible:  # the provider's own contracts, with their prices already fetched
        e.provider = provider
        e.contract = by_pk.get(e.contract_id) if e.contract_id else None
    placed = [Placed(e, pricing.cost_for(e, contracts=contracts)) for e in visible]
    return ProviderPage(contracts, placed, total - len(placed), total, weekly)


def get_episode(user: object, authority_id: int, pk: int) -> Episode:
    """A placement with one of the authority's providers that the reader may see, else a 404."""
    found = (
        restrict(Episode.objects.all(), user)
        .select_related("child", "provider", "contract")
        .filter(pk=pk, provider__authority_id=authority_id)
        .first()
    )
    if found is None:
        raise Http404("No such placement")
    return found


# --- Spend --------------------------------------------------------------------------------------


def default_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve whole months before ``day``'s month."""
    first_of_month = day.replace(day=1)
    return add_months(first_of_month, -12), first_of_month - dt.timedelta(days=1)


def days_in_period(decom: dt.date, dec: dt.date | None, first: dt.date, last: dt.date) -> int:
    """Days of a placement inside ``first``..``last`` (both included); DEC is the first day away."""
    start = max(decom, first)
    stop = min(dec, last + dt.timedelta(days=1)) if dec is not None else last + dt.timedelta(days=1)
    return max(0, (stop - start).days)


def spend(weekly_cost: Decimal, days: int) -> Decimal:
    """Weekly cost x days / 7, to the penny."""
    return (weekly_cost * days / 7).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class SpendRow:
    provider: Provider
    contract: Contract | None
    placements: int = 0
    days: int = 0
    spend: Decimal = Decimal("0")

    @property
    def places_used(self) -> Decimal | None:
        return None if self.period_days == 0 else Decimal(self.days) / self.period_days

    period_days: int = 0


@dataclass
class SpendReport:
    first: dt.date
    last: dt.date
    rows: list[SpendRow] = field(default_factory=list)
    total: Decimal = Decimal("0")

    @property
    def period_days(self) -> int:
        return (self.last - self.first).days + 1


def spend_report(authority_id: int, first: dt.date, last: dt.date) -> SpendReport:
    """Spend by provider and contract over ``first``..``last``, from episodes' weekly costs x days."""
    report = SpendReport(first, last)
    overlapping = (
        Episode.objects.filter(provider__authority_id=authority_id, decom__lte=last)
        .filter(Q(dec__isnull=True) | Q(dec__gt=first))
        .select_related("provider", "contract")
        .only("decom", "dec", "weekly_cost", "provider", "contract")
    )
    rows: dict[tuple[int | None, int | None], SpendRow] = {}
    sums: dict[tuple[int | None, int | None], Decimal] = defaultdict(Decimal)
    for episode in overlapping.iterator(chunk_size=2000):
        days = days_in_period(episode.decom, episode.dec, first, last)
        if days == 0:
            continue
        key = (episode.provider_id, episode.contract_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SpendRow(episode.provider, episode.contract, period_days=report.period_days)  # type: ignore[arg-type]
        row.placements += 1
        row.days += days
        sums[key] += episode.weekly_cost * days
    for key, row in rows.items():
        row.spend = (sums[key] / 7).quantize(PENNY, rounding=ROUND_HALF_UP)
    report.rows = sorted(rows.values(), key=lambda r: (r.provider.name, r.contract is None, str(r.contract)))
    report.total = sum((r.spend for r in report.rows), Decimal("0"))
    return report


def spend_table(report: SpendReport) -> tuple[list[str], list[list[object]]]:
    """The spend report as a header and rows for a download."""
    header = [
        "Provider",
        "Provider type",
        "Contract",
        "Contract type",
        "Committed places",
        "Average places used",
        "Placements",
        "Days",
        "Spend (£)",
    ]
    rows: list[list[object]] = []
    for r in report.rows:
        committed = r.contract.committed_places if r.contract else None
        used = r.places_used if committed else None
        rows.append(
            [
                r.provider.name,
                r.provider.get_kind_display(),
                r.contract.reference if r.contract else "No contract",
                r.contract.get_kind_display() if r.contract else "",
                committed or "",
                float(used.quantize(Decimal("0.1"))) if used is not None else "",
                r.placements,
                r.days,
                float(r.spend),
            ]
        )
    return header, rows


def spend_xlsx(report: SpendReport) -> bytes:
    """The spend table as an Excel workbook: text written as text (never a formula), numbers as numbers."""
    import io

    import xlsxwriter

    from divert.core.spreadsheet import safe_cell

    header, rows = spend_table(report)
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(
        stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("Spend")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "£#,##0.00"})
    sheet.write_string(0, 0, f"Spend by provider, {report.first:%-d %B %Y} to {report.last:%-d %B %Y}", bold)
    for c, name in enumerate(header):
        sheet.write_string(2, c, name, bold)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value, money if c == len(row) - 1 else None)
            else:
                sheet.write_string(r, c, str(safe_cell(value)))
    sheet.write_string(len(rows) + 3, 0, "Total", bold)
    sheet.write_number(len(rows) + 3, len(header) - 1, float(report.total), money)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 3, 22)
    book.close()
    return stream.getvalue()
