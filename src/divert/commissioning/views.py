"""The providers pages: providers by kind, one provider's contracts and children, contracts and
prices for finance, a placement's cost, and spend by provider and contract.

Prices are read by finance, the head of service, analysts and team managers
(``may_read_prices``; a 403 for anyone else) and set by finance (``may_set_prices``). The
children placed with a provider are listed only as far as ``restrict`` lets the reader see
them, each view audited. Views validate input, call a query or an action, and render.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.commissioning import actions, queries
from divert.commissioning.forms import ContractForm, OverrideForm, PeriodForm, PriceForm
from divert.core import audit, concurrency
from divert.core.access import may_read_prices, may_set_prices
from divert.core.downloads import attachment
from divert.core.models import AuditEvent
from divert.core.pages import page_title, signed_in_user
from divert.core.spreadsheet import write_csv


def _reader(request: HttpRequest) -> int:
    """The reader's authority, or a 403 for a role that does not read prices."""
    if not may_read_prices(request.user):
        raise PermissionDenied("Your role does not read providers' prices.")
    return int(request.user.authority_id)  # type: ignore[union-attr,arg-type]  # checked by may_read_prices


def _setter(request: HttpRequest) -> int:
    authority_id = _reader(request)
    if not may_set_prices(request.user):
        raise PermissionDenied("Only finance and commissioning record contracts and prices.")
    return authority_id


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Providers by kind: Ofsted URN, location, current contract, children placed and weekly spend."""
    authority_id = _reader(request)
    day = queries.today()
    groups = queries.by_kind(authority_id, day)
    context = {
        "groups": groups,
        "day": day,
        "can_set": may_set_prices(request.user),
        "page_title": "Providers and prices",
    }
    return render(request, "commissioning/index.html", context)


@require_POST
def reprice(request: HttpRequest) -> HttpResponse:
    """Re-price every open placement from its contract (overrides are kept)."""
    authority_id = _setter(request)
    changed = actions.reprice_open_placements(
        signed_in_user(request), authority_id=authority_id, today=queries.today()
    )
    messages.success(request, f"{changed} placement{'s' if changed != 1 else ''} re-priced from contracts")
    return redirect("commissioning:index")


@require_GET
def provider(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's contracts and prices, and the children placed now that the reader may see."""
    authority_id = _reader(request)
    found = queries.get_provider(authority_id, pk)
    page = queries.provider_page(request.user, found, queries.today())
    for row in page.placed:
        audit.record_view(request.user, row.episode, note=f"Placed with {found.name}")
    context = {
        "provider": found,
        "page": page,
        "can_set": may_set_prices(request.user),
        "page_title": found.name,
    }
    return render(request, "commissioning/provider.html", context)


