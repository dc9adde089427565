"""Settings for the test suite: production settings with a throwaway key and fast hashing.

Tests run with DEBUG off, as production does; static files come from the app folders so the
browser tests need no ``collectstatic``.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-installation")

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
