"""Settings for Naast: one module, every value from the environment.

Production runs with ``DEBUG=False`` and must be given ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DATABASE_URL``; the local demo (``make run``) passes
``DEBUG=True`` and gets safe defaults. See ``.env.example``.
"""

import datetime
import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="insecure-local-demo-key-never-in-production"
    )
else:
    # No default: a production start without a secret must fail loudly.
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is False (see .env.example)."
        ) from exc

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site needs a verified second factor (accounts.admin_site).
    "accounts.admin_apps.NaastAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "django_htmx",
    "guardian",
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "audit",
    "cases",
    "roles",
    "reports",
    "retention",
    "privacy",
    # The pages over the domain apps (no models).
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files (collectstatic'ed, hashed names, compressed) straight from the
    # app server; after the CSP middleware so that they carry the header too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A lost database connection in a view: the 503 page, not a 500
    # (config.health; handler500 covers the other middleware).
    "config.health.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): logged in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Restarts a logged-in session's idle clock, at most once a minute.
    "accounts.session_clock.IdleSessionMiddleware",
    # Default deny: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # And a second factor when NAAST_REQUIRE_2FA is on.
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Names the logged-in user on history rows written outside the services
    # (the admin); the services name the actor themselves.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Names the logged-in user as the actor of changes to users, passwords and
    # second factors in the audit trail (accounts.audit).
    "accounts.audit.AuditActorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cases.middleware.HtmxLoginRedirectMiddleware",
    # Logs writes and refused actions in the access log (NEN 7513).
    "audit.middleware.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# One form renderer template set (templates/forms/) for every form.
FORM_RENDERER = "config.forms.NaastFormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "web.context_processors.naast",
            ],
        },
    },
]

# The embedded default is SQLite in a file under the project (the demo);
# PostgreSQL is the production engine: DATABASE_URL=postgres://user@host/db
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'naast.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept between requests (DB_CONN_MAX_AGE seconds) and tested
# before reuse, so a restarted PostgreSQL costs at most the requests that were
# running at that moment (they get the 503 page, config.health); the next
# request opens a new connection by itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    # Fail fast when the server is down instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
    # Server-side parameter binding, and a statement run 5 times on a kept
    # connection is prepared: PostgreSQL then skips parsing and planning, which
    # was half of its CPU per page (measured: 7.2 -> 3.5 ms per request of the
    # load-test mix). Off (DB_PREPARED_STATEMENTS=False) behind a connection
    # pooler in transaction mode, which cannot keep prepared statements.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
