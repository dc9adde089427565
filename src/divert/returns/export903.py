"""Export one collection year of the SSDA903 return from the register, as the DfE's CSV tables.

The register is the source of truth; the return is a view of it for one authority and one
collection year (``year`` is the year the collection ends: 2025 is 1 April 2024 to 31 March 2025).
The output is byte-deterministic (rows sorted by CHILD then date, ``\\n`` line endings, UTF-8),
so the same register always gives the same files and a round trip can be compared byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from divert.care.models import (
    AdoptionRecord,
    AnnualHealthOutcome,
    CareLeaverContact,
    Episode,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanenceOrder,
)
from divert.core.ages import age_on, birthday
from divert.core.codes import SHORT_BREAK_STATUSES
from divert.core.models import Authority
from divert.core.spreadsheet import safe_cell
from divert.people.models import Allocation, Child
from divert.returns.tables import DATE_FORMAT, SSDA903_TABLES

Row = tuple[str, ...]

# The social worker episode reasons: the first worker of a period of care is the child's first
# contact; every later one is recorded as a management decision (the register does not hold why).
SW_REASON_FIRST = "FCONTA"
SW_REASON_CHANGE = "MANAGE"


@dataclass(frozen=True)
class CollectionYear:
    """The collection year ending 31 March ``year``."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 3, 31)

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def within(self, day: dt.date | None) -> dt.date | None:
        """A date as the return sees it: dates after 31 March are not yet known."""
        return day if day is not None and day <= self.end else None


def sex_code(sex: str, year: int) -> str:
    """SEX as the year's return codes it: 1 (male) and 2 (female) before 2024/25, then M, F, U."""
    return {"M": "1", "F": "2"}.get(sex, sex) if year <= 2024 else sex


# Placement codes introduced in 2025/26 and the earlier code the validator expects before then
# (K3 supported accommodation was H5 semi-independent living; Z11-Z14 were all Z1 "other").
_EARLIER_PLACE = {"K3": "H5", "Z11": "Z1", "Z12": "Z1", "Z13": "Z1", "Z14": "Z1"}


def place_code(place: str, year: int) -> str:
    """PLACE as the year's return codes it."""
    return _EARLIER_PLACE.get(place, place) if year <= 2025 else place


# Placements that had no Ofsted URN in returns up to 2022/23 (supported accommodation was
# registered with Ofsted from October 2023).
NO_URN = "XXXXXXX"
_NO_URN_UNTIL_2023 = {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}


