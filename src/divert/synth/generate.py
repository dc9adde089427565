"""Build one synthetic authority in memory: simulate, keep what the window needs, number it.

Care is simulated from 18 years before the window (so the children in care when it opens
have real histories) and the front door from a year before. Children whose involvement
ended before the window opened are then dropped, and the rest are numbered in the order
they first became known.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import fields
from typing import Any

from divert.core.ages import age_on
from divert.synth.authorities import AuthoritySpec
from divert.synth.care import Care
from divert.synth.early_help import add_early_help
from divert.synth.frontdoor import FrontDoor
from divert.synth.health import add_health
from divert.synth.mash import add_mash
from divert.synth.panels import add_panels
from divert.synth.postcodes import PostcodeBook
from divert.synth.records import AuthorityData
from divert.synth.timeline import Window
from divert.synth.world import World

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_BY_CHILD = (
    "family",
    "contacts",
    "referrals",
    "assessments",
    "cin_plans",
    "section47s",
    "cp_plans",
    "conferences",
    "episodes",
    "reviews",
    "visits",
    "missing",
    "adoptions",
    "leaver_contacts",
    "allocations",
)


def generate(spec: AuthoritySpec, book: PostcodeBook, seed: int, window: Window) -> AuthorityData:
    """Every row of one authority, deterministic for ``(spec, seed, window)``."""
    world = World(spec, book, seed, window)
    frontdoor = FrontDoor(world)
    care = Care(world, frontdoor)
    care.simulate()
    frontdoor.simulate()
    data = _keep_window(world.data, window)
    _number(data, spec, window.today)
    add_health(data, spec.la_number, window, seed)
    _add_front_door_records(world, data, f"{seed}-{spec.code}")
    return data


def _add_front_door_records(world: World, data: AuthorityData, base: str) -> None:
    """What the MASH, early help and the panels recorded about the kept children, each from a
    stream of its own so that the simulation above is untouched. Early help allocates its lead
    professionals through ``world``, which from here on writes to the kept rows."""
    world.data = data
    add_mash(data, world.window, random.Random(f"{base}-mash"))
    add_early_help(data, world, random.Random(f"{base}-early-help"))
    data.allocations.sort(key=lambda a: (a.child, a.start))
    add_panels(data, world.window, random.Random(f"{base}-panels"))


def _keep_window(data: AuthorityData, window: Window) -> AuthorityData:
    """Drop children known only before the window, and renumber every link to what is kept."""
    kept = [i for i, c in enumerate(data.children) if c.last_seen >= window.start]
    kept.sort(key=lambda i: (data.children[i].first_seen, i))
    child_map = {old: new for new, old in enumerate(kept)}
    out = AuthorityData(
        localities=data.localities,
        teams=data.teams,
        professionals=data.professionals,
        providers=data.providers,
        households=data.households,
        children=[data.children[i] for i in kept],
    )
    maps: dict[str, dict[int, int]] = {}
    for name in _BY_CHILD:
        rows = getattr(data, name)
        new_rows: list[Any] = []
        index_map: dict[int, int] = {}
        for old, row in enumerate(rows):
            if row.child in child_map:
                index_map[old] = len(new_rows)
                row.child = child_map[row.child]
                new_rows.append(row)
        setattr(out, name, new_rows)
        maps[name] = index_map
    _relink(out, maps)
    _sort_by_child(out)
    _drop_unused_households(out, window)
    return out


def _relink(data: AuthorityData, maps: dict[str, dict[int, int]]) -> None:
    for ref in data.referrals:
        ref.contact = maps["contacts"].get(ref.contact) if ref.contact is not None else None
    for name in ("assessments", "cin_plans", "section47s", "cp_plans"):
        for row in getattr(data, name):
            row.referral = maps["referrals"][row.referral]
    for conf in data.conferences:
        conf.section47 = maps["section47s"].get(conf.section47) if conf.section47 is not None else None
        conf.plan = maps["cp_plans"].get(conf.plan) if conf.plan is not None else None


def _sort_by_child(data: AuthorityData) -> None:
    """Rows that nothing links to are written in child order, so the register reads naturally."""
    data.episodes.sort(key=lambda e: (e.child, e.decom))
    data.reviews.sort(key=lambda r: (r.child, r.date))
    data.visits.sort(key=lambda v: (v.child, v.date))
    data.missing.sort(key=lambda m: (m.child, m.start))
    data.leaver_contacts.sort(key=lambda c: (c.child, c.date))
    data.allocations.sort(key=lambda a: (a.child, a.start))
    data.family.sort(key=lambda f: f.child)


def _drop_unused_households(data: AuthorityData, window: Window) -> None:
    used = {e.carer for e in data.episodes if e.carer is not None}
    keep = []
    for i, h in enumerate(data.households):
        finished = h.deregistration_date or (h.enquiry_date if h.approval_date is None else None)
        if i in used or finished is None or finished >= window.start:
            keep.append(i)
    remap = {old: new for new, old in enumerate(keep)}
    data.households = [data.households[i] for i in keep]
    for e in data.episodes:
        e.carer = remap[e.carer] if e.carer is not None else None


def upn(la_number: int, serial: int, year: int) -> str:
    """A well-formed 13-character unique pupil number with its check letter."""
    body = f"{la_number:03d}{2000 + (serial // 1000) % 8000:04d}{year % 100:02d}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23] + body


def of_school_age(dob: dt.date, today: dt.date) -> bool:
    """Four or older at the 31 August before ``today``: the DfE's test for "should have a UPN"
    (SSDA903 rule 209, CIN 8770Q)."""
    last_august = dt.date(today.year if today >= dt.date(today.year, 8, 31) else today.year - 1, 8, 31)
    return age_on(dob, last_august) >= 4


def _number(data: AuthorityData, spec: AuthoritySpec, today: dt.date) -> None:
    """Child ids, and UPNs as the register holds them today: a child who has reached school age
    has one (a school gave it), a younger child is UN1, an unaccompanied child UN2."""
    for n, child in enumerate(data.children, start=1):
        child.child_id = f"{spec.la_number}{n:06d}"
        if child.uasc:
            child.upn = "UN2"
        elif not of_school_age(child.dob, today):
            child.upn = "UN1"
        else:
            child.upn = upn(spec.la_number, n, child.dob.year + 5)


def describe(data: AuthorityData) -> dict[str, int]:
    """Rows per table (for the summary and the benchmark)."""
    return {f.name: len(getattr(data, f.name)) for f in fields(data)}
