"""The migrations build the schema from nothing, on SQLite and PostgreSQL, and match the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway.base import Model
from onboarding.pathway.models import Commune
from tests.conftest import POSTGRES_URL, _postgres_url


def _app_on(url: str, tmp_path):
    return create_app(
        {"ONBOARDING_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url},
        instance_path=str(tmp_path),
    )


def _upgrade_and_compare(app) -> list:
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), Model.metadata
            )
            communes = connection.scalar(select(func.count()).select_from(Commune))
        assert communes == 34915, "the first migration loads every commune"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert left == set(), "downgrade to base removes every table"
    return differences


def test_sqlite_schema_from_nothing_matches_the_models(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'migrated.sqlite'}", tmp_path)
    assert _upgrade_and_compare(app) == []


@pytest.fixture
def empty_postgres_database():
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set (CI always sets it)")
    server = make_url(_postgres_url())
    name = f"onboarding_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_schema_from_nothing_matches_the_models(empty_postgres_database, tmp_path):
    app = _app_on(empty_postgres_database, tmp_path)
    assert _upgrade_and_compare(app) == []
