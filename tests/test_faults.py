"""Behaviour under faults: a database that does not answer gets a French 503 (and /healthz says
503); a database failure in the middle of a multi-row operation leaves no partial rows."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from onboarding import create_app
from onboarding.extensions import db
from onboarding.pathway import enrollment
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    AuditLog,
    Candidate,
    CandidateStatus,
    Enrollment,
    Role,
)
from tests import api_contract, builders
from tests.conftest import csrf_token_from

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-directory/for/sure/onboarding.sqlite",
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2",
}


@pytest.fixture
def cut_off_app(backend, tmp_path):
    """An app whose database cannot be reached at all."""
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE[backend],
            "PROPAGATE_EXCEPTIONS": False,
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_healthz_says_503_when_the_database_does_not_answer(cut_off_app):
    response = cut_off_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_a_page_needing_the_database_gets_the_french_503(cut_off_app):
    client = cut_off_app.test_client()
    form = client.get("/auth/login")
    assert form.status_code == 200  # the sign-in form itself needs no database
    response = client.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
            "email": "coord@example.org",
            "password": "whatever it is",
        },
    )
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Service momentanément indisponible" in body
    assert "OperationalError" not in body
    assert "nonexistent" not in body
    assert "127.0.0.1:9" not in body
    assert "Content-Security-Policy" in response.headers


def test_the_api_gets_a_json_503(cut_off_app):
    @cut_off_app.route("/api/v1/test-needs-db")
    def needs_db():
        db.session.execute(select(1))
        return {}

    response = cut_off_app.test_client().get("/api/v1/test-needs-db")
    assert response.status_code == 503
    assert response.json["error"] == "unavailable"
    api_contract.check(response)


@contextmanager
def failing_statement(engine, starts_with: str, *, after: int = 0):
    """Make the database fail the (after+1)-th statement that starts with `starts_with`, as a
    server that goes away mid-transaction would; records the write statements run before."""
    seen = {"matching": 0, "writes": []}

    def before(conn, cursor, statement, parameters, context, executemany):
        words = statement.lstrip().upper()
        if words.startswith(starts_with.upper()):
            seen["matching"] += 1
            if seen["matching"] > after:
                raise OperationalError(statement, parameters, Exception("server closed"))
        if words.startswith(("INSERT", "UPDATE", "DELETE")):
            seen["writes"].append(" ".join(words.split()[:3]))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def roll_call_world(session):
    builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    step = builders.make_step(session, ActivityKind.COACHING, mandatory=False)
    activity = builders.make_activity(session, step, on=builders.TODAY - timedelta(days=1))

    rows = []
    for number in range(4):
        candidate = builders.make_candidate(
            session, CandidateStatus.IN_PATHWAY, last_name=f"Appel{number}"
        )
        rows.append(
            enrollment.enroll(session, candidate, activity, actor=None, today=builders.TODAY)
        )
    session.commit()
    return activity, rows


def test_a_roll_call_failing_midway_leaves_nothing_marked(
    app, client, auth, session, roll_call_world
):
    activity, rows = roll_call_world
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("coord33@example.org")
    page = client.get(f"/admin/activity/details/?id={activity.id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page)}
    for row in rows:
        data[f"attendance-{row.id}"] = "attended"
        data[f"hours-{row.id}"] = ""

    # The audit entry is the last write of the roll call's transaction: fail it.
    with failing_statement(db.engine, "INSERT INTO audit_log") as seen:
        response = client.post(f"/admin/activity/roll-call/{activity.id}", data=data)

    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.get_data(as_text=True)
    assert "UPDATE ENROLLMENT SET" in seen["writes"], seen
    session.expire_all()
    attendances = session.scalars(select(Enrollment.attendance)).all()
    assert attendances == [Attendance.PENDING] * 4
    roll_calls = select(func.count()).where(AuditLog.action == "roll_call")
    assert session.scalar(roll_calls) == 0
    # The same roll call goes through once the database is back.
    response = client.post(f"/admin/activity/roll-call/{activity.id}", data=data)
    assert response.status_code == 302
    session.expire_all()
    assert session.scalars(select(Enrollment.attendance)).all() == [Attendance.ATTENDED] * 4


def test_a_bulk_enrolment_failing_at_the_third_person_enrols_nobody(app, client, auth, session):
    builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    activity = builders.make_activity(session, step, on=builders.TODAY + timedelta(days=5))
    ids = [
        builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name=f"Lot{n}").id
        for n in range(5)
    ]
    session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("coord33@example.org")
    query = ",".join(map(str, ids))
    form = client.get(f"/admin/candidate/bulk/enrol/?ids={query}").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(form), "ids": query, "activity_id": str(activity.id)}

    with failing_statement(db.engine, "INSERT INTO enrollment", after=2) as seen:
        response = client.post("/admin/candidate/bulk/enrol/", data=data)

    assert response.status_code == 503
    assert seen["writes"].count("INSERT INTO ENROLLMENT") == 2  # two went through, then failure
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Enrollment)) == 0
    session.refresh(activity)
    assert activity.seats_taken == 0
    assert session.scalar(select(func.count()).select_from(Candidate)) == 5
