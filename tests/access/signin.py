"""Access-matrix rows for signing in (merged by ``tests/access/rows.py``).

Every role has an account page and the second factor's pages; an anonymous visitor is sent to
sign in. The matrix signs in with ``force_login``, which stands for a completed sign-in (second
factor given, ``tests/conftest.py``): so the code page sends everyone on home, the set-up page
shows (the fixture users have no app yet), and the backup codes page, with no new codes to show,
leads to the account page. Single sign-on's pages do not exist unless it is configured
(``tests/signin/test_single_sign_on.py`` covers them configured).
"""

from __future__ import annotations

from tests.access import HIDDEN, HOME, NO_GET, OK, SIGN_IN, Page

TO_ACCOUNT = "302 to /account/"

# Columns: alice, tom, sam, mo, pat, ana, hos, fin, adam, anonymous
EVERYONE = (OK, OK, OK, OK, OK, OK, OK, OK, OK, SIGN_IN)

ROWS: dict[Page, tuple[str, ...]] = {
    Page("signin:account"): EVERYONE,
    Page("signin:new_backup_codes"): (*(NO_GET,) * 9, SIGN_IN),
    Page("signin:two_factor"): (*(HOME,) * 9, SIGN_IN),
    Page("signin:set_up"): EVERYONE,
    Page("signin:backup_codes"): (*(TO_ACCOUNT,) * 9, SIGN_IN),
    Page("signin:oidc_start"): (HIDDEN,) * 10,
    Page("signin:oidc_callback"): (HIDDEN,) * 10,
}
