"""Leora's one settings module, configured from the environment (see docs/operations.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from leora.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LEORA_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

LEORA_ENV = env_str("LEORA_ENV", "development")
if LEORA_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"LEORA_ENV must be development, production or test, got {LEORA_ENV!r}")
PRODUCTION = LEORA_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when LEORA_ENV=production")
    # Development: one key per checkout, kept in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "leora.tenancy",
    "leora.crm",
    "leora.team",
    "leora.dashboard",
    "leora.web",
    "leora.demo",
    "leora.metrics",
    "leora.jobs",
    "leora.notifications",
    "leora.extraction",
    "leora.imports",
    "leora.reports",
    "leora.webhooks",
    "leora.enrichment",
    "leora.callplan",
    "django_tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "leora.tenancy.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "leora.tenancy.middleware.TenantMiddleware",
    # Last, so our error pages render with the signed-in person's tenant and role (see its docstring).
    "leora.web.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "leora.urls"
WSGI_APPLICATION = "leora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "leora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leora.tenancy.context_processors.tenancy",
            ],
        },
    },
]

# Database: SQLite file by default (zero setup), PostgreSQL in production through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'leora.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
    }
    # A file (not :memory:) so tests can start worker processes against the same database; one file per
    # test process so parallel runs on one machine never share it.
    _db["TEST"] = {"NAME": env_str("LEORA_TEST_SQLITE", str(VAR_DIR / f"test_leora_{os.getpid()}.sqlite3"))}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is shared by every web and worker process (metric counts are invalidated by writes in any of
# them), so the default is a table in the database; production may point CACHE_URL at Redis.
CACHE_URL = env_str("CACHE_URL", "db://leora_cache")


def _cache(url: str) -> dict[str, object]:
    scheme, _, rest = url.partition("://")
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest or "leora_cache"}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must start with db://, redis:// or locmem://, got {url!r}")


CACHES = {"default": _cache(CACHE_URL)}

AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm (package.json); Django serves them straight out of node_modules.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS: list[str | Path | tuple[str, Path]] = [BASE_DIR / "leora" / "static"]
STATICFILES_DIRS += [
    (prefix, _NODE / path)
    for prefix, path in [
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/chartjs", "chart.js/dist"),
        ("vendor/gridstack", "gridstack/dist"),
        ("vendor/swagger-ui", "swagger-ui-dist"),
    ]
    if (_NODE / path).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", PRODUCTION) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Leora <noreply@leora.localhost>")

# An unscoped query of a tenant-owned model raises instead of returning every tenant's rows.
LEORA_ENFORCE_TENANT_SCOPES = env_bool("LEORA_ENFORCE_TENANT_SCOPES", True)
LEORA_LOGIN_MAX_FAILURES = env_int("LEORA_LOGIN_MAX_FAILURES", 5)
LEORA_LOGIN_WINDOW_SECONDS = env_int("LEORA_LOGIN_WINDOW_SECONDS", 15 * 60)
LEORA_OCR_ENGINE = env_str("LEORA_OCR_ENGINE", "rapidocr")  # rapidocr or tesseract: the scans' OCR engine
# Where people reach this install: the links in emails start with it (no trailing slash).
LEORA_BASE_URL = env_str("LEORA_BASE_URL", "http://localhost:8000").rstrip("/")
# Webhooks may call private, loopback and link-local addresses only when allowed (see docs/webhooks.md).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_ALLOWED_NETWORKS = env_list("WEBHOOKS_ALLOWED_NETWORKS", [])
# Enrichment (docs/enrichment.md): outside providers, dotted paths (none by default), and batch sizes.
ENRICHMENT_PROVIDERS = env_list("ENRICHMENT_PROVIDERS", [])
ENRICHMENT_BATCH_SIZE = env_int("ENRICHMENT_BATCH_SIZE", 500)
ACCOUNT_TYPE_BATCH_SIZE = env_int("ACCOUNT_TYPE_BATCH_SIZE", 1000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Job queue (leora/jobs; see docs/jobs.md) -------------------------------------------------------
# Key of POST/GET /api/jobs/process: the plain key, or "sha256:<hex digest of the key>". Unset: 503.
JOB_PROCESSOR_API_KEY = env_str("JOB_PROCESSOR_API_KEY")
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60)
JOB_BACKOFF_BASE_SECONDS = env_int("JOB_BACKOFF_BASE_SECONDS", 10)
JOB_BACKOFF_MAX_SECONDS = env_int("JOB_BACKOFF_MAX_SECONDS", 3600)
JOB_CLEANUP_COMPLETED_DAYS = env_int("JOB_CLEANUP_COMPLETED_DAYS", 7)
JOB_CLEANUP_FAILED_DAYS = env_int("JOB_CLEANUP_FAILED_DAYS", 30)
JOB_FAILURE_EMAIL_INTERVAL_SECONDS = env_int("JOB_FAILURE_EMAIL_INTERVAL_SECONDS", 3600)
# Cron expressions; per_tenant entries enqueue one job per tenant at that time in the tenant's timezone.
JOB_SCHEDULE = [
    # Just after midnight: the facts' rolling windows are those of the new day.
    {"name": "customer_facts", "cron": "5 0 * * *", "type": "customer_facts_rebuild", "per_tenant": True},
    {"name": "customer_enrichment", "cron": "30 1 * * *", "type": "customer_enrichment", "per_tenant": True},
    {"name": "account_type_update", "cron": "0 2 * * *", "type": "account_type_update", "per_tenant": True},
    # Hourly: each run sends the digest of the people whose chosen hour it is in the tenant's timezone.
    {"name": "notification_digest", "cron": "0 * * * *", "type": "notification_digest", "per_tenant": True},
    {"name": "callplan_generate", "cron": "0 6 * * 1", "type": "callplan_generate", "per_tenant": True},
    {"name": "cleanup", "cron": "17 * * * *", "type": "cleanup"},
    {"name": "recover_leases", "cron": "*/5 * * * *", "type": "recover_leases"},
]
# Django's Tasks API (@task / .enqueue()) runs on the same queue.
TASKS = {"default": {"BACKEND": "leora.jobs.tasks_backend.LeoraTaskBackend"}}
# --- end of job queue settings ----------------------------------------------------------------------
