"""One settings module for the laptop, CI and production.

Everything comes from the environment. The embedded defaults run the whole site on
one machine: SQLite, Celery tasks executed eagerly, e-mail printed to the console
and the sandbox payment provider. Setting DJANGO_ENV=production removes the unsafe
defaults and refuses to start without a real secret key and host names.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if PRODUCTION else _INSECURE_KEY)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a long random value.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

INSTALLED_APPS = [
    "lms.accounts",
    "lms.home",
    "courses",
    "billing",
    "certificates",
    "alumni",
    "seeds",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_countries",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.accounts.middleware.StaffMFARequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site_links",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout keeps concurrent writes (beacons, double clicks) from failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:dashboard"

# django-allauth: e-mail is the login, and it must be verified before the first login.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MKA e-class] "
ACCOUNT_ADAPTER = "lms.accounts.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MKA e-class"
# Everyone may turn MFA on; staff must (lms.accounts.middleware).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
# Languages a trainee may prefer; the interface gains them as translations land.
PREFERRED_LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("vi", "Tiếng Việt"),
    ("mn", "Монгол"),
    ("zh-hans", "中文"),
    ("ko", "한국어"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "lms" / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WhiteNoise serves static files everywhere; off production it reads them from the apps directly.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_MAX_AGE = 0 if not PRODUCTION else 31536000
# Lesson videos are served by courses.views after an access check. Behind nginx, set this
# to the internal location that maps to MEDIA_ROOT so nginx streams the file (X-Accel-Redirect).
PROTECTED_MEDIA_ACCEL_PREFIX = env.str("PROTECTED_MEDIA_ACCEL_PREFIX", default="")
# Only these folders of MEDIA_ROOT are public (image renditions); videos and documents are not.
PUBLIC_MEDIA_PREFIXES = ["images/", "original_images/", "media_thumbnails/"]

# Wagtail
WAGTAIL_SITE_NAME = "MKA e-class"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "txt", "csv", "zip", "png", "jpg"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILMEDIA = {
    "MEDIA_MODEL": "wagtailmedia.Media",
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "ogg", "wav"],
    "VIDEO_EXTENSIONS": ["mp4", "webm", "m4v"],
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Courses: who may open a course. Each rule is a function (user, course) -> bool;
# any rule that says yes grants access. Billing adds its entitlement rule here.
COURSE_ACCESS_RULES = env.list(
    "COURSE_ACCESS_RULES",
    default=[
        "courses.access.staff_may_access_every_course",
        "courses.access.basic_courses_are_free",
    ],
)
# Sections other apps add to "My learning": callables (user) -> {"template": ..., ...}.
DASHBOARD_PANELS = ["certificates.panels.certificates_panel"]
# A video lesson is complete once this share of it has been watched.
LESSON_COMPLETION_RATIO = 0.9
# Highest playback speed the player offers; bounds how fast watched time may grow.
LESSON_MAX_PLAYBACK_RATE = 2.0

# Exams: answers arriving this long after the deadline still count (slow networks).
EXAM_DEADLINE_GRACE_SECONDS = 30

# Certificates
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # printed in QR codes
CERTIFICATE_ISSUER = env.str("CERTIFICATE_ISSUER", default="Medical Korea Academy, Republic of Korea")
CERTIFICATE_SERIAL_PREFIX = "MKA"
CERTIFICATE_LOOKUPS_RATE = env.str("CERTIFICATE_LOOKUPS_RATE", default="30/10m")  # per IP address

# E-mail
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MKA e-class <no-reply@mka-eclass.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker the tasks run in-process, so the laptop needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "close-expired-exam-attempts": {"task": "courses.tasks.close_expired_exam_attempts", "schedule": 60.0},
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Security: strict in production, harmless on the laptop.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; fontTools every subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
