"""Every connection the app opens carries the settings of its database: SQLite's pragmas,
PostgreSQL's settings for this workload (no JIT, never a generic plan for a prepared statement)."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import text

from onboarding.database import POSTGRESQL_SETTINGS, postgresql_options
from onboarding.extensions import db
from onboarding.pathway import search
from onboarding.pathway.schedule import WORKING_WEEK
from tests.builders import BORDEAUX, TODAY


def test_each_connection_has_the_settings_of_its_database(app, backend):
    with db.engine.connect() as connection:
        if backend == "sqlite":
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        else:
            assert connection.scalar(text("SHOW jit")) == "off"
            assert connection.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"


def test_a_statement_run_often_keeps_custom_plans(app, backend, session):
    """psycopg prepares a statement after five runs on a connection: the plans stay custom."""
    if backend == "sqlite":
        return
    with db.engine.connect() as connection:
        for code in ("33", "24") * 10:
            connection.execute(
                text("SELECT count(*) FROM commune WHERE department_code = :code"), {"code": code}
            )
        plans = connection.execute(
            text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%FROM commune WHERE department_code%'"
            )
        ).all()
    assert plans, "psycopg prepared nothing: the statement ran fewer times than expected"
    assert all(generic == 0 and custom > 0 for generic, custom in plans)


def test_the_search_statements_are_prepared_once_and_planned_for_each_search(app, backend, session):
    """The search's lists (latitude bands, needs) are bound as arrays: one text per statement,
    whatever the radius, which psycopg prepares after a few searches; each search still gets a
    plan for its own values."""
    if backend == "sqlite":
        return
    asked = search.SearchQuery(
        commune_insee=BORDEAUX, radius_km=5, birth_date=TODAY - timedelta(days=400),
        start=TODAY + timedelta(days=30), half_days=WORKING_WEEK,
    )  # fmt: skip
    for radius in search.RADII_KM * 3:  # from 1 to 7 latitude bands
        search.search(session, replace(asked, radius_km=radius), today=TODAY)
    plans = (
        session.connection()
        .execute(
            text(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%search_row%'"
            )
        )
        .all()
    )
    assert plans, "no search statement was prepared: its text changed from search to search"
    assert len(plans) <= 2, f"{len(plans)} texts for the two statements an empty search runs"
    assert all(generic == 0 and custom > 0 for _, generic, custom in plans)


def test_options_given_by_the_deployment_are_kept():
    options = postgresql_options("-c statement_timeout=5000")
    assert options.startswith("-c statement_timeout=5000 ")
    for name, value in POSTGRESQL_SETTINGS.items():
        assert f"-c {name}={value}" in options
