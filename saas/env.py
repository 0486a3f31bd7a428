"""Every environment variable Klimapartner reads, declared once with its type and default.

Secrets may also come from a file: ``SECRET_KEY_FILE=/run/secrets/key`` (Kubernetes secrets).
A malformed value fails at start-up with the variable's name in the message.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv(
    # development | production | test
    DJANGO_ENV=(str, "development"),
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    # postgres://user:password@host:port/name; unset in development means the embedded server
    DATABASE_URL=(str, ""),
    # redis://host:port/db; unset means an in-process cache and a file-system Celery broker
    REDIS_URL=(str, ""),
    # Tenants live at <slug>.<PLATFORM_DOMAIN>; the platform (operator) site at PLATFORM_DOMAIN.
    PLATFORM_DOMAIN=(str, "localhost"),
    ALLOWED_HOSTS=(list, []),
    # How links in e-mails reach the site: scheme and port (0 = the scheme's default port).
    URL_SCHEME=(str, ""),
    URL_PORT=(int, 0),
    # smtp+tls://user:password@host:587, smtps://…, consolemail://, filemail:///var/mail
    # (in the project); unset means the console in development, and is refused in production
    EMAIL_URL=(str, ""),
    DEFAULT_FROM_ADDRESS=(str, ""),
    # Seconds a host -> tenant lookup is cached.
    TENANT_CACHE_SECONDS=(int, 300),
    TENANT_LOCAL_CACHE_SECONDS=(int, 5),
    DB_CONNECTION_MAX_SCHEMAS=(int, 60),
    KP_BENCH_ADDFIELD=(str, ""),
    # Number of reverse proxies in front of the app (for the client address in audit records).
    TRUSTED_PROXY_COUNT=(int, 0),
    CELERY_TASK_ALWAYS_EAGER=(bool, False),
    # Folder of the file-system broker used when REDIS_URL is unset (default var/celery).
    CELERY_FILESYSTEM_QUEUE=(str, ""),
    # Seconds before Redis gives an unacknowledged task to another worker (see settings).
    CELERY_VISIBILITY_TIMEOUT=(int, 3600),
    LOG_LEVEL=(str, "INFO"),
    # Where uploaded files are kept (one folder per tenant below it); default var/media.
    MEDIA_ROOT=(str, ""),
    # Malware scanning of uploads: clamd | fake | none; unset means clamd in production,
    # fake (flags the EICAR test string) in tests, none in development.
    UPLOAD_SCANNER=(str, ""),
    # The ClamAV daemon (TCP) and how long to wait for it, in seconds.
    CLAMD_HOST=(str, "127.0.0.1"),
    CLAMD_PORT=(int, 3310),
    CLAMD_TIMEOUT=(float, 30.0),
    # Folder of pg_dump, pg_restore, psql, createdb and dropdb for tenant export and restore
    # (tenants/offboarding.py); unset means the embedded server's own binaries when
    # DATABASE_URL points at it, else the server's major version under /usr/lib/postgresql,
    # else PATH. Must match the server's major version.
    PG_BIN_DIR=(str, ""),
)

DJANGO_ENV = env("DJANGO_ENV")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}."
    )
IS_PRODUCTION = DJANGO_ENV == "production"
if env("UPLOAD_SCANNER") not in {"", "clamd", "fake", "none"}:
    raise ImproperlyConfigured(
        f"UPLOAD_SCANNER must be clamd, fake or none, not {env('UPLOAD_SCANNER')!r}."
    )


def required_in_production(name: str, value: object) -> None:
    if IS_PRODUCTION and not value:
        raise ImproperlyConfigured(
            f"{name} must be set in production (directly or through {name}_FILE)."
        )
