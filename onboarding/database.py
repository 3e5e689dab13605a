"""Connection settings the database cannot keep by itself: SQLite's pragmas on every connection,
PostgreSQL's settings for this workload (given as connection options, no extra round trip)."""

from flask import Flask
from sqlalchemy import event

from onboarding.extensions import db

# Every PostgreSQL connection runs with:
# - jit off: the panel's and the search's statements take milliseconds to tens of milliseconds,
#   and compiling them cost more than it saved (219 of 292 ms in the candidate list's deadline
#   filter at 100,000 candidates, where correlated subplans inflate the cost estimate);
# - plan_cache_mode force_custom_plan: psycopg prepares a statement a connection runs five times
#   (its default threshold, kept: the statements that recur are prepared, a command's one-off ones
#   are not; parsing is then saved, half of a small search statement's time), and PostgreSQL
#   would switch a prepared statement to a generic plan, blind to the values, after five custom
#   ones: for the search, a nested loop 2x slower, and tens of times slower on some searches.
POSTGRESQL_SETTINGS = {"jit": "off", "plan_cache_mode": "force_custom_plan"}


def postgresql_options(existing: str = "") -> str:
    """The libpq `options` string that sets POSTGRESQL_SETTINGS, after any already given."""
    settings = " ".join(f"-c {name}={value}" for name, value in POSTGRESQL_SETTINGS.items())
    return f"{existing} {settings}".strip()


def init_app(app: Flask) -> None:
    busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    def sqlite_pragmas(dbapi_connection, connection_record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    def postgresql_settings(dialect, connection_record, cargs, cparams) -> None:
        cparams["options"] = postgresql_options(cparams.get("options", ""))

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", sqlite_pragmas)
            elif engine.dialect.name == "postgresql":
                event.listen(engine, "do_connect", postgresql_settings)
