"""Configuration classes; every secret and URL comes from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from festival.params import whole_number


def _instance_secret(instance_path: str) -> str:
    """Return the secret key stored in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # pooled connections are pinged before use only after this many idle seconds, or when their
    # socket shows the server closed them (festival.dbpool); 0 pings at every checkout
    DATABASE_PING_AFTER_IDLE = 10.0
    # reverse proxies in front of the app that set X-Forwarded-For/-Proto (nginx: 1); 0 ignores
    # those headers, which anyone could send: the login limits count per client address
    TRUSTED_PROXIES = 0
    SECRET_KEY: str | None = None
    # the address people open the site at; every link in a mail or calendar file is built from it,
    # never from a request's Host header (which the client chooses). Required in production.
    PUBLIC_BASE_URL: str | None = None
    DEFAULT_PUBLIC_BASE_URL: str | None = None
    # Strict-Transport-Security max-age in seconds (0: no header); production sends a year
    HSTS_SECONDS = 0
    REDIS_URL: str | None = None
    LANGUAGES = ("en", "zh")
    BABEL_DEFAULT_LOCALE = "en"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # an upload's pixels are checked in its header before any is decoded; decoding one takes up to
    # ~15 bytes a pixel (WebP; PNG ~9, JPEG less), so this and the caps below bound a worker's memory
    # (festival.submissions.uploads, bench/upload_memory.py): one decode at a time per process, others
    # wait up to UPLOAD_DECODE_WAIT_SECONDS, then "try again in a moment"
    UPLOAD_MAX_PIXELS = 25_000_000
    UPLOAD_DECODES_PER_PROCESS = 1
    UPLOAD_DECODES_PER_USER = 1
    UPLOAD_DECODE_WAIT_SECONDS = 10.0
    UPLOAD_FOLDER: str | None = None
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = 25  # MAIL_PORT in the environment: from_environment
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"}
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "festival@localhost")
    # mail is sent by the job queue (festival.mail.services): a temporary SMTP error (4xx, no connection)
    # is tried again after 1, 4, 16, 64 minutes; after the last try the mail is "failed" in the outbox
    MAIL_MAX_ATTEMPTS = 5
    MAIL_RETRY_DELAY_SECONDS = 60.0
    MAIL_RETRY_MAX_DELAY_SECONDS = 6 * 3600.0
    MAIL_TIMEOUT_SECONDS = 20.0  # one SMTP conversation
    # what a dead worker left: "sending" this long, or "queued" this long past its try, is queued again
    MAIL_SENDING_STALE_SECONDS = 300.0
    MAIL_QUEUED_STALE_SECONDS = 600.0
    JOB_QUEUE_IMMEDIATE = False
    RATELIMIT_STORAGE_URI = "memory://"
    # "5 failed logins in 15 minutes" means any 15 minutes, not per clock quarter (festival.auth.throttle)
    RATELIMIT_STRATEGY = "moving-window"
    # Redis unreachable: the login limits go on per process instead of failing the login
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    @classmethod
    def from_environment(cls) -> dict:
        """Values read from the environment at app creation time."""
        values: dict = {}
        for key in ("SECRET_KEY", "REDIS_URL", "UPLOAD_FOLDER", "LOG_LEVEL", "PUBLIC_BASE_URL"):
            if os.environ.get(key):
                values[key] = os.environ[key]
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        if os.environ.get("REDIS_URL"):
            # rate limits shared by every gunicorn worker
            values["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
        if os.environ.get("RATELIMIT_ENABLED", "").lower() in {"0", "false", "no"}:
            values["RATELIMIT_ENABLED"] = False
        if os.environ.get("DATABASE_PING_AFTER_IDLE"):
            values["DATABASE_PING_AFTER_IDLE"] = _seconds("DATABASE_PING_AFTER_IDLE")
        for name, low, high in (("MAIL_PORT", 1, 65535), ("MAIL_MAX_ATTEMPTS", 1, 100)):
            if os.environ.get(name):
                values[name] = _whole(name, low, high)
        for name in ("MAIL_RETRY_DELAY_SECONDS", "MAIL_RETRY_MAX_DELAY_SECONDS"):
            if os.environ.get(name):
                values[name] = _seconds(name)
        if os.environ.get("TRUSTED_PROXIES"):
            values["TRUSTED_PROXIES"] = _whole("TRUSTED_PROXIES", 0, 10)
        return values


def _whole(name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` from the environment variable ``name``."""
    raw = os.environ[name]
    value = whole_number(raw, low=low, high=high)
    if value is None:
        raise ConfigurationError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return value


def _seconds(name: str) -> float:
    """A number of seconds (0 or more) from the environment variable `name`."""
    raw = os.environ[name]
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ConfigurationError(f"{name} must be a number of seconds (0 or more), not {raw!r}")
    return value


class DevelopmentConfig(Config):
    """Laptop defaults: SQLite and a secret key in the instance folder."""

    ENV_NAME = "development"
    DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # scripts/serve's address


class TestingConfig(Config):
    """Used by the test-suite; the database URL may point at PostgreSQL."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production"  # noqa: S105
    WTF_CSRF_ENABLED = True
    JOB_QUEUE_IMMEDIATE = True
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    DEFAULT_PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    """Real deployments: refuses to start without a SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 365 * 24 * 3600


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(RuntimeError):
    """Raised when the app cannot start safely with the given settings."""


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config from the chosen class, the environment and explicit overrides."""
    overrides = dict(overrides or {})
    name = overrides.pop("ENV", None) or os.environ.get("FESTIVAL_ENV") or "development"
    if overrides.get("TESTING") and name == "development":
        name = "testing"
    if name not in CONFIGS:
        raise ConfigurationError(f"FESTIVAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    app.config.from_object(CONFIGS[name])
    app.config.update(CONFIGS[name].from_environment())
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "festival.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("SECRET_KEY"):
        if name == "production":
            raise ConfigurationError("SECRET_KEY must be set in the environment in production")
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    if name == "production" and len(app.config["SECRET_KEY"]) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters long in production")
    app.config["PUBLIC_BASE_URL"] = _public_base_url(
        app.config.get("PUBLIC_BASE_URL") or app.config.get("DEFAULT_PUBLIC_BASE_URL"),
        production=name == "production",
    )
    app.config["ENV_NAME"] = name


def _public_base_url(raw: str | None, *, production: bool) -> str:
    """The checked public base URL without a trailing slash; raises ConfigurationError."""
    if not raw:
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set in production: the address people open the site at, e.g. "
            "https://festival.example.cn (every link in a mail is built from it)"
        )
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"PUBLIC_BASE_URL must be an http(s) address such as https://festival.example.cn, not {raw!r}"
        )
    if production and parts.scheme != "https":
        raise ConfigurationError(f"PUBLIC_BASE_URL must start with https:// in production, not {raw!r}")
    return raw.rstrip("/")
