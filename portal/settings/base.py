"""Settings shared by every shape of the portal, read from the environment.

With nothing set the portal runs on a SQLite file, a filesystem Celery broker, mail written
to files and uploads under MEDIA_ROOT; DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL),
EMAIL_URL and S3_BUCKET switch it to PostgreSQL, Redis, SMTP and an S3-compatible bucket.
"""

import importlib.util
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-development-key-never-used-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    # The portal as a whole: its commands (backup, restore).
    "portal",
    "reference",
    "networks",
    "accounts",
    "circulation",
    "meetings",
    "decisions",
    "workplans",
    "reports",
    "documents",
    "audit",
    # The top layer: the demo composes every app above (docs/apps.md).
    "demo",
    "privacy",
]

MIDDLEWARE = [
    # The request's id (X-Request-ID), its log line and its latency (portal.observability).
    "portal.observability.RequestContextMiddleware",
    # REMOTE_ADDR becomes the real client's address behind our proxies (TRUSTED_PROXY_COUNT).
    "portal.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # "Saved; the sending follows" when the broker did not answer (portal.queues).
    "portal.observability.DeferredWorkMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A Content-Security-Policy on every response that has none of its own (downloads set
    # "default-src 'none'", documents.views).
    "csp.middleware.CSPMiddleware",
    # With DEBUG, a 404 is still the portal's page, not the URL list (PORTAL_TECHNICAL_404).
    "portal.middleware.NotFoundPageMiddleware",
    "accounts.middleware.ProviderFormActionMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.UserSessionActivityMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "networks.middleware.NetworkScopeMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "networks.context_processors.portal",
            ],
            # {% load clock %}: every time a person reads, labelled (portal/clock.py).
            "libraries": {"clock": "portal.clock"},
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when there is one, else a file cache shared by every local process ---
# While Redis does not answer, each process answers from its own memory (portal.cache): the
# sign-in limits go on per process and nobody gets a 500 (docs/adr/0006-cache-outage.md).
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "portal.cache.RedisWithFallbackCache",
        "LOCATION": url,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
        # A Redis that does not answer is known within a second, not after a hung request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that died unacknowledged goes back to the queue after
        # this long: twice the longest retry back-off and more (CIRCULATION_RETRY_MAX, an hour:
        # a worker holds a retry until it is due), so Redis never hands a task to a second
        # worker while the first still waits to run it. Lost deliveries do not wait for it:
        # the sweeper queues them again within a minute (circulation.tasks).
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(130 * 60))),
        # A broker that does not answer is an error within seconds, not a hung request
        # (portal.queues.enqueue leaves the work to the sweepers then).
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
        "retry_on_timeout": True,
    }