# Placements with the council's own carers or adopters, which have no Ofsted URN of their own:
# the register writes the DfE's "XXXXXXX" for them (and for other placements without a provider).
_CARER_PLACEMENTS = {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"}


def urn_code(place: str, urn: str, year: int) -> str:
    """URN as the year's return expects it: blank where that year's placement type has none.

    From 2025/26 "XXXXXXX" is only for placements with carers or adopters (rule 242); any other
    placement without a registered provider (placed with parents, P1) is left blank (rule 218
    does not ask for one).
    """
    if year <= 2023 and place in _NO_URN_UNTIL_2023:
        return ""
    if year >= 2026 and urn == NO_URN and place not in _CARER_PLACEMENTS:
        return ""
    return urn


# OC3: when the young person died or returned home, activity and accommodation are "0" (not
# applicable); a blank activity or accommodation is also returned as "0", never left empty.
_NO_LEAVER_DETAILS = {"DIED", "RHOM"}


def leaver_row(contact: CareLeaverContact) -> Row:
    """One OC3 row."""
    none = contact.in_touch in _NO_LEAVER_DETAILS
    activity = "0" if none else (contact.activity or "0")
    accommodation = "0" if none else (contact.accommodation or "0")
    child = contact.child
    return (child.child_id, fmt(child.date_of_birth), contact.in_touch, activity, accommodation)


def fmt(day: dt.date | None) -> str:
    """An SSDA903 date (dd/mm/YYYY), or blank."""
    return day.strftime(DATE_FORMAT) if day else ""


def default_authority() -> Authority:
    """The first authority: the one a single-council installation holds."""
    authority = Authority.objects.order_by("pk").first()
    if authority is None:
        raise LookupError("The register holds no authority.")
    return authority


def authority_by_code(code: str | None) -> Authority:
    """The authority named by its ONS code (or LA number), else the default one."""
    if not code:
        return default_authority()
    query = Q(code=code) | (Q(la_number=int(code)) if code.isdigit() else Q(pk__in=[]))
    authority = Authority.objects.filter(query).first()
    if authority is None:
        raise LookupError(f"No authority with code {code!r}.")
    return authority


def _episodes(authority: Authority, cy: CollectionYear) -> list[Episode]:
    """Episodes open at any time in the year (DEC on or after 1 April: DEC is the day care ended)."""
    return list(
        Episode.objects.filter(child__authority=authority, decom__lte=cy.end)
        .filter(Q(dec__isnull=True) | Q(dec__gte=cy.start))
        .select_related("child")
        .order_by("child__child_id", "decom", "pk")
    )


def _episode_row(ep: Episode, cy: CollectionYear, codes: int) -> Row:
    """One Episodes row; an episode ceasing after 31 March is still open in this return."""
    ceased = cy.within(ep.dec)
    return (
        ep.child.child_id,
        fmt(ep.decom),
        ep.rne,
        ep.ls,
        ep.cin,
        place_code(ep.place, codes),
        ep.place_provider,
        fmt(ceased),
        ep.rec if ceased else "",
        ep.reason_place_change,
        "" if ep.child.uasc else ep.home_post,
        ep.pl_post,
        urn_code(place_code(ep.place, codes), ep.urn, codes),
    )


def _header_row(child: Child, year: int, *, mother_as_at: dt.date | None) -> Row:
    """One Header row; MOTHER and MC_DOB only for a girl looked after other than on short breaks."""
    mother, first_child = mother_fields(child, mother_as_at) if child.sex == "F" else ("", "")
    dob = fmt(child.date_of_birth)
    return (child.child_id, sex_code(child.sex, year), dob, child.ethnicity, child.upn, mother, first_child)


def mother_fields(child: Child, as_at: dt.date | None) -> tuple[str, str]:
    """MOTHER and MC_DOB as at ``as_at`` (blank when she was not looked after in the year).

    She is a mother in this return once her first child is born on or before the end of the
    year, or the day her care ended in it (DfE rule 625); the register records the birth once,
    so every later return agrees with this one (rules 207, 624, 626). A mother whose first
    child's date of birth is not recorded is returned as a mother with MC_DOB blank.
    """
    if as_at is None:
        return "", ""
    born = child.first_child_born
    if child.is_mother and (born is None or born <= as_at):
        return "1", fmt(born)
    return "0", ""


def _mother_as_at(episodes: list[Episode], cy: CollectionYear) -> dict[int, dt.date]:
    """For each child looked after in the year other than on short breaks (V3/V4): the day her
    motherhood is returned as at (the day care ended, if it ended in the year, else 31 March)."""
    by_child: dict[int, list[Episode]] = {}
    for ep in episodes:
        by_child.setdefault(ep.child_id, []).append(ep)
    as_at: dict[int, dt.date] = {}
    for child, held in by_child.items():
        if all(ep.ls in SHORT_BREAK_STATUSES for ep in held):
            continue
        last = max(held, key=lambda ep: ep.decom)
        ended = cy.within(last.dec)
        as_at[child] = ended if ended is not None and last.rec != "X1" else cy.end
    return as_at


# The column each table is ordered by after CHILD (None: one row per child).
_ORDER_COLUMN: dict[str, str | None] = {
    "Header": None,
    "Episodes": "DECOM",
    "Reviews": "REVIEW",
    "UASC": None,
    "OC2": None,
    "OC3": None,
    "AD1": "DATE_INT",
    "PlacedAdoption": "DATE_PLACED",
    "PrevPerm": "DATE_PERM",
    "Missing": "MIS_START",
    "SWEpisodes": "SW_DECOM",
}


def _iso(value: str) -> str:
    """dd/mm/YYYY as YYYY-mm-dd, so that dates sort in time order."""
    return f"{value[6:]}-{value[3:5]}-{value[:2]}" if value else ""


def canonical(table: str, rows: Iterable[Row]) -> list[Row]:
    """Canonical order: CHILD, then the table's date, then the whole row (a total, stable order)."""
    column = _ORDER_COLUMN[table]
    index = SSDA903_TABLES[table].index(column) if column else None
    return sorted(rows, key=lambda row: (row[0], _iso(row[index]) if index is not None else "", row))


def build_903(
    year: int, authority: Authority | None = None, *, codes_year: int | None = None
) -> dict[str, list[Row]]:
    """All SSDA903 tables for one collection year: table name -> data rows (without header).

    Codes are written in the form of ``codes_year`` (default: ``year`` itself). Last year's
    return given to the validator with this year's is written in this year's codes, so that
    the rules comparing the two (202 SEX, 503D PLACE, 503F URN) compare like with like.
    """
    codes = codes_year or year
    authority = authority or default_authority()
    cy = CollectionYear(year)
    episodes = _episodes(authority, cy)
    looked_after = {ep.child_id: ep.child for ep in episodes}
    leavers = [
        c for c in _leaver_contacts(authority, cy) if not _ceased_after_17th_or_18th(c.child, episodes, cy)
    ]
    children = dict(looked_after)
    children.update({c.child_id: c.child for c in leavers})
    tables: dict[str, list[Row]] = {name: [] for name in SSDA903_TABLES}
    as_at = _mother_as_at(episodes, cy)
    tables["Header"] = [_header_row(c, codes, mother_as_at=as_at.get(pk)) for pk, c in children.items()]
    tables["Episodes"] = [_episode_row(ep, cy, codes) for ep in episodes]
    tables["Reviews"] = _reviews(looked_after, cy)
    tables["UASC"] = [
        (c.child_id, sex_code(c.sex, codes), fmt(c.date_of_birth), fmt(uasc_ceases(c)))
        for c in looked_after.values()
        if c.uasc
    ]
    tables["OC3"] = [leaver_row(c) for c in leavers]
    adopted = {ep.child_id for ep in episodes if ep.rec in {"E11", "E12"} and cy.contains(ep.dec)}
    tables["AD1"], tables["PlacedAdoption"] = _adoption(looked_after, adopted, cy)
    tables["Missing"] = _missing(looked_after, cy)
    tables["SWEpisodes"] = _social_workers(looked_after, cy)
    tables["OC2"] = _health_outcomes(looked_after, cy)
    tables["PrevPerm"] = _previous_permanence(episodes, cy)
    return {name: canonical(name, rows) for name, rows in tables.items()}


def uasc_ceases(child: Child) -> dt.date:
    """DUC: the day UASC status ceased, or else the day it will, the 18th birthday.

    The DfE rules read DUC as known in advance: 205B wants last year's DUC to be the 18th
    birthday even when that is still to come, and this year's to be the same date.
    """
    if child.uasc_ceased is not None:
        return child.uasc_ceased
    born = child.date_of_birth
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 2, 28)  # born 29 February: as the rules' date arithmetic