def _save(
    request: HttpRequest,
    form: Any,
    write: Callable[[], object],
    message: str,
    to: str,
    *args: Any,
    record: Model | None = None,
) -> HttpResponse | None:
    """Run ``write`` for a posted, valid form and redirect with ``message``; ``None`` to show the form.

    The action's refusal is shown on the form. With ``record`` (an edit form) the write runs only
    if the fields the form edits are still as its user saw them (:func:`concurrency.unchanged`).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    if concurrency.saved(form, record, write):
        messages.success(request, message)
        return redirect(to, *args)
    return None


@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _setter(request)
    found = queries.get_provider(authority_id, pk)
    form = ContractForm(request.POST or None)
    done = _save(
        request,
        form,
        lambda: actions.create_contract(signed_in_user(request), provider=found, **form.cleaned_data),
        "The contract has been recorded: now add its prices",
        "commissioning:provider",
        found.pk,
    )
    if done is not None:
        return done
    context = {
        "form": form,
        "provider": found,
        "page_title": page_title(f"Add a contract - {found.name}", form),
    }
    return render(request, "commissioning/contract_form.html", context)


@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _setter(request)
    contract = queries.get_contract(authority_id, pk)
    initial = {
        name: getattr(contract, name)
        for name in ("reference", "kind", "start", "end", "committed_places", "notes")
    }
    form = ContractForm(request.POST or None, initial=initial | concurrency.versioned(contract))
    done = _save(
        request,
        form,
        lambda: actions.update_contract(signed_in_user(request), contract, **form.cleaned_data),
        "The contract has been changed",
        "commissioning:provider",
        contract.provider_id,
        record=contract,
    )
    if done is not None:
        return done
    context = {
        "form": form,
        "provider": contract.provider,
        "contract": contract,
        "page_title": page_title(f"Change contract {contract.reference}", form),
    }
    return render(request, "commissioning/contract_form.html", context, status=concurrency.status(form))


@require_http_methods(["GET", "POST"])
def price_new(request: HttpRequest, pk: int) -> HttpResponse:
    authority_id = _setter(request)
    contract = queries.get_contract(authority_id, pk)
    form = PriceForm(request.POST or None, initial={"from_date": contract.start})
    done = _save(
        request,
        form,
        lambda: actions.add_price(signed_in_user(request), contract=contract, **form.cleaned_data),
        "The price has been added",
        "commissioning:provider",
        contract.provider_id,
    )
    if done is not None:
        return done
    context = {
        "form": form,
        "contract": contract,
        "provider": contract.provider,
        "page_title": page_title(f"Add a price - {contract.reference}", form),
    }
    return render(request, "commissioning/price_form.html", context)


@require_http_methods(["GET", "POST"])
def placement_cost(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one placement's cost by hand with a reason, or put it back to its contract price.

    Putting it back is not checked against what the user saw: doing it twice is harmless.
    """
    authority_id = _setter(request)
    episode = queries.get_episode(request.user, authority_id, pk)
    initial = {"weekly_cost": episode.weekly_cost} | concurrency.versioned(episode)
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "GET":
        audit.record_view(request.user, episode, note="Placement cost")
    if request.method == "POST" and request.POST.get("use_contract"):
        cost = actions.clear_override(signed_in_user(request), episode)
        messages.success(request, f"The placement costs £{cost.weekly:,.2f} a week ({cost.source_label})")
        return redirect("commissioning:provider", episode.provider_id)
    done = _save(
        request,
        form,
        lambda: actions.override_cost(signed_in_user(request), episode, **form.cleaned_data),
        "The placement's cost has been set",
        "commissioning:provider",
        episode.provider_id,
        record=episode,
    )
    if done is not None:
        return done
    context = {
        "form": form,
        "episode": episode,
        "child": episode.child,
        "cost": actions.pricing.cost_for(episode),
        "page_title": page_title(f"Placement cost - {episode.child.full_name}", form),
    }
    return render(request, "commissioning/placement_cost.html", context, status=concurrency.status(form))


def _period(request: HttpRequest) -> tuple[PeriodForm, queries.SpendReport | None]:
    authority_id = _reader(request)
    first, last = queries.default_period(queries.today())
    form = PeriodForm(request.GET or None, initial={"start": first, "end": last})
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    if form.is_bound and not form.is_valid():
        return form, None
    return form, queries.spend_report(authority_id, first, last)


@require_GET
def spend(request: HttpRequest) -> HttpResponse:
    """Spend by provider and contract over a chosen period, with cost and volume places used."""
    form, report = _period(request)
    context = {
        "form": form,
        "report": report,
        "query": request.GET.urlencode(),
        "page_title": page_title("Spend by provider", form),
    }
    return render(request, "commissioning/spend.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def spend_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The spend table as CSV or Excel (every text cell made safe from formula injection)."""
    _form, report = _period(request)
    if report is None:
        return redirect("commissioning:spend")
    audit.record(
        request.user,
        AuditEvent.Action.SEARCH,
        object_type="commissioning",
        note=f"Spend export {report.first:%d/%m/%Y} to {report.last:%d/%m/%Y}",
    )
    name = f"spend-{report.first:%Y%m%d}-{report.last:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return attachment(queries.spend_xlsx(report), XLSX, name)
    header, rows = queries.spend_table(report)
    stream = io.StringIO()
    write_csv(stream, header, rows)
    return attachment(stream.getvalue().encode("utf-8"), "text/csv; charset=utf-8", name)


def spend_csv(request: HttpRequest) -> HttpResponse:
    return spend_download(request, "csv")


def spend_xlsx(request: HttpRequest) -> HttpResponse:
    return spend_download(request, "xlsx")
