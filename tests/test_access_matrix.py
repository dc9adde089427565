"""Who may open which page: every page against every role, in one table, asserted in one test.

Read a row across to see who reaches a page. ``OK`` is the page itself; ``SIGN_IN`` a
redirect to Divert's sign-in; ``NO_ADMIN`` the admin turning a signed-in non-administrator
away (to its own login page); ``HIDDEN`` the 404 that a child you may not see shares with a
child who does not exist; ``DENIED`` a 403 for a page your role may not use; ``HOME`` a
redirect home (signing in when already signed in); ``NO_GET`` a page that only takes a POST.

Every URL pattern in the project must appear here (``test_every_page_is_in_the_matrix``), so
a new page cannot skip this table. Users are ``tests.conftest.build_world``'s: alice (social
worker, North, has Ava), tom (North's manager), sam (social worker, South, has Sid), mo (MASH),
pat (police; Sid is shared with the police), ana (analyst), hos (head of service), fin
(finance), adam (administrator), and an anonymous visitor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import (
    DENIED,
    HIDDEN,
    HOME,
    NO_ADMIN,
    NO_GET,
    OK,
    SIGN_IN,
    TO_PACKS,
    WHO,
    Page,
)
from tests.access.rows import DOMAIN_ROWS
from tests.conftest import World


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"


# fmt: off
MATRIX: dict[Page, tuple[str, ...]] = {
    #    alice     tom       sam       mo        pat       ana       hos       fin       adam      anonymous
    Page("core:home"):
        (OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK,       SIGN_IN),
    Page("core:login"):
        (HOME,     HOME,     HOME,     HOME,     HOME,     HOME,     HOME,     HOME,     HOME,     OK),
    Page("core:logout"):
        (NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   SIGN_IN),
    Page("core:healthz"):
        (OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK),
    Page("people:search"):
        (OK,       OK,       OK,       OK,       OK,       OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("people:add"):
        (OK,       OK,       OK,       OK,       DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   SIGN_IN),
    Page("people:child", "ava"):
        (OK,       OK,       HIDDEN,   OK,       HIDDEN,   OK,       OK,       OK,       HIDDEN,   SIGN_IN),
    Page("people:child", "sid"):
        (HIDDEN,   HIDDEN,   OK,       OK,       OK,       OK,       OK,       OK,       HIDDEN,   SIGN_IN),
    Page("people:child", "eli"):
        (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   SIGN_IN),
    Page("people:edit", "ava"):
        (OK,       OK,       HIDDEN,   OK,       HIDDEN,   DENIED,   DENIED,   DENIED,   HIDDEN,   SIGN_IN),
    Page("people:edit", "sid"):
        (HIDDEN,   HIDDEN,   OK,       OK,       DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   SIGN_IN),
    Page("people:edit", "eli"):
        (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   SIGN_IN),
    Page("admin:index"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:core_authority_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:core_populationestimate_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:core_benchmark_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:core_unitcost_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:indicators_indicatortarget_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:people_team_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    Page("admin:people_locality_changelist"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, OK,       SIGN_IN),
    # Statutory returns: the performance analyst and the head of service, for their own authority.
    Page("returns:index"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:upload"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:export_903", path="/returns/2025/ssda903.zip"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:export_cin", path="/returns/2025/cin-census/"):
        (NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   SIGN_IN),
    Page("returns:validate", path="/returns/2025/validate/"):
        (NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   NO_GET,   SIGN_IN),
    Page("returns:job", job="ours"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:job", job="theirs"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_status", job="ours"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_status", job="theirs"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_results_csv", job="ours"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_results_csv", job="theirs"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_file", job="ours"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   OK,       OK,       DENIED,   DENIED,   SIGN_IN),
    Page("returns:job_file", job="theirs"):
        (DENIED,   DENIED,   DENIED,   DENIED,   DENIED,   HIDDEN,   HIDDEN,   DENIED,   DENIED,   SIGN_IN),
    # The performance scorecard: every role but partner agencies and administrators (a 403, as returns).
    Page("indicators:scorecard"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:detail", path="/indicators/cla_count/"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:members", path="/indicators/cla_count/children/"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:series_csv", path="/indicators/cla_count/series.csv"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:scorecard_download", path="/indicators/download/?format=csv"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:boardpack", path="/indicators/board-pack.xlsx"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    # The PDF is made by the task worker: its old address leads to the page with the button.
    Page("indicators:boardpack", path="/indicators/board-pack.pdf"):
        (TO_PACKS, TO_PACKS, TO_PACKS, TO_PACKS, DENIED,   TO_PACKS, TO_PACKS, TO_PACKS, DENIED,   SIGN_IN),
    Page("indicators:boardpack_start"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    # A board pack is its authority's: any reader there may follow and download it, no one else.
    Page("indicators:boardpack_job", job="ours"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:boardpack_job", job="theirs"):
        (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   SIGN_IN),
    Page("indicators:boardpack_job_status", job="ours"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:boardpack_job_status", job="theirs"):
        (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   SIGN_IN),
    Page("indicators:boardpack_file", job="ours"):
        (OK,       OK,       OK,       OK,       DENIED,   OK,       OK,       OK,       DENIED,   SIGN_IN),
    Page("indicators:boardpack_file", job="theirs"):
        (HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   HIDDEN,   HIDDEN,   HIDDEN,   DENIED,   SIGN_IN),
    # Children are never in the admin: even the administrator finds nothing there.
    Page("", path="/admin/people/child/"):
        (NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, NO_ADMIN, HIDDEN,   SIGN_IN),
}
# fmt: on
MATRIX |= DOMAIN_ROWS

CASES = [
    (page, who, expected) for page, row in MATRIX.items() for who, expected in zip(WHO, row, strict=True)
]


def _outcome(response: object) -> str:
    status = response.status_code  # type: ignore[attr-defined]
    if status != 302:
        return str(status)
    location: str = response["Location"]  # type: ignore[index]
    if location.startswith(reverse("core:login")):
        return SIGN_IN
    if location.startswith(reverse("admin:login")):
        return NO_ADMIN
    return HOME if location == reverse("core:home") else f"302 to {location}"


@pytest.mark.parametrize(("page", "who", "expected"), CASES, ids=[f"{p}-{w}" for p, w, _ in CASES])
def test_who_may_open_each_page(client: Client, world: World, page: Page, who: str, expected: str) -> None:
    if who != "anonymous":
        client.force_login(world.users[who])
    response = client.get(page.url(world))
    assert _outcome(response) == expected, f"{who} opening {page}"


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    """Every URL name in the project, with its namespace; an unnamed page is named by its route."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        else:
            names.add(
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"
            )
    return names


def _required(names: set[str]) -> set[str]:
    """Pages that must be in the matrix. Of the admin's own pages, its index and the list of
    each registered model stand for the rest (the add, change and history pages share their
    permission checks)."""
    admin_lists = {f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry}
    return {name for name in names if not name.startswith("admin:")} | {"admin:index"} | admin_lists


def test_every_page_is_in_the_matrix() -> None:
    in_matrix = {page.name for page in MATRIX if page.name}
    missing = _required(_names(get_resolver().url_patterns)) - in_matrix
    where = "MATRIX in tests/test_access_matrix.py, or their domain's ROWS in tests/access/"
    assert not missing, f"add these pages to {where}: {sorted(missing)}"


def test_the_matrix_names_only_pages_that_exist() -> None:
    assert {page.name for page in MATRIX if page.name} <= _names(get_resolver().url_patterns)
