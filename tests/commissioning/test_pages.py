"""The providers pages as finance, managers and analysts use them: lists, forms and their errors, spend."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from divert.care.models import Episode
from divert.commissioning.models import Contract, ContractPrice
from divert.core.concurrency import versioned
from divert.core.models import AuditEvent
from tests.commissioning.conftest import IFA, D, agency, framework, placement
from tests.conftest import World


def _signed_in(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def test_the_index_lists_providers_by_kind_with_contract_children_and_weekly_spend(
    client: Client, world: World
) -> None:
    harbour = agency(world)
    framework(harbour)
    agency(world, "Hill Lodge", kind="childrens_home", ofsted_urn="SC999999", location="in_authority")
    placement(world.child_north, harbour, D(2025, 5, 1), weekly_cost=Decimal("900"))
    placement(world.child_south, harbour, D(2025, 6, 1), weekly_cost=Decimal("850.50"))
    page = _signed_in(client, world, "ana").get(reverse("commissioning:index")).content.decode()
    assert "Independent fostering agency" in page and "Children&#x27;s home" in page
    assert "SC123456" in page and "Within 20 miles" in page and "In the authority" in page
    assert "Framework" in page and "None in force" in page
    # Two children placed with Harbour: £900 + £850.50 = £1,750.50 a week.
    assert "£1,750.50" in page
    assert "Re-price placements" not in page  # the analyst reads; only finance re-prices


def test_the_index_reads_a_fixed_number_of_queries(client: Client, world: World) -> None:
    _signed_in(client, world, "fin")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("commissioning:index"))
        return len(queries)

    framework(agency(world))
    one = count()
    framework(agency(world, "Other Fostering"), reference="FW-2")
    placement(world.child_north, agency(world, "Third Fostering"), D(2025, 5, 1))
    assert count() == one


def test_the_provider_page_lists_only_the_children_the_reader_may_see(client: Client, world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    placement(world.child_north, harbour, D(2025, 5, 1), weekly_cost=Decimal("900"))
    placement(
        world.child_south, harbour, D(2025, 6, 1), weekly_cost=Decimal("1300"), cost_override_reason="2:1"
    )
    page = (
        _signed_in(client, world, "tom")
        .get(reverse("commissioning:provider", args=[harbour.pk]))
        .content.decode()
    )
    assert "Ava Northam" in page and "Sid Southey" not in page
    assert "1 more child placed here is not yours to see" in page
    assert "FW-1: Framework" in page and "£850.00" in page and "£900.00" in page
    assert AuditEvent.objects.filter(action="view", child_id=world.child_north.pk).count() == 1
    assert not AuditEvent.objects.filter(action="view", child_id=world.child_south.pk).exists()


def test_finance_records_a_contract_and_its_price(client: Client, world: World) -> None:
    harbour = agency(world)
    _signed_in(client, world, "fin")
    response = client.post(
        reverse("commissioning:contract_new", args=[harbour.pk]),
        {"reference": "CV-9", "kind": "cost_and_volume", "start": "01/04/2025", "committed_places": "3"},
    )
    assert response.status_code == 302
    contract = Contract.objects.get(reference="CV-9")
    assert (contract.kind, contract.committed_places) == ("cost_and_volume", 3)
    response = client.post(
        reverse("commissioning:price_new", args=[contract.pk]),
        {"placement": IFA, "weekly_price": "875.50", "from_date": "01/04/2025"},
    )
    assert response.status_code == 302
    assert ContractPrice.objects.get(contract=contract).weekly_price == Decimal("875.50")


def test_the_contract_form_shows_each_error_beside_its_field(client: Client, world: World) -> None:
    harbour = agency(world)
    _signed_in(client, world, "fin")
    response = client.post(
        reverse("commissioning:contract_new", args=[harbour.pk]), {"reference": "", "committed_places": "x"}
    )
    form = response.context["form"]
    assert form.errors == {
        "reference": ["Enter the contract reference"],
        "kind": ["Choose the contract type"],
        "start": ["Enter the start date"],
        "committed_places": ["Enter the committed places as a whole number"],
    }
    assert response.context["page_title"].startswith("Error: ")
    refused = client.post(
        reverse("commissioning:contract_new", args=[harbour.pk]),
        {"reference": "CV-1", "kind": "cost_and_volume", "start": "01/04/2025"},
    )
    assert refused.context["form"].errors == {
        "committed_places": ["Enter how many places a cost and volume contract commits to"]
    }


def test_the_price_form_shows_each_error_beside_its_field(client: Client, world: World) -> None:
    contract = framework(agency(world))
    _signed_in(client, world, "fin")
    response = client.post(
        reverse("commissioning:price_new", args=[contract.pk]),
        {"placement": "", "weekly_price": "-5", "from_date": ""},
    )
    assert response.context["form"].errors == {
        "placement": ["Choose the placement type"],
        "weekly_price": ["The weekly price cannot be negative"],
        "from_date": ["Enter the date the price applies from"],
    }


def test_an_override_without_a_reason_is_refused_beside_the_reason(client: Client, world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(world.child_north, harbour, D(2025, 5, 1))
    _signed_in(client, world, "fin")
    url = reverse("commissioning:placement_cost", args=[e.pk])
    response = client.post(url, {"weekly_cost": "1300", "reason": ""} | versioned(e))
    assert response.context["form"].errors == {
        "reason": ["Say why this placement's cost differs from the contract"]
    }
    client.post(url, {"weekly_cost": "1300", "reason": "Solo placement"} | versioned(e))
    e.refresh_from_db()
    assert (e.weekly_cost, e.cost_override_reason) == (Decimal("1300"), "Solo placement")
    client.post(url, {"use_contract": "1"})
    e.refresh_from_db()
    assert (e.weekly_cost, e.cost_override_reason) == (Decimal("900"), "")


def test_finance_re_prices_placements_from_contracts(client: Client, world: World) -> None:
    harbour = agency(world)
    framework(harbour)
    e = placement(world.child_north, harbour, D(2025, 5, 1), weekly_cost=Decimal("820"))
    response = _signed_in(client, world, "fin").post(reverse("commissioning:reprice"), follow=True)
    assert "1 placement re-priced from contracts" in response.content.decode()
    assert Episode.objects.get(pk=e.pk).weekly_cost == Decimal("900")


def test_the_spend_page_and_its_download(client: Client, world: World) -> None:
    harbour = agency(world)
    contract = framework(harbour)
    # £840 x 30 days / 7 = £3,600.00 in April 2025.
    placement(world.child_north, harbour, D(2025, 1, 1), weekly_cost=Decimal("840"), contract=contract)
    _signed_in(client, world, "hos")
    period = {"start": "01/04/2025", "end": "30/04/2025"}
    page = client.get(reverse("commissioning:spend"), period).content.decode()
    assert "£3,600.00 from 1 Apr 2025 to 30 Apr 2025" in page
    download = client.get(reverse("commissioning:spend_csv"), period)
    assert download["Content-Disposition"] == 'attachment; filename="spend-20250401-20250430.csv"'
    lines = download.content.decode().splitlines()
    assert lines[1] == "Harbour Fostering,Independent fostering agency,FW-1,Framework,,,1,30,3600.0"


def test_the_spend_period_must_run_forwards(client: Client, world: World) -> None:
    response = _signed_in(client, world, "fin").get(
        reverse("commissioning:spend"), {"start": "30/04/2025", "end": "01/04/2025"}
    )
    assert response.context["form"].errors == {"end": ["The last day must be on or after the first day"]}
    assert response.context["report"] is None


def test_the_spend_excel_download_keeps_text_as_text(client: Client, world: World) -> None:
    harbour = agency(world, "=CMD()")
    placement(world.child_north, harbour, D(2025, 1, 1), weekly_cost=Decimal("840"))
    download = _signed_in(client, world, "fin").get(
        reverse("commissioning:spend_xlsx"), {"start": "01/04/2025", "end": "30/04/2025"}
    )
    assert download["Content-Disposition"] == 'attachment; filename="spend-20250401-20250430.xlsx"'
    with zipfile.ZipFile(io.BytesIO(download.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "'=CMD()" in strings and "<f>" not in sheet  # the name is text, and no cell is a formula
    assert sheet.count("<v>3600</v>") == 2  # the row and the total: 840 x 30 / 7


def test_the_provider_page_reads_a_fixed_number_of_queries(client: Client, world: World) -> None:
    """Pricing more placements costs no more reads (contracts and prices are read once);
    each child listed adds only its audit row."""
    harbour = agency(world)
    framework(harbour)
    _signed_in(client, world, "fin")

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("commissioning:provider", args=[harbour.pk]))
        return sum(1 for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT"))

    placement(world.child_north, harbour, D(2025, 5, 1))
    one = reads()
    placement(world.child_south, harbour, D(2025, 6, 1))
    assert reads() == one
