"""One settings module for the laptop, CI and production.

Everything comes from the environment. The embedded defaults run the whole site on
one machine: SQLite, Celery tasks executed eagerly, e-mail printed to the console
and the sandbox payment provider. Setting DJANGO_ENV=production removes the unsafe
defaults and refuses to start without a real secret key and host names.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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
    "reports",
    "seeds",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
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
    "lms.security.reject_nul_in_url",
    "lms.security.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After auth: a signed-in trainee's profile language beats the cookie and the browser.
    "lms.accounts.middleware.ProfileLanguageMiddleware",
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
                "alumni.context_processors.alumni_nav",
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
# One 30-second step either side, as RFC 6238 advises: a code typed on a slow phone or
# with a drifting clock as the step turns over is still accepted (reuse stays refused).
MFA_TOTP_TOLERANCE = 1
# Everyone may turn MFA on; staff must (lms.accounts.middleware).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)

# Interface languages. The active one comes from the trainee's profile, then the
# django_language cookie (the switcher sets both), then the browser's Accept-Language
# (lms.accounts.middleware.ProfileLanguageMiddleware; README "Languages").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("ar", "العربية")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Pages: one page tree per locale (Wagtail i18n). No language prefix in URLs: the active
# language picks the tree (wagtail routes through site.root_page.localized).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# New pages get an alias in every other locale; it shows the English text, with a notice,
# until an editor converts it into a real translation.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
# Languages a trainee may prefer (teaching languages, the certificate's second language).
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
        "billing.access.active_entitlement_covers_course",
    ],
)
# Boxes other apps add beside a course's enrollment button: callables (request, course, context).
COURSE_PAGE_PANELS = ["billing.panels.offers_panel", "billing.panels.seat_code_panel"]
# Sections other apps add to "My learning": callables (user) -> {"template": ..., ...}.
DASHBOARD_PANELS = [
    "certificates.panels.certificates_panel",
    "billing.dashboard.billing_panel",
    "billing.panels.passes_panel",
    "alumni.dashboard.upcoming_events_panel",
]
# A video lesson is complete once this share of it has been watched.
LESSON_COMPLETION_RATIO = 0.9
# Highest playback speed the player offers; bounds how fast watched time may grow.
LESSON_MAX_PLAYBACK_RATE = 2.0

# Exams: answers arriving this long after the deadline still count (slow networks).
EXAM_DEADLINE_GRACE_SECONDS = 30

# Billing: Stripe when a secret key is set, otherwise the local sandbox provider (TEST MODE
# checkout page, no network). Providers are classes named here; the active one takes new
# checkouts, and refunds go back to whichever provider took the money.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
BILLING_PROVIDERS = {
    "stripe": "billing.providers.stripe.StripeProvider",
    "sandbox": "billing.providers.sandbox.SandboxProvider",
}
BILLING_PROVIDER = env.str("BILLING_PROVIDER", default="stripe" if STRIPE_SECRET_KEY else "sandbox")
BILLING_DEFAULT_CURRENCY = env.str("BILLING_DEFAULT_CURRENCY", default="USD")
# How long a checkout stays open (Stripe allows 30 minutes to 24 hours); a pending order
# holds its coupon redemption for this long.
BILLING_CHECKOUT_MINUTES = env.int("BILLING_CHECKOUT_MINUTES", default=60)
BILLING_ALLOW_SANDBOX = env.bool("BILLING_ALLOW_SANDBOX", default=False)
if PRODUCTION and BILLING_PROVIDER == "sandbox" and not BILLING_ALLOW_SANDBOX:
    # The sandbox hands out access without money: a live site must not fall back to it silently.
    raise ImproperlyConfigured(
        "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or BILLING_ALLOW_SANDBOX=1 for a staging site."
    )
if BILLING_PROVIDER == "stripe" and PRODUCTION and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be set: payments are confirmed by signed webhooks only.")

# Certificates
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # printed in QR codes
CERTIFICATE_ISSUER = env.str("CERTIFICATE_ISSUER", default="Medical Korea Academy, Republic of Korea")
CERTIFICATE_SERIAL_PREFIX = "MKA"
CERTIFICATE_LOOKUPS_RATE = env.str("CERTIFICATE_LOOKUPS_RATE", default="30/10m")  # per IP address

# Billing: receipts and sponsored seats
# Printed as the seller on every receipt (one line each).
BILLING_SELLER = {
    "name": env.str("BILLING_SELLER_NAME", default="Medical Korea Academy"),
    "address": env.list(
        "BILLING_SELLER_ADDRESS",
        default=["Korea Health Industry Development Institute", "187 Osongsaengmyeong 2-ro", "Cheongju 28159, Republic of Korea"],
    ),
    "tax_id": env.str("BILLING_SELLER_TAX_ID", default=""),
    "email": env.str("BILLING_SELLER_EMAIL", default="billing@mka-eclass.local"),
}
BILLING_RECEIPT_PREFIX = "MKA-R"  # MKA-R-2026-000123
SEAT_REDEEM_RATE = env.str("SEAT_REDEEM_RATE", default="10/m")  # per user: slows down guessing codes

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

# Alumni events: the joining link of an online event appears this long before the start;
# reminders (24 h and 1 h before) are sent by a beat task every five minutes.
EVENT_LINK_OPENS_MINUTES_BEFORE = env.int("EVENT_LINK_OPENS_MINUTES_BEFORE", default=30)
CELERY_BEAT_SCHEDULE["send-event-reminders"] = {"task": "alumni.tasks.send_event_reminders", "schedule": 300.0}

# --- Security ---------------------------------------------------------------------------
# One block: cache (rate-limit counters), sessions, login rate limits, HTTPS, CSP and the
# other security headers. tests/security checks each of them, and `check --deploy` passes.

# The cache holds the login and certificate-lookup rate-limit counters: production needs one
# shared by every process (redis://…/N); a per-process memory cache would let each gunicorn
# worker count on its own.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if PRODUCTION and CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    raise ImproperlyConfigured("CACHE_URL must name a shared cache (redis://…) in production.")

# allauth counts attempts in that cache. A failed password counts against the address (5 per
# 5 minutes) and the IP; every login path (/accounts/login/, /admin/login/, /django-admin/login/)
# is the same allauth form, and the MFA code form counts its failures the same way.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_LIMIT", default="30/m/ip"),
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# Wagtail's own password-reset pages would be a second way in beside allauth's.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Private pages send visitors to the allauth login too (lms/urls.py redirects Wagtail's own).
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# No Gravatar: it would send a hash of each staff e-mail to a third party (and break the CSP).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the admin's upgrade notice, which fetches releases.wagtail.org from every editor's browser.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Sessions: Django gives a new session key at login and deletes the session at logout.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host- cookies are HTTPS-only, host-only and path=/ in every browser.
    SESSION_COOKIE_NAME = "__Host-sessionid"

# HTTPS
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=PRODUCTION)

# Headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing of ours is framed; Wagtail's preview views set SAMEORIGIN on their own responses.
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "autoplay": ["self"],
    "fullscreen": ["self"],  # the lesson player's full-screen button
    "picture-in-picture": ["self"],
}

# Content-Security-Policy (django-csp 4): no inline script or style on the public site.
# Data reaches scripts through data-* attributes; per-element colours and widths are set by
# lms/js/site.js through the CSSOM, which CSP allows.
_CSP_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],  # data: for allauth's TOTP QR code
        "media-src": [_CSP_SELF],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "frame-src": [_CSP_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": [_CSP_SELF],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": PRODUCTION,
    },
}
# The Wagtail and Django admins still use inline scripts and styles: under these prefixes the
# policy is lms.security.ADMIN_CSP_DIRECTIVES instead (still same-origin only).
CSP_ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")

# Personal data: each app lists what it holds (callables user -> {section: data}) and how it
# forgets a deleted account (callables user -> None, run in one transaction before the user
# row is anonymised). Billing and alumni add theirs here.
PERSONAL_DATA_EXPORTERS = [
    "lms.accounts.personal_data.export_account",
    "courses.personal_data.export_learning",
    "certificates.personal_data.export_certificates",
    "billing.personal_data.export_billing",
    "alumni.personal_data.export_alumni",
]
ACCOUNT_DELETION_HANDLERS = [
    "certificates.personal_data.anonymise_certificates",
    "courses.personal_data.delete_learning",
    "billing.personal_data.anonymise_billing",
    "alumni.personal_data.delete_alumni_data",
    "lms.accounts.personal_data.delete_account_data",
]
# --- End of security --------------------------------------------------------------------

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
