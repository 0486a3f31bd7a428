"""Klimapartner settings: wiring only. Every variable is declared in saas/env.py."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

from saas.env import BASE_DIR, DJANGO_ENV, IS_PRODUCTION, env, required_in_production

__all__ = ["BASE_DIR", "DJANGO_ENV"]

DEBUG = env("DEBUG") and not IS_PRODUCTION
TESTING = DJANGO_ENV == "test"

SECRET_KEY = env("SECRET_KEY")
required_in_production("SECRET_KEY", SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

PLATFORM_DOMAIN = env("PLATFORM_DOMAIN").lower()
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
required_in_production("ALLOWED_HOSTS", ALLOWED_HOSTS)
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", "testserver", ".testserver"]

URL_SCHEME = env("URL_SCHEME") or ("https" if IS_PRODUCTION else "http")
URL_PORT = env("URL_PORT")

# --- Apps: django-tenants splits them between the public schema and every tenant schema.
# Users, sessions, tokens and audit records live in both: operators in the public schema,
# each municipality's people in its own (see tenants/README.md).
PEOPLE_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework.authtoken",
    "allauth",
    "allauth.account",
    # MFA (TOTP, WebAuthn, recovery codes) and single sign-on: per schema like the users, so
    # each municipality's identity provider and each person's authenticators stay its own.
    "allauth.mfa",
    # Which sessions a person has, so deactivating them ends every one (per schema too).
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "programmes.core",
    "programmes.people",
]
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "tenants.library",
    "tenants.reporting",
    "tenants.support",
    *PEOPLE_APPS,
    "django.contrib.postgres",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]
TENANT_APPS = [
    *PEOPLE_APPS,
    "programmes.configuration",
    "programmes.partners",
    "programmes.followups",
    "programmes.climate",
    "programmes.certificates",
    "programmes.dashboards",
    "programmes.invoicing",
    "programmes.events",
    "programmes.matchmaking",
    "programmes.awards",
    "programmes.communication",
    "programmes.actions",
    "programmes.directory",
    "programmes.symbols",
    "programmes.widget",
    "programmes.privacy",
    "django.contrib.sitemaps",
]
# The scale benchmark's throw-away app (tenants/benchmark/addfield): installed only in the
# migrate_schemas processes `make bench` starts to time one AddField over every tenant.
if env("KP_BENCH_ADDFIELD") in ("initial", "addfield"):
    TENANT_APPS.append("tenants.benchmark.addfield")
    MIGRATION_MODULES = {
        "benchaddfield": "tenants.benchmark.addfield."
        + ("migrations" if env("KP_BENCH_ADDFIELD") == "addfield" else "migrations_initial")
    }
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "saas.urls_public"
ROOT_URLCONF = "saas.urls_tenant"
TENANT_CACHE_SECONDS = env("TENANT_CACHE_SECONDS")
# Each process also keeps host -> tenant in memory this long (tenants.selectors): a suspension
# or a removed domain reaches the other processes within it. Off in tests (rolled-back
# changes would outlive their test).
TENANT_LOCAL_CACHE_SECONDS = 0 if TESTING else env("TENANT_LOCAL_CACHE_SECONDS")
# One `SET search_path` per schema switch instead of one per cursor.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    # /healthz and /readyz for the probes: before host validation and tenant routing.
    "programmes.core.health.HealthCheckMiddleware",
    "tenants.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # SECURE_CSP below; the Swagger UI page gets its own policy (programmes.core.headers).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "programmes.core.headers.DocsCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After routing: which origins may read the widget's data depends on the tenant
    # (programmes.widget answers corsheaders' check_request_enabled signal).
    "corsheaders.middleware.CorsMiddleware",
    # Cache-Control: no-store for signed-in users; outside SessionMiddleware to see its cookie.
    "programmes.core.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.middleware.TenantLanguageMiddleware",
    # Entries record the request's client address; 401/403 (CSRF too) leave one entry.
    "programmes.core.audit_middleware.AuditMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Operators and municipal staff must have signed in with MFA (or SSO); reads the session.
    "programmes.people.mfa.MFARequiredMiddleware",
    # Support sessions (tenants/support) end with their grant; no query for other sessions.
    "tenants.support.middleware.SupportSessionMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "saas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.tenant",
            ],
        },
    },
    {
        # Plain-text e-mails: the same templates, never HTML-escaped ("Bager & Co", not
        # "Bager &amp; Co"). Used by programmes.core.mail.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "saas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

WSGI_APPLICATION = "saas.wsgi.application"
ASGI_APPLICATION = "saas.asgi.application"

# --- Database: PostgreSQL only. Without DATABASE_URL, development and tests use the
# embedded server that `make demo` / `make test` start in var/pgdata.
_database_url = env("DATABASE_URL")
required_in_production("DATABASE_URL", _database_url)
if not _database_url:
    _database_url = f"postgres://postgres@/klimapartner?host={BASE_DIR / 'var' / 'pgdata'}"
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
# django-environ leaves a socket folder given as ?host=… in OPTIONS; HOST is where Django and
# tenants.pg_programs (pg_dump for blueprints and exports, the embedded server's binaries)
# look for it.
if not DATABASES["default"].get("HOST") and "host" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A persistent connection is closed once it has served this many tenant schemas: PostgreSQL
# caches each schema's catalogue per connection (tenants/connections.py).
DB_CONNECTION_MAX_SCHEMAS = env("DB_CONNECTION_MAX_SCHEMAS")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# pg_dump / pg_restore for tenant export and restore (tenants/offboarding.py).
PG_BIN_DIR = env("PG_BIN_DIR")

# --- Cache: keys carry the schema name, so no tenant can read another's entries.
REDIS_URL = env("REDIS_URL")
required_in_production("REDIS_URL", REDIS_URL)
if REDIS_URL and not TESTING:  # tests keep a private in-process cache they can clear
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "KEY_PREFIX": "kp",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "KEY_PREFIX": "kp",
        }
    }

# --- People and login (django-allauth), per schema.
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_ADAPTER = "programmes.people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Rate limits in every environment (tests too). Keyed by the client address of
# programmes.core.audit.client_ip (the adapter's get_client_ip, so a forged X-Forwarded-For
# does not reset them) and, through the cache's KEY_FUNCTION, by the tenant's schema.
# "partner_apply" is ours (programmes.partners.views.apply_view), counted like allauth's.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "partner_apply": "10/h/ip",
}
# Single sign-on for municipal staff: one OpenID Connect provider per tenant, set up by the
# operator (tenants/sso.py) as a SocialApp in the tenant's schema. Nobody signs up through
# it: the adapter connects the IdP's verified e-mail to an existing, active staff member of
# this tenant, or refuses.
SOCIALACCOUNT_ADAPTER = "programmes.people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# MFA: required for operators and municipal staff (programmes/people/mfa.py), optional for
# partners. WebAuthn needs a secure origin; development and tests run on http://*.localhost.
MFA_ADAPTER = "programmes.people.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not IS_PRODUCTION
MFA_TOTP_ISSUER = "Klimapartner"  # the adapter names the tenant instead where there is one
# Sessions are listed when they start (login), never touched per request: no query per page.
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation: English source strings, four Nordic catalogues.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("da", "Dansk"),
    ("sv", "Svenska"),
    ("fi", "Suomi"),
    ("nb", "Norsk bokmål"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files: served by the platform itself (whitenoise), never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    # Uploaded files live under MEDIA_ROOT/<schema name>/: a tenant's files stay its own.
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATICFILES_DIRS = [BASE_DIR / "saas" / "static"]
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never served directly: files go out through permission-checked views
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Uploads: checked by content (programmes/core/uploads.py), then scanned for malware
# (programmes/core/scanning.py). A production upload is refused when clamd cannot be reached.
UPLOAD_SCANNER = env("UPLOAD_SCANNER") or (
    "clamd" if IS_PRODUCTION else "fake" if TESTING else "none"
)
CLAMD_HOST = env("CLAMD_HOST")
CLAMD_PORT = env("CLAMD_PORT")
CLAMD_TIMEOUT = env("CLAMD_TIMEOUT")

# --- E-mail: the sender name is the tenant's; the address is the platform's.
_email_url = env("EMAIL_URL")
required_in_production("EMAIL_URL", _email_url)
_mail = environ.Env.email_url_config(_email_url or "consolemail://")
_mail_options = {
    option: _mail[setting]
    for setting, option in [
        ("EMAIL_HOST", "host"),
        ("EMAIL_PORT", "port"),
        ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"),
        ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"),
        ("EMAIL_FILE_PATH", "file_path"),
    ]
    if _mail.get(setting) not in (None, "")
}
if "file_path" in _mail_options:  # filemail://var/mail is relative to the project
    _mail_options = {"file_path": str(BASE_DIR / _mail_options["file_path"])}
MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
if TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_ADDRESS") or f"noreply@{PLATFORM_DOMAIN}"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- CORS: only the widget's data may be read cross-origin, and only from the origins the
# tenant's admin lists (programmes.widget answers corsheaders' check_request_enabled).
CORS_URLS_REGEX = r"^/(widget|api/v1/widget)/"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_METHODS = ("GET", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # drf-spectacular's, plus the error answers each operation can give (400/401/403/404/415/429).
    "DEFAULT_SCHEMA_CLASS": "programmes.core.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": None,
    # Throttles identify the client like programmes.core.audit.client_ip: REMOTE_ADDR, or
    # the n-th hop from the right of X-Forwarded-For behind n proxies of ours. (DRF's default,
    # None, would take the whole header, which the client writes.)
    "NUM_PROXIES": env("TRUSTED_PROXY_COUNT"),
    # Only views that name a throttle_scope are throttled by it (the token endpoint: password
    # guessing through the API goes through Django's authenticate, not allauth's limits).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klimapartner API",
    "DESCRIPTION": "The API of one Klimapartner tenant (municipality, county or network).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "tenants.models.Language.choices",
        "StageEnum": "programmes.partners.models.Stage.choices",
        "FollowUpStatusEnum": "programmes.followups.models.FollowUpStatus.choices",
        "ProgressStatusEnum": "programmes.followups.models.ProgressStatus.choices",
        "PublicFigureEnum": "programmes.configuration.models.PublicFigure.choices",
        "AnnouncementCategoryEnum": "programmes.communication.models.Category.choices",
        "AnnouncementStatusEnum": "programmes.communication.models.AnnouncementStatus.choices",
    },
}

# --- Background work: Celery with tenant-schemas-celery (see saas/celery.py).
# Delivery is at least once: a task is acknowledged only after it finished (acks_late), so a
# worker that dies mid-task (SIGKILL, OOM, lost machine) leaves its message to be delivered
# again. Every task is therefore idempotent: each e-mail goes through a key
# (programmes.core.mail.send_localised_mail_once / core.SentMail), each state change checks the
# state it starts from. Tasks are queued only once their transaction commits
# (programmes.core.tasks.enqueue_after_commit).
#
# Redis has no real acknowledgements: a delivered message waits in an "unacked" set and is
# put back on the queue when it was not acknowledged within the visibility timeout. So every
# task must finish well within it (the time limits below are derived from it), and retries'
# countdowns (retry_backoff caps at 600 s) stay below it; otherwise a still-running task is
# delivered a second time. Tests give a worker a short timeout so a killed worker's messages
# come back quickly (CELERY_VISIBILITY_TIMEOUT).
BROKER_VISIBILITY_TIMEOUT = env("CELERY_VISIBILITY_TIMEOUT")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
    if BROKER_VISIBILITY_TIMEOUT < 600:
        # A short timeout (tests) helps only if the sweep that puts expired messages back
        # runs often too: by default kombu scans only every 100 s.
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
else:
    # No broker server needed: messages are files under var/celery. Development only: this
    # transport removes a message when it is read, so a killed worker's tasks are lost.
    _queue = Path(env("CELERY_FILESYSTEM_QUEUE") or BASE_DIR / "var" / "celery")
    for _folder in ("queue", "processed"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER") or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledge after the task ran, and give a message back when its worker process died, so
# the next worker runs it (set for the app: every task inherits it, fan_out included).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task that raised (after its own retries) or hit its time limit is acknowledged, not
# redelivered: running a failing task forever would block the queue. It is logged instead.
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
# Strictly below the visibility timeout (asserted in tests/core/test_tasks_reliability.py):
# 300 s hard, 240 s soft with the production timeout of an hour.
CELERY_TASK_TIME_LIMIT = min(300, BROKER_VISIBILITY_TIMEOUT // 2)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 4 // 5
# One message reserved at a time: a killed worker holds back at most its running task and
# one more, and long tasks do not hold other tasks hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, the unacknowledged messages go back to the queue; stop
# the tasks still running instead of running them a second time side by side.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# No result backend: nothing reads task results (tasks report through the database).
CELERY_TASK_TENANT_CACHE_SECONDS = 30
# Periodic work goes through tenants.tasks.fan_out, which sends it to every serving tenant.
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BEAT_SCHEDULE = {
    f"daily-{name.rsplit('.', 1)[-1]}": {
        "task": "tenants.tasks.fan_out",
        "schedule": crontab(hour=hour, minute=0),
        "args": (name,),
    }
    for name, hour in (
        ("programmes.followups.tasks.purge_expired_partners", 3),
        ("programmes.followups.tasks.open_due_follow_ups", 6),
        ("programmes.followups.tasks.remind_follow_ups", 7),
        ("programmes.certificates.tasks.remind_certificates", 8),
        ("programmes.invoicing.tasks.run_annual_invoicing", 5),
        ("programmes.invoicing.tasks.remind_overdue_invoices", 9),
        ("programmes.events.tasks.remind_events", 7),
    )
}
# Retention periods of each programme (programmes/privacy/README.md), after the night's purge.
CELERY_BEAT_SCHEDULE["daily-apply_retention"] = {
    "task": "tenants.tasks.fan_out",
    "schedule": crontab(hour=3, minute=30),
    "args": ("programmes.privacy.tasks.apply_retention",),
}
# Announcements scheduled for later go out within the hour (one query per tenant).
CELERY_BEAT_SCHEDULE["hourly-send_due_announcements"] = {
    "task": "tenants.tasks.fan_out",
    "schedule": crontab(minute=5),
    "args": ("programmes.communication.tasks.send_due_announcements",),
}
# The operators' figures (tenants/reporting): every ready tenant, suspended ones included, so
# not through fan_out; the task queues one refresh per tenant, bound to its schema.
CELERY_BEAT_SCHEDULE["hourly-refresh_rollups"] = {
    "task": "tenants.reporting.tasks.refresh_rollups",
    "schedule": crontab(minute=15),
}

# --- Security
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django.middleware.csp): no inline scripts or styles, nothing from
# other origins. The widget's frame sets its own frame-ancestors, file downloads their
# sandbox; the Swagger UI and the chart pages allow inline styles (programmes.core.headers).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT")
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and its font subsetter log every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