def _leaver_contacts(authority: Authority, cy: CollectionYear) -> list[CareLeaverContact]:
    """Care leavers' contacts in the year: OC3 covers those whose 17th-21st birthday falls in it."""
    contacts = (
        CareLeaverContact.objects.filter(child__authority=authority, date__range=(cy.start, cy.end))
        .select_related("child")
        .order_by("child__child_id", "date", "pk")
    )
    latest: dict[int, CareLeaverContact] = {}
    for contact in contacts:
        if 17 <= _birthday_in_year_age(contact.child, cy) <= 21:
            latest[contact.child_id] = contact  # the last contact in the year wins
    return list(latest.values())


def _ceased_after_17th_or_18th(child: Child, episodes: list[Episode], cy: CollectionYear) -> bool:
    """OC3 is not returned for a 17- or 18-year-old (at 31 March) who left care after that birthday."""
    age = age_on(child.date_of_birth, cy.end)
    if age not in (17, 18):
        return False
    turned = birthday(child.date_of_birth, child.date_of_birth.year + age)
    return any(
        ep.child_id == child.pk and ep.dec is not None and turned <= ep.dec <= cy.end for ep in episodes
    )


def _birthday_in_year(child: Child, cy: CollectionYear) -> dt.date:
    """The child's birthday inside the collection year."""
    for year in (cy.start.year, cy.end.year):
        day = birthday(child.date_of_birth, year)
        if cy.contains(day):
            return day
    raise AssertionError("every child has a birthday in a 12-month year")


def _birthday_in_year_age(child: Child, cy: CollectionYear) -> int:
    """The age the child turns on their birthday inside the collection year."""
    return _birthday_in_year(child, cy).year - child.date_of_birth.year


