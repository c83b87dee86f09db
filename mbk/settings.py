"""Settings of the MBK Programme Office, read from the environment.

Every variable is listed in README.md ("Environment variables"). A malformed value stops
start-up with a message that names it (see mbk/env.py).
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mbk.env import env_bool, env_database, env_email, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MBK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", None)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when DEBUG is off. "
            "On a developer's machine run with DEBUG=1 (bin/run does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address people reach the site at; used in links sent by e-mail from workers.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "axes",
    "mbk",
    "accounts",
    "directory",
    "workflow",
    "documents",
    "programme",
    "meetings",
    "api",
    "signing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mbk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mbk.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workflow.middleware.WorkflowErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mbk.urls"
WSGI_APPLICATION = "mbk.wsgi.application"

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
                "workflow.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_SQLITE_DEFAULT = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": str(VAR_DIR / "mbk.sqlite3"),
}
DATABASES = {"default": env_database("DATABASE_URL", _SQLITE_DEFAULT)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its folder
    # A file, not memory, so that a Celery worker started by the tests sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiler: off unless asked for. The visibility filter's OR of EXISTS is
    # priced above jit_above_cost, and compiling ~100 functions took longer than running the
    # query: "my proposals" 467 ms a request with JIT, 178 ms without (bench/explain_jit.py).
    if not env_bool("DATABASE_JIT", False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and object permissions --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking
    # Django's ModelBackend, reading the session's person with their unread notices' count.
    "workflow.backends.PersonBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Login throttling (django-axes and mbk/throttling.py), keyed so that a stranger cannot lock a
# colleague out: AXES_FAILURE_LIMIT wrong passwords for one login from one client address lock
# that pair for the cool-off time; LOGIN_SLOWDOWN_AFTER failures on one login from all
# addresses slow further attempts on it (an interval after the latest failure, doubling from
# LOGIN_SLOWDOWN_FIRST_SECONDS up to LOGIN_SLOWDOWN_MAX_SECONDS); failures on
# LOGIN_SPRAY_LOGINS different logins from one address lock that address for the cool-off time.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt checks no password: it is not counted and does not extend a lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "mbk.throttling.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "mbk.middleware.client_address"
AXES_USERNAME_CALLABLE = "mbk.middleware.login_name"
AXES_VERBOSE = False
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 10)
LOGIN_SLOWDOWN_FIRST_SECONDS = env_int("LOGIN_SLOWDOWN_FIRST_SECONDS", 2)
LOGIN_SLOWDOWN_MAX_SECONDS = env_int("LOGIN_SLOWDOWN_MAX_SECONDS", 60)
LOGIN_SPRAY_LOGINS = env_int("LOGIN_SPRAY_LOGINS", 10)
# The reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma-
# separated); empty: none, the connecting address is the client's.
try:
    TRUSTED_PROXIES = tuple(
        ipaddress.ip_network(value, strict=False) for value in env_list("TRUSTED_PROXIES", [])
    )
except ValueError as error:
    raise ImproperlyConfigured(
        f"Environment variable TRUSTED_PROXIES has a malformed value: {error}"
    ) from None
ANONYMOUS_USER_NAME = None  # anonymous visitors never hold object permissions
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SIGNUP_CONFIRMATION_MAX_AGE = env_int("SIGNUP_CONFIRMATION_MAX_AGE", 3 * 24 * 3600)
# Sign-up, "send a new link" and password reset are throttled (counts in the database,
# accounts.throttle): letters about an account to one address (sign-up letters and reset
# letters counted apart), and accepted sign-up/resend requests per client, per sliding hour.
ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR = env_int("ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR", 3)
SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR = env_int("SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR", 10)

# --- Cache and sessions ---------------------------------------------------------------------
# Several web nodes share one cache (Redis: CACHE_URL=redis://host:6379/1), so that what one
# node counts (the API's throttling) every node sees. Without it (the embedded mode, one web
# process) each process keeps its own in memory. Give the cache a Redis of its own with an
# eviction policy (compose's `cache`): the broker's Redis must never evict a message.
CACHE_URL = env_url("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "Environment variable CACHE_URL has a malformed value: expected redis://host:6379/1"
    )
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "mbk",
            # A cache that does not answer fails the request soon (mbk/views.py: a 503), never
            # holds it until gunicorn's timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions are read from the cache and kept in the database: a restart of Redis logs nobody
    # out. With one process's memory as the cache they stay in the database alone (a cache per
    # process would keep a session another process has ended).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as ДД.ММ.ГГГГ in both languages (mbk/formats/).
FORMAT_MODULE_PATH = ["mbk.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"
USE_TZ = True


# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry at install time (package.json), never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # Charts of the pages (the PDF documents draw theirs as SVG on the server)
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    # PT Sans with Cyrillic for the PDF documents (static/pdf/fonts.css)
    ("vendor/fonts/pt-sans", BASE_DIR / "node_modules" / "@expo-google-fonts" / "pt-sans"),
]
# collectstatic compresses each file (gzip and brotli) for nginx and WhiteNoise, but not the
# source maps: 72 files, 35 MB that only a developer's tools read, which took half its time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg"),
    *("mpg", "webm", "wmv"),  # WhiteNoise's own list, and:
    "map",
]
MEDIA_ROOT = Path(env_str("MBK_MEDIA_DIR", str(VAR_DIR / "media")))  # uploads and PDFs
# Attachments: the limit is enforced while the upload streams in (documents/uploads.py).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# A zip-based upload (DOCX, XLSX, ODT) is refused unless its directory shows it inflates within
# these: members, bytes in all, and the ratio of every member over 1 MB (documents/uploads.py).
UPLOAD_ZIP_MAX_MEMBERS = env_int("UPLOAD_ZIP_MAX_MEMBERS", 1000)
UPLOAD_ZIP_MAX_BYTES = env_int("UPLOAD_ZIP_MAX_BYTES", 200 * 1024 * 1024)
UPLOAD_ZIP_MAX_RATIO = env_int("UPLOAD_ZIP_MAX_RATIO", 100)
# The XLSX import of proposals stops reading and refuses the file past this (documents/imports.py).
IMPORT_TIME_BUDGET_SECONDS = env_int("IMPORT_TIME_BUDGET_SECONDS", 10)
MEDIA_URL = "media/"
# Media go through Django's storage API only (mbk/storage.py: every write whole or absent).
# The default is a folder, MBK_MEDIA_DIR, which the nodes of a cluster share (NFS, a volume);
# MBK_MEDIA_STORAGE=s3 puts them in a bucket of an S3-compatible store instead.
MBK_MEDIA_STORAGE = env_str("MBK_MEDIA_STORAGE", "filesystem")
if MBK_MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "mbk.storage.AtomicFileSystemStorage"}
elif MBK_MEDIA_STORAGE == "s3":
    for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not env_str(_name, ""):
            raise ImproperlyConfigured(
                f"Environment variable {_name} is required when MBK_MEDIA_STORAGE is s3."
            )
    _media_storage = {
        "BACKEND": "mbk.storage_s3.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", None),
            "access_key": env_str("AWS_ACCESS_KEY_ID", None),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", None),
            # None: Amazon's own; for another store its URL, e.g. https://s3.example.ru
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", None) or None,
            "region_name": env_str("AWS_S3_REGION_NAME", None) or None,
            "location": env_str("AWS_LOCATION", ""),  # a folder in the bucket, if shared
            # Path-style addressing: a store on its own host name, not one per bucket.
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
        },
    }
else:
    raise ImproperlyConfigured(
        f"Environment variable MBK_MEDIA_STORAGE has a malformed value {MBK_MEDIA_STORAGE!r}: "
        "expected filesystem or s3"
    )
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env_email("EMAIL_URL", "consolemail://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "МБК <noreply@mbk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# The default broker keeps messages in files under var/, so trying the system needs no server;
# the run command still starts a real worker, so the asynchronous path is the production one.
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than any task may run (PDF_HARD_TIME_LIMIT), so Redis never hands a task still
    # running to a second worker; connecting gives up soon, so a request never hangs on it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing retries briefly and then gives up: the caller decides what waits (a PDF job stays
# queued for the sweeper; an e-mail is logged), the request does not hang on a broker that is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.25,
    "interval_max": 0.5,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Long renders: one task at a time per child, children recycled so a leak cannot grow for ever.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 512_000)
CELERY_TASK_ROUTES = {"documents.tasks.task_render_pdf": {"queue": "pdf"}}
CELERY_BEAT_SCHEDULE = {
    "sweep-pdf-jobs": {
        "task": "documents.tasks.task_sweep_pdf_jobs",
        # Cheap (two indexed queries): often enough that a job whose worker died is queued
        # again within PDF_LEASE_SECONDS + this.
        "schedule": env_int("PDF_SWEEP_EVERY_SECONDS", 15),
    },
    "check-deadlines": {
        "task": "workflow.tasks.task_check_deadlines",
        "schedule": env_int("DEADLINE_CHECK_EVERY_SECONDS", 3600),
    },
    "resend-notice-emails": {
        "task": "workflow.tasks.task_resend_notice_emails",
        "schedule": env_int("NOTICE_EMAIL_SWEEP_EVERY_SECONDS", 300),
    },
    "remove-abandoned-media-parts": {
        "task": "mbk.tasks.task_remove_abandoned_parts",
        "schedule": env_int("MEDIA_PART_SWEEP_EVERY_SECONDS", 6 * 3600),
    },
}
# A media write's temporary file (mbk/storage.py) unchanged this long is a dead writer's: the
# slowest write (a 30 MiB file to a shared folder) changes it every few milliseconds.
MEDIA_PART_MAX_AGE_SECONDS = env_int("MEDIA_PART_MAX_AGE_SECONDS", 3600)
# A notice's e-mail still unsent this long after the notice is sent again (the broker was down).
NOTICE_EMAIL_RESEND_AFTER = env_int("NOTICE_EMAIL_RESEND_AFTER", 600)

# --- Audit trail (workflow/audit.py) -------------------------------------------------------
# Entries are chained with HMAC-SHA256 under a key kept outside the database (and distinct from
# SECRET_KEY, which signs sessions and links). Each entry stores the id of the key that signed
# it. To rotate: give the new key a new MBK_AUDIT_KEY_ID, and move the old "id:key" pair to
# MBK_AUDIT_OLD_KEYS (comma-separated), where it only verifies older entries and checkpoints.
MBK_AUDIT_KEY_ID = env_str("MBK_AUDIT_KEY_ID", "k1")
MBK_AUDIT_KEY = env_str("MBK_AUDIT_KEY", None)
if not MBK_AUDIT_KEY:
    if not DEBUG:  # bin/test gives the test suite a key of its own
        raise ImproperlyConfigured(
            "Environment variable MBK_AUDIT_KEY is required when DEBUG is off: the key of the "
            "audit trail's MACs, at least 32 characters and different from SECRET_KEY."
        )
    MBK_AUDIT_KEY = "development-only-audit-key-never-used-with-debug-off"
MBK_AUDIT_OLD_KEYS = {}
for _pair in env_list("MBK_AUDIT_OLD_KEYS", []):
    _old_id, _sep, _old_key = _pair.partition(":")
    if not _sep or not _old_id or len(_old_key) < 32:
        raise ImproperlyConfigured(
            "Environment variable MBK_AUDIT_OLD_KEYS expects id:key pairs separated by commas, "
            "each key at least 32 characters."
        )
    MBK_AUDIT_OLD_KEYS[_old_id] = _old_key
for _name, _key in [("MBK_AUDIT_KEY", MBK_AUDIT_KEY), *MBK_AUDIT_OLD_KEYS.items()]:
    if len(_key) < 32:
        raise ImproperlyConfigured(f"Environment variable {_name} must be at least 32 characters.")
    if _key == SECRET_KEY:
        raise ImproperlyConfigured(
            f"Environment variable {_name} must differ from SECRET_KEY (so that a leak "
            "of one does not let anyone forge the other)."
        )
if MBK_AUDIT_KEY_ID in MBK_AUDIT_OLD_KEYS or ":" in MBK_AUDIT_KEY_ID or "," in MBK_AUDIT_KEY_ID:
    raise ImproperlyConfigured(
        "Environment variable MBK_AUDIT_KEY_ID must be a new id (no ':' or ','), not one of "
        "MBK_AUDIT_OLD_KEYS."
    )
# Checkpoints of the chain's head: appended to this file (and e-mailed to the programme office)
# by beat; verify_audit runs daily and says when the newest is older than twice the interval.
MBK_AUDIT_CHECKPOINT_FILE = Path(
    env_str("MBK_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit" / "checkpoints.log"))
)
MBK_AUDIT_CHECKPOINT_EVERY_SECONDS = env_int("MBK_AUDIT_CHECKPOINT_EVERY_SECONDS", 3600)
MBK_AUDIT_VERIFY_EVERY_SECONDS = env_int("MBK_AUDIT_VERIFY_EVERY_SECONDS", 86_400)
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "workflow.tasks.task_write_audit_checkpoint",
    "schedule": MBK_AUDIT_CHECKPOINT_EVERY_SECONDS,
}
CELERY_BEAT_SCHEDULE["audit-verify"] = {
    "task": "workflow.tasks.task_verify_audit",
    "schedule": MBK_AUDIT_VERIFY_EVERY_SECONDS,
}

# --- Signatures of PDF documents (signing/) ------------------------------------------------
# The private keys of the people's, the seal's and the time-stamping unit's certificates are
# stored in the database encrypted (AES-256-GCM) under a key derived from MBK_SIGNING_KEY, which
# is never in the database. The certificate authority's key is a file in MBK_CA_DIR (outside the
# database, mode 0600), encrypted under MBK_CA_PASSPHRASE or, without it, a passphrase derived
# from MBK_SIGNING_KEY. Losing MBK_SIGNING_KEY loses every key: keep a copy off the machine.
MBK_SIGNING_KEY = env_str("MBK_SIGNING_KEY", None)
if not MBK_SIGNING_KEY:
    if not DEBUG:  # bin/test gives the test suite a key of its own
        raise ImproperlyConfigured(
            "Environment variable MBK_SIGNING_KEY is required when DEBUG is off: the key that "
            "encrypts the signing keys, at least 32 characters and different from SECRET_KEY "
            "and MBK_AUDIT_KEY."
        )
    MBK_SIGNING_KEY = "development-only-signing-key-never-used-with-debug-off"
if len(MBK_SIGNING_KEY) < 32:
    raise ImproperlyConfigured(
        "Environment variable MBK_SIGNING_KEY must be at least 32 characters."
    )
if MBK_SIGNING_KEY in (SECRET_KEY, MBK_AUDIT_KEY):
    raise ImproperlyConfigured(
        "Environment variable MBK_SIGNING_KEY must differ from SECRET_KEY and MBK_AUDIT_KEY (so "
        "that a leak of one does not give away the signing keys)."
    )
MBK_CA_DIR = Path(env_str("MBK_CA_DIR", str(VAR_DIR / "ca")))
MBK_CA_PASSPHRASE = env_str("MBK_CA_PASSPHRASE", None)
if MBK_CA_PASSPHRASE is not None and len(MBK_CA_PASSPHRASE) < 20:
    raise ImproperlyConfigured(
        "Environment variable MBK_CA_PASSPHRASE must be at least 20 characters."
    )
# The Signer that signs the documents (signing/backends.py): the cluster's own keys by default;
# a qualified provider (ГОСТ Р 34.10-2012) plugs in here.
MBK_SIGNER = env_str("MBK_SIGNER", "signing.builtin.ClusterSigner")
# The largest file the public verification reads (checked by its caller, signing/verify.py).
MBK_VERIFY_MAX_BYTES = env_int("MBK_VERIFY_MAX_BYTES", 30 * 1024 * 1024)
# Files one client address may have verified in an hour (the page and the API together): the
# verification needs no sign-in, and reading a hostile PDF costs up to seconds.
MBK_VERIFY_REQUESTS_PER_CLIENT_PER_HOUR = env_int("MBK_VERIFY_REQUESTS_PER_CLIENT_PER_HOUR", 120)

# --- PDF documents (documents/pdf/) ---------------------------------------------------------
PDF_SOFT_TIME_LIMIT = env_int("PDF_SOFT_TIME_LIMIT", 120)  # seconds; the task fails cleanly
PDF_HARD_TIME_LIMIT = env_int("PDF_HARD_TIME_LIMIT", 150)  # the child process is killed
PDF_MAX_ATTEMPTS = env_int("PDF_MAX_ATTEMPTS", 3)
# A job queued this long without a worker taking it is sent again (e.g. the broker was down).
PDF_REQUEUE_AFTER = env_int("PDF_REQUEUE_AFTER", 120)
# The process rendering a job renews its lease every PDF_HEARTBEAT_SECONDS; a job whose lease
# has run out (its worker was killed, its machine lost) is queued again by the sweeper.
PDF_HEARTBEAT_SECONDS = env_int("PDF_HEARTBEAT_SECONDS", 5)
PDF_LEASE_SECONDS = env_int("PDF_LEASE_SECONDS", 20)
if not 0 < PDF_HEARTBEAT_SECONDS * 3 <= PDF_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "PDF_LEASE_SECONDS must be at least three times PDF_HEARTBEAT_SECONDS (a positive "
        "number), so that one late renewal does not hand a live job to a second worker."
    )

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Behind the reverse proxy of docker-compose the original scheme arrives in a header.
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- REST API (api/) ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handle",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_RATE", "6000/hour")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MBK Programme Office API",
    "DESCRIPTION": (
        "The document workflow of the Moscow Biotechnology Cluster. Authenticate with a "
        "personal token (profile page): `Authorization: Bearer mbk_…`. Messages follow "
        "`Accept-Language` (ru, en; Russian by default)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's PATCH validates its body as declared (`revision` required), not as a partial one.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_common_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProposalStateEnum": "documents.models.Proposal.State",
        "SectionRevisionStateEnum": "programme.models.SectionRevision.State",
        "ProgrammeVersionStateEnum": "programme.models.ProgrammeVersion.State",
        "MeetingStateEnum": "meetings.models.Meeting.State",
        "CallQuestionKindEnum": "documents.models.CallQuestion.Kind",
        "OrganisationKindEnum": "directory.models.Organisation.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint tells every step of every render at INFO; its warnings (a refused URL) stay.
    # django-axes tells every login at INFO; its warnings (failures, lockouts) stay.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
