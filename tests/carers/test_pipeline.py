"""The recruitment pipeline: stage moves and their refusals, the clocks at their edges,
approvals against the target, capacity, inactive households and the vacancies that fit a child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from divert.care.models import Episode
from divert.carers import queries, rules
from divert.carers.actions import move_to_stage, record_household_enquiry, review_household
from divert.carers.models import FosterHousehold, StageChange
from divert.core.models import AuditEvent

D = dt.date
Stage = FosterHousehold.Stage


@pytest.fixture
def manager(world):
    """Tom, a team manager: the fostering manager."""
    return world.users["tom"]


def _household(world, reference="FH100", **fields):
    values = {
        "authority": world.authority,
        "reference": reference,
        "name": f"{reference} household",
        "enquiry_date": D(2024, 1, 10),
    }
    return FosterHousehold.objects.create(**(values | fields))


def _approved(world, reference, places, *, age_from=0, age_to=17, postcode="", **skills):
    return _household(
        world,
        reference,
        stage=Stage.APPROVED,
        status="approved",
        approval_date=D(2024, 6, 1),
        stage_since=D(2024, 6, 1),
        approved_places=places,
        age_from=age_from,
        age_to=age_to,
        postcode=postcode,
        **skills,
    )


def _placed(child, household, start, end=None):
    return Episode.objects.create(
        child=child,
        decom=start,
        rne="S",
        ls="C2",
        cin="N1",
        place="U4",
        carer=household,
        dec=end,
        rec="E4A" if end else "",
    )


# --- moves ---------------------------------------------------------------------------------


def test_a_household_moves_forward_and_each_move_is_in_its_history_and_audited(world, manager):
    h = record_household_enquiry(
        manager, authority=world.authority, reference="FH1", name="The Okafors", enquiry_date=D(2024, 1, 10)
    )
    move_to_stage(manager, household=h, stage=Stage.INFORMATION_EVENING, day=D(2024, 2, 1))
    move_to_stage(
        manager, household=h, stage=Stage.STAGE_ONE, day=D(2024, 2, 20)
    )  # skipping a visit is allowed
    h.refresh_from_db()
    assert (h.stage, h.status, h.stage_since) == ("stage_one", "assessment", D(2024, 2, 20))
    assert list(StageChange.objects.values_list("stage", "date")) == [
        ("enquiry", D(2024, 1, 10)),
        ("information_evening", D(2024, 2, 1)),
        ("stage_one", D(2024, 2, 20)),
    ]
    assert AuditEvent.objects.filter(object_type="carers.stagechange", action="create").count() == 3


def test_going_back_needs_a_reason(world, manager, nothing_written):
    h = _household(world, stage=Stage.STAGE_TWO, status="assessment", stage_since=D(2024, 3, 1))
    with nothing_written(FosterHousehold, StageChange), pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.STAGE_ONE, day=D(2024, 3, 5))
    assert refused.value.message_dict == {"note": ["Say why the household is going back to an earlier stage"]}
    move_to_stage(manager, household=h, stage=Stage.STAGE_ONE, day=D(2024, 3, 5), note="References to redo")
    assert StageChange.objects.get().note == "References to redo"


def test_a_move_cannot_be_dated_before_the_current_stage_began(world, manager):
    h = _household(world, stage=Stage.STAGE_ONE, status="assessment", stage_since=D(2024, 3, 1))
    with pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.STAGE_TWO, day=D(2024, 2, 29))
    assert refused.value.message_dict == {
        "day": ["The date cannot be before the household entered assessment stage 1 on 1 March 2024"]
    }


def test_approval_needs_places_and_an_age_range(world, manager):
    h = _household(world, stage=Stage.PANEL, status="assessment", stage_since=D(2024, 5, 1))
    with pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.APPROVED, day=D(2024, 5, 20), approved_places=0)
    assert refused.value.message_dict == {
        "approved_places": ["An approved household has at least one place"],
        "age_to": ["Give the age range the household is approved for"],
    }
    with pytest.raises(ValidationError) as refused:
        move_to_stage(
            manager,
            household=h,
            stage=Stage.APPROVED,
            day=D(2024, 5, 20),
            approved_places=2,
            age_from=9,
            age_to=4,
        )
    assert refused.value.message_dict == {"age_to": ["The oldest age cannot be below the youngest"]}
    move_to_stage(
        manager,
        household=h,
        stage=Stage.APPROVED,
        day=D(2024, 5, 20),
        approved_places=2,
        age_from=0,
        age_to=10,
        skills={"sibling_groups": True},
    )
    h.refresh_from_db()
    assert (h.status, h.approval_date, h.approved_places, h.age_from, h.age_to, h.sibling_groups) == (
        "approved",
        D(2024, 5, 20),
        2,
        0,
        10,
        True,
    )


def test_withdrawal_only_before_approval_and_no_return_to_assessment(world, manager):
    h = _approved(world, "FH2", 1)
    with pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.WITHDRAWN, day=D(2024, 7, 1))
    assert "deregistered" in refused.value.message_dict["stage"][0]
    with pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.STAGE_TWO, day=D(2024, 7, 1), note="x")
    assert refused.value.message_dict == {"stage": ["An approved household cannot go back into assessment"]}
    move_to_stage(manager, household=h, stage=Stage.INACTIVE, day=D(2024, 7, 1))
    move_to_stage(manager, household=h, stage=Stage.APPROVED, day=D(2024, 8, 1))  # back into use
    h.refresh_from_db()
    assert (h.stage, h.status, h.approval_date) == ("approved", "approved", D(2024, 6, 1))


def test_matching_is_for_adopters(world, manager):
    h = _approved(world, "FH3", 1)
    with pytest.raises(ValidationError) as refused:
        move_to_stage(manager, household=h, stage=Stage.MATCHED, day=D(2024, 7, 1))
    assert refused.value.message_dict == {"stage": ["Matching and placing are adopters' stages"]}
    adopters = _approved(world, "AH1", 1, kind="adopter")
    move_to_stage(manager, household=adopters, stage=Stage.MATCHED, day=D(2024, 7, 1))
    assert adopters.status == "approved"


def test_a_review_needs_what_it_found(world, manager):
    h = _approved(world, "FH4", 1)
    with pytest.raises(ValidationError) as refused:
        review_household(manager, household=h, day=D(2024, 9, 1), note=" ")
    assert refused.value.message_dict == {"note": ["Say what the review found and what happens next"]}
    review_household(
        manager, household=h, day=D(2024, 9, 1), note="Wants teenagers only; re-approve for 11 to 17"
    )
    assert FosterHousehold.objects.get(pk=h.pk).last_review_date == D(2024, 9, 1)


# --- clocks --------------------------------------------------------------------------------


def test_an_enquiry_is_overdue_from_the_day_after_four_weeks(world):
    h = _household(world, stage_since=D(2024, 1, 10))  # 10 Jan + 28 days = 7 Feb
    assert rules.due_date(h) == D(2024, 2, 7)
    assert not rules.is_overdue(h, D(2024, 2, 7))
    assert rules.is_overdue(h, D(2024, 2, 8))


def test_stage_one_runs_two_calendar_months_kept_within_the_month(world):
    h = _household(world, stage=Stage.STAGE_ONE, enquiry_date=D(2023, 11, 1), stage_since=D(2023, 12, 31))
    assert rules.due_date(h) == D(2024, 2, 29)  # 31 Dec + 2 months: no 31 Feb, leap year


def test_the_initial_visit_clock_counts_working_days_past_easter(world):
    # Fri 22 Mar 2024 + 10 working days: 25-28 Mar (4), Good Friday 29 Mar and Easter Monday
    # 1 Apr skipped, 2-5 Apr (8), 8-9 Apr (10) -> Tue 9 Apr
    h = _household(world, stage=Stage.INITIAL_VISIT, stage_since=D(2024, 3, 22))
    assert rules.due_date(h) == D(2024, 4, 9)


def test_adopters_stage_two_is_four_months_and_approved_households_have_no_clock(world):
    adopters = _household(world, "AH2", kind="adopter", stage=Stage.STAGE_TWO, stage_since=D(2024, 2, 15))
    assert rules.due_date(adopters) == D(2024, 6, 15)
    assert rules.due_date(_approved(world, "FH5", 1)) is None


def test_the_pipeline_counts_each_stage_and_its_overdue(world):
    _household(world, "FH6", stage_since=D(2024, 1, 10))  # enquiry due 7 Feb: overdue on 1 Mar
    _household(world, "FH7", stage_since=D(2024, 2, 20))  # due 19 Mar: on time
    _household(
        world, "FH8", stage=Stage.STAGE_TWO, status="assessment", stage_since=D(2024, 1, 1)
    )  # due 1 May
    rows = {row.stage: row for row in queries.pipeline(world.authority.pk, on=D(2024, 3, 1))}
    assert (rows["enquiry"].count, rows["enquiry"].overdue) == (2, 1)
    assert (rows["stage_two"].count, rows["stage_two"].overdue) == (1, 0)
    assert rows["enquiry"].households[0].days == 51  # 10 Jan to 1 Mar 2024: 21 + 29 + 1


def test_approvals_by_month_against_ten_a_year(world):
    _approved(world, "FH9", 2)  # 1 Jun 2024
    _household(
        world,
        "FH10",
        stage=Stage.APPROVED,
        status="approved",
        approval_date=D(2024, 6, 20),
        approved_places=1,
    )
    _household(
        world,
        "FH11",
        stage=Stage.APPROVED,
        status="approved",
        approval_date=D(2023, 6, 30),
        approved_places=1,
        enquiry_date=D(2023, 1, 1),
    )
    rows = queries.approvals_by_month(world.authority.pk, on=D(2024, 6, 30))
    # the 12 months Jul 2023 to Jun 2024: the June 2023 approval is outside
    assert (rows[0].month, rows[-1].month) == (D(2023, 7, 1), D(2024, 6, 1))
    assert (rows[-1].approvals, rows[-1].places, rows[-1].cumulative) == (2, 3, 2)
    assert rows[-1].target == 10.0 and rows[5].target == 5.0  # 10 x 6/12


# --- capacity, inactive, vacancies -----------------------------------------------------------


def test_capacity_counts_places_occupied_today_and_vacant(world):
    on = D(2024, 9, 1)
    a = _approved(world, "FH20", 3, age_from=0, age_to=10, sibling_groups=True)
    b = _approved(world, "FH21", 1, age_from=11, age_to=17, complex_needs=True)
    _household(
        world,
        "FH22",
        stage=Stage.INACTIVE,
        status="inactive",
        approval_date=D(2024, 1, 1),
        approved_places=2,
        enquiry_date=D(2023, 6, 1),
    )
    _placed(world.child_north, a, D(2024, 7, 1))  # living there
    _placed(world.child_south, a, D(2024, 7, 1), D(2024, 8, 31))  # left the day before
    _placed(world.child_south, b, D(2024, 9, 1))  # arrived today
    page = queries.capacity(world.authority.pk, on=on)
    # approved only (the inactive household's 2 places are not capacity): 3 + 1 = 4 places,
    # occupied 1 (a) + 1 (b) = 2, vacant 2 (a) + 0 (b) = 2
    assert (page.total.households, page.total.places, page.total.occupied, page.total.vacant) == (2, 4, 2, 2)
    by_age = {c.label: (c.places, c.occupied, c.vacant) for c in page.by_age}
    assert by_age == {"Aged 0 to 10": (3, 1, 2), "Aged 11 to 17": (1, 1, 0)}
    by_skill = {c.label: (c.households, c.vacant) for c in page.by_skill}
    assert by_skill == {"Parent and child": (0, 0), "Complex needs": (1, 0), "Sibling groups": (1, 2)}


def test_inactive_lists_marked_and_unused_households(world):
    on = D(2025, 3, 1)  # six months back: 1 Sep 2024
    _household(
        world,
        "FH30",
        stage=Stage.INACTIVE,
        status="inactive",
        approval_date=D(2024, 1, 1),
        approved_places=1,
        enquiry_date=D(2023, 6, 1),
    )
    unused = _approved(world, "FH31", 1)  # approved 1 Jun 2024, never used
    left = _approved(world, "FH32", 1)
    _placed(world.child_north, left, D(2024, 6, 10), D(2024, 8, 31))
    recent = _approved(world, "FH33", 1)
    _placed(world.child_south, recent, D(2024, 6, 10), D(2024, 9, 2))  # ended inside six months
    busy = _approved(world, "FH34", 1)
    _placed(world.child_elsewhere, busy, D(2024, 6, 10))
    rows = {r.household.reference: r.reason for r in queries.inactive(world.authority.pk, on=on)}
    assert rows == {
        "FH30": "Marked inactive",
        "FH31": "No child placed since approval",
        "FH32": "No child placed since the last placement ended",
    }
    assert unused.pk and busy.pk


def test_vacancies_fit_age_siblings_and_needs_nearest_district_first(world):
    on = D(2024, 9, 1)
    child = world.child_north  # born 17 May 2012: 12 on 1 Sep 2024, home PL4 8AA
    far = _approved(world, "FH40", 2, age_from=5, age_to=17, postcode="PL9 1AA", sibling_groups=True)
    near = _approved(world, "FH41", 1, age_from=10, age_to=15, postcode="PL4 2BB", complex_needs=True)
    _approved(world, "FH42", 2, age_from=0, age_to=10, postcode="PL4 3CC")  # too young a range
    full = _approved(world, "FH43", 1, age_from=0, age_to=17, postcode="PL4 4DD")
    _placed(world.child_south, full, D(2024, 8, 1))  # its one place is taken
    found = queries.vacancies(world.authority.pk, child, on=on)
    assert [(v.household.reference, v.vacant, v.same_district) for v in found] == [
        ("FH41", 1, True),
        ("FH40", 2, False),
    ]
    assert [v.household for v in queries.vacancies(world.authority.pk, child, siblings=2, on=on)] == [far]
    assert [v.household for v in queries.vacancies(world.authority.pk, child, complex_needs=True, on=on)] == [
        near
    ]
