"""goodterms' one settings file: everything comes from the environment, with local defaults.

docs/settings.md lists every variable; tests/docs/test_documented.py keeps that list true.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()  # ModelForm[Client] and friends, written for mypy, must also run

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: a whole number is needed") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def local_secret_key(data_dir: Path) -> str:
    """A key generated once and kept in the data dir, so a laptop install needs no configuration."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def email_settings(url: str, data_dir: Path) -> dict[str, Any]:
    """EMAIL_URL in one of: smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…, file:///path, console:."""
    if not url:
        return {
            "EMAIL_BACKEND": "goodterms.messaging.mailfiles.EmailBackend",
            "EMAIL_FILE_PATH": str(data_dir / "outbox"),
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "goodterms.messaging.mailfiles.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or str(data_dir / "outbox"),
        }
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL={url!r}: the SMTP host is missing")
        query = parse_qs(parts.query)
        return {
            # Django's SMTP backend, sending the envelope goodterms built (IDNA 2008 domains, SMTPUTF8).
            "EMAIL_BACKEND": "goodterms.messaging.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port
            or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
            "EMAIL_TIMEOUT": int(query.get("timeout", ["30"])[0]),
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL={url!r}: the scheme must be smtp, smtp+tls, smtp+ssl, file or console"
    )


def private_data_dir(path: Path) -> Path:
    """The data dir, created (or tightened) to mode 0700: the database, backups and mail are inside.

    Every file goodterms creates from here on is its owner's only (umask 077): the SQLite database and its
    WAL, backups, `.eml` files, the secret key (tests/test_files.py)."""
    os.umask(0o077)
    path.mkdir(parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def trusted_proxies(raw: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """TRUSTED_PROXIES: addresses or networks (127.0.0.1, 10.0.0.0/8, ::1) whose forwarding headers count."""
    networks = []
    for item in raw:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {item!r} is not an address or a network (like 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return networks


def production_problems(
    *, secret_key: str, email_url: str, allowed_hosts: list[str], debug: bool, site_url: str = ""
) -> list[str]:
    """Why production mode must not start with these values, each with its fix (tests/test_settings.py)."""
    problems = []
    if not secret_key:
        problems.append(
            "SECRET_KEY is not set: set it to 50 random characters, for example the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    elif len(set(secret_key)) < 5 or len(secret_key) < 32:
        problems.append("SECRET_KEY is too weak for production: use 50 random characters")
    if not email_url:
        problems.append(
            "EMAIL_URL is not set, so mail would silently go to files: set "
            "EMAIL_URL=smtp+tls://user:password@mail.example.org:587, or choose "
            "EMAIL_URL=file:///path/to/folder or EMAIL_URL=console: on purpose"
        )
    if not allowed_hosts:
        problems.append(
            "ALLOWED_HOSTS is not set: name the host goodterms answers to, "
            "ALLOWED_HOSTS=goodterms.example.org"
        )
    elif any("*" in host for host in allowed_hosts):
        problems.append(
            "ALLOWED_HOSTS contains '*', which answers any Host header (and so links in emails to any site): "
            "name your host, ALLOWED_HOSTS=goodterms.example.org"
        )
    if not site_url.startswith("https://"):
        problems.append(
            "SITE_URL is not an https:// address, so the survey links in emails would point elsewhere: "
            "set SITE_URL=https://goodterms.example.org"
        )
    if debug:
        problems.append("DEBUG=true shows code and settings on error pages: unset DEBUG in production")
    return problems


DATA_DIR = private_data_dir(Path(env_str("GOODTERMS_DATA_DIR") or Path.cwd() / "var").resolve())

# Production mode: the app sits behind HTTPS. Turns on secure cookies, HSTS and the HTTPS redirect,
# so that `goodterms manage check --deploy` passes with no warnings; and it refuses to start unsafely.
HTTPS = env_bool("GOODTERMS_HTTPS")
DEBUG = env_bool("DEBUG")
if HTTPS:
    _problems = production_problems(
        secret_key=env_str("SECRET_KEY"),
        email_url=env_str("EMAIL_URL"),
        allowed_hosts=env_list("ALLOWED_HOSTS", []),
        debug=DEBUG,
        site_url=env_str("SITE_URL"),
    )
    if _problems:
        raise ImproperlyConfigured(
            "goodterms will not start in production mode (GOODTERMS_HTTPS=true): " + "; ".join(_problems)
        )
SECRET_KEY = env_str("SECRET_KEY") or local_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front (docs/install.md): only a request that arrives from one of them has its
# X-Forwarded-For read for the client's address (sign-in limits, the security log). Empty: none is trusted.
TRUSTED_PROXIES = trusted_proxies(env_list("TRUSTED_PROXIES", []))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "goodterms.accounts",
    "goodterms.clients",
    "goodterms.exits",
    "goodterms.messaging",
    "goodterms.survey",
    "goodterms.aftercare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "goodterms.common.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "goodterms.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "goodterms.accounts.middleware.OrganizationMiddleware",
]
# The first middleware of all: a request id for the logs, and the headers every response carries.
MIDDLEWARE.insert(0, "goodterms.common.headers.SecurityHeadersMiddleware")
MIDDLEWARE.insert(0, "goodterms.common.requestlog.RequestIdMiddleware")

ROOT_URLCONF = "goodterms.urls"
WSGI_APPLICATION = "goodterms.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exits:dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goodterms.accounts.context_processors.worker_status",
            ],
            # The one date style (goodterms.lib.dates) as filters every template has: |day and |moment.
            "builtins": ["goodterms.common.datefilters"],
        },
    },
]

