"""Health outcomes (SSDA903 OC2), previous permanence (PrevPerm) and young mothers, after care is simulated.

These items depend only on the finished care histories (who was looked after all year, who
started, how old they were), so they are drawn once the authority is generated and numbered,
from their own random stream: adding them reshuffles nothing else. Rates are of the order of
the DfE's "Outcomes for children looked after" series for England (from memory, not checked
against one year's tables): an annual health assessment for about 9 in 10 children looked after
for 12 months, immunisations and dental checks for about 8 in 10, an SDQ score for about 8 in
10 of those aged 4 to 16 (average about 14), a conviction for about 3% of those aged 10 or
over, a substance misuse problem for about 3%. Every row keeps
the DfE's consistency rules, which decide who is asked what:

* OC2 is for a child looked after continuously for 12 months at 31 March, judged as the DfE's
  validator does from the year's episodes: in care at some point, no new period started after
  1 April, none ended before 31 March other than by a same-day change (X1), no short breaks;
* SDQ is scored (or a reason given) for children 4 or over on 1 April and under 17 on 31 March;
  a child turning 4 or 17 in the year has a score or SDQ1 (too young / too old when assessed);
* conviction is asked from age 10 at 31 March, the development check under 5;
* the intervention items only when substance misuse was found, "offered" only when none was
  received;
* PrevPerm is recorded for every child who starts a period of care: most had no earlier
  permanence order (Z1); one who earlier left this authority's care by adoption or special
  guardianship or a child arrangements order has that order, its date and this authority;
* a looked-after girl who has a baby: the birth is dated on a placement change in care at 14
  to 17 (the move to a parent-and-child placement), so the return reports her a mother from
  that year on.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from divert.core.ages import age_on
from divert.core.codes import SHORT_BREAK_STATUSES
from divert.synth.records import (
    AuthorityData,
    EpisodeRec,
    HealthOutcomeRec,
    PreviousPermanenceRec,
)
from divert.synth.sampling import weighted
from divert.synth.timeline import Window, add_years, financial_year

# Episode endings that are a permanence order, as PREV_PERM codes them.
PERMANENCE_ENDINGS = {
    "E11": "P1",
    "E12": "P1",
    "E45": "P2",
    "E46": "P2",
    "E47": "P2",
    "E48": "P2",
    "E41": "P3",
}
# Reasons for no SDQ score for a child of SDQ age (SDQ1 is only for those turning 4 or 17).
NO_SDQ_REASONS = {"SDQ2": 25, "SDQ3": 15, "SDQ4": 45, "SDQ5": 15}
SDQ_SCORED = 0.8
MOTHER_RATE = 0.05  # of looked-after girls with a placement change at 14 to 17
# Other authorities that arranged an earlier permanence order (DfE LA numbers; WAL: Wales).
OTHER_AUTHORITIES = ("202", "213", "330", "341", "380", "420", "823", "878", "919", "936", "WAL")


def add_health(data: AuthorityData, la_number: int, window: Window, seed: int) -> None:
    """Fill ``data``'s OC2 outcomes, previous permanence and mothers; deterministic for the seed."""
    rng = random.Random(f"{seed}:health")
    by_child: dict[int, list[EpisodeRec]] = defaultdict(list)
    for episode in sorted(data.episodes, key=lambda e: (e.child, e.decom)):
        by_child[episode.child].append(episode)
    leavers = {(c.child, financial_year(c.date)) for c in data.leaver_contacts}
    years = range(window.start.year + 1, financial_year(window.today) + 1)
    for child, episodes in sorted(by_child.items()):
        dob = data.children[child].dob
        for year in years:
            if (child, year) not in leavers and continuously_looked_after(episodes, year):
                data.health_outcomes.append(outcome(rng, child, dob, year))
        permanence = previous_permanence(rng, child, dob, episodes, window, f"{la_number:03d}")
        if permanence is not None:
            data.previous_permanence.append(permanence)
        if data.children[child].sex == "F":
            data.children[child].first_child_born = first_child_born(rng, dob, episodes)


def continuously_looked_after(episodes: list[EpisodeRec], year: int) -> bool:
    """Looked after all of collection year ``year``, as the return's episodes show it.

    The DfE validator's test: an episode in the year, none starting a new period after 1 April,
    none ending (other than X1) before 31 March, none under a short-break status. An ending
    after 31 March is not yet known to the return.
    """
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    during = [e for e in episodes if e.decom <= end and (e.dec is None or e.dec >= start)]
    if not during:
        return False
    for e in during:
        ended = e.dec if e.dec is not None and e.dec <= end else None
        if e.rne == "S" and e.decom > start:
            return False
        if ended is not None and e.rec != "X1" and ended < end:
            return False
        if e.ls in SHORT_BREAK_STATUSES:
            return False
    return True


