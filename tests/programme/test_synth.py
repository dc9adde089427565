"""The demo authority's programme: the PID's six work streams, its actions, its nine risks with
their history, and its savings plan with the PID's figures, deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from divert.programme import queries
from divert.programme.models import Action, Risk, RiskScore, SavingsLine, WorkStream
from divert.synth.programme_history import add_programme
from divert.synth.timeline import Window
from tests.conftest import World

TODAY = dt.date(2026, 11, 24)


def test_the_demo_programme_follows_the_pid(world: World) -> None:
    window = Window(start=dt.date(2023, 4, 1), end=dt.date(2026, 3, 31), today=TODAY)
    add_programme(world.authority, window, random.Random("seed"))
    assert WorkStream.objects.filter(authority=world.authority).count() == 6
    assert Action.objects.filter(stream__authority=world.authority).count() == 21
    assert Risk.objects.filter(authority=world.authority).count() == 9
    assert RiskScore.objects.filter(risk__authority=world.authority).count() >= 9
    # Every risk's current score is its latest history row's.
    for risk in Risk.objects.filter(authority=world.authority).prefetch_related("scores"):
        latest = risk.scores.all()[0]
        assert (latest.probability, latest.impact) == (risk.probability, risk.impact)
    # The PID's targets, last, this and next financial year: 760, 1,280 and 2,400 (£000).
    plan = queries.savings_plan(world.authority.pk, TODAY)
    assert [(y.label, y.target_k) for y in plan.years] == [
        ("2025/26", Decimal("760")),
        ("2026/27", Decimal("1280")),
        ("2027/28", Decimal("2400")),
    ]
    # No placement moves in this small world: the placements lines have nothing achieved.
    placements = SavingsLine.objects.filter(authority=world.authority, area="placements")
    assert all(p.achieved_k is None for p in placements)
    assert (
        Action.objects.filter(status="blocked").exclude(barrier="").count()
        == Action.objects.filter(status="blocked").count()
    )
