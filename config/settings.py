"""Settings for fortnox-bridge, read from the environment (and ``.env`` when present).

Every variable is listed, with a comment, in ``.env.example``. With ``DEBUG`` off the service
refuses to start while a secret is missing or an embedded development default is in use.
"""

from __future__ import annotations

from pathlib import Path

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
env.read_dotenv(Path(env.text("ENV_FILE", str(BASE_DIR / ".env"))))

# Development defaults, only acceptable while DEBUG is on.
DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0xMjM="

# --- Core -------------------------------------------------------------------------------
DEBUG = env.flag("DEBUG", default=False)
SECRET_KEY = env.text("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
PUBLIC_BASE_URL = env.url("PUBLIC_BASE_URL", "http://localhost:8000" if DEBUG else "")
FIELD_ENCRYPTION_KEYS = env.csv("FIELD_ENCRYPTION_KEY") or (
    [DEV_FIELD_ENCRYPTION_KEY] if DEBUG else []
)
SANDBOX_ENABLED = env.flag("SANDBOX_ENABLED", default=DEBUG)
# Where the served sandboxes keep their state between restarts; with SANDBOX_PERSIST off
# it lives in the web process only (faster under load, gone on restart).
SANDBOX_STATE_DIR = Path(env.text("SANDBOX_STATE_DIR") or BASE_DIR / "var" / "sandbox")
SANDBOX_PERSIST = env.flag("SANDBOX_PERSIST", default=True)
# Shopify webhook bodies larger than this are refused (413) before they are read.
WEBHOOK_MAX_BYTES = env.integer("WEBHOOK_MAX_BYTES", default=1024 * 1024)
REDIS_URL = env.text("REDIS_URL")

DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Web and worker processes share the file. Transactions take the write lock when they
    # begin (a deferred one that later writes fails at once instead of waiting), wait up to
    # 20 s for it, and WAL lets readers go on while one process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each process's connection open between requests and tasks (opening one cost 64 % of
# a web worker's busy time at 0), checked before reuse so a dropped one is replaced.
# DATABASE_URL may set its own with ?conn_max_age=N.
DATABASES["default"]["CONN_MAX_AGE"] = env.integer(
    "CONN_MAX_AGE", default=DATABASES["default"].get("CONN_MAX_AGE") or 60
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The webhook receivers' INSERT is prepared once per connection on PostgreSQL (see
# syncs.models). Turn off behind a pooler that cannot keep prepared statements.
DATABASE_PREPARED_STATEMENTS = env.flag("DATABASE_PREPARED_STATEMENTS", default=True)

# --- Providers ---------------------------------------------------------------------------
# API hosts default to the real services; in sandbox mode they point at the local fakes
# under /sandbox/<provider>/ unless set explicitly.
_sandbox = f"{PUBLIC_BASE_URL}/sandbox" if SANDBOX_ENABLED else ""
SANDBOX_CLIENT_ID = "sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"


def _client(name: str, sandbox_value: str) -> str:
    return env.text(name) or (sandbox_value if SANDBOX_ENABLED else "")


FORTNOX_CLIENT_ID = _client("FORTNOX_CLIENT_ID", SANDBOX_CLIENT_ID)
FORTNOX_CLIENT_SECRET = _client("FORTNOX_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
FORTNOX_SCOPES = env.text(
    "FORTNOX_SCOPES",
    "companyinformation customer article invoice order payment currency price settings",
).split()
FORTNOX_API_URL = env.url(
    "FORTNOX_API_URL", f"{_sandbox}/fortnox" if _sandbox else "https://api.fortnox.se"
)
FORTNOX_AUTH_URL = env.url(
    "FORTNOX_AUTH_URL",
    f"{_sandbox}/fortnox/oauth-v1" if _sandbox else "https://apps.fortnox.se/oauth-v1",
)
# Where the merchant's pages link a document: {tenant}, {register} (invoices, orders) and
# {number} are filled in. Fortnox's web app has no documented deep link, so it opens the app.
FORTNOX_DOCUMENT_URL = env.text(
    "FORTNOX_DOCUMENT_URL",
    f"{_sandbox}/fortnox/ui/{{tenant}}/{{register}}/{{number}}/"
    if _sandbox
    else "https://apps.fortnox.se/",
)
# Requests per tenant per window; Fortnox allows 25 per 5 seconds.
FORTNOX_RATE_LIMIT = env.integer("FORTNOX_RATE_LIMIT", default=25)
FORTNOX_RATE_WINDOW = env.number("FORTNOX_RATE_WINDOW", default=5.0)
# Seconds added to the window: we count a request when it leaves, Fortnox when it arrives,
# so two requests' difference in transit time must fit in it (see README, Performance).
FORTNOX_RATE_MARGIN = env.number("FORTNOX_RATE_MARGIN", default=0.15)

SHOPIFY_CLIENT_ID = _client("SHOPIFY_CLIENT_ID", SANDBOX_CLIENT_ID)
SHOPIFY_CLIENT_SECRET = _client("SHOPIFY_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
# During a secret rotation Shopify may sign with the previous secret for up to an hour.
SHOPIFY_PREVIOUS_CLIENT_SECRET = env.text("SHOPIFY_PREVIOUS_CLIENT_SECRET")
SHOPIFY_SCOPES = env.csv(
    "SHOPIFY_SCOPES", "read_orders,write_orders,read_customers,write_customers,read_products"
)
SHOPIFY_API_VERSION = env.text("SHOPIFY_API_VERSION", "2026-07")
# Where a shop's Admin API lives; {shop} is the myshopify domain.
SHOPIFY_SHOP_URL = env.text(
    "SHOPIFY_SHOP_URL", f"{_sandbox}/shopify/{{shop}}" if _sandbox else "https://{shop}"
).rstrip("/")

HUBSPOT_CLIENT_ID = _client("HUBSPOT_CLIENT_ID", SANDBOX_CLIENT_ID)
HUBSPOT_CLIENT_SECRET = _client("HUBSPOT_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
HUBSPOT_APP_ID = env.text("HUBSPOT_APP_ID", "1" if SANDBOX_ENABLED else "")
# Every scope the connector uses: deals (read, and write the Fortnox number), line items,
# companies and contacts (read, and write the Fortnox customer number; notes are written
# under the contacts scopes), products (read, for articles), pipelines
# (crm.schemas.deals.read), the Fortnox-number properties (crm.schemas.*.write), file
# uploads (files) and workflow-action callbacks (automation). Space-separated; the shipped
# HubSpot project (hubspot_app/hubspot_project) names the same list.
HUBSPOT_SCOPES = env.text(
    "HUBSPOT_SCOPES",
    "oauth crm.objects.deals.read crm.objects.deals.write crm.objects.contacts.read "
    "crm.objects.contacts.write crm.objects.companies.read crm.objects.companies.write "
    "crm.objects.line_items.read crm.objects.products.read crm.schemas.deals.read "
    "crm.schemas.deals.write crm.schemas.contacts.write crm.schemas.companies.write "
    "files automation",
).split()
HUBSPOT_OPTIONAL_SCOPES = env.text("HUBSPOT_OPTIONAL_SCOPES").split()
# The date-versioned API the OAuth token endpoint is called with (/oauth/2026-03/token).
HUBSPOT_API_VERSION = env.text("HUBSPOT_API_VERSION", "2026-03")
HUBSPOT_API_URL = env.url(
    "HUBSPOT_API_URL", f"{_sandbox}/hubspot" if _sandbox else "https://api.hubapi.com"
)
HUBSPOT_AUTH_URL = env.url(
    "HUBSPOT_AUTH_URL",
    f"{_sandbox}/hubspot/oauth/authorize"
    if _sandbox
    else "https://app.hubspot.com/oauth/authorize",
)

HTTP_TIMEOUT = env.number("HTTP_TIMEOUT", default=20.0)
HTTP_USER_AGENT = "fortnox-bridge/0.1 (+https://github.com/fortnox-bridge)"


def _production_problems() -> list[str]:
    problems = []
    if SANDBOX_ENABLED:
        problems.append(
            "SANDBOX_ENABLED is on, which is refused when DEBUG is off (the fake Fortnox,"
            " Shopify and HubSpot would answer for the real ones)"
        )
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
        problems.append("SECRET_KEY is not set (required when DEBUG is off)")
    if not FIELD_ENCRYPTION_KEYS or DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
        problems.append(
            "FIELD_ENCRYPTION_KEY is not set or uses the development key (required when DEBUG"
            " is off; make one with: python -c 'from cryptography.fernet import Fernet;"
            " print(Fernet.generate_key().decode())')"
        )
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is not set (required when DEBUG is off)")
    if not PUBLIC_BASE_URL:
        problems.append("PUBLIC_BASE_URL is not set (required when DEBUG is off)")
    if not FORTNOX_CLIENT_ID:
        problems.append("FORTNOX_CLIENT_ID is not set (required when DEBUG is off)")
    credentials = {
        "FORTNOX": (FORTNOX_CLIENT_ID, FORTNOX_CLIENT_SECRET),
        "SHOPIFY": (SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET),
        "HUBSPOT": (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET),
    }
    for provider, (client_id, secret) in credentials.items():
        if client_id and not secret:
            problems.append(f"{provider}_CLIENT_SECRET is not set but {provider}_CLIENT_ID is")
    return problems


if not DEBUG:
    env.require(_production_problems())


def _validate_fernet_keys(keys: list[str]) -> None:
    from cryptography.fernet import Fernet

    for key in keys:
        try:
            Fernet(key)
        except Exception:
            raise env.ConfigurationError(
                "FIELD_ENCRYPTION_KEY holds a value that is not a Fernet key"
                " (32 url-safe base64-encoded bytes)"
            ) from None


_validate_fernet_keys(FIELD_ENCRYPTION_KEYS)

# --- Django ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_q",
    "config",  # the demo command (`make run`)
    "integrations",
    "syncs",
    "fortnox",
    "shopify_app",
    "hubspot_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Webhook deliveries go straight to their receiver from here: the rest is for pages.
    "config.middleware.ReceiverLaneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Merchant pages speak English and Swedish: the browser's language, or the one chosen with
# the switch in the page header. The catalogues are in locale/ (compiled .mo committed).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# --- HTTPS -------------------------------------------------------------------------------
# With DEBUG off and an https PUBLIC_BASE_URL: redirect http to https (not /healthz, which
# load balancers probe over plain http), HSTS, and cookies sent over https only.
_https = not DEBUG and PUBLIC_BASE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=_https)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", default=31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_https)
SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", default=_https)
SESSION_COOKIE_SECURE = env.flag("SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The header a TLS-terminating proxy sets to say the request came over https. Only trust
# it when the proxy always sets it (and strips it from what clients send).
SECURE_PROXY_SSL_HEADER = env.proxy_header(
    "SECURE_PROXY_SSL_HEADER", "none" if DEBUG else "X-Forwarded-Proto=https"
)
# Django refuses a larger request body before the webhook receiver sees it (400); keep its
# limit above the receiver's own so an oversized delivery gets the receiver's 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, WEBHOOK_MAX_BYTES)
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL] if PUBLIC_BASE_URL else []

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Task queue (django-q2) --------------------------------------------------------------
# The ORM broker needs nothing but the database; set REDIS_URL to use Redis instead.
# A task still running after Q_TIMEOUT seconds is killed; one not acknowledged after
# Q_RETRY seconds (its worker died) is handed out again. Q_RETRY must exceed Q_TIMEOUT.
Q_TIMEOUT = env.integer("Q_TIMEOUT", default=300)
Q_RETRY = env.integer("Q_RETRY", default=360)
Q_CLUSTER = {
    "name": "fortnox-bridge",
    "workers": env.integer("Q_WORKERS", default=2),
    "timeout": Q_TIMEOUT,
    "retry": Q_RETRY,
    "max_attempts": 1,  # our tasks retry transient errors themselves, with backoff
    "ack_failures": True,
    "catch_up": False,
    # Successful results are not stored: the run and event rows are the record, and the
    # result saver locked every stored success after each task (55 % of a worker's CPU).
    # Failures are still stored, for the admin's "Failed tasks".
    "save_limit": -1,
    "label": "Task queue",
}
# A run or event claimed by a worker that died becomes claimable again after this lease:
# longer than the task timeout (by then django-q2 has killed a task still running) and no
# longer than the retry (when the broker hands an unacknowledged task out again), so the
# broker's re-delivery finds the run claimable instead of throwing itself away.
SYNC_LEASE_SECONDS = env.integer("SYNC_LEASE_SECONDS", default=min(Q_TIMEOUT + 30, Q_RETRY))
if not Q_TIMEOUT < SYNC_LEASE_SECONDS <= Q_RETRY:
    raise env.ConfigurationError(
        f"SYNC_LEASE_SECONDS ({SYNC_LEASE_SECONDS}) must be more than Q_TIMEOUT ({Q_TIMEOUT})"
        f" and at most Q_RETRY ({Q_RETRY})"
    )
# Seconds before a run's attempts 2, 3, ... after a transient failure (its last delay is
# the last retry: a run gives up after len + 1 attempts).
_retry_delays = env.csv("SYNC_RETRY_DELAYS", "30,120,600,1800,3600")
if not all(part.isdigit() for part in _retry_delays):
    raise env.ConfigurationError(
        f"SYNC_RETRY_DELAYS must be whole seconds separated by commas, got {_retry_delays!r}"
    )
SYNC_RETRY_DELAYS = tuple(int(part) for part in _retry_delays)
# The dispatcher hands stored work to the queue again when its first hand-off failed or
# was lost; it leaves alone what was stored or queued less than this many seconds ago.
OUTBOX_GRACE_SECONDS = env.integer("OUTBOX_GRACE_SECONDS", default=10)
# The relay (manage.py outbox_relay) asks this often (seconds) for stored events to hand to
# the queue: the most a webhook waits for it.
OUTBOX_RELAY_POLL = env.number("OUTBOX_RELAY_POLL", default=0.02)
# Writing an outcome back (order note, deal note) is retried this many times.
REPORT_MAX_ATTEMPTS = env.integer("REPORT_MAX_ATTEMPTS", default=6)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    # How often an idle cluster asks the database for a task: one indexed query, and the
    # latency a webhook waits for its worker.
    Q_CLUSTER["poll"] = env.number("Q_POLL", default=0.1)

REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
}
