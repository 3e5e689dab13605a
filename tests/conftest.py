"""Fixtures: the app on each database backend, a client, a CLI runner, and signed-in staff.

Every database test runs on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
In CI (CI=true) PostgreSQL is required: without it the run fails instead of skipping.
"""

import contextvars
import os
import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from onboarding import create_app
from onboarding.extensions import db as _db
from onboarding.extensions import limiter
from onboarding.pathway import clock
from onboarding.pathway.base import Model
from onboarding.pathway.communes import load_communes
from onboarding.pathway.models import Role
from onboarding.pathway.models import staff as staff_model
from tests import builders

REFERENCE_TABLES = {"commune", "commune_postcode"}
# Sign-ins are made by the hundred here: a cheap hash keeps the suite fast (production: scrypt).
staff_model.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _backends() -> list[str]:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL is required.")
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _postgres_url() -> str:
    from onboarding.config import database_url_from_environment

    return database_url_from_environment(POSTGRES_URL)


def _build_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            Model.metadata.drop_all(connection)
            Model.metadata.create_all(connection)
            load_communes(connection)
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=_backends())
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        url = _postgres_url()
        probe = create_engine(url)
        try:
            probe.connect().close()
        except OperationalError as error:
            pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL does not answer: {error}")
        finally:
            probe.dispose()
    _build_schema(url)
    return url


@pytest.fixture
def backend(database_url) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def empty_tables() -> None:
    """Empty every table but the reference ones, identities restarted."""
    _db.session.remove()
    tables = [t for t in reversed(Model.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Each request runs in a context of its own, as in production.

    Flask reuses an app context that is already pushed (the test's own) for a request, which
    would share `g` and the database session between the test and every request it makes.
    """

    def open(self, *args, **kwargs):
        # Buffered, so that a streamed body (CSV exports) is produced inside that context too.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": "localhost",
            "PUBLIC_BASE_URL": "http://localhost",
        },
        instance_path=str(tmp_path / "instance"),
    )
    app.test_client_class = IsolatedClient
    with app.app_context(), clock.frozen(builders.TODAY):
        limiter.reset()
        yield app
        empty_tables()
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def session(app):
    return _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


TODAY = builders.TODAY


@pytest.fixture
def today() -> date:
    return TODAY


CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token in its form"
    return match.group(1) or match.group(2)


class StaffSession:
    """Sign staff in and out through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = builders.PASSWORD, next_url: str = ""):
        page = self.client.get("/auth/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(
            "/auth/login",
            data={"csrf_token": token, "email": email, "password": password, "next": next_url},
        )

    def logout(self):
        page = self.client.get("/auth/logout")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client) -> StaffSession:
    return StaffSession(client)


@pytest.fixture
def admin_user(session):
    user = builders.make_staff(session, "admin@example.org", Role.ADMIN)
    session.commit()
    return user


@pytest.fixture
def coordinator_33(session):
    user = builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    session.commit()
    return user


@pytest.fixture
def partner_33(session):
    user = builders.make_staff(session, "partner33@example.org", Role.PARTNER, "33")
    session.commit()
    return user
