"""Django settings, driven by the environment (see config/env.py and the README)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from lendcrm.config.env import load_config
from lendcrm.config.schedule import BEAT_SCHEDULE

CONFIG = load_config()
PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = CONFIG.data_dir

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
LENDCRM_ENV = CONFIG.environment
LENDCRM_ENCRYPTION_KEYS = CONFIG.encryption_keys
LENDCRM_BLIND_INDEX_KEY = CONFIG.blind_index_key
LENDCRM_DEMO_PASSWORD = CONFIG.demo_password

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files (no CDN, CSP-safe)
    "lendcrm.core",
    "lendcrm.identity",
    "lendcrm.audit",
    "lendcrm.privacy",
    "lendcrm.customers",
    "lendcrm.leads",
    "lendcrm.sales",
    "lendcrm.loans",
    "lendcrm.applications",
    "lendcrm.documents",
    "lendcrm.approvals",
    "lendcrm.contracts",
    "lendcrm.reviews",
    "lendcrm.scoring",
    "lendcrm.decisions",
    "lendcrm.reporting",
    "lendcrm.ui",
    "lendcrm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lendcrm.core.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lendcrm.core.middleware.RequestContextMiddleware",
    "lendcrm.privacy.middleware.KeyRingReloadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lendcrm.identity.session_policy.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "lendcrm.identity.middleware.AccessPolicyMiddleware",
    "lendcrm.identity.session_policy.TwoFactorMiddleware",
]

ROOT_URLCONF = "lendcrm.config.urls"
WSGI_APPLICATION = "lendcrm.config.wsgi.application"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "ui:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "ui:login"

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
                "django.template.context_processors.i18n",
                "lendcrm.ui.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout after repeated failures (django-axes), keyed by user name and address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "lendcrm.identity.authentication.lockout_response"
OTP_TOTP_ISSUER = "lendcrm"

SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute limit, counted from sign-in (identity.session_policy)
LENDCRM_SESSION_IDLE_MINUTES = 30
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if CONFIG.is_production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
NODE_MODULES = REPO_DIR / "node_modules"
VENDOR_ASSETS = {  # npm packages installed at set-up and served by the app itself (no CDN)
    "vendor/bootstrap": NODE_MODULES / "bootstrap" / "dist",
    "vendor/bootstrap-icons": NODE_MODULES / "bootstrap-icons" / "font",
    "vendor/echarts": NODE_MODULES / "echarts" / "dist",
    "vendor/htmx": NODE_MODULES / "htmx.org" / "dist",
}
STATICFILES_DIRS = [(prefix, path) for prefix, path in VENDOR_ASSETS.items() if path.exists()]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Background work: Celery on Redis when REDIS_URL is set, in-process otherwise.
REDIS_URL = CONFIG.redis_url
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "lendcrm.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
API_TOKEN_TTL_DAYS = 30
