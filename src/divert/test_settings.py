"""Settings for the test suite: production settings with a throwaway key and fast hashing.

Tests run with DEBUG off, as production does; static files come from the app folders so the
browser tests need no ``collectstatic``.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-installation")
# The test client and the browser tests' live server speak plain HTTP: no redirect to HTTPS, no
# HSTS, cookies not marked Secure. tests/core/test_security_headers.py turns these back on.
os.environ.setdefault("DIVERT_HTTPS", "0")

from divert.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The live server in browser tests speaks plain HTTP on 127.0.0.1.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No cached register between requests (divert.indicators.cache): each test runs in a transaction
# that never commits, so the register version never moves and a cache could serve one test
# another's register. The cache's own tests turn it on and clear it around each test.
DIVERT_FRAMES_CACHE = 0
# Sign-in lock-out (django-axes) stays on, with its database handler: every test runs in a
# transaction that is rolled back, so failed sign-ins in one test never lock an account in another.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
