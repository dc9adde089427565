"""The fostering and adoption pipelines' order, clocks and targets, in one place.

Expected time in each stage follows the fostering and adoption regulations and their guidance
where they set one (fostering stage 2 within four months; adoption stage 1 in two months and
stage 2 in four) and the council's own service standard elsewhere (an enquirer invited to an
information evening within four weeks, visited within two weeks after it, and so on). The
targets are the seeds' (Peterborough: ten more foster households a year, fifteen more places,
twenty-five prospective carers in the pipeline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from divert.carers.models import FosterHousehold
from divert.core.calendar import add_months, add_working_days

Stage = FosterHousehold.Stage
Status = FosterHousehold.Status
Kind = FosterHousehold.Kind

#: Recruitment then approval, in order, for foster carers (mainstream and connected persons).
FOSTERING_STAGES: tuple[str, ...] = (
    Stage.ENQUIRY,
    Stage.INFORMATION_EVENING,
    Stage.INITIAL_VISIT,
    Stage.STAGE_ONE,
    Stage.STAGE_TWO,
    Stage.PANEL,
    Stage.APPROVED,
)
#: Adopters: the two-stage process of the Adoption Agencies Regulations, then matching and placing.
ADOPTER_STAGES: tuple[str, ...] = (
    Stage.ENQUIRY,
    Stage.STAGE_ONE,
    Stage.STAGE_TWO,
    Stage.PANEL,
    Stage.APPROVED,
    Stage.MATCHED,
    Stage.PLACED,
)
#: Stages before approval: the pipeline, and the only ones a household can withdraw from.
RECRUITMENT: frozenset[str] = frozenset(
    {
        Stage.ENQUIRY,
        Stage.INFORMATION_EVENING,
        Stage.INITIAL_VISIT,
        Stage.STAGE_ONE,
        Stage.STAGE_TWO,
        Stage.PANEL,
    }
)
#: Stages of a household that is approved and may take a child.
APPROVED_STAGES: frozenset[str] = frozenset({Stage.APPROVED, Stage.MATCHED, Stage.PLACED})

#: The coarse status every other part of Divert reads, from the stage.
STATUS_OF_STAGE: dict[str, str] = {
    Stage.ENQUIRY: Status.ENQUIRY,
    Stage.INFORMATION_EVENING: Status.ENQUIRY,
    Stage.INITIAL_VISIT: Status.ENQUIRY,
    Stage.STAGE_ONE: Status.ASSESSMENT,
    Stage.STAGE_TWO: Status.ASSESSMENT,
    Stage.PANEL: Status.ASSESSMENT,
    Stage.APPROVED: Status.APPROVED,
    Stage.MATCHED: Status.APPROVED,
    Stage.PLACED: Status.APPROVED,
    Stage.INACTIVE: Status.INACTIVE,
    Stage.DEREGISTERED: Status.DEREGISTERED,
    Stage.WITHDRAWN: Status.WITHDRAWN,
}


@dataclass(frozen=True)
class Clock:
    """How long a stage should take: weeks, working days or calendar months (one of them)."""

    weeks: int = 0
    working_days: int = 0
    months: int = 0

    def due(self, since: dt.date) -> dt.date:
        if self.months:
            return add_months(since, self.months)
        if self.working_days:
            return add_working_days(since, self.working_days)
        return since + dt.timedelta(weeks=self.weeks)

    def __str__(self) -> str:
        if self.months:
            return f"{self.months} months"
        if self.working_days:
            return f"{self.working_days} working days"
        return f"{self.weeks} weeks"


#: Expected time in each fostering stage before the next.
FOSTERING_CLOCKS: dict[str, Clock] = {
    Stage.ENQUIRY: Clock(weeks=4),  # invited to and attends an information evening
    Stage.INFORMATION_EVENING: Clock(weeks=2),  # initial home visit
    Stage.INITIAL_VISIT: Clock(working_days=10),  # decision to accept the application
    Stage.STAGE_ONE: Clock(months=2),  # checks and references
    Stage.STAGE_TWO: Clock(months=4),  # the assessment report (regulation 26 guidance)
    Stage.PANEL: Clock(weeks=8),  # panel date and the agency decision
}
#: Expected time in each adopter stage (Adoption Agencies Regulations 2005 as amended 2013).
ADOPTER_CLOCKS: dict[str, Clock] = {
    Stage.ENQUIRY: Clock(weeks=4),  # registration of interest
    Stage.STAGE_ONE: Clock(months=2),
    Stage.STAGE_TWO: Clock(months=4),
    Stage.PANEL: Clock(weeks=8),
    Stage.APPROVED: Clock(months=6),  # matched with a child
    Stage.MATCHED: Clock(weeks=8),  # the child moves in
}

#: The seeds' recruitment targets for the council's own foster carers.
APPROVALS_A_YEAR_TARGET = 10
PLACES_A_YEAR_TARGET = 15
WAITING_TARGET = 25
#: An approved household with no child placed for this many months is listed for review.
INACTIVE_AFTER_MONTHS = 6


def stages_for(kind: str) -> tuple[str, ...]:
    return ADOPTER_STAGES if kind == Kind.ADOPTER else FOSTERING_STAGES


def clock_for(kind: str, stage: str) -> Clock | None:
    return (ADOPTER_CLOCKS if kind == Kind.ADOPTER else FOSTERING_CLOCKS).get(stage)


def due_date(household: FosterHousehold) -> dt.date | None:
    """When the household's current stage should end, or None for a stage with no clock."""
    clock = clock_for(household.kind, household.stage)
    return clock.due(household.in_stage_since) if clock else None


def is_overdue(household: FosterHousehold, today: dt.date) -> bool:
    """Overdue from the day after the due date: a stage finished on its due date is on time."""
    due = due_date(household)
    return due is not None and today > due


def next_stage(household: FosterHousehold) -> str | None:
    order = stages_for(household.kind)
    if household.stage == Stage.INACTIVE:
        return Stage.APPROVED
    if household.stage not in order:
        return None
    at = order.index(household.stage)
    return order[at + 1] if at + 1 < len(order) else None
