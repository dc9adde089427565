"""Access-matrix rows for the read-only API and its token pages (merged by ``tests/access/rows.py``).

The token pages are ordinary signed-in pages: the roles that use the API (analysts, the head of
service, finance) list and make their tokens, everyone else gets a 403, and revoking takes only a
POST. The API itself takes bearer tokens only, never the browser's session, so every signed-in
user here (the matrix signs in with a session) and the anonymous visitor get a 401 asking for a
token; ``tests/api/test_access.py`` asserts who may read it with a token.
"""

from __future__ import annotations

from django.urls import reverse

from divert.api import actions
from tests.access import DENIED, NO_GET, OK, SIGN_IN, Page
from tests.conftest import World

NO_TOKEN = "401"

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
TOKEN_USERS = (DENIED, DENIED, DENIED, DENIED, DENIED, OK, OK, OK, DENIED, SIGN_IN)
POST_ONLY = (NO_GET,) * 9 + (SIGN_IN,)
TOKENS_ONLY = (NO_TOKEN,) * 10


def _hos_token(world: World) -> str:
    token, _ = actions.create_token(world.users["hos"], name="Power BI")
    return reverse("api:token_revoke", args=[token.pk])


ROWS: dict[Page, tuple[str, ...]] = {
    Page("api:tokens"): TOKEN_USERS,
    Page("api:token_new"): TOKEN_USERS,
    Page("api:token_revoke", build=_hos_token, about="hos's token"): POST_ONLY,
    Page("api:indicators"): TOKENS_ONLY,
    Page("api:indicator_series", path="/api/v1/indicators/cla_count/series/"): TOKENS_ONLY,
    Page("api:children_in_care"): TOKENS_ONLY,
    Page("api:care_movements"): TOKENS_ONLY,
    Page("api:referrals_monthly"): TOKENS_ONLY,
    Page("api:schema"): TOKENS_ONLY,
}
