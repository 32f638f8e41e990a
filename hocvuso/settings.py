"""Settings for hocvuso. Every deploy-time value comes from the environment.

Variables: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG, HOCVUSO_DATA_DIR,
HOCVUSO_TASKS (``database`` or ``immediate``), CSRF_TRUSTED_ORIGINS,
HOCVUSO_SECURE (HTTPS-only cookies and HSTS behind a TLS proxy).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url

from hocvuso.lib.env import EnvError, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("HOCVUSO_DATA_DIR", str(BASE_DIR / "var")))

TESTING = "pytest" in sys.modules or env_bool("HOCVUSO_TESTING", False)
DEBUG = env_bool("DEBUG", False)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-demo-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise EnvError("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "hocvuso",
    "org",
    "people",
    "accounts",
    "audit",
    "rosters",
    "lrs",
    "learning",
    "campaigns",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hocvuso.middleware.LanguageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hocvuso.urls"
WSGI_APPLICATION = "hocvuso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.access_context",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'hocvuso.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while the import worker writes; the busy timeout
    # turns short lock waits into waits rather than "database is locked".
    # Pages are read with pread into each connection's cache, not through a
    # memory map (set SQLITE_MMAP_BYTES to map). Measured on a growing LRS
    # store (docs/lrs-performance.md): every write that extends the file makes
    # each worker remap it and fault its pages in again, which cost more than
    # the copies a map saves (ingest +25% at a million statements without it).
    SQLITE_MMAP_BYTES = env_int("SQLITE_MMAP_BYTES", 0)
    # Copying the write-ahead log back into the database file (a checkpoint,
    # with an fsync) is done by `hocvuso sqlite_checkpointer`, which `serve`
    # starts beside the web workers, so no request waits for it. A writer
    # checkpoints itself only when the log passes this many pages (about 1 GB
    # at 1 KB pages): the safety net when no checkpointer runs (management
    # commands) or under load too steady for the log to restart. It is high
    # because that checkpoint ends with an fsync of pages scattered over the
    # file, inside the writer's commit: at 50,000 pages it took a tenth of the
    # LRS writer's time on a store of a million statements.
    SQLITE_WAL_AUTOCHECKPOINT_PAGES = env_int("SQLITE_WAL_AUTOCHECKPOINT_PAGES", 1_000_000)
    SQLITE_CHECKPOINT_SECONDS = env_float("SQLITE_CHECKPOINT_SECONDS", 0.5)
    # After a complete checkpoint the log file is cut back to this size.
    SQLITE_WAL_LIMIT_BYTES = env_int("SQLITE_WAL_LIMIT_BYTES", 64 * 1024 * 1024)
    # Page size of a database file created from now on (an existing file keeps
    # its own until VACUUMed). Random-key indexes (statement ids,
    # registrations, learners) dirty one page per inserted row, and every
    # dirty page is written twice (log, then checkpoint): 1 KB pages write a
    # quarter of the bytes of SQLite's default 4 KB, and long statements spill
    # into overflow pages instead of wasting the rest of a page.
    SQLITE_PAGE_BYTES = env_int("SQLITE_PAGE_BYTES", 1024)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            # Before journal_mode: that writes the header of a new file.
            f"PRAGMA page_size={SQLITE_PAGE_BYTES}; "
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}; "
            f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}; "
            f"PRAGMA journal_size_limit={SQLITE_WAL_LIMIT_BYTES};"
        ),
    }
    # A file rather than memory: the browser tests' live server answers
    # concurrent requests from several threads, and an in-memory database
    # would be one connection shared between them. One file per process, so
    # parallel runs on one machine never meet.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"hocvuso-test-{os.getpid()}.sqlite3"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 at full cost would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed sign-ins allowed per username and per client address in the window.
SIGNIN_MAX_FAILURES = env_int("SIGNIN_MAX_FAILURES", 5)
SIGNIN_WINDOW_SECONDS = env_int("SIGNIN_WINDOW_SECONDS", 900)
# A class behind one NAT address may need more room than one person.
SIGNIN_MAX_FAILURES_PER_IP = env_int("SIGNIN_MAX_FAILURES_PER_IP", SIGNIN_MAX_FAILURES)
# Number of reverse proxies in front of the app; the client address is then
# read from X-Forwarded-For, so one proxy address does not block everyone.
SIGNIN_TRUSTED_PROXIES = env_int("SIGNIN_TRUSTED_PROXIES", 0)

CACHES = {
    "default": {
        # Shared between server worker processes, so throttling counts hold.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hocvuso_cache",
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hocvuso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: with it on, every integer in a template is grouped ("18.280"), ids in
# form values included. Figures for people are grouped explicitly instead
# (humanize's intcomma, the reports' Vietnamese number filters).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if TESTING or DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_MAX_AGE = 3600
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

_tasks_mode = env_str("HOCVUSO_TASKS", "immediate" if TESTING else "database")
if _tasks_mode == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif _tasks_mode == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise EnvError(f"HOCVUSO_TASKS={_tasks_mode!r} must be 'database' or 'immediate'.")

# Learning Record Store (xAPI). The IRI base prefixes every activity id the
# platform records: fix it before the first record, ids never change.
LRS_IRI_BASE = env_str("LRS_IRI_BASE", "https://hocvuso.vn/")
LRS_TOKEN_SECONDS = env_int("LRS_TOKEN_SECONDS", 3600)
LRS_CONSISTENCY_MARGIN_MS = env_int("LRS_CONSISTENCY_MARGIN_MS", 100)
# A request without X-Experience-API-Version is refused (400). The 1.0.3 and
# 2.0 conformance suites expect different labels on the refusal, so a
# credential can carry its own (LrsClient.xapi_version); this is the label for
# credentials without one and for callers that are not credentials.
LRS_UNVERSIONED_RESPONSE_VERSION = env_str("LRS_UNVERSIONED_RESPONSE_VERSION", "2.0.0")
if LRS_UNVERSIONED_RESPONSE_VERSION not in {"1.0.3", "2.0.0"}:
    raise EnvError("LRS_UNVERSIONED_RESPONSE_VERSION must be 1.0.3 or 2.0.0.")
# On SQLite `serve` starts one process that stores the web workers' statement
# batches (lrs.writer), so its page cache stays warm; off, each worker writes.
LRS_SINGLE_WRITER = env_bool("LRS_SINGLE_WRITER", True)
LRS_WRITER_CACHE_KIB = env_int("LRS_WRITER_CACHE_KIB", 256 * 1024)
LRS_WRITER_TIMEOUT_SECONDS = env_float("LRS_WRITER_TIMEOUT_SECONDS", 60.0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("HOCVUSO_SECURE", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
