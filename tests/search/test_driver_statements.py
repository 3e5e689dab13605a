"""What `driver_statements` relies on from SQLAlchemy (run again on each SQLAlchemy upgrade):
rows equal to SQLAlchemy's own execution of the statement, in the session's transaction, seen by
the engine's events, and a database error raised as SQLAlchemy raises it."""

from datetime import date

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, event, select
from sqlalchemy.exc import DBAPIError

from onboarding.pathway.driver_statements import DriverStatement
from onboarding.pathway.models import Carer, Vacancy
from tests.conftest import only_on

SINCE = (
    select(Vacancy.id, Vacancy.available_from, Vacancy.half_days, Carer.first_name)
    .join(Carer, Vacancy.carer_id == Carer.id)
    .where(Vacancy.available_from >= bindparam("since"))
    .order_by(Vacancy.id)
)
# IN lists rendered by the module itself: SQLite's (PostgreSQL's search binds arrays).
VACANCIES = SINCE.where(Carer.commune_insee.in_(bindparam("communes", expanding=True)))


def _run(session, statement, parameters):
    connection = session.connection()
    return DriverStatement(statement, connection.dialect).rows(connection, parameters)


def _three_carers(carer_factory):
    carer_factory("33063", vacancies=[{"available_from": date(2026, 9, 1)}])
    carer_factory("33281", vacancies=[{"available_from": date(2026, 3, 1)}, {}])
    carer_factory("24322", vacancies=[{"available_from": date(2027, 1, 4)}])


def test_rows_are_those_of_sqlalchemy_with_dates_converted(session, carer_factory):
    _three_carers(carer_factory)
    for since in (date(2000, 1, 1), date(2026, 6, 1), date(2030, 1, 1)):
        found = _run(session, SINCE, {"since": since})
        expected = session.execute(SINCE, {"since": since}).all()
        assert [tuple(row) for row in found] == [tuple(row) for row in expected]
        assert all(isinstance(row.available_from, date) for row in found)
    assert len(_run(session, SINCE, {"since": date(2026, 6, 1)})) == 2


@only_on("sqlite")
def test_in_lists_of_any_length_even_empty(session, carer_factory):
    _three_carers(carer_factory)
    for communes in (["33063"], ["33063", "33281", "24322"], []):
        parameters = {"since": date(2026, 1, 1), "communes": communes}
        found = _run(session, VACANCIES, parameters)
        expected = session.execute(VACANCIES, parameters).all()
        assert [tuple(row) for row in found] == [tuple(row) for row in expected]
        assert all(isinstance(row.available_from, date) for row in found)
    assert len(_run(session, VACANCIES, {"since": date(2026, 1, 1), "communes": ["33063"]})) == 1


def test_rows_read_the_sessions_pending_changes_in_its_transaction(session, carer_factory):
    carer = carer_factory("33063")  # flushed, not committed
    rows = _run(session, SINCE, {"since": date(2000, 1, 1)})
    assert [row.first_name for row in rows] == [carer.first_name]
    session.rollback()
    assert _run(session, SINCE, {"since": date(2000, 1, 1)}) == []


def test_the_engines_events_see_each_statement_with_its_values(session, carer_factory):
    carer_factory("33063")
    seen = []

    def note(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        _run(session, SINCE, {"since": date(2026, 6, 1)})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(seen) == 1
    statement, parameters = seen[0]
    assert "vacancy" in statement.lower()
    # As bound for the driver: a named date on PostgreSQL, its text in place on SQLite.
    bound = parameters.values() if isinstance(parameters, dict) else parameters
    assert list(bound) in ([date(2026, 6, 1)], ["2026-06-01"])


def test_a_database_error_is_raised_as_sqlalchemy_raises_it_and_the_session_goes_on(session):
    missing = Table("no_such_table", MetaData(), Column("id", Integer, primary_key=True))
    with pytest.raises(DBAPIError) as raised:
        _run(session, select(missing.c.id), {})
    assert "no_such_table" in str(raised.value)
    session.rollback()
    assert _run(session, SINCE, {"since": date(2000, 1, 1)}) == []