# Optional read replica (a PostgreSQL streaming replica of the primary) for
# the anonymous reports only; see config.db_routers and the README.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        {
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                **DATABASES["replica"].get("OPTIONS", {}),
                "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=5),
            },
            # Tests read the primary through this alias.
            "TEST": {"MIRROR": "default"},
        }
    )
    DATABASE_ROUTERS = ["config.db_routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Guardian: no anonymous user row; Naast never grants anything to anonymous.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# History of changes (django-simple-history): every tracked write keeps the
# previous version, with who and why. A reason can be longer than 100
# characters; history is never reverted or edited from the admin.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` writes here; WhiteNoise serves it (hashed names,
# gzip and Brotli copies, cached for a year). The Docker image collects at build.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # The demo serves straight from the app directories (no collectstatic).
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Cache and sessions. The app servers keep no state of their own: sessions
# live in the database (default) or, with CACHE_URL=redis://host:6379/0 and
# SESSION_ENGINE=django.contrib.sessions.backends.cached_db, in Redis with the
# database behind it. Without CACHE_URL each process has its own local cache,
# which nothing shared relies on.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

# --- security (OWASP ASVS level 2) -------------------------------------------------

# The admin lives at an unguessable path in production; staff only, with a
# verified second factor when NAAST_REQUIRE_2FA is on (accounts.admin_site).
ADMIN_URL = env("NAAST_ADMIN_PATH", default="beheer/")

# Two-factor authentication (TOTP app + single-use recovery codes, django-otp).
# Required for every account; only the local demo (`make run`) switches it off.
NAAST_REQUIRE_2FA = env.bool("NAAST_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Naast"
# The admin never shows a secret key or a recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
NAAST_RECOVERY_CODE_COUNT = 10
# A new account enrols its second factor only with a one-time enrolment code
# from the administrator who made it; the code is valid this many hours.
NAAST_ENROLMENT_CODE_HOURS = env.int("NAAST_ENROLMENT_CODE_HOURS", default=72)

# Brute-force protection (django-axes): a username+address combination is
# locked after AXES_FAILURE_LIMIT failed logins, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("AXES_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# The person key (cases.person_key): the secret of the keyed hash that
# recognises one person inside an organisation and for R9 across them. Without
# it, a key derived from SECRET_KEY is used (and `check --deploy` warns), so
# that rotating SECRET_KEY does not silently change every person key; changing
# this secret needs `manage.py rekey_persons`.
NAAST_PERSON_KEY_SECRET = (
    env("NAAST_PERSON_KEY_SECRET", default="")
    or hashlib.sha256(f"naast.person_key:{SECRET_KEY}".encode()).hexdigest()
)
NAAST_PERSON_KEY_SECRET_SET = bool(env("NAAST_PERSON_KEY_SECRET", default=""))

# Emergency access (R2): how many hours a team lead may read one case's content
# after opening it with a reason; it ends by itself at that moment.
NAAST_EMERGENCY_ACCESS_HOURS = env.int("NAAST_EMERGENCY_ACCESS_HOURS", default=24)

# Municipal reports read stored figures (reports.ReportFigures); figures older
# than this are counted again when read. `manage.py refresh_reports` counts the
# standard periods every night.
NAAST_REPORT_MAX_AGE_HOURS = env.int("NAAST_REPORT_MAX_AGE_HOURS", default=24)

# Sessions end after 15 idle minutes; every request restarts the clock, and the
# pages warn two minutes before with a button to extend (WCAG 2.2.1). The clock
# is written at most once a minute (accounts.session_clock), not on every
# request, so an idle session ends between 14 and 15 minutes after its last
# request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = False
NAAST_SESSION_REFRESH_SECONDS = env.int("NAAST_SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True

# HTTPS only in production: redirect http to https and tell browsers (HSTS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers check health over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^gezondheid/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (only if the
# proxy always sets or strips that header).
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. "
            "'HTTP_X_FORWARDED_PROTO,https'."
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: scripts and styles only from our own static files,
# nothing inline (tests/config/test_security.py checks the templates), no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Retention (bewaartermijnen): per record type, the whole years after the date
# named that a real run of ``manage.py apply_retention`` destroys it (clients:
# anonymises them). Each rule is in ``retention.services.RULES``; every term
# can be set from the environment, at least 1 year.
#
# The law gives no term for what a confidant or client supporter records
# about a client: AVG art. 5(1)(e) (opslagbeperking) only says "no longer
# than necessary for the purpose", and sets no number. The jeugdhulp file's
# term of Jeugdwet art. 7.3.8 (20 years after the care ends, 15 before 2020;
# rijksoverheid.nl, "Wat is de bewaartermijn voor een dossier jeugdhulp of
# jeugdbescherming?") binds the care provider's file, not the AKJ's or the
# client supporter's: their support is no jeugdhulp. The Archiefwet binds
# government bodies through their selection list (selectielijst); Naast is
# the supporting organisation's own system, not the municipality's archive.
# So the defaults below are organisational choices, each to be confirmed in
# the organisation's privacy policy (the AKJ's "Privacybeleid
# vertrouwenswerk" on akj.nl/privacy names its own; we could not read its
# term), and set here when it differs.
NAAST_RETENTION = {
    # Closed support cases with their notes, meetings, attendance, events,
    # complaint, assignments and permission rows; from the day of closing.
    # Organisational choice: 5 years, the top of the 1-5 years after the end
    # of the work of the NVO's professional code for pedagogues (nvo.nl, "Wat
    # is de bewaartermijn van dossiers?"), well past every complaint term
    # (Jeugdwet, Wkkgz: at most 6 months before a disputes body).
    "case": env.int("RETENTION_CASE_YEARS", default=5),
    # Care a client received, from the day it ended. Only the context of the
    # support; the provider keeps the jeugdhulp file itself for 20 years
    # (Jeugdwet art. 7.3.8). Organisational choice, as cases.
    "care": env.int("RETENTION_CARE_YEARS", default=5),
    # Contact moments outside a case (anonymous, or about a client without a
    # case), from the day of the contact; a contact on a case goes with the
    # case. A client in contact within the term is not anonymised.
    # Organisational choice, as cases: the AKJ's annual figures count the
    # years before.
    "contact": env.int("RETENTION_CONTACT_YEARS", default=5),
    # Applications with their decision, from the day of the decision; kept
    # to refuse supporter and decider in one hand (R9). The municipality's
    # own file follows its selection list (Archiefwet; "Selectielijst
    # gemeenten en intergemeentelijke organen 2020"). Organisational choice.
    "application": env.int("RETENTION_APPLICATION_YEARS", default=5),
    # Consents (R11), from the day they were withdrawn; consents given for a
    # meeting go with its case. Organisational choice, as cases.
    "consent": env.int("RETENTION_CONSENT_YEARS", default=5),
    # Informal supporters (someone of the client's network: a third party's
    # name, telephone and e-mail) who support no case any more and whose
    # client has no open case; from the day they were recorded. AVG art.
    # 5(1)(e); organisational choice, as cases.
    "informal_supporter": env.int("RETENTION_INFORMAL_SUPPORTER_YEARS", default=5),
    # Clients without an open case whose last case closed this long ago are
    # anonymised, not deleted: the name goes, the date of birth keeps its
    # year only, the institution goes, and so do family memberships,
    # conflicting interests and remaining consents and informal supporters.
    # The row stays for anonymous statistics and for the access log. As cases.
    "client": env.int("RETENTION_CLIENT_YEARS", default=5),
    # Not applied, on purpose: the access log (NEN 7513) is kept at least 5
    # years (the ministerial regulation under the Besluit elektronische
    # gegevensverwerking door zorgaanbieders, KNMP news of 16 July 2019: at
    # least 5 years, at most the file's term); it is an append-only hash
    # chain, and Naast has no verifiable truncation of it yet. The
    # destruction register is kept permanently and holds no personal data.
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every PDF at INFO: only its problems matter.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Background work (django.tasks): the daily reminders run in a worker,
# `python manage.py db_worker`, from a database queue (django-tasks-db).
# TASKS_BACKEND=immediate runs each task at once, in the enqueuing process
# (the tests do this).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[env("TASKS_BACKEND", default="database")],
        "QUEUES": ["default"],
    }
}

# E-mail (the daily reminders), through Django's mailers: printed on the
# console in the demo and whenever EMAIL_URL is empty; otherwise SMTP from
# EMAIL_URL (smtp+tls://user:password@host:587).
if DEBUG or not env("EMAIL_URL", default=""):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    _smtp = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp["EMAIL_HOST"],
                "port": _smtp["EMAIL_PORT"],
                "username": _smtp["EMAIL_HOST_USER"],
                "password": _smtp["EMAIL_HOST_PASSWORD"],
                "use_tls": _smtp.get("EMAIL_USE_TLS", False),
                "use_ssl": _smtp.get("EMAIL_USE_SSL", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="naast@localhost")
#: The address of the site in reminder e-mails (links to the case pages).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
