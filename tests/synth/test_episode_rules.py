"""The generated episodes keep the SSDA903 rules, with valid codes and real postcodes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from divert.care.models import AdoptionRecord, Episode, Provider
from divert.carers.models import FosterHousehold
from divert.people.models import Child
from divert.synth.authorities import choose
from divert.synth.generate import generate
from divert.synth.postcodes import known_postcodes, load_books
from divert.synth.records import AuthorityData
from divert.synth.timeline import Window
from tests.synth.helpers import SMALL, Ep, broken_rules


@pytest.fixture(scope="module")
def data() -> AuthorityData:
    spec = choose(1, 8000, seed=3)[0]
    books = load_books({spec.code: (spec.areas, spec.postcodes)})
    return generate(spec, books[spec.code], 3, Window.for_today(dt.date(2025, 11, 23), 5))


def _ep(e: Any, child: object, dob: dt.date) -> Ep:
    """One episode, from the generator's records or the register's rows (same field names)."""
    return Ep(
        child,
        dob,
        e.decom,
        e.dec,
        e.rne,
        e.ls,
        e.place,
        e.place_provider,
        e.rec,
        e.reason_place_change,
        e.pl_post,
    )


def _episodes(data: AuthorityData) -> list[Ep]:
    return [_ep(e, e.child, data.children[e.child].dob) for e in data.episodes]


def test_generated_episodes_chain_without_overlaps_and_with_valid_codes(data: AuthorityData) -> None:
    assert len(data.episodes) > 1000
    assert broken_rules(_episodes(data)) == []


def test_generated_episodes_use_every_kind_of_new_episode_and_leaving(data: AuthorityData) -> None:
    assert {e.rne for e in data.episodes} == {"S", "L", "P", "T", "U", "B"}
    recs = {e.rec for e in data.episodes}
    assert {"X1", "E11", "E12", "E4A", "E13", "E45", "E17", "E5", "E41"} <= recs
    assert {e.ls for e in data.episodes} >= {"V2", "C1", "C2", "E1", "L1", "L2", "J1"}


def test_adopted_children_were_placed_for_adoption_and_have_adoption_steps(data: AuthorityData) -> None:
    adopted = {e.child for e in data.episodes if e.rec in {"E11", "E12"}}
    records = {a.child: a for a in data.adoptions}
    assert adopted
    for child in adopted:
        last = max((e for e in data.episodes if e.child == child), key=lambda e: e.decom)
        assert last.place in {"A5", "A6"}
        record = records[child]
        assert record.decision <= record.matched <= record.placed <= last.dec


def test_every_postcode_is_a_real_one(data: AuthorityData) -> None:
    used = {e.home_post for e in data.episodes} | {e.pl_post for e in data.episodes}
    used |= {c.home_postcode for c in data.children} | {p.postcode for p in data.providers}
    used |= {h.postcode for h in data.households}
    assert used - known_postcodes(used) == set()


def test_unaccompanied_children_are_a_few_percent_of_those_who_come_into_care(data: AuthorityData) -> None:
    starters = {e.child for e in data.episodes if e.rne == "S"}
    uasc = sum(data.children[c].uasc for c in starters)
    assert 0.01 < uasc / len(starters) < 0.10


@pytest.mark.django_db
def test_the_register_after_synth_keeps_the_rules_and_every_coded_field_holds_a_valid_code() -> None:
    call_command("synth", *SMALL)
    rows = Episode.objects.select_related("child").order_by("child_id", "decom")
    episodes = [_ep(e, e.child_id, e.child.date_of_birth) for e in rows]
    assert episodes and broken_rules(episodes) == []
    for model in (Child, Episode, Provider, FosterHousehold, AdoptionRecord, *_register_models()):
        for field in model._meta.concrete_fields:
            if field.choices and isinstance(field, models.CharField):
                allowed = {str(value) for value, _ in field.flatchoices} | ({""} if field.blank else set())
                used = set(model._default_manager.values_list(field.attname, flat=True).distinct())
                assert used <= allowed, (model.__name__, field.name, used - allowed)
            if isinstance(field, models.CharField) and field.max_length:
                values = model._default_manager.values_list(field.attname, flat=True)
                longest = max((len(v) for v in values if v), default=0)
                assert longest <= field.max_length, (model.__name__, field.name, longest)


def _register_models() -> list[type[models.Model]]:
    from divert.synth.load import REGISTER

    return list(REGISTER)


# The DfE's pairing of adopters' legal status with their number and genders (rules 514-524).
ADOPTERS = {
    "L0": ("1", {"M1", "F1"}),
    "L11": ("2", {"MF"}),
    "L12": ("2", {"MM", "FF"}),
    "L2": ("2", {"MF", "MM", "FF"}),
    "L3": ("2", {"MF"}),
    "L4": ("2", {"MM", "FF"}),
}


def test_generated_adopters_legal_status_agrees_with_their_number_and_genders(data: AuthorityData) -> None:
    assert data.adoptions
    wrong = [
        (a.number_of_adopters, a.sex_of_adopters, a.legal_status_of_adopters)
        for a in data.adoptions
        if a.legal_status_of_adopters not in ADOPTERS
        or ADOPTERS[a.legal_status_of_adopters][0] != a.number_of_adopters
        or a.sex_of_adopters not in ADOPTERS[a.legal_status_of_adopters][1]
    ]
    assert wrong == []