# Publishing a task when the broker is down: a few quick tries, then the error.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Separate queues, so that a slow PDF or report never delays an agenda: mail (circulation:
# every mailing, its deliveries, the sweeper, the digests), documents (text extraction, the
# file sweep, the meeting packs), reports (drafting quarterly reports); beat's other jobs (which make mailings
# and hand them to the mail queue) stay on the default queue "celery". docker-compose.yml runs one worker
# per queue; `make run`'s worker (bin/run-dev) consumes them all (CELERY_QUEUES_ALL).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "circulation.tasks.*": {"queue": "mail"},
    "documents.tasks.*": {"queue": "documents"},
    # Building a meeting's pack converts and merges files: the documents' worker's work.
    "meetings.tasks.build_meeting_pack": {"queue": "documents"},
    "reports.tasks.*": {"queue": "reports"},
}
CELERY_QUEUES_ALL = ("celery", "mail", "documents", "reports")
# Which request enqueued a task travels in the task's headers (portal.logging).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_RESULT_BACKEND = None
# A task's message is acknowledged after it ran, so Redis hands it to another worker if this
# one dies. The filesystem broker removes a message when it is taken anyway, and a late
# acknowledgement there waits for the worker's two-second poll: one task per poll.
CELERY_TASK_ACKS_LATE = not CELERY_BROKER_URL.startswith("filesystem://")
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Often and cheaply (an indexed query over the few unfinished deliveries): a delivery
    # whose task was lost (a killed worker, Redis restarted empty, a broker down when it was
    # circulated) is sent again within a minute (CIRCULATION_STUCK_AFTER + this period).
    "sweep-stuck-deliveries": {
        "task": "circulation.tasks.sweep_stuck_deliveries",
        "schedule": float(os.environ.get("CIRCULATION_SWEEP_SECONDS", "20")),
    },
    "sweep-unread-document-versions": {
        "task": "documents.tasks.sweep_unread_versions",
        "schedule": 60.0,
    },
    "sweep-stuck-meeting-packs": {
        "task": "meetings.tasks.sweep_stuck_packs",
        "schedule": 300.0,
    },
    "send-daily-digests": {
        "task": "circulation.tasks.send_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    "close-due-written-procedures": {
        "task": "decisions.tasks.close_due_procedures",
        "schedule": 60.0,
    },
    "remind-before-procedure-deadlines": {
        "task": "decisions.tasks.remind_before_deadlines",
        "schedule": 3600.0,
    },
    "chase-overdue-action-points": {
        "task": "decisions.tasks.chase_overdue_action_points",
        "schedule": crontab(hour=6, minute=30, day_of_week=1),
    },
    # The calendars' answers (METHOD:REPLY) from the mailbox of IMAP_URL; nothing without it.
    "read-calendar-replies": {
        "task": "meetings.tasks.read_calendar_replies",
        "schedule": 300.0,
    },
    # Hourly: a meeting starting within the next day is reminded once (meetings.tasks).
    "remind-upcoming-meetings": {
        "task": "meetings.tasks.remind_upcoming_meetings",
        "schedule": crontab(minute=10),
    },
    "remind-missed-meeting-cadence": {
        "task": "meetings.tasks.remind_missed_cadence",
        "schedule": crontab(hour=5, minute=0),
    },
    "sweep-orphan-document-files": {
        "task": "documents.tasks.sweep_orphan_files",
        "schedule": crontab(hour=3, minute=30),
    },
    # Hourly, so that each network's report is drafted soon after its quarter ends in its
    # own time zone; a network whose draft exists is left alone.
    "draft-quarterly-reports": {
        "task": "reports.tasks.draft_quarterly_reports",
        "schedule": crontab(minute=15),
    },
    # Personal data kept no longer than PORTAL_RETENTION_DAYS says (privacy.services).
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=45),
    },
}
CELERY_TIMEZONE = "UTC"

# --- Mail -----------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Network Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _email_settings(url: str) -> dict:
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(VAR_DIR / "mail"),
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or submission://, not {parsed.scheme}://"
        )
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or {"smtp": 25, "smtps": 465, "submission": 587}[parsed.scheme],
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "submission"
        or query.get("tls", ["0"])[0] in {"1", "true"},
        "EMAIL_TIMEOUT": 30,
    }


globals().update(_email_settings(EMAIL_URL))

# --- Auth and allauth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # allauth's, with sign-in by an address only once it is verified (accounts.backends).
    "accounts.backends.VerifiedEmailBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "landing"
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Nobody has to verify the address they were invited with (the invitation mail did), but a
# new address takes the place of the old one only once its owner confirms it from the mail
# sent there; until then the old one signs in and the new one does not.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# The proxies of our own in front of the portal (nginx in docker-compose.yml: 1; a load
# balancer in front of nginx as well: 2). 0: REMOTE_ADDR is the client. The client is read
# from X-Forwarded-For only that many hops from the right (portal.middleware), so a header
# the client sends itself changes nothing.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one account from one address lock that account *from that
    # address* for five minutes (the key is the account and the address, accounts.adapter):
    # someone else's failures never refuse the right password of the account's owner
    # elsewhere, nor of a colleague at the same address. What limits a whole address is
    # the count of sign-in attempts, right or wrong ("login").
    "login_failed": "5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Network Portal] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and the recovery codes' seed are stored encrypted (accounts.crypto).
