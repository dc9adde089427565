"""`divert synth` builds a deterministic synthetic authority and will not overwrite a register by accident."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from divert.care.models import Episode
from divert.core.models import AuditEvent, Authority, Benchmark, PopulationEstimate, UnitCost, User
from divert.frontdoor.models import Referral
from divert.people.models import Allocation, Child, Team
from divert.synth import names
from divert.synth.load import register_digest
from tests.conftest import World
from tests.synth.helpers import SMALL

pytestmark = pytest.mark.django_db

TEAM_NAMES = {
    "MASH": "mash",
    "Assessment": "assessment",
    "Children in need": "cin",
    "Children in care North": "cla",
    "Children in care South": "cla",
    "Leaving care": "leaving_care",
    "Fostering and adoption": "fostering",
    "Early help": "early_help",
}


def invented_first_name(name: str) -> bool:
    return any(name.startswith(s) and name[len(s) :] in FIRST_ENDS for s in names.FIRST_START)


def invented_surname(name: str) -> bool:
    return any(name.startswith(s) and name[len(s) :] in names.SURNAME_END for s in names.SURNAME_START)


FIRST_ENDS = set(names.FIRST_END_F) | set(names.FIRST_END_M)


def synth(*args: str) -> str:
    out = StringIO()
    call_command("synth", *SMALL, *args, stdout=out)
    return out.getvalue()


def test_the_same_seed_and_options_build_the_same_register_and_another_seed_does_not() -> None:
    synth("--seed", "7")
    first = register_digest()
    synth("--seed", "7", "--flush")
    assert register_digest() == first
    synth("--seed", "8", "--flush")
    assert register_digest() != first


def test_synth_refuses_a_register_that_already_holds_children(world: World) -> None:
    with pytest.raises(CommandError, match="--flush"):
        synth()
    assert Child.objects.filter(pk=world.child_north.pk).exists()


def test_synth_if_empty_leaves_a_register_that_already_holds_children_alone(world: World) -> None:
    before = register_digest()
    assert "nothing to do" in synth("--if-empty")
    assert register_digest() == before


def test_synth_if_empty_builds_an_empty_register() -> None:
    synth("--if-empty")
    assert Child.objects.exists() and Episode.objects.exists()


def test_synth_with_flush_replaces_the_register_but_keeps_users_and_authorities(world: World) -> None:
    synth("--flush")
    assert not Child.objects.filter(pk=world.child_north.pk).exists()
    flush = AuditEvent.objects.get(action="delete", object_type="register")
    assert "3 children" in flush.note
    alice = User.objects.get(username="alice")
    assert alice.team is None and alice.authority == world.authority
    assert Authority.objects.get(code="E06000026").name == "Plymouth (synthetic)"


def test_synth_prints_a_summary_and_records_one_load_event_per_authority() -> None:
    output = synth("--authorities", "2")
    assert "2 authorities" in output and "in care at 31 March 2025" in output and "seconds" in output
    loads = AuditEvent.objects.filter(action=AuditEvent.Action.LOAD)
    assert loads.count() == 2
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.LOAD).count() == 0
    assert set(Authority.objects.values_list("la_number", flat=True)) >= {879}


def test_each_authority_has_the_named_teams_reference_data_and_fictitious_people() -> None:
    synth()
    authority = Authority.objects.get(code="E06000026")
    assert dict(Team.objects.filter(authority=authority).values_list("name", "kind")) == TEAM_NAMES
    years = set(PopulationEstimate.objects.filter(authority=authority).values_list("year", flat=True))
    assert {2022, 2023, 2024, 2025} <= years
    assert Benchmark.objects.get(indicator="cla_rate_per_10k", scope="england", year=2025).value == 67
    assert UnitCost.objects.filter(placement_type="ifa").exists()
    for first, last in Child.objects.values_list("first_name", "last_name"):
        assert invented_first_name(first) and invented_surname(last), (first, last)


def test_every_child_in_care_today_has_an_open_allocation_in_a_children_in_care_team() -> None:
    synth()
    in_care = set(Episode.objects.filter(dec__isnull=True).values_list("child_id", flat=True))
    allocated = set(
        Allocation.objects.filter(end__isnull=True, team__kind="cla").values_list("child_id", flat=True)
    )
    assert in_care and in_care <= allocated
    open_cases = set(Referral.objects.filter(closed__isnull=True).values_list("child_id", flat=True))
    any_open = set(Allocation.objects.filter(end__isnull=True).values_list("child_id", flat=True))
    assert len(open_cases - any_open) <= 0.02 * len(open_cases)
    for name in ("Children in care North", "Children in care South"):
        workers = Allocation.objects.filter(team__name=name, end__isnull=True, worker__active=True)
        assert workers.values("worker").distinct().count() >= 2


def test_today_and_years_set_the_window() -> None:
    synth()
    assert not Referral.objects.filter(date__gt=dt.date(2025, 11, 23)).exists()
    assert Referral.objects.filter(date__gte=dt.date(2025, 4, 1)).exists()
    assert not Referral.objects.exclude(closed__isnull=True).filter(closed__gt=dt.date(2025, 11, 23)).exists()


def test_bad_options_are_refused_with_a_message() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("synth", "--today", "23/11/2025")
    with pytest.raises(CommandError, match="authorities"):
        call_command("synth", "--authorities", "0", "--today", "2025-11-23")
