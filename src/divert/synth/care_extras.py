"""Everything that hangs off a period of care: reviews, visits, missing episodes, adoption steps,
care leaver contacts, family members, case allocation and the end of the child's CIN episode.

Reviews and visits keep to the statutory clocks (first review within 20 working days, the
second within three months, then six-monthly; visits at most six weeks apart) most of the
time, with a minority late, as in real returns.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from divert.core.ages import age_on
from divert.synth import names
from divert.synth.records import (
    AdoptionRec,
    EpisodeRec,
    FamilyRec,
    LeaverContactRec,
    MissingRec,
    ReviewRec,
    VisitRec,
)
from divert.synth.sampling import poisson, weighted
from divert.synth.timeline import add_years
from divert.synth.world import days

if TYPE_CHECKING:
    from divert.synth.care import Care, Period

HISTORY_DAYS = 365  # reviews, visits and missing episodes are kept from a year before the window
PARTICIPATION = {"PN1": 50.0, "PN2": 10.0, "PN3": 5.0, "PN4": 5.0, "PN5": 12.0, "PN6": 8.0, "PN7": 10.0}
MISSING_RATE = {"stable": 0.15, "moderate": 0.6, "unstable": 2.0}
CLOSURE = {
    "E11": "RC1",
    "E12": "RC1",
    "E2": "RC2",
    "E41": "RC3",
    "E3": "RC5",
    "E7": "RC6",
    "E45": "RC4",
    "E46": "RC4",
    "E47": "RC4",
    "E48": "RC4",
}
ACTIVITY = {
    "F1": 6.0,
    "P1": 1.0,
    "F2": 20.0,
    "P2": 5.0,
    "F4": 15.0,
    "P4": 10.0,
    "F5": 3.0,
    "G4": 10.0,
    "G5": 25.0,
    "G6": 5.0,
}
ACCOMMODATION = {
    "B1": 10.0,
    "D1": 15.0,
    "E1": 8.0,
    "K1": 3.0,
    "T1": 4.0,
    "U1": 30.0,
    "Z1": 15.0,
    "S2": 2.0,
    "X2": 2.0,
    "Y1": 11.0,
}

UNDER_18_ACCOMMODATION = {code: weight for code, weight in ACCOMMODATION.items() if code not in {"Z1", "Z2"}}


def after_care(care: Care, p: Period, episodes: list[EpisodeRec], referral: int) -> None:
    ended = p.exit if p.exit is not None and p.exit <= care.w.today else None
    care.w.touch(p.child, p.start, ended)
    _reviews(care, p, ended)
    _visits(care, p, ended)
    _missing(care, p, ended)
    _adoption(care, p)
    _leaver(care, p, ended)
    _family(care, p)
    _allocate(care, p, ended)
    _close_referral(care, p, ended, referral)


def _history_start(care: Care) -> dt.date:
    return care.w.window.start - days(HISTORY_DAYS)


def _reviews(care: Care, p: Period, ended: dt.date | None) -> None:
    rng, w = care.rng, care.w
    dob = w.data.children[p.child].dob
    stop = ended or w.today + days(1)
    on_time = rng.random() < 0.92
    day = w.working_days(p.start, rng.randint(8, 20) if on_time else rng.randint(21, 35))
    number = 1
    while day < stop and day <= w.today:
        if day >= _history_start(care):
            participation = "PN0" if age_on(dob, day) < 4 else weighted(rng, PARTICIPATION)
            permanence = rng.random() < (0.25 if number == 1 else 0.9)
            w.data.reviews.append(ReviewRec(p.child, day, participation, permanence))
        late = rng.random() > 0.9
        if number == 1:
            day += days(rng.randint(93, 120) if late else rng.randint(50, 91))
        else:
            day += days(rng.randint(183, 215) if late else rng.randint(140, 182))
        number += 1


def _visits(care: Care, p: Period, ended: dt.date | None) -> None:
    rng, w = care.rng, care.w
    dob = w.data.children[p.child].dob
    stop = ended or w.today + days(1)
    moves = [s.start for s in p.spells[1:] if s.new_carer]
    day = p.start + days(rng.randint(1, 7))
    while day < stop and day <= w.today:
        if day >= _history_start(care):
            seen_alone = age_on(dob, day) >= 4 and rng.random() < 0.85
            w.data.visits.append(VisitRec(p.child, day, seen_alone))
        settled = (day - p.start).days > 365 and p.route == "long" and rng.random() < 0.5
        gap = (
            rng.randint(60, 90)
            if settled
            else rng.randint(43, 60)
            if rng.random() < 0.1
            else rng.randint(21, 42)
        )
        nxt = day + days(gap)
        moved = [m for m in moves if day < m <= nxt]
        day = moved[0] + days(rng.randint(1, 6)) if moved else nxt


def _missing(care: Care, p: Period, ended: dt.date | None) -> None:
    rng, w = care.rng, care.w
    eleven = add_years(w.data.children[p.child].dob, 11)
    start = max(p.start, eleven, _history_start(care))
    stop = min(ended or w.today, w.today)
    if stop <= start:
        return
    years = (stop - start).days / 365
    spells = []
    for _ in range(poisson(rng, years * MISSING_RATE[p.stability])):
        day = start + days(rng.randrange(max(1, (stop - start).days)))
        back = day + days(rng.choice((0, 0, 1, 1, 2, 3, 5)))
        kind = "M" if rng.random() < 0.75 else "A"
        spells.append((day, min(back, _latest_return(p, day)), kind))
    returned = dt.date.min
    for day, back, kind in sorted(spells):
        if day < returned:
            continue  # a child cannot go missing again before coming back (rule 574)
        returned = back
        w.data.missing.append(MissingRec(p.child, kind, day, back if back <= w.today else None))


def _latest_return(p: Period, day: dt.date) -> dt.date:
    """The last day a child missing on ``day`` can be back by: before the placement (or care)
    they went missing from ends, and by the 31 March the collection year closes.

    The DfE rules read a spell still open at 31 March as one left open when the placement
    ended (575, 577, whose checks fill an open placement's end with 31 March), so the
    register does not hold a spell across the year end that the return would show open.
    """
    moves = [s.start for s in p.spells if s.start > day]
    ends = [min(moves)] if moves else []
    if p.exit is not None:
        ends.append(p.exit)
    march = dt.date(day.year if day.month <= 3 else day.year + 1, 3, 31)
    return min([march, *(end - days(1) for end in ends)])


def _adoption(care: Care, p: Period) -> None:
    if p.route != "adoption" or p.final_hearing is None:
        return
    rng, w = care.rng, care.w
    decision = max(p.start + days(30), p.final_hearing - days(rng.randint(20, 120)))
    if decision > w.today or (p.exit is not None and decision >= p.exit):
        return
    matched = w.clip(p.matched) if p.exit is None or p.matched is None or p.matched < p.exit else None
    placed_spell = next((s for s in p.spells if s.category == "adoption"), None)
    placed = w.clip(placed_spell.start) if placed_spell else None
    matched = matched if placed is None or matched is None or matched <= placed else placed
    couple = rng.random() < 0.85
    sex = weighted(rng, {"MF": 85, "FF": 8, "MM": 7}) if couple else weighted(rng, {"F1": 85, "M1": 15})
    # SSDA903 LS_ADOPTR, as the DfE rules read it (514-524): L0 a single adopter; L11 / L12 a
    # married couple of different / the same gender; L2 civil partners; L3 / L4 an unmarried
    # couple of different / the same gender. One draw for a couple either way, so the rest of
    # the random stream is unchanged.
    if not couple:
        legal = "L0"
    elif sex == "MF":
        legal = weighted(rng, {"L11": 70, "L3": 27, "L2": 3})
    else:
        legal = weighted(rng, {"L12": 40, "L2": 30, "L4": 30})
    foster = placed_spell is not None and placed_spell.place == "A5"
    w.data.adoptions.append(
        AdoptionRec(p.child, decision, matched, placed, foster, "2" if couple else "1", sex, legal)
    )


def _leaver(care: Care, p: Period, ended: dt.date | None) -> None:
    """Care leavers' yearly contact around their 18th to 21st birthdays."""
    rng, w = care.rng, care.w
    if ended is None or p.exit_code not in {"E5", "E6", "E8", "E17", "E7"}:
        return
    dob = w.data.children[p.child].dob
    if age_on(dob, ended) < 16 or (ended - p.start).days < 91:
        return
    for age in range(max(17, age_on(dob, ended)), 22):
        day = add_years(dob, age) + days(rng.randint(0, 60)) - days(30)
        if day < ended or day > w.today:
            continue
        in_touch = weighted(rng, {"YES": 88, "NO": 5, "REFU": 3, "NREQ": 2, "RHOM": 2})
        active = in_touch == "YES"
        activity = weighted(rng, ACTIVITY) if active else ""
        # Staying put (Z1, Z2: with former foster carers) starts at 18: not at the 17th (rule 3001).
        accommodation = (
            weighted(rng, ACCOMMODATION if age >= 18 else UNDER_18_ACCOMMODATION) if active else ""
        )
        w.data.leaver_contacts.append(LeaverContactRec(p.child, day, in_touch, activity, accommodation))


def _family(care: Care, p: Period) -> None:
    rng, w = care.rng, care.w
    child = w.data.children[p.child]
    mother_dob = add_years(child.dob, -rng.randint(17, 40)) - days(rng.randrange(365))
    surname = child.last_name
    w.data.family.append(
        FamilyRec(
            p.child,
            f"{names.first_name(rng, 'F')} {surname}",
            "mother",
            mother_dob,
            True,
            child.home_postcode,
        )
    )
    if rng.random() < 0.6:
        father_dob = mother_dob - days(rng.randint(-900, 3000))
        w.data.family.append(
            FamilyRec(p.child, names.full_name(rng, "M"), "father", father_dob, rng.random() < 0.7, "")
        )
    if any(s.category == "kinship" for s in p.spells):
        relationship = "grandparent" if rng.random() < 0.55 else "aunt_uncle"
        w.data.family.append(FamilyRec(p.child, names.full_name(rng), relationship, None, False, ""))


def _allocate(care: Care, p: Period, ended: dt.date | None) -> None:
    w = care.w
    w.allocate(p.child, w.cla_team(p.child), p.start, ended)
    if ended is not None and p.exit_code in {"E5", "E6", "E8", "E17"} and (ended - p.start).days >= 91:
        twenty_one = add_years(w.data.children[p.child].dob, 21)
        w.allocate(p.child, "leaving_care", ended, w.clip(twenty_one))
        w.touch(p.child, p.start, w.clip(twenty_one))


def _close_referral(care: Care, p: Period, ended: dt.date | None, referral: int) -> None:
    """The child's CIN episode stays open through care; some who go home keep a CIN plan a while.

    It closes when care (or that plan) ends, or later if an assessment or enquiry begun before
    care is still going on (``close_referral`` keeps that order).
    """
    rng, w = care.rng, care.w
    if ended is None:
        return
    close = ended
    if p.exit_code in {"E4A", "E4B", "E13", "E41"} and rng.random() < 0.35:
        after = care.fd.plan_after_care(p.child, referral, ended)
        if after is None:
            w.touch(p.child, p.start, None)
            return
        close = after
    closed = care.fd.close_referral(referral, close, CLOSURE.get(p.exit_code, "RC7"))
    w.touch(p.child, p.start, closed)
