"""Project wiring only: every value that differs between installations comes from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from divert.env import ConfigError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("DIVERT_VAR_DIR", str(Path.cwd() / "var")) or "var")

DEBUG = envbool("DEBUG", False)
_secret = envstr("SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE)")
    _secret = "insecure-development-key-only-for-debug"  # noqa: S105 - refused above unless DEBUG
SECRET_KEY = _secret
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Demo users (synthetic data only) may sign in only on a DEBUG installation.
DIVERT_ALLOW_DEMO_USERS = DEBUG

INSTALLED_APPS = [
    "divert.core.admin_site.DivertAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "divert.core",
    "divert.people",
    "divert.frontdoor",
    "divert.earlyhelp",
    "divert.cases",
    "divert.care",
    "divert.carers",
    "divert.panels",
    "divert.stepdown",
    "divert.permanence",
    "divert.chronology",
    "divert.forecast",
    "divert.commissioning",
    "divert.programme",
    "divert.privacy",
    "divert.oversight",
    "divert.signin",
    "divert.api",
    "divert.transfer",
    "divert.synth",
    "divert.returns",
    "divert.indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "divert.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "divert.core.middleware.LoginRequiredMiddleware",
    "divert.privacy.middleware.PseudonymiseMiddleware",
]

ROOT_URLCONF = "divert.urls"
WSGI_APPLICATION = "divert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "divert.core.context_processors.navigation",
            ],
        },
    },
]

_database_url = envstr("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "divert.sqlite3"),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")) or "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Served over HTTPS unless DEBUG: cookies only travel encrypted, plain HTTP is redirected and
# browsers are told (HSTS) never to try HTTP again. DIVERT_HTTPS=0 is for an installation that is
# only reached over HTTP on a closed network, never the internet.
DIVERT_HTTPS = envbool("DIVERT_HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = DIVERT_HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = DIVERT_HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = DIVERT_HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60) if DIVERT_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Behind a reverse proxy that ends TLS, Django sees plain HTTP: the proxy names the original scheme
# in this header (e.g. X-Forwarded-Proto). Set it only when the proxy always sets or strips it.
_proxy_ssl_header = envstr("SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only the application's own scripts, styles and fonts run: an injected <script> or inline handler
# is refused by the browser, so a stored cross-site scripting flaw cannot read a child's record.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Local rules from the programme: settings, not code.
DIVERT = {
    "AUTHORITY_NAME": envstr("DIVERT_AUTHORITY_NAME", "Divert demonstration council"),
    "MONTHLY_ENTRY_CAP": envint("DIVERT_MONTHLY_ENTRY_CAP", 8),
    "MONTHLY_EXIT_TARGET": envint("DIVERT_MONTHLY_EXIT_TARGET", 10),
    # Placements at or above this weekly cost (pounds), and every independent-sector placement,
    # need the resource panel's approval first.
    "RESOURCE_PANEL_WEEKLY_THRESHOLD": envint("DIVERT_RESOURCE_PANEL_WEEKLY_THRESHOLD", 1000),
    # The length of an early help family support intervention, in weeks.
    "EARLY_HELP_WEEKS": envint("DIVERT_EARLY_HELP_WEEKS", 12),
    # The follow-up of an edge-of-care panel's decision: was the child accommodated within these months?
    "PANEL_FOLLOW_UP_MONTHS": (3, 12),
    "PLAN_REVIEW_MONTHS": (9, 12, 18),  # months into a CP or CIN plan when it is reviewed
    # Adoption scorecard thresholds in days (DfE, set for 2013-16): A1 entering care to moving in
    # with the adoptive family, A2 placement order to match, A10 as A1 adjusted for foster carer adoptions.
    "ADOPTION_THRESHOLDS": {"A1": 426, "A2": 121, "A10": 426},
    # A step-down plan's saving is its weekly difference times these weeks (full-year effect).
    "STEP_DOWN_SAVING_WEEKS": envint("DIVERT_STEP_DOWN_SAVING_WEEKS", 52),
    # Simulated futures behind each forecast's 80% band (the backtest uses at most 200 per origin).
    "FORECAST_RUNS": envint("DIVERT_FORECAST_RUNS", 500),
    # Need to know (docs/security.md): a break-glass view of a restricted record lasts this long;
    # opening more than UNUSUAL_ACCESS_RECORDS children's records within UNUSUAL_ACCESS_MINUTES
    # raises an alert for managers.
    "BREAK_GLASS_MINUTES": envint("DIVERT_BREAK_GLASS_MINUTES", 60),
    "UNUSUAL_ACCESS_RECORDS": envint("DIVERT_UNUSUAL_ACCESS_RECORDS", 40),
    "UNUSUAL_ACCESS_MINUTES": envint("DIVERT_UNUSUAL_ACCESS_MINUTES", 10),
}

# The key behind analysts' pseudonyms (divert/privacy/pseudonyms.py); derived from SECRET_KEY when unset.
DIVERT_PSEUDONYM_KEY = envstr("DIVERT_PSEUDONYM_KEY", "")  # or DIVERT_PSEUDONYM_KEY_FILE

# Mail for access alerts to managers: an SMTP relay in production, the console when DEBUG is on.
_mail = "console" if DEBUG else "smtp"
EMAIL_BACKEND = envstr("DIVERT_EMAIL_BACKEND", f"django.core.mail.backends.{_mail}.EmailBackend")
EMAIL_HOST = envstr("DIVERT_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DIVERT_EMAIL_PORT", 25)
EMAIL_USE_TLS = envbool("DIVERT_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DIVERT_EMAIL_FROM", "divert@localhost")

# The scorecard keeps each authority's register as frames in every web process, per register
# version (indicators/cache.py): how many registers a process keeps (0 turns it off) and the
# longest, in seconds, a kept register is trusted without a change being recorded.
DIVERT_FRAMES_CACHE = envint("DIVERT_FRAMES_CACHE", 4)
DIVERT_FRAMES_MAX_AGE = envint("DIVERT_FRAMES_MAX_AGE", 3600)

# The interpreter of the DfE validators' own environment (they pin an older pandas): see docs/returns.md.
_validators_python = Path(__file__).resolve().parents[2] / ".venv-validators" / "bin" / "python"
DIVERT_VALIDATOR_PYTHON = envstr(
    "DIVERT_VALIDATOR_PYTHON", str(_validators_python) if _validators_python.exists() else ""
)

AUTHENTICATION_BACKENDS = ["divert.core.backends.DivertBackend"]

# Uploaded returns wait here for the import task, and CIN exports for their download: outside
# the static files, never served as pages, deleted after use (docs/returns.md). The limit is on
# an upload's total size.
DIVERT_UPLOAD_DIR = Path(envstr("DIVERT_UPLOAD_DIR", str(VAR_DIR / "uploads")) or "uploads")
DIVERT_UPLOAD_MAX_MB = envint("DIVERT_UPLOAD_MAX_MB", 200)

# Sign-in: lock-out and session expiry (docs/security.md "Signing in").
# django-axes counts refused sign-ins per username from one address; after DIVERT_LOCKOUT_FAILURES
# in a row the account is locked for DIVERT_LOCKOUT_MINUTES (an administrator can unlock it sooner), and a
# successful sign-in clears the count. A session ends after DIVERT_SESSION_IDLE_MINUTES without a
# request (each request restarts the clock) and when the browser closes.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["divert.core.backends.LockoutBackend", *AUTHENTICATION_BACKENDS]
AXES_FAILURE_LIMIT = envint("DIVERT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = envint("DIVERT_LOCKOUT_MINUTES", 30) / 60  # in hours, as django-axes reads a number
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock lasts what the page says
AXES_LOCKOUT_CALLABLE = "divert.core.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # unlocking is the axes_reset_username command (docs/security.md)
SESSION_COOKIE_AGE = envint("DIVERT_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# NCSC password guidance: length over complexity, common passwords refused (above), no forced
# expiry, and long passphrases allowed up to 128 characters.
AUTH_PASSWORD_VALIDATORS += [{"NAME": "divert.core.passwords.MaximumLengthValidator"}]

# --- Sign-in: second factor and single sign-on (docs/security.md "Signing in"). ---------------
# Every local account needs a one-time code from an authenticator app (TOTP) after its password,
# or one of its single-use backup codes; demo accounts skip it only with DEBUG on.
# DIVERT_SECOND_FACTOR=0 exists only for tests of other things: leave it on in every installation.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE += ["divert.signin.middleware.SecondFactorMiddleware"]
DIVERT_SECOND_FACTOR = envbool("DIVERT_SECOND_FACTOR", True)
OTP_TOTP_ISSUER = "Divert"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, wait 2**(n-1) seconds
OTP_STATIC_THROTTLE_FACTOR = 1
# Single sign-on through the council's OpenID Connect provider (Microsoft Entra ID, or another),
# only when a client id is set. People are matched to existing Divert accounts; none is created.
DIVERT_OIDC_CLIENT_ID = envstr("DIVERT_OIDC_CLIENT_ID", "") or ""
DIVERT_OIDC_ENABLED = bool(DIVERT_OIDC_CLIENT_ID)
DIVERT_OIDC_REQUIRE_MFA = envbool("DIVERT_OIDC_REQUIRE_MFA", True)
if DIVERT_OIDC_ENABLED:
    from divert.signin.config import oidc_endpoints

    _oidc = oidc_endpoints()
    OIDC_RP_CLIENT_ID = DIVERT_OIDC_CLIENT_ID
    OIDC_RP_CLIENT_SECRET = envstr("DIVERT_OIDC_CLIENT_SECRET", "") or ""
    if not OIDC_RP_CLIENT_SECRET:
        raise ConfigError("DIVERT_OIDC_CLIENT_SECRET (or _FILE) must be set with DIVERT_OIDC_CLIENT_ID")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc.authorization
    OIDC_OP_TOKEN_ENDPOINT = _oidc.token
    OIDC_OP_JWKS_ENDPOINT = _oidc.jwks
    OIDC_OP_USER_ENDPOINT = _oidc.userinfo
    DIVERT_OIDC_ISSUER = _oidc.issuer  # checked against the ID token's "iss" when known
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_CREATE_USER = False  # roles are given in Divert by an administrator, never by sign-in
    OIDC_USE_PKCE = True
    OIDC_AUTHENTICATION_CALLBACK_URL = "signin:oidc_callback"
    OIDC_TIMEOUT = 10
    AUTHENTICATION_BACKENDS += ["divert.signin.oidc.DivertOIDCBackend"]
# --- end of sign-in block ---------------------------------------------------------------------

# --- Read-only API block (issue 9 item 5; docs/api.md) ----------------------------------------
# Bearer tokens only (no session, so no CSRF), JSON only, read only; a rate limit per token, read
# when applied (divert.api.throttling). Lists page by limit/offset: 100 a page, at most 1,000.
INSTALLED_APPS += ["rest_framework", "drf_spectacular"]
DIVERT_API_RATE = envstr("DIVERT_API_RATE", "120/minute")
DIVERT_API_PAGE_SIZE = envint("DIVERT_API_PAGE_SIZE", 100)
DIVERT_API_MAX_PAGE_SIZE = envint("DIVERT_API_MAX_PAGE_SIZE", 1000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["divert.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["divert.api.permissions.UsesApi"],
    "DEFAULT_THROTTLE_CLASSES": ["divert.api.throttling.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "divert.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Divert read-only API",
    "DESCRIPTION": "Scorecard figures, pseudonymised children in care and monthly counts for "
    "business-intelligence tools. Send 'Authorization: Bearer <token>' (make one at /api/tokens/).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
# --- end of read-only API block -----------------------------------------------------------------
