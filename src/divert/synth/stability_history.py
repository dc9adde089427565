"""The synthetic authority's history of placement stability: at-risk flags and team-around-the-child meetings.

Runs after the register is written (load.write_authority), inside its transaction, from a
random stream of its own so the rest of the authority is untouched. It reads the register it
follows: who moved in the last 12 months is ``care.moves``' answer (the stability indicators'
count), so the early-warning lists have children on each, some met by a team around the child
and some not yet. Flags come in two kinds: open ones on a current placement, raised in the
last three months, and resolved ones: a flag raised some weeks before a move (the placement
broke down) or on a placement that then held. Planned end dates are the care generator's
(``synth.care``): about one current placement in fifteen has none, which the end-date lists show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from divert.care.models import (
    Episode,
    MeetingReason,
    PlacementRiskFlag,
    RiskOutcome,
    RiskRaisedBy,
    TeamAroundChildMeeting,
)
from divert.care.moves import moves_from
from divert.core.codes import ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, SHORT_BREAK_STATUSES
from divert.core.models import Authority
from divert.indicators import extract
from divert.indicators.frames import Frames
from divert.synth.timeline import Window

#: Of the children who moved in the last 12 months, the share met by a team around the child.
MOVED_MET = 0.55
#: Of those one move from three, the share met since the second move.
NEAR_THREE_MET = 0.45
#: Of the children in care today, the share whose placement is flagged at risk now.
OPEN_FLAGS = 0.05
#: Of the moved children, the share whose move followed a flag (the placement broke down).
FLAG_BEFORE_MOVE = 0.35
#: Of the children in care who did not move, the share with a flag that was resolved and held.
HELD_FLAGS = 0.04
#: Of flags, the share met by a team around the child.
FLAG_MET = 0.7

#: Placements where a foster carer (or adopter) is the one who sees the strain; elsewhere, staff.
FAMILY_PLACEMENTS = FOSTER_PLACEMENTS | ADOPTION_PLACEMENTS

REASONS = (
    "Carer reports escalating aggression at home and says they are at the end of their tether.",
    "Repeated missing episodes in the last month; the carer is worried they cannot keep the child safe.",
    "Relationship with the carers' own children has broken down after several incidents.",
    "School exclusion means the carer cannot manage full days at home without more support.",
    "Allegation made against the household; the carers are asking whether the placement can continue.",
    "Carer's health has deteriorated and they have asked for the placement to end.",
    "Contact with birth family is unsettling the child; behaviour after contact strains the placement.",
    "Staff report the child is being drawn into exploitation by older young people near the home.",
)
AGREED = (
    "Supervising social worker to visit weekly for six weeks; respite weekend arranged; CAMHS referral made.",
    "Buy in 10 hours a week of outreach support for the carers; school to provide a key adult each day.",
    "Contact moved to a supervised centre and reduced to fortnightly; review at next meeting.",
    "Therapeutic parenting training for the carers; designated teacher to arrange a reduced timetable.",
    "Placement to continue with a support plan; the independent reviewing officer to be told.",
    "Return interviews after every missing episode; police and exploitation team to share a safety plan.",
)
OUTCOME_NOTES = {
    RiskOutcome.STABILISED: "Support plan worked; the carers are confident the placement will hold.",
    RiskOutcome.MOVED: "The placement could not be held despite support; the child moved.",
    RiskOutcome.ENDED: "The child left care.",
}


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class _Writer:
    """Collects the rows to write, keeping one meeting per child per day."""

    today: dt.date
    rng: random.Random
    flags: list[PlacementRiskFlag] = field(default_factory=list)
    meetings: list[tuple[TeamAroundChildMeeting, int | None]] = field(default_factory=list)
    met: set[tuple[int, dt.date]] = field(default_factory=set)

    def meet(
        self, child_id: int, day: dt.date, reason: str, place: str, flag_index: int | None = None
    ) -> None:
        if day > self.today or (child_id, day) in self.met:
            return
        self.met.add((child_id, day))
        next_meeting = day + _days(self.rng.choice((28, 35, 42))) if self.rng.random() < 0.6 else None
        meeting = TeamAroundChildMeeting(
            child_id=child_id,
            date=day,
            reason=reason,
            attendees="\n".join(_attendees(self.rng, place)),
            agreed=self.rng.choice(AGREED),
            next_meeting=next_meeting,
        )
        self.meetings.append((meeting, flag_index))

    def flag(
        self, episode: Episode, raised: dt.date, resolved: dt.date | None = None, outcome: str = ""
    ) -> int:
        carer = RiskRaisedBy.RESIDENTIAL_STAFF
        if episode.place in FAMILY_PLACEMENTS:
            carer = RiskRaisedBy.FOSTER_CARER
        if episode.place == "P1":  # at home with parents: no carer or staff to raise it
            carer = RiskRaisedBy.SOCIAL_WORKER
        raised_by = self.rng.choices(
            (carer, RiskRaisedBy.SOCIAL_WORKER, RiskRaisedBy.OTHER_PROFESSIONAL), weights=(5, 4, 1)
        )[0]
        self.flags.append(
            PlacementRiskFlag(
                child_id=episode.child_id,
                episode=episode,
                raised=raised,
                raised_by=raised_by,
                reason=self.rng.choice(REASONS),
                resolved=resolved,
                outcome=outcome,
                outcome_note=OUTCOME_NOTES[RiskOutcome(outcome)] if outcome else "",
            )
        )
        index = len(self.flags) - 1
        day = raised + _days(self.rng.randint(3, 21))
        if self.rng.random() < FLAG_MET and (resolved is None or day <= resolved):
            self.meet(episode.child_id, day, MeetingReason.AT_RISK, episode.place, index)
        return index


def _attendees(rng: random.Random, place: str) -> list[str]:
    carer = "Foster carer" if place in FAMILY_PLACEMENTS else "Key worker from the home"
    others = ["Designated teacher", "CAMHS practitioner", "Independent reviewing officer", "Youth worker"]
    chosen = rng.sample(others, rng.randint(1, 3))
    return [carer, "Child's social worker", "Supervising social worker", *chosen]


def _episodes_by_child(authority: Authority) -> dict[int, list[Episode]]:
    found: dict[int, list[Episode]] = {}
    rows = (
        Episode.objects.filter(child__authority=authority)
        .exclude(ls__in=SHORT_BREAK_STATUSES)
        .only("pk", "child_id", "decom", "dec", "rec", "place")
        .order_by("child_id", "decom")
    )
    for episode in rows:
        found.setdefault(episode.child_id, []).append(episode)
    return found


def _moves(authority: Authority, today: dt.date) -> dict[int, list[dt.date]]:
    queryset, paths = extract.sources(authority.pk)["episodes"]
    return moves_from(Frames(episodes=extract.read("episodes", queryset, paths)), today)


def _before(episodes: list[Episode], day: dt.date) -> Episode | None:
    """The placement that ended on ``day`` (the one the child moved from)."""
    return next((e for e in episodes if e.dec == day), None)


def _moved_children(
    writer: _Writer, moves: dict[int, list[dt.date]], episodes: dict[int, list[Episode]]
) -> None:
    rng = writer.rng
    for child_id in sorted(moves):
        days, place = moves[child_id], episodes[child_id][-1].place
        left = _before(episodes[child_id], days[-1])
        if left is not None and rng.random() < FLAG_BEFORE_MOVE:
            raised = max(left.decom, days[-1] - _days(rng.randint(10, 60)))
            writer.flag(left, raised, days[-1], RiskOutcome.MOVED)
        if len(days) == 2 and rng.random() < NEAR_THREE_MET:
            writer.meet(child_id, days[1] + _days(rng.randint(5, 30)), MeetingReason.NEAR_THREE, place)
        elif rng.random() < MOVED_MET:
            writer.meet(child_id, days[0] + _days(rng.randint(5, 40)), MeetingReason.MOVED, place)


def _current_flags(writer: _Writer, current: list[Episode], moved: set[int]) -> None:
    rng = writer.rng
    for episode in current:
        placed_days = (writer.today - episode.decom).days
        if placed_days < 14:
            continue
        if rng.random() < OPEN_FLAGS * (2 if episode.child_id in moved else 1):
            writer.flag(episode, writer.today - _days(rng.randint(1, min(90, placed_days))))
        elif episode.child_id not in moved and placed_days > 200 and rng.random() < HELD_FLAGS:
            raised = writer.today - _days(rng.randint(120, min(365, placed_days)))
            writer.flag(episode, raised, raised + _days(rng.randint(30, 100)), RiskOutcome.STABILISED)


def _write(writer: _Writer) -> None:
    flags = PlacementRiskFlag.objects.bulk_create(writer.flags, batch_size=500)
    meetings = []
    for meeting, flag_index in writer.meetings:
        meeting.flag = flags[flag_index] if flag_index is not None else None
        meetings.append(meeting)
    TeamAroundChildMeeting.objects.bulk_create(meetings, batch_size=500)


def _current(episodes: dict[int, list[Episode]], today: dt.date) -> Iterator[Episode]:
    for child_episodes in episodes.values():
        last = child_episodes[-1]
        if last.is_open_on(today):
            yield last


def add_stability(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write at-risk flags and team-around-the-child meetings for ``authority``'s children in care."""
    today = window.today
    episodes = _episodes_by_child(authority)
    moves = _moves(authority, today)
    writer = _Writer(today=today, rng=rng)
    _moved_children(writer, moves, episodes)
    current = sorted(_current(episodes, today), key=lambda e: e.child_id)
    _current_flags(writer, current, set(moves))
    _write(writer)
