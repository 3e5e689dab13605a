"""The candidate list runs the same number of SQL statements whatever the page holds."""

from contextlib import contextmanager

from sqlalchemy import event

from onboarding.extensions import db
from onboarding.pathway.models import ActivityKind, CandidateStatus
from tests import builders


@contextmanager
def counting_statements(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements_for_list(panel) -> int:
    with counting_statements(db.engine) as statements:
        assert panel.get("/admin/candidate/").status_code == 200
    return len(statements)


def test_list_statement_count_does_not_grow_with_the_page(panel, session):
    coordinator = builders.make_staff(session, "coord@example.org")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    activity = builders.make_activity(session, step, on=builders.TODAY, capacity=200)
    statuses = [CandidateStatus.IN_PATHWAY, CandidateStatus.APPROVED, CandidateStatus.ACTIVE]

    def add(count):
        for number in range(count):
            candidate = builders.make_candidate(
                session, statuses[number % 3], coordinator=coordinator
            )
            builders.attend(session, candidate, activity)
        session.commit()

    add(3)
    panel.sign_in(coordinator)
    few = _statements_for_list(panel)
    add(27)
    many = _statements_for_list(panel)
    assert few == many, f"{few} statements for 3 rows, {many} for 30"
