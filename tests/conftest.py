"""Fixtures: the app on each database backend, a client, a CLI runner, and signed-in staff.

Every database test runs on SQLite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
In CI (CI=true) PostgreSQL is required: without it the run fails instead of skipping.

Under pytest-xdist each worker has databases of its own: a SQLite file in its temporary
directory, and on PostgreSQL the database of TEST_DATABASE_URL with the worker's id appended
(test_gw0, test_gw1, …), created when missing.

What keeps the suite fast: one app a process, reused from test to test (its configuration put
back after each test, and built again when a test changed its routes or hooks, or when another
app took over the shared extensions), with its pool of connections; only the tables a test wrote
to are emptied after it (DELETE, not TRUNCATE, on PostgreSQL), and the test databases on
PostgreSQL commit without waiting for the disk; the objects alive after the imports are frozen
out of the garbage collector's scans.
"""

import contextvars
import gc
import itertools
import os
import re
import time
from collections.abc import Callable
from datetime import date

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

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
# "gw0", "gw1", … in a pytest-xdist worker; empty in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# The modules above and their objects live as long as the process: the collector need not scan
# them again. A test builds and drops many short-lived objects; collecting the young generation
# every 700 allocations (the default) is mostly wasted work here.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)


def backends() -> list[str]:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL is required.")
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def only_on(backend: str):
    """A test that means one backend (an online backup, row locks between two connections): it
    runs there only, rather than being skipped on the other."""
    return pytest.mark.parametrize(
        "database_url", [name for name in backends() if name == backend], indirect=True
    )


def _postgres_url() -> str:
    """TEST_DATABASE_URL with the psycopg driver; in an xdist worker, its database name + "_gw0"."""
    from onboarding.config import database_url_from_environment

    url = make_url(database_url_from_environment(POSTGRES_URL))
    if WORKER:
        url = url.set(database=f"{url.database}_{WORKER}")
    return url.render_as_string(hide_password=False)


def _create_database_if_missing(url: str) -> None:
    """Create the database of `url` on its server, through the server's `postgres` database."""
    from onboarding.config import database_url_from_environment

    target = make_url(url)
    server = make_url(database_url_from_environment(POSTGRES_URL)).set(database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            for attempt in range(10):
                if exists:
                    return
                try:
                    connection.execute(text(f'CREATE DATABASE "{target.database}"'))
                    return
                except (OperationalError, ProgrammingError) as error:
                    # Another CREATE DATABASE copying template1 at the same moment, or the
                    # same database created by a concurrent run: look again, then retry.
                    if attempt == 9:
                        raise
                    time.sleep(0.2 * (attempt + 1))
                    exists = connection.scalar(
                        text("SELECT 1 FROM pg_database WHERE datname = :name"),
                        {"name": target.database},
                    ) or ("already exists" in str(error))
    finally:
        admin.dispose()


def _build_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            Model.metadata.drop_all(connection)
            Model.metadata.create_all(connection)
            load_communes(connection)
            if connection.dialect.name == "postgresql":
                # Emptied by DELETE after each test (empty_tables), a table vacuumed behind the
                # tests' back would take new rows into freed space, in another order than they
                # came: rows stay appended, as after a TRUNCATE.
                for table in Model.metadata.sorted_tables:
                    connection.execute(
                        text(f"ALTER TABLE {table.name} SET (autovacuum_enabled = false)")
                    )
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=backends())
def database_url(request, tmp_path_factory) -> str:
    return make_database(request.param, tmp_path_factory)


_databases: dict[str, str] = {}


def make_database(backend: str, tmp_path_factory) -> str:
    """This worker's database on `backend`, its schema built on first use; its URL."""
    if backend not in _databases:
        _databases[backend] = _new_database(backend, tmp_path_factory)
    return _databases[backend]


