"""One settings module for demo, test and production; every difference is an environment variable.

Without DATABASE_URL a SQLite file is used; without REDIS_URL Celery runs tasks inline.
"""

from pathlib import Path

import environ
from csp import constants as csp_constants
from django.utils.translation import gettext_lazy as _

from config.headers import inline_style_hash

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)
# The demo and the test suite set SECRET_KEY themselves; production must provide a real one.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Encrypts the associations' Open Badges signing keys at rest (credentials.keys); derived from
# SECRET_KEY when unset. Changing it makes the stored keys unreadable: rotate them afterwards.
CREDENTIAL_KEYS_SECRET = env("CREDENTIAL_KEYS_SECRET", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_fsm",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "audit",
    "notifications",
    "competencies",
    "endorsement",
    "portfolios",
    "reviews",
    "credentials",
    "billing",
    "reports",
    "rights",
    "ninja",  # the API docs page with its assets served from our static files
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAForStaffRolesMiddleware",
    # From where each request came (for the audit log), and every refused permission check.
    "audit.middleware.AuditMiddleware",
    # A request that may write empties the signed-in pages' cache (accounts.signed_in_pages).
    "accounts.middleware.SignedInPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL in tests and production, a SQLite file for the demo.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (a new PostgreSQL connection costs more than a simple
# page): kept CONN_MAX_AGE seconds and checked before reuse, so one the server dropped is
# replaced instead of failing the request. The demo opens one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
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
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# django-allauth: e-mail is the login; sign-up needs a verified e-mail address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env.int("EMAIL_CONFIRMATION_EXPIRE_DAYS", default=3)
# Confirming the address in the browser that signed up logs the person in (allauth checks that
# the sign-up is in this session: a link opened elsewhere still asks for the password).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# Wrong passwords are limited by accounts.login_limits (per account and address, a growing
# wait; per address, a generous ceiling), never by a lock that refuses the owner's right password.
# allauth's "login_failed" is then only its second-factor limit, counted per account (a person
# who already gave the right password never counts against their network's address).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("RATE_LIMIT_MFA_FAILED", default="5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# accounts.login_limits: wrong passwords for one account from one address are free up to
# LOGIN_FAILURES_FREE; after n failures the next try from there waits 2^(n - free + 1) seconds,
# at most LOGIN_DELAY_MAX_SECONDS (a success or a password reset starts again at zero; the count
# is forgotten LOGIN_FAILURES_FORGET_SECONDS after the first failure). One address may fail
# LOGIN_FAILED_IP_LIMIT times in LOGIN_FAILED_IP_SECONDS across all accounts (an office behind
# one address shares it).
LOGIN_FAILURES_FREE = env.int("LOGIN_FAILURES_FREE", default=3)
LOGIN_DELAY_MAX_SECONDS = env.int("LOGIN_DELAY_MAX_SECONDS", default=900)
LOGIN_FAILURES_FORGET_SECONDS = env.int("LOGIN_FAILURES_FORGET_SECONDS", default=86400)
LOGIN_FAILED_IP_LIMIT = env.int("LOGIN_FAILED_IP_LIMIT", default=50)
LOGIN_FAILED_IP_SECONDS = env.int("LOGIN_FAILED_IP_SECONDS", default=600)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # one 30-second step of clock drift either way (RFC 6238 §5.2)
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Endorsement portal")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Internationalisation: English and Spanish; the user's choice is remembered on their account.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: our own under static/, Bootstrap and htmx from node_modules (npm, at install time).
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
# Behind nginx the private files are handed over with X-Accel-Redirect to this internal location.
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX", default="")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Not under STATIC or any URL: files leave only through a view that checks permission.
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# clamd's unix socket path or tcp://host:port: when set, every upload is scanned and refused if
# the scan fails. Without DEBUG it is required (portfolios.checks) unless UPLOAD_SCAN_DISABLED
# says, explicitly, that uploads are stored unscanned.
CLAMAV_SOCKET = env("CLAMAV_SOCKET", default="")
UPLOAD_SCAN_DISABLED = env.bool("UPLOAD_SCAN_DISABLED", default=False)

# References: days a rater's single-use link stays valid.
REFERENCE_LINK_DAYS = env.int("REFERENCE_LINK_DAYS", default=30)

# E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds an SMTP connection may block; a timeout counts as a transient failure (retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The folder of the file-based backend (EMAIL_BACKEND=django.core.mail.backends.filebased
# .EmailBackend: one file per message; the worker tests count what their workers sent there).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
# Without DEBUG the portal refuses to start while this is unset or @localhost (accounts.E002).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Endorsement portal <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# django-anymail instead of SMTP: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend and the
# provider's settings as JSON, e.g. ANYMAIL={"MAILGUN_API_KEY": "…", "MAILGUN_SENDER_DOMAIN": "…"}.
ANYMAIL = env.json("ANYMAIL", default={})

# The outbox (notifications): every e-mail is a row, sent by the task notifications.send_message.
# A transient failure is retried after OUTBOX_RETRY_BASE_SECONDS, doubling each time up to
# OUTBOX_RETRY_MAX_SECONDS, at most OUTBOX_MAX_ATTEMPTS attempts; then the row is "failed".
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=900)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A row "sending" for longer than this (its worker died) is queued again by the beat task.
OUTBOX_STUCK_MINUTES = env.int("OUTBOX_STUCK_MINUTES", default=10)
# A queued row overdue by this many seconds lost its task (broker down): the beat task
# dispatches it again, at most OUTBOX_REQUEUE_BATCH rows a run.
OUTBOX_REQUEUE_AFTER_SECONDS = env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=120)
OUTBOX_REQUEUE_BATCH = env.int("OUTBOX_REQUEUE_BATCH", default=1000)
# /healthz answers 503 when the oldest queued e-mail waits longer than this.
OUTBOX_MAX_QUEUED_AGE_SECONDS = env.int("OUTBOX_MAX_QUEUED_AGE_SECONDS", default=900)
# Send each e-mail in the process that queued it, once its transaction commits (the test suite
# sets it; without REDIS_URL Celery runs every task inline anyway).
OUTBOX_SEND_INLINE = env.bool("OUTBOX_SEND_INLINE", default=False)
# The messages queued in one transaction (a reminder scan's batch) go to workers in tasks of
# this many, sent through one connection to the mail server.
OUTBOX_DISPATCH_BATCH = env.int("OUTBOX_DISPATCH_BATCH", default=50)