def _reviews(children: dict[int, Child], cy: CollectionYear) -> list[Row]:
    reviews = LookedAfterReview.objects.filter(child_id__in=children, date__range=(cy.start, cy.end))
    return [
        (children[r.child_id].child_id, fmt(children[r.child_id].date_of_birth), fmt(r.date), r.participation)
        for r in reviews
    ]


def _adoption(
    children: dict[int, Child], adopted: set[int], cy: CollectionYear
) -> tuple[list[Row], list[Row]]:
    """AD1 for children adopted in the year; PlacedAdoption for decisions current in the year."""
    ad1: list[Row] = []
    placed: list[Row] = []
    for record in AdoptionRecord.objects.filter(child_id__in=children).order_by("pk"):
        child = children[record.child_id]
        dob = fmt(child.date_of_birth)
        if record.child_id in adopted:
            ad1.append(
                (
                    child.child_id,
                    dob,
                    fmt(record.decision),
                    fmt(record.matched),
                    "1" if record.foster_care else "0",
                    record.number_of_adopters,
                    record.sex_of_adopters,
                    record.legal_status_of_adopters,
                )
            )
        ceased = cy.within(record.placed_ceased)
        if record.decision <= cy.end and (record.placed_ceased is None or record.placed_ceased >= cy.start):
            reason = record.reason_placed_ceased if ceased else ""
            placed.append((child.child_id, dob, fmt(record.decision), fmt(ceased), reason))
    return ad1, placed


def _missing(children: dict[int, Child], cy: CollectionYear) -> list[Row]:
    """Missing and away episodes that started in the year."""
    spells = MissingEpisode.objects.filter(child_id__in=children, start__range=(cy.start, cy.end))
    return [
        (
            children[m.child_id].child_id,
            fmt(children[m.child_id].date_of_birth),
            m.kind,
            fmt(m.start),
            fmt(cy.within(m.end)),
        )
        for m in spells
    ]


def _flag(value: bool | None) -> str:
    """An OC2 yes/no item: 1, 0, or blank when not asked."""
    return "" if value is None else "1" if value else "0"


def _health_outcomes(children: dict[int, Child], cy: CollectionYear) -> list[Row]:
    """OC2: the year's health outcomes held for children looked after in it.

    The register holds them for children looked after continuously for 12 months at 31 March;
    they are written as held, so a row for a child who was not (or a missing row) is the DfE
    rules' to flag (190, 191), not the export's to hide.
    """
    held = AnnualHealthOutcome.objects.filter(child_id__in=children, year=cy.year)
    return [
        (
            children[h.child_id].child_id,
            fmt(children[h.child_id].date_of_birth),
            "" if h.sdq_score is None else str(h.sdq_score),
            h.sdq_reason,
            _flag(h.convicted),
            _flag(h.health_check),
            _flag(h.immunisations),
            _flag(h.teeth_check),
            _flag(h.health_assessment),
            _flag(h.substance_misuse),
            _flag(h.intervention_received),
            _flag(h.intervention_offered),
        )
        for h in held
    ]


def _previous_permanence(episodes: list[Episode], cy: CollectionYear) -> list[Row]:
    """PrevPerm for each child who started to be looked after (RNE S) in the year."""
    starters = {ep.child_id: ep.child for ep in episodes if ep.rne == "S" and cy.contains(ep.decom)}
    held = PreviousPermanenceOrder.objects.filter(child_id__in=starters)
    return [
        (
            starters[p.child_id].child_id,
            fmt(starters[p.child_id].date_of_birth),
            p.option,
            p.la_code,
            fmt(p.date),
        )
        for p in held
    ]


def sw_id(allocation: Allocation) -> str:
    """The worker's Social Work England number, else a stable id made from the register's key."""
    return allocation.worker.sw_id or f"DIV{allocation.worker_id:06d}"


def _worker_sequence(allocations: list[Allocation]) -> list[tuple[Allocation, dt.date | None]]:
    """A child's allocations as one unbroken sequence of social worker episodes, with end dates.

    The register lets a child be held by two workers at once (e.g. while a case transfers);
    SSDA903 wants one worker at a time, so an allocation is taken to end when the next begins,
    and of two allocations starting the same day the later-recorded one is the child's worker.
    """
    chosen: list[Allocation] = []
    for allocation in allocations:
        if chosen and chosen[-1].start == allocation.start:
            chosen[-1] = allocation
        else:
            chosen.append(allocation)
    sequence: list[tuple[Allocation, dt.date | None]] = []
    for index, allocation in enumerate(chosen):
        end = allocation.end
        if index + 1 < len(chosen):
            following = chosen[index + 1].start
            end = following if end is None or end > following else end
        sequence.append((allocation, end))
    return sequence


