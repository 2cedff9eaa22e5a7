"""Production shape: refuses to start without SECRET_KEY; hardened for `check --deploy`."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _logging, env_bool, env_list

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

DEBUG = env_bool("DEBUG", False)
# Plus loopback, for the container's own health checks.
ALLOWED_HOSTS = [*env_list("ALLOWED_HOSTS", []), "127.0.0.1", "localhost"]
PORTAL_REQUIRE_MFA = env_bool("PORTAL_REQUIRE_MFA", True)

# Production runs behind nginx (docker-compose.yml): one proxy of ours unless told otherwise.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Prometheus scrapes the web containers directly, inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One JSON object per line, for the log collector (LOG_FORMAT=text to read them yourself).
# Keep each worker's database connection between requests: opening one to PostgreSQL costs
# more than a whole page's queries (issue #16). CONN_HEALTH_CHECKS pings a kept connection at
# the start of a request, so one the server dropped (a restart, a failover) is replaced
# instead of failing the request. DB_CONN_MAX_AGE overrides (0: a connection per request).
# SQLite gains nothing from it, so it is left alone there.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = _logging(LOG_FORMAT)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