def _new_database(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        url = _postgres_url()
        try:
            _create_database_if_missing(url)
        except OperationalError as error:
            pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL does not answer: {error}")
        probe = create_engine(url)
        try:
            probe.connect().close()
        except OperationalError as error:
            pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL does not answer: {error}")
        finally:
            probe.dispose()
        _without_durability(url)
    _build_schema(url)
    return url


def _without_durability(url: str) -> None:
    """A test database need not survive a power cut: its commits do not wait for the disk
    (`synchronous_commit = off`; the data stays consistent, a crash would lose the last ones)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            name = make_url(url).database
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()


@pytest.fixture
def backend(database_url) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


# Tables a statement inserted into since they were last emptied, whatever the engine (the app's,
# the CLI's, a second connection a test opens): only those are emptied after a test.
INSERTED_INTO = re.compile(r"^\s*(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO\s+\"?(\w+)", re.I)
_written: set[str] = set()


@event.listens_for(Engine, "before_cursor_execute")
def _note_written_table(connection, cursor, statement, parameters, context, executemany):
    found = INSERTED_INTO.match(statement)
    if found:
        _written.add(found.group(1).lower())


def empty_tables(everything: bool = False) -> None:
    """Empty the tables written to since the last time (every table with `everything`), but the
    reference ones, identities restarted.

    On PostgreSQL a DELETE of a few rows costs a fraction of a TRUNCATE (which makes new files
    for every table it names); a row another process wrote into a table nobody noted here makes
    the DELETE fail on its foreign key, and the TRUNCATE of every table takes over."""
    _db.session.remove()
    tables = [
        t
        for t in reversed(Model.metadata.sorted_tables)
        if t.name not in REFERENCE_TABLES and (everything or t.name in _written)
    ]
    _written.clear()
    if not tables:
        return
    engine = _db.engine
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            for table in tables:
                connection.execute(table.delete())
        return
    if next(_emptyings) % TRUNCATE_EVERY == 0:
        _truncate_every_table()  # the dead rows the DELETEs left go with the files
        return
    try:
        with engine.begin() as connection:
            for table in tables:
                connection.execute(table.delete())
            for _, _, sequence in _sequences(connection, tables):
                connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
    except IntegrityError:
        if everything:
            raise
        _truncate_every_table()


# Tables emptied by DELETE are not vacuumed (_build_schema): every so often a TRUNCATE of them
# all drops the dead rows.
TRUNCATE_EVERY = 200
_emptyings = itertools.count(1)


def _truncate_every_table() -> None:
    tables = [t.name for t in Model.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    _written.clear()
    with _db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


_sequence_names: dict[str, list[tuple[str, str, str]]] = {}


def _sequences(connection, tables) -> list[tuple[str, str, str]]:
    """(table, column, sequence) of the sequences that number the rows of `tables`
    (PostgreSQL), looked up once a table."""
    found = []
    for table in tables:
        if table.name not in _sequence_names:
            _sequence_names[table.name] = [
                (table.name, column.name, name)
                for column in table.primary_key.columns
                if (
                    name := connection.scalar(
                        text("SELECT pg_get_serial_sequence(:table, :column)"),
                        {"table": table.name, "column": column.name},
                    )
                )
            ]
        found += _sequence_names[table.name]
    return found


def built_once(name: str, build: Callable[[], object]):
    """What `build()` writes into an empty database, built once a process for `name`, the
    database, the day and the app's configuration, then put back as rows by the next tests that
    ask: a few INSERTs, where the build runs the pathway's rules for each record again. `build`
    commits and returns what identifies its records (ids), which every later call returns too.

    When the database already holds rows (a fixture wrote before), it builds as usual: the
    snapshot is only ever taken, and put back, over an empty database."""
    if _written:
        return build()
    configuration = sorted(
        (option, repr(value))
        for option, value in current_app.config.items()
        if option != "MAIL_OUTBOX"  # each test's own folder
    )
    key = (name, _db.engine.url.render_as_string(), clock.today(), repr(configuration))
    if key in _snapshots:
        rows, kept = _snapshots[key]
        _restore(rows)
        return kept
    kept = build()
    _snapshots[key] = (_rows_written(), kept)
    return kept


_snapshots: dict[object, tuple[dict[str, list[dict]], object]] = {}


def _rows_written() -> dict[str, list[dict]]:
    """Every row of the tables written to since they were emptied (the reference ones aside)."""
    connection = _db.session.connection()
    rows = {}
    for table in Model.metadata.sorted_tables:
        if table.name in REFERENCE_TABLES or table.name not in _written:
            continue
        found = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
        if found:
            rows[table.name] = [dict(row._mapping) for row in found]
    _db.session.commit()
    return rows


def _restore(rows: dict[str, list[dict]]) -> None:
    connection = _db.session.connection()
    restored = [t for t in Model.metadata.sorted_tables if t.name in rows]
    for table in restored:
        connection.execute(table.insert(), rows[table.name])
    if connection.dialect.name == "postgresql":
        # Rows inserted with their ids: each sequence goes on from the largest.
        for table, column, sequence in _sequences(connection, restored):
            connection.execute(
                text(f"SELECT setval('{sequence}', (SELECT max({column}) FROM {table}))")
            )
    _db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request runs in a context of its own, as in production.

    Flask reuses an app context that is already pushed (the test's own) for a request, which
    would share `g` and the database session between the test and every request it makes.
    """

    def open(self, *args, **kwargs):
        # Buffered, so that a streamed body (CSV exports) is produced inside that context too.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def _handlers(spec) -> dict:
    """The error handlers registered, without the empty entries that Flask's lookups leave in
    its nested defaultdicts when an error is raised (a 400 adds `{blueprint: {400: {}}}`)."""
    return {
        (scope, code): dict(handlers)
        for scope, by_code in spec.items()
        for code, handlers in by_code.items()
        if handlers
    }


def _structure(app) -> tuple:
    """What a test may add to an app besides its configuration: routes, hooks, error handlers;
    and which app the shared rate limiter was last set up for."""
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.teardown_appcontext_funcs,
        app.template_context_processors,
        _handlers(app.error_handler_spec),
    )
    return (
        len(list(app.url_map.iter_rules())),
        frozenset(app.view_functions),
        tuple(repr(hook) for hook in hooks),
        id(getattr(limiter, "_storage", None)),
        limiter.enabled,
    )