# Lower case, so not a setting: the URL (and its password) is never shown by diffsettings or an error page.
_database_url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'goodterms.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # SQLite connections are cheap; no pool to keep healthy
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction starts, so two writers queue instead of failing midway.
        "transaction_mode": "IMMEDIATE",
        # Wait up to 20 s for the lock rather than raising "database is locked" at once.
        "timeout": 20,
        # WAL lets readers go on while one writer writes; FULL makes every commit durable on power loss.
        # Django turns foreign keys on for every SQLite connection; the pragma repeats it to be explicit.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {
        # A file, not the in-memory database Django would substitute: tests see the locking production sees.
        "NAME": str(DATA_DIR / "test.sqlite3"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in attempts (accounts/ratelimit.py): at most this many per (account, address), per address, and per
# account from addresses it never signed in from, in the window; then a pause until the window ends.
LOGIN_FAILURES_PER_USERNAME_AND_IP = env_int("LOGIN_FAILURES_PER_USERNAME_AND_IP", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 50)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# A password reset link works once, for this long; at most PASSWORD_RESETS_PER_HOUR are sent per address.
PASSWORD_RESET_MINUTES = env_int("PASSWORD_RESET_MINUTES", 60)
# The exit survey: how long a person's link works, when the one reminder goes, how often one address and
# one link may ask (per minute), and the address links in emails start with (the worker has no request).
SURVEY_DAYS = env_int("SURVEY_DAYS", 30)
SURVEY_REMINDER_BUSINESS_DAYS = env_int("SURVEY_REMINDER_BUSINESS_DAYS", 5)
SURVEY_REQUESTS_PER_ADDRESS = env_int("SURVEY_REQUESTS_PER_ADDRESS", 60)
SURVEY_REQUESTS_PER_LINK = env_int("SURVEY_REQUESTS_PER_LINK", 30)
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 3)
# Sessions (accounts/sessions.py): signed out after SESSION_IDLE_SECONDS without a request, and after
# SESSION_MAX_SECONDS since signing in, however active.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_MAX_SECONDS = env_int("SESSION_MAX_SECONDS", 7 * 24 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Imports: a spreadsheet export of 50,000 rows fits well inside 10 MB; larger files are refused by name.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

globals().update(email_settings(env_str("EMAIL_URL"), DATA_DIR))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "goodterms@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page tells anyone, this site included, where the user came from: no URL, so no token in one, leaves in a
# Referer header. Browsers then post forms with `Origin: null`: common/csrf.py says how those are checked.
SECURE_REFERRER_POLICY = "no-referrer"
# Django's W003 looks for its own CSRF middleware by name; common/csrf.py's check (goodterms.W001), for ours.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
# The debug page and error reports mask URL passwords (DATABASE_URL, EMAIL_URL) as well as Django's own list.
DEFAULT_EXCEPTION_REPORTER_FILTER = "goodterms.common.reporting.MaskingReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "goodterms.common.reporting.MaskingExceptionReporter"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # A reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line, from every logger, loses link tokens and URL passwords before it is written (lib/redact.py).
    "filters": {"redact": {"()": "goodterms.lib.redact.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The security log (accounts/securitylog.py): one JSON line per event, at INFO whatever LOG_LEVEL says.
    "loggers": {"goodterms.security": {"level": "INFO"}},
}