MFA_ADAPTER = "accounts.adapter.PortalMFAAdapter"
# The key of the secrets at rest; empty: derived from SECRET_KEY (and SECRET_KEY_FALLBACKS).
PORTAL_SECRETS_KEY = os.environ.get("PORTAL_SECRETS_KEY", "")
# The agencies' identity providers are rows of accounts.IdentityProvider, set up by the
# operators; nobody signs up through one (an invitation makes the account).
SOCIALACCOUNT_ADAPTER = "accounts.social.PortalSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}
# Sessions: signed out after this long without a request (operators sooner), and after the
# absolute lifetime whatever happens (accounts.middleware.SessionLifetimeMiddleware).
PORTAL_SESSION_IDLE_MINUTES = int(os.environ.get("PORTAL_SESSION_IDLE_MINUTES", str(8 * 60)))
PORTAL_OPERATOR_SESSION_IDLE_MINUTES = int(
    os.environ.get("PORTAL_OPERATOR_SESSION_IDLE_MINUTES", "60")
)
PORTAL_SESSION_MAX_DAYS = int(os.environ.get("PORTAL_SESSION_MAX_DAYS", "14"))
# How often a session's activity (its "last seen" for the idle limit and allauth's list of
# sessions) is written, in seconds: a GET within this time of the last write writes nothing
# (no session save, no usersessions UPDATE). The idle limit counts from the last write, so a
# person may be signed out up to this much before PORTAL_SESSION_IDLE_MINUTES after their last
# request, never after; keep it well under the shortest idle limit.
SESSION_ACTIVITY_RESOLUTION = int(os.environ.get("SESSION_ACTIVITY_RESOLUTION", "300"))
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_DAYS * 24 * 3600
MFA_TOTP_ISSUER = "Network Portal"
USERSESSIONS_TRACK_ACTIVITY = True
PORTAL_REQUIRE_MFA = env_bool("PORTAL_REQUIRE_MFA", False)
PORTAL_INVITATION_DAYS = 7
# With DEBUG on, answer a 404 with Django's technical page (the URL patterns tried) rather
# than the portal's "Not found" (portal.middleware.NotFoundPageMiddleware). For developers.
PORTAL_TECHNICAL_404 = env_bool("PORTAL_TECHNICAL_404", False)
# Personal data: how many days each kind of record is kept (privacy.services.apply_retention,
# daily; the /privacy/ page states them). Each can be set by PORTAL_RETENTION_<KIND>_DAYS.
# Where a person asks for the erasure of their data (shown on /privacy/); empty: through
# their network's secretariat.
PORTAL_PRIVACY_CONTACT = os.environ.get("PORTAL_PRIVACY_CONTACT", "")
PORTAL_RETENTION_DAYS = {
    kind: int(os.environ.get(f"PORTAL_RETENTION_{kind.upper()}_DAYS", str(days)))
    for kind, days in {
        "deliveries": 730,  # a mailing's delivery rows: address, status, when opened
        "opened_links": 730,  # when the recipient opened the email's link
        "sessions": 365,  # a sign-in's address and browser (Where you are signed in)
        "invitations": 365,  # invitations never accepted, after they expired or were revoked
        "document_reads": 730,  # who opened a document version, and when
        # the audit trail's platform chain: sign-ins, second factors, tokens, operators'
        # actions (the networks' chains are kept: audit.chain.apply_retention)
        "security_events": 365,
    }.items()
}
# Circulation: retries of temporary SMTP failures, and when a delivery counts as stuck.
CIRCULATION_MAX_ATTEMPTS = int(os.environ.get("CIRCULATION_MAX_ATTEMPTS", "8"))
CIRCULATION_RETRY_BASE = int(os.environ.get("CIRCULATION_RETRY_BASE", "30"))
CIRCULATION_RETRY_MAX = 3600
# Longer than a message takes to reach the SMTP server (EMAIL_TIMEOUT is 30 s a step), so
# the sweeper does not send again what is still being sent; short enough that a lost task is
# sent again within a minute of the fault.
CIRCULATION_STUCK_AFTER = int(os.environ.get("CIRCULATION_STUCK_AFTER", "40"))
# The "opened" link in a circulated email (/c/o/<token>/) stops working this long after the
# email was built: then it is a 404 like any missing page.
OPENED_LINK_MAX_AGE_DAYS = int(os.environ.get("OPENED_LINK_MAX_AGE_DAYS", "90"))
PORTAL_MAIL_DOMAIN = os.environ.get("PORTAL_MAIL_DOMAIN", "network-portal.local")
# The mailbox the calendars' answers reach (imaps://user:pass@host:993/INBOX, optionally
# ?processed=Folder, default "Processed"); empty: no mailbox is read (meetings.replies).
IMAP_URL = os.environ.get("IMAP_URL", "")
# Absolute links in emails.
# The address links in mail and calendar files point to. Unset, it follows the port the
# development server listens on (`make run PORT=8123`), so links reach the portal that sent
# them.
# The meeting pack (meetings/pack.py): LibreOffice's command for turning office files into
# PDF (not installed: they are listed with their link), and how long one conversion may take.
MEETING_PACK_SOFFICE = os.environ.get("MEETING_PACK_SOFFICE", "soffice")
MEETING_PACK_CONVERT_SECONDS = int(os.environ.get("MEETING_PACK_CONVERT_SECONDS", "120"))