class ReusedApp:
    """This process's app on one database, with what it looked like when built."""

    def __init__(self, database_url: str, instance_path: str):
        self.database_url = database_url
        self.app = create_app(
            {
                "ONBOARDING_ENV": "testing",
                "TESTING": True,
                "SECRET_KEY": "test-secret-key",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SERVER_NAME": "localhost",
                "PUBLIC_BASE_URL": "http://localhost",
            },
            instance_path=instance_path,
        )
        self.app.test_client_class = IsolatedClient
        self.config = dict(self.app.config)
        self.structure = _structure(self.app)

    def fits(self, database_url: str) -> bool:
        return self.database_url == database_url and _structure(self.app) == self.structure

    def lend(self, instance_path: str):
        """The app as if new, with the test's own instance folder (and mail outbox)."""
        app = self.app
        app.config.clear()
        app.config.update(self.config)
        app.instance_path = instance_path
        app.test_client_class = IsolatedClient  # a test may have set a checking client
        app.config["MAIL_OUTBOX"] = os.path.join(instance_path, "outbox")
        # A new app accepts routes and hooks until its first request: so does this one (a test
        # that adds some makes the next test build a new app, see fits()).
        app._got_first_request = False
        return app


_reused: list[ReusedApp] = []


@pytest.fixture
def app(database_url, tmp_path):
    instance = str(tmp_path / "instance")
    if not (_reused and _reused[0].fits(database_url)):
        if _reused:  # its pooled connections go with it
            with _reused[0].app.app_context():
                _db.engine.dispose()
        _reused[:] = [ReusedApp(database_url, instance)]
    app = _reused[0].lend(instance)
    with app.app_context(), clock.frozen(builders.TODAY):
        limiter.reset()
        empty_tables()  # what was written between tests, outside this fixture
        yield app
        empty_tables()
        _db.session.remove()


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


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (--dist loadgroup), keep on one worker the tests that share something
    costly: a browser module's Chromium (one a module), and the load tests, whose gunicorn
    servers would otherwise compete for the same CPUs."""
    for item in items:
        path = item.path.as_posix()
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.xdist_group(f"browser:{item.path.name}"))
        elif "/tests/load/" in path:
            item.add_marker(pytest.mark.xdist_group("load"))