Period = tuple[dt.date, dt.date | None]


def care_periods(episodes: Iterable[tuple[dt.date, dt.date | None, str]]) -> list[Period]:
    """Periods of care from a child's episodes (DECOM, DEC, RNE) in date order: an episode that
    starts the day the one before ceased continues the same period.

    A period whose first episode the register holds is not a start (RNE S) began earlier, on a
    day the register does not know (a register imported from returns holds only their years):
    its start is ``date.min``.
    """
    periods: list[Period] = []
    for decom, dec, rne in episodes:
        if periods and (periods[-1][1] is None or periods[-1][1] >= decom):
            periods[-1] = (periods[-1][0], dec)
        else:
            periods.append((decom if rne == "S" else dt.date.min, dec))
    return periods


@dataclass(frozen=True)
class WorkerSpell:
    """One SWEpisodes row before formatting."""

    allocation: Allocation
    start: dt.date
    end: dt.date | None
    first_in_period: bool


def worker_spells(allocations: list[Allocation], periods: list[Period]) -> list[WorkerSpell]:
    """The child's workers while looked after, as the DfE rules read SSDA903 social worker episodes.

    Each allocation counts only for the time it overlaps a period of care: one held before the
    child came into care counts from the day care began, and one that starts after care ended
    (a personal adviser, a worker for a child in need) is not a looked-after social worker.
    SW12STG2 rejects an episode starting before the period of care or after it ended. The
    child's last episode is left open: the return says who the child's worker is at 31 March,
    and SW17STG2 (2025/26) and SW11bSTG2 reject a child whose last episode has ended; when care
    ended, Episodes (DEC, REC) says so.
    """
    spells: list[WorkerSpell] = []
    for allocation, end in _worker_sequence(allocations):
        for period_start, period_end in periods:
            start = max(allocation.start, period_start)
            stop = end if period_end is None or (end is not None and end < period_end) else period_end
            if stop is not None and stop <= start:
                continue
            first = not spells or spells[-1].start < period_start
            spells.append(WorkerSpell(allocation, start, stop, first))
    if spells:
        last = spells[-1]
        spells[-1] = WorkerSpell(last.allocation, last.start, None, last.first_in_period)
    return spells


def _social_workers(children: dict[int, Child], cy: CollectionYear) -> list[Row]:
    """Social worker episodes open at any time in the year, from the child's allocations in care."""
    by_child: dict[int, list[Allocation]] = {}
    allocations = Allocation.objects.filter(child_id__in=children, start__lte=cy.end).select_related("worker")
    for allocation in allocations.order_by("child_id", "start", "pk"):
        by_child.setdefault(allocation.child_id, []).append(allocation)
    periods: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    episodes = Episode.objects.filter(child_id__in=children, decom__lte=cy.end)
    for child_pk, decom, dec, rne in episodes.order_by("child_id", "decom", "pk").values_list(
        "child_id", "decom", "dec", "rne"
    ):
        periods.setdefault(child_pk, []).append((decom, cy.within(dec), rne))
    rows: list[Row] = []
    for child_pk, held in by_child.items():
        child = children[child_pk]
        for spell in worker_spells(held, care_periods(periods.get(child_pk, []))):
            if spell.end is not None and spell.end < cy.start:
                continue
            first = SW_REASON_FIRST if spell.first_in_period else SW_REASON_CHANGE
            reason = spell.allocation.sw_reason or first
            dob = fmt(child.date_of_birth)
            rows.append(
                (child.child_id, dob, sw_id(spell.allocation), fmt(spell.start), fmt(spell.end), reason)
            )
    return rows


def to_csv(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """A CSV table as bytes: header then rows, ``\\n`` line endings, UTF-8, no cell a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def export_903(
    year: int, out: Path, authority: Authority | None = None, *, codes_year: int | None = None
) -> dict[str, int]:
    """Write every SSDA903 table as ``<out>/<Table>.csv``; returns the number of rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    tables = build_903(year, authority, codes_year=codes_year)
    for name, columns in SSDA903_TABLES.items():
        (out / f"{name}.csv").write_bytes(to_csv(columns, tables[name]))
    return {name: len(rows) for name, rows in tables.items()}