# Cache (rate limits, TOTP replay protection): Redis when configured.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Without DEBUG the portal refuses to start on a cache each process keeps to itself (local
# memory, dummy): every gunicorn worker would count the log-in limits on its own
# (accounts.E001). Only for a single-process server that knows it: LOCAL_CACHE_ALLOWED=1.
LOCAL_CACHE_ALLOWED = env.bool("LOCAL_CACHE_ALLOWED", default=False)

# The verification API (credentials/api.py): requests per client address.
API_RATE_LIMIT_GET = env("API_RATE_LIMIT_GET", default="60/m")
API_RATE_LIMIT_LOOKUP = env("API_RATE_LIMIT_LOOKUP", default="10/m")
# Proxies in front that append the client's address to X-Forwarded-For (1 behind deploy/nginx):
# every rate limit counts the address the outermost of them saw (accounts.rate_limits), and so
# do allauth's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Celery: a broker when REDIS_URL is set; otherwise every task runs inline (the demo).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Redis hands a task that was not acknowledged within this many seconds to another worker; every
# countdown (the outbox's retries) stays well below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Run by the one beat process (docker-compose's "beat" service); tasks are idempotent.
CELERY_BEAT_SCHEDULE = {
    "comments-digest": {
        "task": "reviews.comments_send_digests",
        # Every 5 minutes: "soon after the comment" for those who chose it; the once-a-day
        # digests go out at the first run after COMMENT_DAILY_DIGEST_HOUR.
        "schedule": env.int("COMMENT_DIGEST_SECONDS", default=300),
    },
    "outbox-requeue": {
        "task": "notifications.messages_requeue",
        "schedule": 60,
    },
    "inactive-applications-on-hold": {
        "task": "endorsement.applications_hold_inactive",
        "schedule": 24 * 3600,
    },
    "reminders": {
        "task": "notifications.reminders_scan",
        "schedule": 3600,  # hourly: each association's reminders go out early in its own day
    },
    "endorsements-lifecycle": {
        "task": "endorsement.endorsements_lifecycle_scan",
        "schedule": 3600,  # hourly, so each association's midnight is met within the hour
    },
}
# The hour (in each recipient's time zone) after which the once-a-day comment digest goes out.
COMMENT_DAILY_DIGEST_HOUR = env.int("COMMENT_DAILY_DIGEST_HOUR", default=7)
# Applications without activity for this many months while being built go on hold.
INACTIVITY_HOLD_MONTHS = env.int("INACTIVITY_HOLD_MONTHS", default=12)
# A reminder due this many days ago and not yet sent (the beat was down) is still sent; older
# ones are not (a first scan does not send reminders long past).
REMINDER_CATCH_UP_DAYS = env.int("REMINDER_CATCH_UP_DAYS", default=7)
# Exam graders score the vignettes within this many days of the sitting (or of being assigned,
# when later): the due date of the grading reminders (reviews.reminders).
EXAM_GRADING_DAYS = env.int("EXAM_GRADING_DAYS", default=14)
# The reminder scan writes this many reminders (their keys and e-mails) per transaction.
REMINDER_SCAN_BATCH = env.int("REMINDER_SCAN_BATCH", default=200)
# Tests only (tests/notifications/test_worker_exactly_once.py): seconds the scan waits after each
# batch it writes, so a test can kill a worker in the middle of a scan. Never set elsewhere.
REMINDER_SCAN_TEST_PAUSE = env.float("REMINDER_SCAN_TEST_PAUSE", default=0)

