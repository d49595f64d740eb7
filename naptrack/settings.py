"""One settings module for every deployment, driven by environment variables.

Like healthchecks' hc/settings.py: sensible defaults for the embedded SQLite set-up, every
production knob an environment variable, nothing to copy or edit.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envseconds(name: str, default: str, unit: str = "seconds") -> float:
    text = os.environ.get(name, default).strip()
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 10**6:
        raise ImproperlyConfigured(f"{name} must be a number of {unit} above 0, not {text!r}")
    return value


def envjson(name: str) -> dict:
    text = os.environ.get(name) or "{}"
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object, such as {{"bucket_name": "naptrack"}}')
    return value


DATA_DIR = Path(os.environ.get("NAPTRACK_DATA_DIR", "./naptrack-data")).resolve()
# The data directory holds the database, the secret key and unpublished evidence: only the
# account naptrack runs as may enter it (0700), whatever the umask, and also when it existed
# before with looser modes (an operator's mkdir, an older naptrack). Files in it are 0600 (the
# database below, FILE_UPLOAD_PERMISSIONS for uploads, reports and the PDF cache).
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if DATA_DIR.stat().st_uid == os.geteuid():
    DATA_DIR.chmod(0o700)


def _secret_key() -> str:
    """The key from the environment, else one generated on first start and kept in the data
    directory, so that sessions survive restarts and several workers agree on it."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # O_EXCL: when several workers start at once, only one writes the key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.environ.get("NAPTRACK_SITE_NAME", "naptrack")
