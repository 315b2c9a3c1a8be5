"""Settings for the customs portal, read from the environment.

With nothing set the portal runs on the embedded default (SQLite, Celery eager, e-mail and
SMS to the console) so that one command starts it on any laptop. ``DATABASE_URL`` and
``REDIS_URL`` switch to the real services; ``DJANGO_ENV=production`` hardens everything and
refuses to start without a real ``SECRET_KEY``.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env_bool("PORTAL_TESTING", "pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105 (development only; refused in production)
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs a real SECRET_KEY (at least 50 random characters)."
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "axes",
    "import_export",
    "customs_portal",
    "customs_portal.code_tables",
    "registration",
    "registration.cooperation",
    "registration.cooperation.business",
    "authorization",
    "declarations",
    "declarations.summaries",
    "declarations.channels",
    "declarations.exchange",
    "declarations.inbox",
    "declarations.transit",
    "declarations.duties",
    "declarations.returns",
    "declarations.signatures",
    "notifications",
    "reminders",
    # last: translates the labels every app above derives from its code (casework.labels)
    "casework",
]

MIDDLEWARE = [
    # first: forwarding headers from anyone but the TLS proxy are dropped before they are read
    "customs_portal.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # below WhiteNoise (static files need neither) and above XFrameOptionsMiddleware, whose
    # final X-Frame-Options the policy's frame-ancestors follows
    "customs_portal.middleware.SecurityHeadersMiddleware",
    "customs_portal.middleware.PrivateDownloadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # sets the language cookie when a user signs in or changes their language (registration)
    "registration.languages.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "customs_portal.middleware.RegistrationGateMiddleware",
    # axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "customs_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "customs_portal.context_processors.portal",
                "notifications.context_processors.unread",
                "registration.cooperation.business.context_processors.service",
            ],
            # {{ value|customs_code:"country" }} on every page, PDF and e-mail without a {% load %}
            "builtins": ["customs_portal.templatetags.customs_codes"],
        },
    },
]

WSGI_APPLICATION = "customs_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "registration.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "customs_portal.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (customs_portal/hashers.py says why); Django's own hashers after it verify the
# passwords stored before (PBKDF2 at Django's default iterations), rehashed at the next sign-in.
PORTAL_PASSWORD_HASHERS = [
    "customs_portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHERS = PORTAL_PASSWORD_HASHERS
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login lock-out (django-axes): five failures lock the username from that address for 30 min.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # customs business days and months are Beijing time
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: documents go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: every scan is at most 10 MB; request bodies (XML messages, JSON batches) are bounded too.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(12 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail and SMS: console by default.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@customs-portal.example")
# The portal's public address: links in e-mails are absolute under it (notifications.emails)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "customs_portal.sms.ConsoleSmsBackend")
OTP_EMAIL_SENDER = DEFAULT_FROM_EMAIL
OTP_EMAIL_TOKEN_VALIDITY = 600  # verification codes are valid for 10 minutes
OTP_TOTP_ISSUER = "Customs Portal"

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process (eager).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Tests run tasks eagerly unless a test starts a real worker (tests/reminders).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged once it has run, and one whose worker process died (killed, out of
# memory) goes back to the queue instead of being dropped as failed. Tasks are safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands a message taken by a worker that vanished to another one after this many seconds
# (Redis' default: an hour). It must exceed the longest countdown a task is queued with (retry
# backoff up to 600 s, a reminder delivery waiting out a 600 s lease) and the longest task, or
# such a task would run twice. Reminders do not wait for it: the sweep below re-queues them.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1800}
# The intake inbox has a queue of its own (workers: -Q intake,celery); everything else: "celery".
CELERY_TASK_ROUTES = {
    "declarations.inbox.tasks.*": {"queue": "intake"},
    "declarations.exchange.tasks.*": {"queue": "receipts"},
}
CELERY_BEAT_SCHEDULE = {
    # receipts to callback URLs: the queue "receipts" (declarations.exchange.tasks)
    "deliver-due-receipts": {
        "task": "declarations.exchange.tasks.deliver_due_receipts_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "expire-authorizations-daily": {
        "task": "authorization.tasks.expire_authorizations_task",
        "schedule": crontab(hour=0, minute=10),
    },
    "send-reminders-daily": {
        "task": "reminders.tasks.send_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "requeue-undelivered-reminders": {
        "task": "reminders.tasks.requeue_reminders_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},  # a sweep the workers could not take in time is dropped
    },
    "process-inbox": {  # safety net: the inbox's messages are also queued on commit
        "task": "declarations.inbox.tasks.drain_inbox_task",
        "schedule": crontab(),
        "options": {"expires": 50},
    },
    # duty payments the provider never confirmed by callback are asked about again
    "requery-duty-payments": {
        "task": "declarations.duties.tasks.requery_pending_payments_task",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 100},
    },
    "build-monthly-summaries": {
        "task": "declarations.summaries.tasks.build_previous_month_task",
        "schedule": crontab(hour=1, minute=0, day_of_month=1),
    },
    "purge-closed-personal-data": {  # the retention rule set in admin (business settings)
        "task": "business.personal_data_purge",
        "schedule": crontab(hour=2, minute=30),
    },
    "apply-credit-rating-changes": {  # ratings decided with a later effective date
        "task": "business.rating_changes_apply",
        "schedule": crontab(hour=0, minute=5),
    },
}

# Duty payments (declarations.duties.payments): the provider class is configuration; the
# sandbox stands in for the single window's payment until a real provider is configured.
DUTY_PAYMENT_PROVIDER = os.environ.get(
    "DUTY_PAYMENT_PROVIDER", "declarations.duties.payments.SandboxProvider"
)
# the HMAC key the provider signs its callbacks with (shared with the provider)
DUTY_PAYMENT_SECRET = os.environ.get("DUTY_PAYMENT_SECRET", "") or f"duty-payments:{SECRET_KEY}"
# a payment with no confirmation after this long is asked about again (Celery task)
DUTY_PAYMENT_TIMEOUT_SECONDS = int(os.environ.get("DUTY_PAYMENT_TIMEOUT_SECONDS", "120"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not TESTING
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "customs_portal.api.EnterpriseAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["customs_portal.api.IsEnterpriseMember"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "customs_portal.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "customs_portal.api_schema.PortalAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies bounded (10 MB) and strict (no NaN, NUL, lone surrogates, deep nesting)
    "DEFAULT_PARSER_CLASSES": [
        "customs_portal.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Customs portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema does not describe its own endpoint
    # every app has a "status": name each choice set after its model, so the names are stable
    "ENUM_NAME_OVERRIDES": {
        "AuthorizationStatusEnum": "authorization.models.AuthorizationStatus",
        "AuthorizationChangeStatusEnum": "authorization.models.ChangeStatus",
        "EnterpriseStatusEnum": "registration.models.EnterpriseStatus",
        "GoodsStatusEnum": "declarations.models.GoodsStatus",
        "InventoryStatusEnum": "declarations.models.InventoryStatus",
        "SummaryStatusEnum": "declarations.summaries.models.SummaryStatus",
        "AnnualReportStatusEnum": "registration.cooperation.models.AnnualReportStatus",
        "QuestionStatusEnum": "registration.cooperation.models.QuestionStatus",
    },
}
API_KEY_CUSTOM_HEADER = "HTTP_AUTHORIZATION"

# Secret behind the reproducible random inspection draw (audits replay it with this secret).
INSPECTION_SECRET = os.environ.get("INSPECTION_SECRET", SECRET_KEY)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (customs_portal.middleware.SecurityHeadersMiddleware; Django 6.0's
# setting name): every script and stylesheet is a static file of the portal, nothing inline.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The portal uses none of these browser features; no page (nor anything it frames) may.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# The TLS proxy's addresses (or networks), the same gunicorn's --forwarded-allow-ips names:
# X-Forwarded-Proto and X-Forwarded-For count only from them (TrustedProxyMiddleware).
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS")
if "*" in FORWARDED_ALLOW_IPS:
    raise ImproperlyConfigured("FORWARDED_ALLOW_IPS names the proxy's addresses; '*' would trust anyone.")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # the container's health check asks gunicorn directly, over plain HTTP
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