PORTAL_BASE_URL = (
    os.environ.get("PORTAL_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
)
PORTAL_DEMO = env_bool("PORTAL_DEMO", False)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Day-month-year and a 24-hour clock in English too (portal/formats/en).
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves straight from the apps' and project's static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads stop being read once a file passes the limit (documents.uploads).
DOCUMENTS_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENTS_MAX_UPLOAD_MB", "50")) * 1024 * 1024
# Archives (office files, OpenDocument, the workplan import) are inflated in chunks up to
# this many bytes in all, and to at most this many times the file's size (documents.uploads).
DOCUMENTS_MAX_UNCOMPRESSED_BYTES = (
    int(os.environ.get("DOCUMENTS_MAX_UNCOMPRESSED_MB", "200")) * 1024 * 1024
)
DOCUMENTS_MAX_COMPRESSION_RATIO = int(os.environ.get("DOCUMENTS_MAX_COMPRESSION_RATIO", "100"))
# Behind nginx, downloads are handed over with X-Accel-Redirect to this internal location
# (docker-compose.yml, deploy/nginx.conf); empty: the web process streams them itself. Only
# with the filesystem storage: files in a bucket are always streamed by the web process.
DOCUMENTS_X_ACCEL_PREFIX = os.environ.get("DOCUMENTS_X_ACCEL_PREFIX", "")
# Organisations that have not answered a written procedure are reminded this long before
# its deadline.
DECISIONS_REMIND_HOURS = int(os.environ.get("DECISIONS_REMIND_HOURS", "48"))
# Optional virus scan of uploads through clamd: tcp://host:3310 or unix:///path/clamd.ctl.
# When set and unreachable, uploads are refused (documents.scan).
CLAMD_ADDRESS = os.environ.get("CLAMD_ADDRESS", "")
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


def document_storage(environ) -> dict:
    """The storage of uploaded documents: MEDIA_ROOT on the filesystem, or an S3-compatible
    bucket when S3_BUCKET is set (with the `s3` extra installed). Credentials come from
    S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, else from boto3's usual sources (AWS_*
    variables, an instance role). Objects are written private and never get a URL: every
    download is streamed by the portal after it has checked the person's right."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "S3_BUCKET is set but django-storages and boto3 are not installed: "
            "pip install -c constraints.txt '.[s3]'"
        )
    key, secret = environ.get("S3_ACCESS_KEY_ID", ""), environ.get("S3_SECRET_ACCESS_KEY", "")
    if bool(key) != bool(secret):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither."
        )
    addressing = environ.get("S3_ADDRESSING_STYLE", "")
    if addressing not in {"", "auto", "path", "virtual"}:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be auto, path or virtual, not {addressing!r}"
        )
    # "none" sends no ACL at all, for buckets whose ACLs are disabled (bucket owner
    # enforced): the bucket's own policy then keeps the objects private.
    acl = environ.get("S3_DEFAULT_ACL", "private").strip() or "private"
    options = {
        "bucket_name": bucket,
        "default_acl": None if acl == "none" else acl,
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
        "region_name": environ.get("S3_REGION") or None,
        "addressing_style": addressing or None,
    }
    if key:
        options.update(access_key=key, secret_key=secret)
    return {"BACKEND": "documents.s3.PrivateS3Storage", "OPTIONS": options}


STORAGES = {
    "default": document_storage(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A file in storage that no document version references (an upload whose transaction rolled
# back) is removed by documents.tasks.sweep_orphan_files once it is this old.
# A version whose text is still unread this long after its upload is queued again.
DOCUMENTS_UNREAD_AFTER = int(os.environ.get("DOCUMENTS_UNREAD_AFTER", "120"))
DOCUMENTS_ORPHAN_GRACE_HOURS = int(os.environ.get("DOCUMENTS_ORPHAN_GRACE_HOURS", "24"))
if DOCUMENTS_ORPHAN_GRACE_HOURS < 1:
    # Younger files may belong to an upload whose transaction has not committed yet.
    raise ImproperlyConfigured("DOCUMENTS_ORPHAN_GRACE_HOURS must be at least 1.")

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.AccessTokenAuthentication",
        "accounts.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "networks.api.permissions.TokenScopeAllowsMethod",
    ],
    # JSON in, JSON out: no browsable API, no form posts, never a 406.
    "DEFAULT_PARSER_CLASSES": ["networks.api.parsers.PortalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "networks.api.negotiation.JSONFallbackNegotiation",
    "DEFAULT_PAGINATION_CLASS": "networks.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "networks.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "networks.api.errors.portal_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Network Portal API",
    "DESCRIPTION": "The API of the UN country networks on migration. Every resource of a network "
    "lives under /api/v1/networks/{network}/; a person outside that network gets 404. Every "
    'error has one JSON body, `{"error": {"status", "code", "message"}}`. Each path '
    "answers the methods listed here (HEAD wherever GET is, without the body); any other "
    "method — OPTIONS and TRACE included — is a 405 `method_not_allowed` with that body and "
    "an `Allow` header naming the path's methods. There is no CORS.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "networks.api.schema.document_empty_filters",
        "networks.api.schema.document_head",
    ],
    # Swagger UI from our own static files: no CDN, works offline and under a strict CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `<id:…>` (portal.converters.IdConverter) is a database id.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1}},
    "ENUM_NAME_OVERRIDES": {
        "CirculationKindEnum": "circulation.models.Circulation.Kind",
        "WorkingGroupKindEnum": "networks.models.WorkingGroup.Kind",
        "OrganisationKindEnum": "networks.models.Organisation.Kind",
        "DeliveryStatusEnum": "circulation.models.Delivery.Status",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "DecisionStatusEnum": "decisions.models.Decision.Status",
        "ProcedureKindEnum": "decisions.models.Procedure.Kind",
        "WorkplanStatusEnum": "workplans.models.Workplan.Status",
        "ActivityStatusEnum": "workplans.models.Activity.Status",
        "MarkerEnum": "workplans.models.MARKERS",
        "ActionPointStatusEnum": "decisions.models.ActionPoint.Status",
        "JointStatementStatusEnum": "decisions.models.JointStatement.Status",
        "ConfidentialityEnum": "documents.models.Document.Confidentiality",
    },
}

# --- Security defaults that hold everywhere --------------------------------------------
# Every page: scripts, styles, images and fonts from the portal's own static files only —
# no inline script, no inline style, no other host (Swagger UI included: portal.api_urls,
# templates/drf_spectacular). Images also as data: URIs (the QR code of a TOTP set-up).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# One line per request and per task with the request's id (portal.observability): JSON
# objects with LOG_FORMAT=json (the production settings' default), readable text otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


def _logging(log_format: str) -> dict:
    from portal.observability import logging_config

    return logging_config(log_format, os.environ.get("LOG_LEVEL", "WARNING"))


LOGGING = _logging(LOG_FORMAT)

# /metrics for Prometheus (portal.metrics): a 404 until this is set; then a scrape sends
# "Authorization: Bearer <METRICS_TOKEN>" (401 without one, 403 with another).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
