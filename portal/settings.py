"""Settings for the smart-city coordination portal.

Every value that differs between the demo, CI and production comes from the environment
(django-environ). The defaults are the zero-setup demo: SQLite under var/, an embedded
filesystem broker for Celery (no Redis), e-mail written to files under var/.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, False),
    SECURE_HSTS_SECONDS=(int, 0),
    SESSION_COOKIE_SECURE=(bool, False),
    CSRF_COOKIE_SECURE=(bool, False),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# A fixed key is acceptable only for the local demo; production must set SECRET_KEY
# (`manage.py check --deploy` rejects this one).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-demo-key-only-for-local-use")
# Personal data at rest (portal/pii.py, docs/security.md): comma-separated Fernet keys (the first
# encrypts, all decrypt) and the blind-index HMAC key. Unset: derived from SECRET_KEY (demo, tests).
PII_ENCRYPTION_KEYS = env.list("PII_ENCRYPTION_KEYS", default=[])
PII_HASH_KEY = env.str("PII_HASH_KEY", default="")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "portal",
    "portal.security",
    "portal.workcal",
    "portal.audit",
    "portal.notifications",
    "portal.clocks",
    "coordination",
    "coordination.matters",
    "coordination.consultations",
    "coordination.overview",
    "approvals",
    "approvals.intermediaries",
    "approvals.supervision",
    "approvals.results",
    "sharing",
    "sharing.exchange",
    "operations",
    "operations.performance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.middleware.IdleTimeoutMiddleware",
    "portal.security.middleware.TwoFactorMiddleware",
    "portal.security.middleware.RateLimitMiddleware",
    # Last: turns a lock-out raised during authentication into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'demo.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo runs the web server, a worker and beat on one SQLite file: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked-out username+IP before the password is checked.
    "portal.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "portal.security.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": env.int("PASSWORD_MIN_CHARACTER_CLASSES", default=3)},
    },
]

# Lock-out (django-axes): PASSWORD failures per username + client IP within the cool-off window.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=30.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The client IP lock-out and rate limits count: the audit trail's (REMOTE_ADDR, or X-Forwarded-For
# behind AUDIT_TRUST_X_FORWARDED_FOR proxies).
AXES_CLIENT_IP_CALLABLE = "portal.audit.middleware.client_ip"
# Two-factor (django-otp, TOTP + single-use backup codes). TWO_FACTOR_REQUIRED turns on the rule
# TWO_FACTOR_RULE (a dotted path to `rule(user) -> bool`: admins and supervisors); anyone else may
# enrol, and then always verifies. Only the local demo sets TWO_FACTOR_REQUIRED=false.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
TWO_FACTOR_RULE = env.str("TWO_FACTOR_RULE", default="coordination.security.requires_two_factor")
TWO_FACTOR_BACKUP_CODES = env.int("TWO_FACTOR_BACKUP_CODES", default=10)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="云溪市智慧城市门户")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Officials (and staff) are logged out after this many idle minutes; applicants keep the normal
# session (SESSION_COOKIE_AGE, two weeks).
OFFICIAL_IDLE_TIMEOUT_MINUTES = env.int("OFFICIAL_IDLE_TIMEOUT_MINUTES", default=30)

# Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages are installed from the npm registry (package.json) and served locally.
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (prefix, NODE_MODULES / path)
    for prefix, path in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/bootstrap-icons", "bootstrap-icons/font"),
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/echarts", "echarts/dist"),
    ]
    if (NODE_MODULES / path).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: uploads go through permission-checked views

# E-mail: files under var/ for the demo; SMTP in production through EMAIL_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" + str(VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_BACKEND", "").endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of filemail:///abs/path; keep the path absolute.
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@smartcity.example")
# Seconds an SMTP connection may block; well under the delivery lease (NOTIFICATIONS_LEASE_SECONDS).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)


# Celery: Redis when REDIS_URL / CELERY_BROKER_URL is given, else an embedded broker
# (kombu's filesystem transport under var/broker) so the demo needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Cache (rate limits, lock-out is in the database): CACHE_URL when given; else Redis when
# REDIS_URL is set (so every process shares the counters); else the database table
# portal_cache (the demo: create it with `manage.py createcachetable`, done by migrate's
# post-migrate hook in portal.security) - shared between the demo's processes, unlike locmem.
_cache_url = env.str("CACHE_URL", default="")
if _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
elif REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but an empty cache instead of a 500 while Redis is away.
            "BACKEND": "portal.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart-city coordination portal API",
    "DESCRIPTION": "Organisation chart, data sharing, approvals and PPP operations.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",
    ],
}

# Security: production sets these through the environment (see docs/deployment.md).
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env("CSRF_COOKIE_SECURE")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts only from our own static files - no inline code,
# no eval. Styles still allow 'unsafe-inline' for the style="" attributes of progress bars and
# charts (width, colour computed in templates); see docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_csp_report_uri]

# Rate limits (django-ratelimit counters in the default cache): "<requests>/<period>" with the
# period s, m, h or d, optionally multiplied ("10/10m"); empty turns a limit off.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_IP_META_KEY = "portal.security.ratelimits.ratelimit_ip"
# While the cache cannot count (Redis restarting), let requests through rather than refuse them
# all; password guessing is still locked out by django-axes, which counts in the database.
RATELIMIT_FAIL_OPEN = env.bool("RATELIMIT_FAIL_OPEN", default=True)
RATE_LIMIT_LOGIN = env.str("RATE_LIMIT_LOGIN", default="30/10m")
RATE_LIMIT_TRACKING = env.str("RATE_LIMIT_TRACKING", default="10/10m")
RATE_LIMIT_VERIFY = env.str("RATE_LIMIT_VERIFY", default="60/m")
RATE_LIMIT_EXCHANGE_API = env.str("RATE_LIMIT_EXCHANGE_API", default="300/m")

# Uploads (organisation chart spreadsheets for now).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ORG_IMPORT_MAX_BYTES = env.int("ORG_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
ORG_IMPORT_MAX_ROWS = env.int("ORG_IMPORT_MAX_ROWS", default=50_000)
# Every .xlsx import: the most its zip members may inflate to, checked from the zip directory
# before openpyxl opens it (zip-bomb guard, portal/uploads.py).
UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)

# Platform rules (DOMAIN.md §2-3). Legal numbers live here or in data, each with its basis.
# "自受理之日起": the day of acceptance itself does not count towards a time limit.
WORKCAL_START_DAY_COUNTS = env.bool("WORKCAL_START_DAY_COUNTS", default=False)
WORKCAL_CACHE_SECONDS = env.int("WORKCAL_CACHE_SECONDS", default=60)
# Electronic supervision [local]: yellow when working days left <= max(2, ceil(20% x limit)).
CLOCK_YELLOW_MIN_DAYS = env.int("CLOCK_YELLOW_MIN_DAYS", default=2)
CLOCK_YELLOW_RATIO = env.str("CLOCK_YELLOW_RATIO", default="0.20")
# Approvals [local practice]: pledge verification after a 告知承诺 grant (working days), how long a
# false pledge bars pledge-based acceptance (calendar days), the longest agent (代办) grant (days).
PLEDGE_VERIFICATION_DAYS = env.int("PLEDGE_VERIFICATION_DAYS", default=40)
PLEDGE_BAR_DAYS = env.int("PLEDGE_BAR_DAYS", default=365)
AGENT_GRANT_MAX_DAYS = env.int("AGENT_GRANT_MAX_DAYS", default=366)
# Electronic supervision [local]: working days to act on a supervision notice (督办单) before it is
# escalated, the notice number prefix, rows per page.
SUPERVISION_NOTICE_DAYS = env.int("SUPERVISION_NOTICE_DAYS", default=3)
SUPERVISION_NOTICE_PREFIX = env.str("SUPERVISION_NOTICE_PREFIX", default="DB")
SUPERVISION_PAGE_SIZE = env.int("SUPERVISION_PAGE_SIZE", default=50)
# Certificates (行政许可法 art. 44): working days to issue after the decision; public register page size.
RESULTS_ISSUE_DAYS = env.int("RESULTS_ISSUE_DAYS", default=10)
RESULTS_REGISTER_PAGE_SIZE = env.int("RESULTS_REGISTER_PAGE_SIZE", default=20)
# Data sharing (政务数据共享条例 2025: 1 / 10 / 20 working days; the rest local practice).
SHARING_UNCONDITIONAL_REPLY_DAYS = env.int("SHARING_UNCONDITIONAL_REPLY_DAYS", default=1)
SHARING_CONDITIONAL_REPLY_DAYS = env.int("SHARING_CONDITIONAL_REPLY_DAYS", default=10)
SHARING_DELIVERY_DAYS = env.int("SHARING_DELIVERY_DAYS", default=20)
SHARING_NEGOTIATION_DAYS = env.int("SHARING_NEGOTIATION_DAYS", default=10)
SHARING_COORDINATION_DAYS = env.int("SHARING_COORDINATION_DAYS", default=10)
SHARING_AGREEMENT_MONTHS = env.int("SHARING_AGREEMENT_MONTHS", default=12)
SHARING_RETENTION_DAYS = env.int("SHARING_RETENTION_DAYS", default=365)
SHARING_EXPIRY_REMINDER_DAYS = tuple(env.list("SHARING_EXPIRY_REMINDER_DAYS", cast=int, default=[30, 7]))
# Data exchange: upload limits, API page sizes, export chunk, credential lifetime (days).
EXCHANGE_UPLOAD_MAX_BYTES = env.int("EXCHANGE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
EXCHANGE_UPLOAD_MAX_ROWS = env.int("EXCHANGE_UPLOAD_MAX_ROWS", default=50_000)
EXCHANGE_PAGE_SIZE = env.int("EXCHANGE_PAGE_SIZE", default=100)
EXCHANGE_PAGE_SIZE_MAX = env.int("EXCHANGE_PAGE_SIZE_MAX", default=1000)
EXCHANGE_EXPORT_CHUNK = env.int("EXCHANGE_EXPORT_CHUNK", default=2000)
EXCHANGE_CREDENTIAL_DAYS = env.int("EXCHANGE_CREDENTIAL_DAYS", default=365)
# PPP: OCDS identifiers and publisher, the concession term warning (2024 measures), integrity and
# benchmark thresholds.
PPP_OCID_PREFIX = env.str("PPP_OCID_PREFIX", default="ocds-yx0ppp-YX-")
PPP_OCDS_PUBLISHER = env.str("PPP_OCDS_PUBLISHER", default="云溪市财政局")
PPP_CONCESSION_MAX_TERM_YEARS = env.int("PPP_CONCESSION_MAX_TERM_YEARS", default=40)
PPP_SIMILAR_PRICE_TOLERANCE = env.str("PPP_SIMILAR_PRICE_TOLERANCE", default="0.005")
PPP_NEW_COMPANY_DAYS = env.int("PPP_NEW_COMPANY_DAYS", default=180)
PPP_BENCHMARK_PERCENTILE = env.str("PPP_BENCHMARK_PERCENTILE", default="p75")
PPP_BENCHMARK_REGION = env.str("PPP_BENCHMARK_REGION", default="云溪市")
PPP_BENCHMARK_IMPORT_MAX_BYTES = env.int("PPP_BENCHMARK_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
PPP_BENCHMARK_IMPORT_MAX_ROWS = env.int("PPP_BENCHMARK_IMPORT_MAX_ROWS", default=5000)
# PPP performance (财金〔2020〕13号, 财办金〔2017〕92号): the total a failed veto indicator caps, the
# legacy minimum performance-linked share, evaluation and reminder horizons.
PERF_VETO_CAP = env.str("PERF_VETO_CAP", default="0")
PERF_LEGACY_MIN_LINKED_SHARE = env.str("PERF_LEGACY_MIN_LINKED_SHARE", default="0.30")
PERF_EVALUATION_DUE_WORKING_DAYS = env.int("PERF_EVALUATION_DUE_WORKING_DAYS", default=20)
PERF_REMINDER_DAYS_AHEAD = env.int("PERF_REMINDER_DAYS_AHEAD", default=7)
PERF_MONITORING_GRACE_WORKING_DAYS = env.int("PERF_MONITORING_GRACE_WORKING_DAYS", default=10)
PERF_CONTRACT_EXPIRY_DAYS_AHEAD = env.int("PERF_CONTRACT_EXPIRY_DAYS_AHEAD", default=180)
# Intermediary services market (中介服务超市, DOMAIN.md §4): credit-score weights (regulator, enterprise
# credit, ratings and complaints), the penalty per upheld complaint, the lowest score admitted to
# selections, the least candidates or bids on public funds, the budget under which a direct pick
# is allowed (no public funds), reminder days before a qualification expires, the most engagements
# at once, and the range of the "optimal price" factor.
MARKET_CREDIT_WEIGHTS = tuple(env.list("MARKET_CREDIT_WEIGHTS", cast=int, default=[70, 10, 20]))
MARKET_COMPLAINT_PENALTY = env.str("MARKET_COMPLAINT_PENALTY", default="0.25")
MARKET_MIN_SCORE = env.int("MARKET_MIN_SCORE", default=60)
MARKET_PUBLIC_FUNDS_MIN = env.int("MARKET_PUBLIC_FUNDS_MIN", default=3)
MARKET_DIRECT_PICK_MAX_BUDGET = env.int("MARKET_DIRECT_PICK_MAX_BUDGET", default=100000)
MARKET_EXPIRY_REMINDER_DAYS = env.int("MARKET_EXPIRY_REMINDER_DAYS", default=30)
MARKET_MAX_ACTIVE_ENGAGEMENTS = env.int("MARKET_MAX_ACTIVE_ENGAGEMENTS", default=5)
MARKET_OPTIMAL_FACTOR_RANGE = tuple(env.list("MARKET_OPTIMAL_FACTOR_RANGE", default=["0.95", "0.98"]))
# Coordination matters (督办事项) and meetings: number prefixes, the longest deadline, attachments.
MATTER_NUMBER_PREFIX = env.str("MATTER_NUMBER_PREFIX", default="DBSX")
MEETING_NUMBER_PREFIX = env.str("MEETING_NUMBER_PREFIX", default="HY")
MATTER_MAX_LIMIT_DAYS = env.int("MATTER_MAX_LIMIT_DAYS", default=250)
MATTER_ATTACHMENT_MAX_MB = env.int("MATTER_ATTACHMENT_MAX_MB", default=10)
MATTER_ATTACHMENT_TYPES = env.list(
    "MATTER_ATTACHMENT_TYPES", default=["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls"]
)
# Public consultations (意见征集): minimum period in calendar days (《重大行政决策程序暂行条例》 art. 14:
# generally not less than 30 days; shorter only with a recorded reason), numbers, uploads, lists.
CONSULTATION_MIN_DAYS = env.int("CONSULTATION_MIN_DAYS", default=30)
CONSULTATION_NUMBER_PREFIX = env.str("CONSULTATION_NUMBER_PREFIX", default="YJ")
CONSULTATION_UPLOAD_MAX_MB = env.int("CONSULTATION_UPLOAD_MAX_MB", default=20)
CONSULTATION_UPLOAD_TYPES = env.list(
    "CONSULTATION_UPLOAD_TYPES", default=["pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"]
)
CONSULTATION_PAGE_SIZE = env.int("CONSULTATION_PAGE_SIZE", default=30)
CONSULTATION_COMMENT_MAX_LENGTH = env.int("CONSULTATION_COMMENT_MAX_LENGTH", default=5000)
# City overview: refresh of the large-screen mode, and the on-time rates shown green / yellow.
OVERVIEW_REFRESH_SECONDS = env.int("OVERVIEW_REFRESH_SECONDS", default=60)
OVERVIEW_ON_TIME_TARGET = env.float("OVERVIEW_ON_TIME_TARGET", default=0.95)
OVERVIEW_ON_TIME_WARNING = env.float("OVERVIEW_ON_TIME_WARNING", default=0.85)
# Links in e-mails and text messages point here (and certificates' QR codes to the verify page).
NOTIFICATIONS_BASE_URL = env.str("NOTIFICATIONS_BASE_URL", default="http://127.0.0.1:8000")
# Trust X-Forwarded-For for the audit trail's client IP (only behind a proxy that sets it):
# true/false, or the number of proxies in front of the application (see portal/audit/middleware.py).
_audit_trust_xff = env.str("AUDIT_TRUST_X_FORWARDED_FOR", default="false").strip()
AUDIT_TRUST_X_FORWARDED_FOR = (
    int(_audit_trust_xff)
    if _audit_trust_xff.isascii() and _audit_trust_xff.isdigit()
    else env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