DEFAULT_PLAN = os.environ.get("NAPTRACK_DEFAULT_PLAN", "")
# The address people reach the site at, for links in e-mails (e.g. https://naptrack.example.org).
NAPTRACK_BASE_URL = os.environ.get("NAPTRACK_BASE_URL", "http://127.0.0.1:8000")
NAPTRACK_NARRATIVE_MAX = int(os.environ.get("NAPTRACK_NARRATIVE_MAX", "20000"))
NAPTRACK_UPLOAD_MAX_MB = int(os.environ.get("NAPTRACK_UPLOAD_MAX_MB", "20"))
# The institution that issues the report to parliament and its logo (a file path), on the cover.
NAPTRACK_REPORT_INSTITUTION = os.environ.get("NAPTRACK_REPORT_INSTITUTION", "")
NAPTRACK_REPORT_LOGO = os.environ.get("NAPTRACK_REPORT_LOGO", "")
# What an uploaded workbook or Word document may hold before anything parses it (core/ooxml.py):
# a department workbook has a row per line and instrument (70 at most on the Belgian plan), a
# plan's matrix a few hundred rows of 5-10 columns; these leave ample room and bound a worker's memory.
NAPTRACK_SHEET_MAX_ROWS = int(os.environ.get("NAPTRACK_SHEET_MAX_ROWS", "5000"))
NAPTRACK_SHEET_MAX_COLUMNS = int(os.environ.get("NAPTRACK_SHEET_MAX_COLUMNS", "50"))
NAPTRACK_SHEET_MAX_CELLS = int(os.environ.get("NAPTRACK_SHEET_MAX_CELLS", "100000"))
NAPTRACK_OOXML_MAX_MB = int(os.environ.get("NAPTRACK_OOXML_MAX_MB", "20"))
# An API token stops working this many days after it is issued: a token copied into a script
# that was forgotten, or leaked, does not open the API for ever.
NAPTRACK_API_TOKEN_DAYS = int(os.environ.get("NAPTRACK_API_TOKEN_DAYS", "90"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Everything saved through the storage API (evidence, published reports, the PDF cache) and the
# folders made for it: the naptrack account's alone, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "naptrack.core",
    "naptrack.accounts",
    "naptrack.audit",
    "django_tasks",
    "django_tasks_db",
    "naptrack.jobs",
    "naptrack.plans",
    "naptrack.reporting",
    "naptrack.international",
    "naptrack.civilsociety",
    "naptrack.evaluations",
    "naptrack.publications",
    "naptrack.portal",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "naptrack.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "naptrack.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/ every answer is JSON, errors of Django and of other middleware included.
    "naptrack.api.middleware.JsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cache-Control: private, no-store for signed-in people (after the view, whoever signed in).
    "naptrack.core.headers.PrivateCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out a session left idle (NAPTRACK_IDLE_MINUTES), before anything acts on it.
    "naptrack.core.idle.IdleTimeoutMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Whoever has not passed the second factor their account needs reaches nothing else.
    "naptrack.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes wants to be last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "naptrack.urls"
WSGI_APPLICATION = "naptrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "naptrack.core.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers run beside a writer; the busy timeout and
# IMMEDIATE transactions make a writer wait for the lock at BEGIN instead of failing with
# "database is locked" when it upgrades a read transaction halfway through.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'naptrack.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# Each request opens its own connection, whose page cache starts empty: memory-mapped, the file's
# pages are read from the system's cache without a read() each. A round's contributions in an
# installation of a hundred plans: 11 ms -> 3 ms (bench/scale.py). Writes still go through the WAL.
SQLITE_MMAP_BYTES = int(os.environ.get("NAPTRACK_SQLITE_MMAP_MB", "2048")) * 1024 * 1024
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # synchronous=FULL: in WAL mode, NORMAL leaves a commit in the unflushed log, so a save already
    # confirmed to a person can vanish on power loss; FULL flushes the log at every commit: 0.1 ms
    # on an idle disk, about 4 ms on a busy one (bench/durability.py measures it; see the README).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            f"PRAGMA mmap_size={SQLITE_MMAP_BYTES};"
        ),
    }
    # SQLite creates its database with the umask's mode (often 0644) and its -wal and -shm files
    # with the database's: the file is made 0600 before SQLite first opens it, and kept so.
    _database = Path(DATABASES["default"]["NAME"])
    if str(_database) != ":memory:" and _database.parent.is_dir():
        os.close(os.open(_database, os.O_WRONLY | os.O_CREAT, 0o600))
        for _suffix in ("", "-wal", "-shm"):
            _file = _database.with_name(_database.name + _suffix)
            if _file.exists() and _file.stat().st_uid == os.geteuid():
                _file.chmod(0o600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# An invitation link (accounts/invitations.py) works once, for this many days.
NAPTRACK_INVITATION_DAYS = int(os.environ.get("NAPTRACK_INVITATION_DAYS", "7"))
# A password reset link works once, for this many hours; the "Forgot your password?" page sends
# at most NAPTRACK_PASSWORD_RESET_LIMIT links an hour per client address and per e-mail address.
PASSWORD_RESET_TIMEOUT = int(float(os.environ.get("NAPTRACK_PASSWORD_RESET_HOURS", "24")) * 3600)
NAPTRACK_PASSWORD_RESET_LIMIT = int(os.environ.get("NAPTRACK_PASSWORD_RESET_LIMIT", "5"))
LOGIN_REDIRECT_URL = "start"  # each role's own page of work (portal/views/start.py)
LOGOUT_REDIRECT_URL = "home"

# Failed logins: five failures for one username from one address lock it for an hour; twenty from
# one address, whatever the usernames, lock that address out for an hour (accounts/lockout.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
NAPTRACK_ADDRESS_FAILURE_LIMIT = int(os.environ.get("NAPTRACK_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "naptrack.accounts.lockout.LockoutHandler"
# The client's address (core/clients.py), for the lock-out and the API's rate limits: behind this
# many proxies that append to X-Forwarded-For, the one the outermost proxy saw; 0: REMOTE_ADDR.
NAPTRACK_PROXY_COUNT = int(os.environ.get("NAPTRACK_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "naptrack.core.clients.client_address"

# A signed-in session left idle this many minutes is signed out (core/idle.py): coordinators,
# readers and anyone else after 30, focal points, who write long narratives, after 240. 0: never.
NAPTRACK_IDLE_MINUTES = int(os.environ.get("NAPTRACK_IDLE_MINUTES", "30"))
NAPTRACK_IDLE_MINUTES_FOCAL = int(os.environ.get("NAPTRACK_IDLE_MINUTES_FOCAL", "240"))

# Two-factor sign-in (naptrack/accounts/twofactor.py): coordinators, readers and administrators
# always; everyone when this is true. Wrong codes are throttled by django-otp: after n failures in
# a row the next try waits 2^(n-1) seconds.
NAPTRACK_2FA_REQUIRED_FOR_ALL = envbool("NAPTRACK_2FA_REQUIRED_FOR_ALL", "false")
OTP_TOTP_ISSUER = SITE_NAME

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, once the site has a certificate: redirect http:// to https://, and tell browsers
# (HSTS) to use nothing else for this many seconds, subdomains included unless said otherwise.
# "preload" only consents to the browsers' preload list: a domain gets there only when its owner
# submits it, and a subdomain (where naptrack usually lives) cannot be submitted at all.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
# The health check answers the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (django-csp): scripts, styles, fonts and images from this site only, and
# images as data: URIs (the charts, Bootstrap's form icons). No inline script or style anywhere: a
# page that needs an inline block (the report's own stylesheet) adds its hash for that response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Languages ---------------------------------------------------------------------------------
# The interface is translated into French and Dutch; plan content may also carry German.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("nl", _("Dutch")), ("de", _("German"))]
UI_LANGUAGES = ["en", "fr", "nl", "de"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "nl", "de")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Dates, times and numbers as Belgians write them in each language (en-GB, fr-BE, nl-BE, de-BE).
FORMAT_MODULE_PATH = ["naptrack.formats"]
# Not for every number a template prints: years, ids and codes would come out as "2,014". Counts
# and figures go through the report's number() (publications/content/formatting.py), which groups
# them with these modules' separators.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Whitenoise looks for this folder at start-up; collectstatic (run by `naptrack serve`) fills it.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "uploads"
# Uploads, stored reports, the PDF cache and uploads waiting for confirmation all go through the
# default storage: the data directory's uploads/ folder unless NAPTRACK_STORAGE_BACKEND names
# another Django storage class, e.g. django-storages' storages.backends.s3.S3Storage (installed
# separately) with NAPTRACK_STORAGE_OPTIONS its options as a JSON object, so that app servers on
# several machines share an object store instead of a shared folder (README: deployment).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("NAPTRACK_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": envjson("NAPTRACK_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": os.environ.get("STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}

# --- Background jobs ---------------------------------------------------------------------------
# Long work runs as jobs (naptrack.jobs) on a queue kept in the database: django-tasks' database
# backend, whose entries `naptrack worker` (or the worker `naptrack serve` starts) takes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often a running job says its worker is alive; after six silent beats another worker runs it again.
NAPTRACK_JOB_HEARTBEAT_SECONDS = envseconds("NAPTRACK_JOB_HEARTBEAT_SECONDS", "5")
# The wait before a failed attempt is tried again, doubled at each further failure.
NAPTRACK_JOB_RETRY_SECONDS = envseconds("NAPTRACK_JOB_RETRY_SECONDS", "10")
# Files built by jobs (reports to download) are removed this many days after they were built.
NAPTRACK_JOB_FILE_DAYS = envseconds("NAPTRACK_JOB_FILE_DAYS", "7", unit="days")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "naptrack.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,  # api.views.common.Pagination's
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "naptrack.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["naptrack.api.parsers.JsonParser"],
    # Per address for anonymous callers, per person for signed-in ones; requests for a token per
    # address (naptrack/api/throttling.py). Counted per process: see the README.
    "DEFAULT_THROTTLE_CLASSES": ["naptrack.api.throttling.AnonThrottle", "naptrack.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("NAPTRACK_API_RATE_ANON", "120/minute"),
        "user": os.environ.get("NAPTRACK_API_RATE_USER", "600/minute"),
        "token": os.environ.get("NAPTRACK_API_RATE_TOKEN", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "naptrack API",
    "DESCRIPTION": "Plans, reporting rounds and contributions of National Action Plans on Women, Peace and Security.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The API's <api_id:pk> URL converter (naptrack/api/urls.py): ids of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"api_id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    # Rounds and contributions both have a "state", rounds and instruments a "kind"; so do questions
    # ("kind"), requests ("visibility") and targeted questions ("state", the contributions' states).
    "ENUM_NAME_OVERRIDES": {
        "RoundStateEnum": "naptrack.reporting.models.Round.State",
        "RoundKindEnum": "naptrack.reporting.models.Round.Kind",
        "ContributionStateEnum": "naptrack.reporting.models.Contribution.State",
        "InstrumentKindEnum": "naptrack.plans.models.Instrument.Kind",
        "ContributionVisibilityEnum": "naptrack.reporting.models.Contribution.Visibility",
        "QuestionKindEnum": "naptrack.international.models.Question.Kind",
        "RequestVisibilityEnum": "naptrack.international.models.Request.Visibility",
        # Civil society: organisations, events and their files have a "kind"; recommendations, like
        # contributions and assessments (on the plan's scale), a "status".
        "OrganisationKindEnum": "naptrack.civilsociety.models.Organisation.Kind",
        "EventKindEnum": "naptrack.civilsociety.models.Event.Kind",
        "EventFileKindEnum": "naptrack.civilsociety.models.EventFile.Kind",
        "RecommendationStatusEnum": "naptrack.civilsociety.models.Recommendation.Status",
        "ContributionStatusEnum": "naptrack.reporting.models.Contribution.Status",
    },
}

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
# A mail server that does not answer fails the sending after this long instead of holding the
# request or the job (reminders, notifications) for ever.
EMAIL_TIMEOUT = envseconds("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "naptrack@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in envlist("ADMINS", "")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
