"""Percorsi's one settings file, configured by environment variables (see docs/operations.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from percorsi.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT_DIR = PACKAGE_DIR.parent.parent
_DEFAULT_DATA_DIR = (
    _CHECKOUT_DIR / "var" if (_CHECKOUT_DIR / "pyproject.toml").exists() else Path.cwd() / "var"
)
DATA_DIR = Path(env_str("PERCORSI_DATA_DIR", str(_DEFAULT_DATA_DIR)))
DATA_DIR.mkdir(parents=True, exist_ok=True)
NODE_MODULES_DIR = Path(env_str("PERCORSI_NODE_MODULES", str(_CHECKOUT_DIR / "node_modules")))

DEBUG = env_bool("PERCORSI_DEBUG", False)


def _secret_key() -> str:
    """The key from the environment; on a single machine, one generated once and kept under DATA_DIR."""
    key = env_str("PERCORSI_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("PERCORSI_SECRET_KEY must be at least 32 characters long")
        return key
    key_file = DATA_DIR / "secret-key"
    try:
        # Created readable by the owner only, and only once even if two processes start together.
        descriptor = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("PERCORSI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("PERCORSI_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "percorsi.core.errorviews.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "simple_history",
    "axes",
    "percorsi.core",
    "percorsi.accounts",
    "percorsi.people",
    "percorsi.plans",
    "percorsi.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "percorsi.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "percorsi.core.middleware.SessionRenewalMiddleware",
    "percorsi.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "percorsi.core.middleware.SiteMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "percorsi.config.urls"
WSGI_APPLICATION = "percorsi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.static",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "percorsi.core.context_processors.shell",
            ],
        },
    },
]

FORM_RENDERER = "percorsi.core.forms_rendering.FormRenderer"
# Covering indexes serve PostgreSQL; SQLite, the embedded default, just ignores the extra column.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Database: SQLite under DATA_DIR by default; DATABASE_URL=postgres://... for a server.
_DATABASE_URL = env_str("DATABASE_URL", "")
if _DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(_DATABASE_URL, conn_max_age=env_int("PERCORSI_DB_CONN_MAX_AGE", 60))
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("PERCORSI_SQLITE_PATH", str(DATA_DIR / "percorsi.sqlite3")),
            # Kept open between requests: reopening SQLite costs about 2 ms a request.
            "CONN_MAX_AGE": env_int("PERCORSI_DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # IMMEDIATE transactions take the write lock at BEGIN: the audit chain reads the
                # previous hash and writes the next entry without another writer in between.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "percorsi.accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "percorsi.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = env_int("PERCORSI_SESSION_IDLE_SECONDS", 30 * 60)
# Every request starts the idle time again, but the session is written at most once a minute.
SESSION_ENGINE = "percorsi.core.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind a reverse proxy that terminates TLS: cookies only over HTTPS, redirect to HTTPS, HSTS.
BEHIND_TLS_PROXY = env_bool("PERCORSI_BEHIND_TLS_PROXY", False)
SECURE_COOKIES = env_bool("PERCORSI_SECURE_COOKIES", BEHIND_TLS_PROXY)
# The client's address for the audit log and the login lock-out: behind the proxy, the last address
# of X-Forwarded-For (the one our proxy added); otherwise the connection's.
PERCORSI_TRUST_X_FORWARDED_FOR = env_bool("PERCORSI_TRUST_X_FORWARDED_FOR", BEHIND_TLS_PROXY)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = 31536000

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # Bootstrap Italia's scripts set inline styles and its stylesheet embeds an icon font;
    # scripts stay strict.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Lock-out after repeated failed logins (django-axes): by account and address.
AXES_FAILURE_LIMIT = env_int("PERCORSI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "percorsi.core.middleware.client_ip"
AXES_USERNAME_CALLABLE = "percorsi.accounts.signals.lockout_username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "percorsi_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PERCORSI_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("bootstrap-italia", NODE_MODULES_DIR / "bootstrap-italia" / "dist"),
    ("htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"

# E-mail: printed on the console unless an SMTP server is configured.
_SMTP_HOST = env_str("PERCORSI_SMTP_HOST", "")
if _SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": env_int("PERCORSI_SMTP_PORT", 587),
                "username": env_str("PERCORSI_SMTP_USER", ""),
                "password": env_str("PERCORSI_SMTP_PASSWORD", ""),
                "use_tls": env_bool("PERCORSI_SMTP_STARTTLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("PERCORSI_FROM_EMAIL", "percorsi@localhost")
# The address users open Percorsi at, for the links in e-mails sent without a request (reminders).
PERCORSI_PUBLIC_URL = env_str("PERCORSI_PUBLIC_URL", "http://127.0.0.1:8000")

# Logs carry ids, never personal data: no request bodies, no query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PERCORSI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# How many people `percorsi demo` creates at each demonstration site.
PERCORSI_DEMO_PEOPLE_PER_SITE = env_int("PERCORSI_DEMO_PEOPLE_PER_SITE", 300)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = False
