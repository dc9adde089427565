"""Permanence's lines in the child's chronology: plans, applications and outcomes, adoption steps."""

from __future__ import annotations

from django.urls import reverse

from divert.permanence.chronology import entries
from tests.permanence.helpers import D, adoption, application, episode, plan, review


def test_plans_applications_and_adoption_steps_in_date_order_each_with_a_page(world):
    ava = world.child_north
    episode(ava, D(2024, 1, 10))
    held = review(ava, D(2024, 4, 20), plan=True)
    first = plan(ava, D(2024, 4, 20), "return_home")
    first.review = held
    first.save()
    plan(ava, D(2024, 7, 1), "adoption")
    adoption(ava, D(2024, 7, 1), matched=D(2025, 2, 10), placed=D(2025, 3, 3))
    made = application(ava, "adoption", D(2025, 6, 1), outcome="granted", outcome_date=D(2025, 9, 30))

    found = entries(ava)

    page = reverse("permanence:child", args=[ava.pk])
    assert [(e.date, e.title) for e in found] == [
        (D(2024, 4, 20), "Permanence plan agreed: return home to parents"),
        (D(2024, 7, 1), "Decision that the child should be placed for adoption"),
        (D(2024, 7, 1), "Permanence plan agreed: adoption"),
        (D(2025, 2, 10), "Matched with adopters"),
        (D(2025, 3, 3), "Placed for adoption"),
        (D(2025, 6, 1), "Court application: adoption order"),
        (D(2025, 9, 30), "Application granted: adoption order"),
    ]
    assert {e.kind for e in found} == {"permanence"}
    assert found[0].url == f"{page}#plans" and found[0].detail.startswith("At a looked-after review")
    assert found[1].url == f"{page}#adoption"
    assert found[-1].url == reverse("permanence:application", args=[made.pk])
    assert found[-1].source == f"permanence.courtapplication:{made.pk}"


def test_a_child_with_no_permanence_records_has_no_entries(world):
    assert entries(world.child_south) == []