# Security: production runs with DEBUG off behind TLS; the demo and tests set SECURE_SSL=False.
_secure = env.bool("SECURE_SSL", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _secure
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Over HTTPS every cookie of the portal carries the __Host- prefix: the browser then accepts it
# only when Secure, for Path=/ and without Domain, so no other host (a sibling subdomain, a
# plain-HTTP page) can plant or overwrite it. The demo and the tests run over HTTP: the plain names.
if _secure:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
LANGUAGE_COOKIE_SECURE = _secure
LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint (certificates) logs every rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # One JSON line per audit entry, for a log shipper to forward (docs/audit.md).
        "portal.audit": {"level": env("AUDIT_LOG_LEVEL", default="INFO")},
    },
}
# AUDIT_LOG_FILE: the audit entries' JSON lines also go, alone, to this file (reopened when a
# log rotator moves it), for a shipper that tails a file; they still reach the console.
AUDIT_LOG_FILE = env("AUDIT_LOG_FILE", default="")
if AUDIT_LOG_FILE:
    LOGGING["formatters"] = {"bare": {"format": "%(message)s"}}
    LOGGING["handlers"]["audit_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": AUDIT_LOG_FILE,
        "formatter": "bare",
    }
    LOGGING["loggers"]["portal.audit"]["handlers"] = ["audit_file"]

# The online payment gateway (``billing.gateways``): "manual" needs no keys and takes no money
# (the demo's: the person confirms on the portal's own page), so it is on only with DEBUG;
# empty: no online payment (the office records payments).
BILLING_GATEWAY = env("BILLING_GATEWAY", default="manual" if DEBUG else "")
# The manual gateway without DEBUG: only for the test suite (billing.checks refuses it otherwise).
BILLING_MANUAL_GATEWAY_ALLOWED = env.bool("BILLING_MANUAL_GATEWAY_ALLOWED", default=False)
# Stripe Checkout (BILLING_GATEWAY=stripe): the secret API key (sk_… or a restricted rk_…) and
# the webhook endpoint's signing secret (whsec_…). billing.checks refuses to start without them.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")

# Content-Security-Policy (django-csp), sent by the application itself, so gunicorn without nginx
# sends it too: nothing but the portal's own scripts (an inline one needs the request's nonce,
# `request.csp_nonce`), styles likewise (the one inline <style>, the brand colours, carries the
# nonce; no style attributes), images from here and data: URIs (Bootstrap's icons), no plugins,
# no framing, forms post only here (and to Stripe Checkout when it is the gateway: the portal
# redirects a payment form there). CSP_EXTRA_IMG_SRC: origins of logos stored elsewhere (S3).
_csp_form_action = ["'self'"]
if BILLING_GATEWAY == "stripe":
    _csp_form_action.append("https://checkout.stripe.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": [
            "'self'",
            csp_constants.NONCE,
            inline_style_hash(BASE_DIR / "templates" / "500.html"),
        ],
        "img-src": ["'self'", "data:", *env.list("CSP_EXTRA_IMG_SRC", default=[])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": _csp_form_action,
        "upgrade-insecure-requests": _secure,
    }
}
# Powerful browser features the portal never uses, off for its pages and anything they embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)
