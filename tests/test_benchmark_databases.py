"""`make bench` keeps its PostgreSQL populations from run to run, but only for the schema they
were built with: a database made for another schema is made anew rather than measured."""

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.run import made_for_schema, postgresql_database, schema_fingerprint
from tests.conftest import _postgres_url, only_on


def _comment_and_marker(admin, name: str) -> tuple[str | None, bool]:
    with admin.connect() as connection:
        comment = made_for_schema(connection, name)
    engine = create_engine(make_url(_postgres_url()).set(database=name))
    try:
        with engine.connect() as connection:
            marked = connection.scalar(text("SELECT to_regclass('kept_marker') IS NOT NULL"))
    finally:
        engine.dispose()
    return comment, marked


@only_on("postgresql")
def test_a_kept_population_is_reused_for_its_schema_only(database_url):
    server = make_url(_postgres_url())
    name = f"{server.database}_benchkept"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        url = postgresql_database(_postgres_url(), "benchkept", anew=True)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE kept_marker (id integer)"))
        engine.dispose()
        assert _comment_and_marker(admin, name) == (schema_fingerprint(), True)

        assert postgresql_database(_postgres_url(), "benchkept", anew=False) == url
        assert _comment_and_marker(admin, name) == (schema_fingerprint(), True), "not kept"

        with admin.connect() as connection:
            connection.execute(text(f"COMMENT ON DATABASE \"{name}\" IS 'onboarding schema 0'"))
        postgresql_database(_postgres_url(), "benchkept", anew=False)
        assert _comment_and_marker(admin, name) == (schema_fingerprint(), False), "reused"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