def outcome(rng: random.Random, child: int, dob: dt.date, year: int) -> HealthOutcomeRec:
    """One OC2 row for a child looked after all year: who is asked what follows their age."""
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    score, reason = _sdq(rng, dob, start, end)
    misuse = rng.random() < (0.08 if add_years(dob, 13) <= end else 0.004)
    received = (rng.random() < 0.55) if misuse else None
    offered = (rng.random() < 0.6) if misuse and not received else None
    return HealthOutcomeRec(
        child=child,
        year=year,
        sdq_score=score,
        sdq_reason=reason,
        convicted=(rng.random() < 0.03) if add_years(dob, 10) <= end else None,
        health_check=(rng.random() < 0.88) if add_years(dob, 5) > end else None,
        immunisations=rng.random() < 0.82,
        teeth_check=rng.random() < (0.5 if add_years(dob, 1) > end else 0.8),
        health_assessment=rng.random() < 0.9,
        substance_misuse=misuse,
        intervention_received=received,
        intervention_offered=offered,
    )


def _sdq(rng: random.Random, dob: dt.date, start: dt.date, end: dt.date) -> tuple[int | None, str]:
    """An SDQ score (0-40) or the reason there is none, or neither outside the SDQ ages."""
    fourth, seventeenth = add_years(dob, 4), add_years(dob, 17)
    if fourth > end or seventeenth < start:
        return None, ""
    if fourth <= start and seventeenth > end:
        if rng.random() < SDQ_SCORED:
            return _score(rng), ""
        return None, weighted(rng, NO_SDQ_REASONS)
    scored = rng.random() < (0.3 if fourth > start else 0.6)  # turning 4, or turning 17
    return (_score(rng), "") if scored else (None, "SDQ1")


def _score(rng: random.Random) -> int:
    return max(0, min(40, round(rng.gauss(14, 6.5))))


def previous_permanence(
    rng: random.Random, child: int, dob: dt.date, episodes: list[EpisodeRec], window: Window, la_number: str
) -> PreviousPermanenceRec | None:
    """PrevPerm for a child whose latest period of care started in (or a year before) the window."""
    starts = [e for e in episodes if e.rne == "S" and e.decom >= dt.date(window.start.year - 1, 4, 1)]
    if not starts:
        return None
    latest = starts[-1]
    earlier = [e for e in episodes if e.dec is not None and e.dec <= latest.decom]
    if earlier and earlier[-1].rec in PERMANENCE_ENDINGS:
        ended = earlier[-1].dec
        assert ended is not None
        # The order must predate every episode the starting year's return shows (DfE rule 632):
        # when care ended by the order and began again in the same collection year, the
        # synthetic child is simply recorded as having had none.
        if ended < dt.date(financial_year(latest.decom) - 1, 4, 1):
            return PreviousPermanenceRec(child, PERMANENCE_ENDINGS[earlier[-1].rec], la_number, ended)
        return PreviousPermanenceRec(child, "Z1", "", None)
    # An order made elsewhere, at least six months after birth and before the child's first
    # episode here (within the three years before it).
    first = episodes[0].decom
    earliest = max(dob + dt.timedelta(days=180), first - dt.timedelta(days=3 * 365))
    if rng.random() < 0.06 and (first - earliest).days > 120:
        option = weighted(rng, {"P2": 60, "P3": 25, "P1": 15})
        day = earliest + dt.timedelta(days=rng.randint(0, (first - earliest).days - 60))
        return PreviousPermanenceRec(child, option, rng.choice(OTHER_AUTHORITIES), day)
    return PreviousPermanenceRec(child, "Z1", "", None)


def first_child_born(rng: random.Random, dob: dt.date, episodes: list[EpisodeRec]) -> dt.date | None:
    """The day a looked-after girl's first child is born, or None (most girls).

    It falls on a placement change within a period of care (not a period's first day), while
    she is 14 to 17: so the return's "as at" test (the year's end, or the day her care ended)
    and the DfE rule that the birth is not after her last episode ended (625) agree.
    """
    changes = [e.decom for e in episodes if e.rne != "S" and 14 <= age_on(dob, e.decom) <= 17]
    if not changes or rng.random() >= MOTHER_RATE:
        return None
    return rng.choice(changes)
