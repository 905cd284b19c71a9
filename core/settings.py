"""Settings for the project, read from environment variables.

Development needs none of them. With DJANGO_DEBUG off (production), the app refuses
to start without a real secret key and a list of allowed hosts. A malformed value
stops the start with a message that names the variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if any(" " in item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r}: separate the values with commas.")
    return items


def env_database(name, default):
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a database URL: {error}") from error
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database engine.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # One connection per request is right for a file database. Several server
        # processes share the file: WAL lets readers and one writer work at once,
        # IMMEDIATE takes the write lock when a transaction starts (a transaction that
        # only later upgrades from reading to writing fails at once with "database is
        # locked"), and a writer waits up to `timeout` seconds for its turn.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL",
            **config.get("OPTIONS", {}),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable server fails the request (503) in seconds instead of hanging it.
        config["OPTIONS"] = {"connect_timeout": 5, **config.get("OPTIONS", {})}
    return config


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the host names the app answers to "
        "when DJANGO_DEBUG is off (for example: example.org,www.example.org)."
    )

INSTALLED_APPS = [
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "widget_tweaks",
    "axes",
    "accounts",
    "articles",
    "core",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer before anything else runs (no host check, no
    # session, no CSRF cookie), so that a load balancer can ask by IP address.
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PrintableUserAgentMiddleware",
    # Pages compressed (about a sixth of their size). Against BREACH, Django adds up to
    # 100 random bytes to each compressed response, and CSRF tokens are masked anew in
    # each response, so no secret repeats byte for byte across responses.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions past their idle or absolute timeout and notes activity (once a minute).
    "accounts.sessions.middleware.SessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.htmx.VaryOnHtmxMiddleware",
    # Ours: Django's deny-by-default LoginRequiredMiddleware, with a safe `next`
    # for POSTs and an HX-Redirect for HTMX requests.
    "core.middleware.LoginRequiredMiddleware",
    # Signs out a session that typed too many wrong passwords (accounts.guesses).
    "accounts.sessions.middleware.TooManyGuessesMiddleware",
    # Last, as django-axes asks: turns a locked-out login into our 429 page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files (manage.py collectstatic);
    # in development runserver serves them straight from the apps and packages.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "core.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.next_url",
                # Last: overrides csp_nonce and csrf_token while a page is cached.
                "core.context_processors.page_cache",
            ],
        },
    },
]

WSGI_APPLICATION = "core.wsgi.application"

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Log in with the username or the email address.
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = reverse_lazy("accounts:login")
LOGIN_REDIRECT_URL = reverse_lazy("articles:index")

# Argon2 is the hasher Django recommends; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in our own table, which records whose session each row is, so that
# a password change or an account deletion can end all of a user's other sessions.
SESSION_ENGINE = "accounts.sessions.store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Session lifetimes, in seconds. Without "remember me" the cookie ends with the browser
# and the session after SESSION_IDLE_TIMEOUT without activity; with it, the cookie lasts
# SESSION_REMEMBER_ME_AGE and is renewed by activity. No session outlives
# SESSION_ABSOLUTE_TIMEOUT after its login. Activity is recorded at most once per
# SESSION_ACTIVITY_RESOLUTION, so it costs no database write on most requests.
SESSION_IDLE_TIMEOUT = 2 * 60 * 60
SESSION_REMEMBER_ME_AGE = 14 * 24 * 60 * 60
SESSION_ABSOLUTE_TIMEOUT = 30 * 24 * 60 * 60
SESSION_ACTIVITY_RESOLUTION = 60
SESSION_COOKIE_AGE = SESSION_REMEMBER_ME_AGE
# With Redis, sessions are read from a copy in the cache, kept at most this long
# (accounts/session_store.py); the per-process memory cache is not shared, so without
# Redis every session is read from the database.
SESSION_CACHE_SECONDS = 10 * 60 if os.environ.get("REDIS_URL") else 0
# Likewise the signed-in user (accounts.backends.cached_user); saving a user drops it.
USER_CACHE_SECONDS = 60 if os.environ.get("REDIS_URL") else 0
# Sudo mode: changing the email and signing out other sessions need the password
# entered within this many seconds.
SUDO_MODE_TIMEOUT = 10 * 60
# Two-factor sign-in: how long, after the password, the second step may take, and how
# many wrong answers it takes before the password is asked for again.
TWO_FACTOR_LOGIN_TIMEOUT = 5 * 60
TWO_FACTOR_WRONG_ANSWERS = 3
# Wrong guesses of a secret per account, from every address and session together, in a
# window of so many seconds (accounts.guesses); then it is locked until the window ends.
GUESS_LIMITS = {
    # Second-step codes: 10 a day (each has a 3 in a million chance: the 6 digits of the
    # current 30-second step and of the steps either side).
    "second-factor": (10, 24 * 60 * 60),
    # The password typed inside a session (sudo prompt, deleting the account, changing
    # the password); the session that reaches the limit is signed out.
    "session-password": (5, 60 * 60),
}
# The name authenticator apps show beside the account.
TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Board")
# Passkeys (accounts.mfa.ceremonies): the domain they are bound to (the relying party ID) and
# the origins (scheme://host[:port]) their ceremonies may come from. Empty: the host of
# each request and its own origin, which is right unless a proxy changes either.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "").strip()
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [])

MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The footer's language links (core/language.py) remember the choice for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files that WhiteNoise serves in production.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy: no inline script or style anywhere (htmx's own
# indicator styles are off, see base.html), scripts only from us or with the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],  # Bootstrap's form icons are data: SVGs
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind reverse proxies the client's address is the entry that the outermost trusted
# proxy added to X-Forwarded-For; DJANGO_PROXY_COUNT says how many proxies to trust
# (0: none, the connection's own address is the client). Rate limits, the lockout and
# the sessions page use it (accounts.sessions.devices.client_ip).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_PROXY_COUNT must be 0 or more.")
SILENCED_SYSTEM_CHECKS = []
if not DEBUG:
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
    # Production is served over HTTPS: plain http is redirected, browsers are told to
    # use https only (HSTS, a year), and cookies travel only over https. DJANGO_HTTPS=false
    # is for a trial or a test on plain http, never for a public site.
    HTTPS = env_bool("DJANGO_HTTPS", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", HTTPS)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0)
    # Both are promises about every subdomain and are hard to take back, so they are
    # opted into, and the deployment check's reminders about them are silenced otherwise.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if PROXY_COUNT:
        # TLS ends at the proxy in front, which says whether the request came over https.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ARTICLES_PER_PAGE = 20

# Email: SMTP when EMAIL_HOST is set, else printed to the console (Django 6.1 MAILERS).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 10,
            },
        }
    }
else:
    # Password reset sends mail: production without a mail server would fail people
    # silently, so it refuses to start unless printing mail was asked for.
    if not DEBUG and not env_bool("DJANGO_EMAIL_CONSOLE", False):
        raise ImproperlyConfigured(
            "EMAIL_HOST must be set when DJANGO_DEBUG is off: password reset sends mail. "
            "To print mail to the console instead (a trial), set DJANGO_EMAIL_CONSOLE=true."
        )
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    SILENCED_SYSTEM_CHECKS.append("mail.E001")  # the console was asked for
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Board <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour, and once
# At most one reset mail per address in each window of this many seconds; a request in
# between gets the same "sent" page and sends nothing (the earlier link still works).
PASSWORD_RESET_MAIL_INTERVAL = 10 * 60
# At most one "someone tried to use your address" mail per address in each window.
ADDRESS_IN_USE_MAIL_INTERVAL = 10 * 60
# Email addresses are confirmed by a link sent to them (accounts.email.verification).
# "optional": members log in before confirming (a banner reminds them); "mandatory": an
# account whose address is not confirmed cannot log in, and signing up needs an address.
_verification = os.environ.get("ACCOUNT_EMAIL_VERIFICATION") or "optional"
ACCOUNT_EMAIL_VERIFICATION = _verification.strip().lower()
if ACCOUNT_EMAIL_VERIFICATION not in ("optional", "mandatory"):
    raise ImproperlyConfigured(
        f"ACCOUNT_EMAIL_VERIFICATION={_verification!r} is not a verification mode: "
        "use optional or mandatory."
    )
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60  # a confirmation link works for three days

# Caches: Redis when REDIS_URL is set (shared by every process), else this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cached pages (core/pagecache.py) in a cache of their own: by default the same
# Redis, or with REDIS_PAGES_URL another instance, which may evict what was least used
# while the main one (sessions, users, rate limits) never evicts anything (README,
# "Running in production"). Databases of one Redis share its memory: only another
# instance keeps the pages from pushing out the rest.
REDIS_PAGES_URL = os.environ.get("REDIS_PAGES_URL", "") or REDIS_URL


def cache_at(url, memory_name):
    if not url:
        # Each alias its own memory: pages culled there never take rate limits with them.
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": memory_name}
    return {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": url,
        # A Redis that is down or hung costs a request at most a second (the rate
        # limits then let it through, see core/ratelimit.py), never a hang.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


CACHES = {"default": cache_at(REDIS_URL, "default"), "pages": cache_at(REDIS_PAGES_URL, "pages")}
# Pages served from the cache until an article or a user changes, to anonymous visitors
# and to members (core/pagecache.py). It needs a cache that all server processes share,
# so it is on with Redis and off with the local-memory cache. PAGE_CACHE_SECONDS bounds
# how long a copy can outlive a change that a cache outage kept from retiring it.
ANONYMOUS_PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", bool(REDIS_PAGES_URL))
PAGE_CACHE_SECONDS = 300

# Brute-force protection (django-axes): an account is locked for this client (username
# and IP together) after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME; other
# accounts and the same account from elsewhere keep working. Staff unlock in the admin
# (Access attempts). Failures from one IP across many usernames are throttled by
# core.ratelimit ("login-ip"). Signup and password reset are rate limited too.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# "username" is the account, whichever way it was spelled (accounts.backends.lockout_key).
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.sessions.devices.client_ip"
AXES_VERBOSE = False
# Axes' database handler, counting right when failures arrive at the same moment.
AXES_HANDLER = "accounts.signin.lockout.LockoutHandler"
# Never written into the attempts log: passwords (axes' default) and second-step codes.
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
_SIGNUPS_PER_HOUR = env_int("DJANGO_SIGNUP_LIMIT_PER_HOUR", 10)
RATE_LIMITS = {
    # name: (requests, per seconds)
    "login-ip": (30, 15 * 60),
    # Failed logins of one account from every address together (the account however it
    # is spelled; a name that matches none is counted as typed): at most 480 a day.
    "login-account": (20, 60 * 60),
    # A deployment that QA's browser suite runs against signs up ~40 users an hour.
    "signup-ip": (_SIGNUPS_PER_HOUR, 60 * 60),
    # The signup form's live checks (each field as it is left): ten per sign-up allowed.
    "signup-check-ip": (10 * _SIGNUPS_PER_HOUR, 60 * 60),
    # Per address, reset mails are spaced out silently (PASSWORD_RESET_MAIL_INTERVAL).
    "password-reset-ip": (10, 60 * 60),
    # Confirmation links a member asks for (sent again, or for a new address).
    "verify-email-user": (3, 60 * 60),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # A refused form (422), a refusal (403, 429) or a missing page is the client's doing
    # and is in the server's access log already: only server errors are logged here.
    "loggers": {"django.request": {"level": "ERROR"}},
}
