"""Configuration: defaults, then instance/config.py, then environment variables."""

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "testing", "production")

# Variables read from the environment, after instance/config.py.
ENVIRONMENT_VARIABLES = (
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_TIMEOUT",
    "RATELIMIT_STORAGE_URI",
    "PUBLIC_BASE_URL",
    "MAP_TILE_URL",
    "SMS_GATEWAY_URL",
    "SMS_GATEWAY_TOKEN",
    "PROCONNECT_ISSUER",
    "PROCONNECT_CLIENT_ID",
    "PROCONNECT_CLIENT_SECRET",
)


def resource_folder(name: str) -> Path:
    """templates/, static/ or migrations/: inside the package when it was installed from a
    wheel (see setup.py), at the repository's root in a checkout."""
    installed = PACKAGE_ROOT / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


TRUE_WORDS = {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """The deployment's configuration cannot start the app; the message says what to set."""


def defaults(instance_path: str) -> dict:
    return {
        "ONBOARDING_ENV": "development",
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'onboarding.sqlite'}",
        # Given to every engine; a server's database also has its connections checked before
        # use (pool_pre_ping, see `load`).
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "TIMEZONE": "Europe/Paris",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Minutes a session may stay unused before it ends: staff, and candidates (whose link
        # opens a new session at any time; shorter, as the space is often opened on a shared
        # computer at an agency or a library).
        "STAFF_IDLE_MINUTES": 120,
        "CANDIDATE_IDLE_MINUTES": 30,
        # Where rate-limit counters live: memory:// counts per process, so production needs a
        # storage every worker shares (redis://…) unless SINGLE_PROCESS says there is one process.
        "RATELIMIT_STORAGE_URI": "memory://",
        "SINGLE_PROCESS": False,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Sign-in attempts that fail, per client address and per account.
        "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
        # ProConnect (OpenID Connect) sign-in for agents: shown when the three are set.
        "PROCONNECT_ISSUER": None,
        "PROCONNECT_CLIENT_ID": None,
        "PROCONNECT_CLIENT_SECRET": None,
        "PROCONNECT_SCOPE": "openid email given_name usual_name",
        # An email without an email_verified claim is taken as verified (ProConnect's guarantee).
        "PROCONNECT_TRUST_EMAIL": True,
        # Admins sign in with a second factor (TOTP), enrolled at their next sign-in.
        "ADMIN_TOTP_REQUIRED": False,
        # Forgotten-password requests, per client address and per account.
        "RESET_LIMIT_PER_ADDRESS": "10 per hour",
        "RESET_LIMIT_PER_ACCOUNT": "3 per hour",
        # Personal links refused (expired, altered, revoked) per client address.
        "CANDIDATE_LINK_LIMIT": "30 per 15 minutes",
        # Requests for a new personal link, per client address.
        "NEW_LINK_LIMIT": "5 per 15 minutes",
        # Parents' contact requests and API calls, per client address.
        "CONTACT_LIMIT_PER_ADDRESS": "5 per hour",
        "API_LIMIT_PER_ADDRESS": "120 per minute",
        # The map of search results: a tile server URL template (empty: no map) and its credit;
        # the tile server's origin is allowed in the Content-Security-Policy's img-src.
        "MAP_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "MAP_ATTRIBUTION": "© les contributeurs d'OpenStreetMap",
        # Number of proxies in front of the app that set X-Forwarded-For (0: none).
        "PROXY_COUNT": 0,
        # Part-1 training is due 6 months after the complete dossier, 8 in the
        # départements listed here (décret 2018-903).
        "EXTENDED_TRAINING_DEPARTMENTS": (),
        # Outgoing mail: SMTP when MAIL_SERVER is set, otherwise .eml files in MAIL_OUTBOX.
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        # Seconds to wait for the SMTP server's answer.
        "MAIL_TIMEOUT": 10,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_OUTBOX": str(Path(instance_path) / "outbox"),
        "MAIL_DEFAULT_SENDER": "parcours-assmat@localhost",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        # Text messages: POSTed as JSON to an HTTP gateway when SMS_GATEWAY_URL is set,
        # otherwise written as files into SMS_OUTBOX.
        "SMS_GATEWAY_URL": None,
        "SMS_GATEWAY_TOKEN": None,
        "SMS_OUTBOX": str(Path(instance_path) / "sms"),
        "SMS_SENDER_NAME": "ASSMAT",
        # Messages `send-due` claims at once, and how many it sends at most per run.
        "OUTBOX_BATCH": 200,
        # Senders side by side in one `send-due` run (threads, each with its own database and SMTP
        # sessions): the mail server's answers are waited for in parallel.
        "OUTBOX_SENDERS": 2,
        # Retention periods (RGPD), applied by `flask purge`.
        "RETENTION_WITHDRAWN_MONTHS": 24,
        "RETENTION_CONTACT_REQUEST_MONTHS": 6,
        # Pre-registrations closed (not accepted) are erased this many months after closing.
        "RETENTION_PRE_REGISTRATION_MONTHS": 6,
        # Hours a seat freed close to an activity is held for the first person waiting.
        "WAITING_LIST_OFFER_HOURS": 24,
        # Pre-registrations sent from the public page, per client address.
        "PRE_REGISTRATION_LIMIT_PER_ADDRESS": "5 per hour",
    }


def database_url_from_environment(url: str) -> str:
    """Take a DATABASE_URL as hosting platforms give it and name the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def load(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        # Tests never read a developer's instance/config.py.
        app.config.from_pyfile("config.py", silent=True)
    for name in ENVIRONMENT_VARIABLES:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("ONBOARDING_ENV"):
        app.config["ONBOARDING_ENV"] = os.environ["ONBOARDING_ENV"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SINGLE_PROCESS"):
        app.config["SINGLE_PROCESS"] = os.environ["SINGLE_PROCESS"].lower() in TRUE_WORDS
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_environment(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    # A connection to a server can be lost between requests (a restart, a proxy's timeout): it
    # is checked before use. A SQLite file has no server to lose: the check would be one more
    # statement in every request, for nothing.
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("pool_pre_ping", True)
    environment = app.config["ONBOARDING_ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"ONBOARDING_ENV={environment!r} is not one of {', '.join(ENVIRONMENTS)}."
        )
    if not app.config["SECRET_KEY"]:
        if environment != "development":
            raise ConfigurationError(
                "SECRET_KEY is not set. Outside development the app refuses to start without it: "
                "set the SECRET_KEY environment variable or put SECRET_KEY in instance/config.py."
            )
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
    if environment == "production":
        refuse_per_process_limits(app.config)
    app.config["SESSION_COOKIE_SECURE"] = environment == "production"
    app.config["REMEMBER_COOKIE_SECURE"] = environment == "production"


def refuse_per_process_limits(config) -> None:
    """Counters in memory are per process: under gunicorn's workers every limit (failed sign-ins,
    API calls, contact requests, refused links) would be multiplied by the number of workers."""
    storage = str(config["RATELIMIT_STORAGE_URI"] or "memory://")
    if storage.startswith("memory://") and not config["SINGLE_PROCESS"]:
        raise ConfigurationError(
            "RATELIMIT_STORAGE_URI is memory:// in production: each worker process would keep its "
            "own counters and every rate limit would be multiplied by the number of workers. Set "
            "RATELIMIT_STORAGE_URI=redis://host:6379/0 (shared by every worker and host), or "
            "SINGLE_PROCESS = True in instance/config.py (or SINGLE_PROCESS=1) if the app really "
            "runs in one process. — Les limites de requêtes seraient comptées par processus : "
            "indiquez un stockage partagé (Redis) ou SINGLE_PROCESS."
        )


def development_secret_key(instance_path: Path) -> str:
    """A key generated once per development checkout and kept in instance/, never committed."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    return key
