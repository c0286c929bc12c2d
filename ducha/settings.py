"""The one settings module. Everything deployment-specific comes from the environment."""

from pathlib import Path

import dj_database_url

from ducha.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("DUCHA_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DUCHA_DEMO", True)
SECRET_KEY = env_str("SECRET_KEY", "demo-only-secret-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files instead of a CDN
    "django_tasks",
    "django_tasks_db",
    "ducha.core",
    "ducha.enterprises",
    "ducha.policies",
    "ducha.problems",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ducha.core.middleware.IdleTimeoutMiddleware",
    "ducha.core.middleware.RequestSourceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ducha.urls"
WSGI_APPLICATION = "ducha.wsgi.application"

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
                "ducha.core.context_processors.shell",
            ],
        },
    },
]

# SQLite (WAL) under var/ by default; DATABASE_URL switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "ducha.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead
                # of failing with "database is locked" when one upgrades its lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }

AUTH_USER_MODEL = "core.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after DUCHA_IDLE_MINUTES without a request (checked by
# IdleTimeoutMiddleware so the user is told why), and after 12 hours in any case.
IDLE_TIMEOUT_MINUTES = env_int("DUCHA_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "ducha.core.views.csrf_failure"
LOGIN_MAX_FAILURES = env_int("DUCHA_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("DUCHA_LOGIN_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("DUCHA_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads larger than this are refused with a Chinese message before parsing.
DUCHA_MAX_UPLOAD_BYTES = env_int("DUCHA_MAX_UPLOAD_MB", 40) * 1024 * 1024
# Uploads up to this size are checked and applied in the request; larger ones become background jobs.
DUCHA_INLINE_IMPORT_BYTES = env_int("DUCHA_INLINE_IMPORT_KB", 512) * 1024

TESTING = env_bool("DUCHA_TESTING", False)
# Tests run tasks in-process as soon as the enqueuing transaction commits.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "DUCHA_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# Enterprises may appeal a problem within this many working days of its raise (reference/002 §2.3.3).
DUCHA_APPEAL_WORKING_DAYS = env_int("DUCHA_APPEAL_WORKING_DAYS", 5)

# Outgoing messages (SMS / e-mail) go through core.notify backends; the default logs.
DUCHA_MESSAGE_BACKEND = env_str("DUCHA_MESSAGE_BACKEND", "ducha.core.notify.LogMessageBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "ducha": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        "jieba": {"level": "WARNING"},
        # 403/404 are answered to the user in Chinese; only server errors belong in the log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
