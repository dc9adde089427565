"""Every domain's rows, merged for the matrix. A domain with pages adds its module here."""

from __future__ import annotations

from tests.access import (
    Page,
    api,
    care,
    carers,
    cases,
    chronology,
    commissioning,
    earlyhelp,
    forecast,
    frontdoor,
    oversight,
    panels,
    permanence,
    privacy,
    programme,
    signin,
    stepdown,
)

DOMAIN_ROWS: dict[Page, tuple[str, ...]] = {}
for rows in (
    frontdoor.ROWS,
    earlyhelp.ROWS,
    cases.ROWS,
    panels.ROWS,
    care.ROWS,
    stepdown.ROWS,
    permanence.ROWS,
    chronology.ROWS,
    forecast.ROWS,
    carers.ROWS,
    commissioning.ROWS,
    programme.ROWS,
    api.ROWS,
    privacy.ROWS,
    oversight.ROWS,
    signin.ROWS,
):
    assert not DOMAIN_ROWS.keys() & rows.keys(), "a page is in two domains' rows"
    DOMAIN_ROWS |= rows
