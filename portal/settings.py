"""Settings for the TIP Protocol self-assessment portal.

Everything comes from environment variables (see ``.env.example``). The defaults give the
embedded run: an SQLite file under ``var/``, Celery on a broker that needs no server, DEBUG off.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable; unset or empty gives the default, and a word it cannot read stops the start."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    # A typo read as "off" would quietly drop HTTPS or TLS: refuse it instead.
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is neither yes nor no. Use 1/0, true/false, yes/no or on/off "
        "(any case), or leave it empty for the default."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = env_bool("DEBUG")
EMBEDDED_DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or EMBEDDED_DATABASE_URL
EMBEDDED = DATABASE_URL == EMBEDDED_DATABASE_URL


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A portal on an external database is a production run: set "
            "SECRET_KEY to a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # The embedded run keeps a random key of its own so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# How long an invitation's link works (a resend starts the time again).
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of a person's sessions
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    # Accounts, the second factor and OpenID Connect sign-in: django-allauth (see portal/accounts.py).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "axes",
    "portal",
    "audit",
    "framework",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.CurrentRequest",
    "portal.middleware.PrivateAnswers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.sessions.SessionTimeouts",
    "portal.languages.PreferredLanguage",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "portal.mfa.SecondFactorRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["portal.templatetags.bidi"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Refuses nothing: called after every password change, it ends the user's API tokens and sessions.
    {"NAME": "portal.passwords.RevokeApiTokensOnChange"},
]

# The six official languages of the United Nations; Arabic is written right to left.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A year; Secure behind HTTPS like the other cookies (HttpOnly: no script reads it).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
USE_I18N = True
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Evidence files: never under MEDIA_URL, only served by a view that checks the user may see them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024
# Below this share of its items assessed, a pillar's or the overall score is not shown as a
# headline figure ("not enough assessed"): a score of a few items says little about a country.
GAP_COVERAGE_THRESHOLD = float(os.environ.get("GAP_COVERAGE_THRESHOLD", "0.5"))
# On the report's cover and in its running footer: who issues it and how it may be shared (for
# example "Ministry of Justice of Demoland" and "Restricted: for official use"). Written as
# given, in every language; the portal adds no emblem.
REPORT_ISSUER = os.environ.get("REPORT_ISSUER", "")
REPORT_CONFIDENTIALITY = os.environ.get("REPORT_CONFIDENTIALITY", "")
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", default=not EMBEDDED)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED or DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic

FRAMEWORK_FIXTURES_DIR = BASE_DIR / "fixtures"
# History is a record: the admin shows it and never reverts to an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Security. Everything is served from the portal itself, so the policy allows nothing else.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this long without a request, and this long after sign-in at most.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Messages ("Signed in", "Saved") live in the session: no cookie of their own to secure.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
HTTPS = env_bool("PORTAL_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS for years: the operator's decision, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The client's address as the deployment's proxies give it. With TRUSTED_PROXY_COUNT=0 (no proxy)
# it is the connection's address and X-Forwarded-For is ignored; with N proxies in front, the
# address the outermost trusted proxy saw, never an entry the client wrote itself.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

REST_FRAMEWORK = {
    # Token first: DRF answers a missing or made-up credential with 401 and the first class's
    # WWW-Authenticate challenge (the session has none, which gave 403). Pages' sessions still work.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per person and per address, counted in the cache, so every web worker shares the counts.
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.authentication.PerUserThrottle",
        "portal.authentication.PerAddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE_PER_USER", "1200/hour"),
        "address": os.environ.get("API_RATE_PER_ADDRESS", "2400/hour"),
        "token": os.environ.get("API_RATE_TOKEN", "20/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_VERSIONING_CLASS": None,
    # The services raise Django's ValidationError; the API answers it as 400 (409 for state rules).
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TIP Protocol self-assessment portal API",
    "DESCRIPTION": (
        "The Framework for Action catalogue (public), assessments, review and reports. "
        "Authenticate with `Authorization: Token <key>` from `POST /api/v1/auth/token/`; a missing or "
        "revoked token is 401. Lists take `limit` (1-500) and `offset`. A bad query parameter, or a "
        "field a write does not accept (unknown, or read-only in the schema), is a 400 naming it."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "framework.models.Item.Kind",
        "EvidenceKindEnum": "assessments.models.Evidence.Kind",
        "AnswerStatusEnum": "assessments.models.AnswerStatus",
        "FindingStatusEnum": "assessments.models.Finding.Status",
        "AssessmentStateEnum": "assessments.models.Assessment.State",
        "ReportKindEnum": "reports.models.ReportJob.Kind",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# Celery: Redis when REDIS_URL is set, otherwise the filesystem transport, which needs no server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
        # The exchange tables (kombu's default is ./control, wherever the worker was started).
        "control_folder": str(_queue / "control"),
    }
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 330
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish while the broker is down must answer at once (the sweeper publishes later).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The sweepers publish what the broker never got and take back reports whose worker died: with
# the 60 s report lease, such a report is taken over within about a minute and a half.
CELERY_BEAT_SCHEDULE = {
    "sweep-report-jobs": {"task": "reports.tasks.sweep_reports", "schedule": 30.0},
    "sweep-notifications": {"task": "assessments.tasks.sweep_notifications", "schedule": 30.0},
}

# E-mail: printed to the console in the embedded run and when DEBUG is on; SMTP (EMAIL_HOST) in
# any other run, so a production configuration never drops mail silently (check --deploy agrees).
_mail_backend = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if EMBEDDED or DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "assessments:list"
LOGOUT_REDIRECT_URL = "home"

# Sign-in. Every path (the sign-in page, the admin, the token endpoint) ends in authenticate(),
# which django-axes watches first; then Django's own check, then allauth's (by e-mail address).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# One reading of the address for the lockout, the rate limits, the throttles and the audit log.
AXES_CLIENT_IP_CALLABLE = "portal.accounts.client_address"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Lockout: after LOCKOUT_FAILURES wrong passwords in a row for one account from one address, that
# pair is refused for LOCKOUT_MINUTES, doubled at each further lockout (portal.accounts.cool_off).
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_FAILURES", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "portal.accounts.cool_off"
AXES_USERNAME_CALLABLE = "portal.accounts.attempted_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.locked_out"
AXES_VERBOSE = False
LOCKOUT_MINUTES = int(os.environ.get("LOCKOUT_MINUTES", "15"))

ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "portal.accounts.SocialAccountAdapter"
MFA_ADAPTER = "portal.accounts.SecondFactorAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# Accounts come from invitations, whose link proves the address; nobody signs up on their own.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# A changed password ends the other sessions (Django's session hash) and keeps this one.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# Requests per address and per account, counted in the cache (Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Looser than the lockout below it (django-axes), which answers first.
    "login_failed": "30/m/ip,20/5m/key",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "TIP Protocol portal")
MFA_RECOVERY_CODE_COUNT = 10
# Shown once, when made; a person who lost them makes new ones, which voids the old.
MFA_RECOVERY_CODES_SHOW_ONCE = True
# A code from the previous or the next 30-second step is accepted too (clocks drift); each once.
MFA_TOTP_TOLERANCE = 1
# Who must have a second factor before anything but its enrolment is reachable: national
# coordinators, UNODC reviewers and administrators by default; contributors and observers may.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "coordinator,reviewer,administrator")
# The roles a user holds, worked out by the app that knows the teams (portal imports no app).
PORTAL_ROLES_OF = "assessments.access.roles_of"
USERSESSIONS_TRACK_ACTIVITY = False

# OpenID Connect sign-in for UNODC staff, when OIDC_SERVER_URL is set (an enterprise identity
# provider's issuer URL). Accounts are linked by a verified e-mail address; one is created only
# to accept an invitation to that address (SSO_INVITATIONS below).
OIDC_SERVER_URL = os.environ.get("OIDC_SERVER_URL", "")


def openid_connect_providers(*, server_url: str, client_id: str, secret: str, name: str) -> dict[str, Any]:
    """allauth's provider settings for one identity provider, "unodc" (the callback URL is
    /accounts/oidc/unodc/login/callback/). allauth reads them at each request, so tests that know
    the provider's address only at run time set SOCIALACCOUNT_PROVIDERS from this too."""
    app = {
        "provider_id": "unodc",
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": {"server_url": server_url, "fetch_userinfo": True},
    }
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}}


SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS = openid_connect_providers(
        server_url=OIDC_SERVER_URL,
        client_id=os.environ.get("OIDC_CLIENT_ID", ""),
        secret=os.environ.get("OIDC_CLIENT_SECRET", ""),
        name=os.environ.get("OIDC_NAME", "UNODC"),
    )
    # The button posts to the portal, which redirects to the provider's authorization endpoint (on
    # the issuer's host for the usual providers): the policy must let a form lead there.
    SECURE_CSP["form-action"] = [CSP.SELF, "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_SERVER_URL))]
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Roles that must sign in with OpenID Connect (their password is refused), e.g. "reviewer,administrator".
SSO_REQUIRED_ROLES = env_list("SSO_REQUIRED_ROLES", "")
# Whether an invitation can be accepted by signing in with the identity provider (the account is
# made from a verified address equal to the invitation's): offered for every role once a provider
# is configured, and the only way for a role in SSO_REQUIRED_ROLES (the password form is hidden).
SSO_INVITATIONS = env_bool("SSO_INVITATIONS", True)
# What single sign-on may create an account for (portal imports no app): a pending invitation.
PORTAL_SSO_SIGNUP = "assessments.views.invitation_sso"

# API tokens (django-rest-knox): stored as a hash, several per person, each named, with an expiry.
# knox's own migrations would create its (swapped-out) table anyway: the portal's model replaces it.
MIGRATION_MODULES = {"knox": None}
KNOX_TOKEN_MODEL = "portal.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "30"))),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "portal.logs.ExpectedRefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
