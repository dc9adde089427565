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
}

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
