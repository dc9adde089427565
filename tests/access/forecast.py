"""Access-matrix rows for the forecast (merged by ``tests/access/rows.py``).

The forecast names no child: the role decides. The head of service, analysts, finance and
team managers read it (``core.access.may_read_forecast``); all but team managers save
scenarios (``may_save_scenarios``). Another council's scenario is the same 404 as a missing
one for those who may save; everyone else is refused first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from divert.forecast.models import SavedScenario
from tests.access import DENIED, HIDDEN, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
READERS = (DENIED, OK, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
WRITERS = (DENIED, DENIED, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
THEIRS = (DENIED, DENIED, DENIED, DENIED, DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, SIGN_IN)


def _scenario(name: str, whose: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        authority = world.authority if whose == "ours" else world.other_authority
        saved = SavedScenario.objects.create(authority=authority, name="Held to 8", params={"entries_cap": 8})
        return reverse(name, kwargs={"pk": saved.pk})

    return build


ROWS: dict[Page, tuple[str, ...]] = {
    Page("forecast:index"): READERS,
    Page("forecast:compare"): READERS,
    Page("forecast:excel"): READERS,
    Page("forecast:scenarios"): READERS,
    Page("forecast:scenario_new"): WRITERS,
    Page("forecast:scenario_edit", build=_scenario("forecast:scenario_edit", "ours"), about="ours"): WRITERS,
    Page(
        "forecast:scenario_edit", build=_scenario("forecast:scenario_edit", "theirs"), about="theirs"
    ): THEIRS,
    Page("forecast:scenario_delete", build=_scenario("forecast:scenario_delete", "ours"), about="ours"): (
        (NO_GET,) * 9 + (SIGN_IN,)
    ),
}
