"""The load test's short form (5 s, as CI runs it): gunicorn with 4 workers on the demo data,
concurrent roll calls and enrolments into a nearly full activity, the parents' search API and
page, and contact requests, on SQLite and PostgreSQL. Nothing lost, nothing over-booked, no
error; the figures are printed, p95 of the search API and page among them."""

import shutil

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import _postgres_url, backends
from tests.load import harness

SECONDS = 5
USERS = 8


@pytest.fixture(params=backends())
def load_database(request, tmp_path):
    """An empty database of the load test's own: a SQLite file, or <test database>_load."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'load.sqlite'}"
        return
    server = make_url(_postgres_url())
    name = f"{server.database}_load"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # The suite's databases need not survive a power cut: commits do not wait for the
            # disk (locks and isolation, what this test is about, are the same).
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.mark.load
def test_concurrent_writes_lose_nothing_and_never_over_book(load_database, capsys):
    if shutil.which("gunicorn", path=str(harness.BIN)) is None:
        pytest.fail("gunicorn is not installed (prod extra): make install")
    results, counts, plan, printed = harness.load_test(load_database, users=USERS, seconds=SECONDS)
    with capsys.disabled():
        print(f"\nload test, {USERS} users, {SECONDS} s:\n{printed}")

    assert harness.check(results, counts, plan) == []
    assert results.enrol_attempts >= USERS
    assert results.roll_calls_sent > 0
    assert counts.enrolled == counts.capacity == counts.seats_taken
    # The parents' side ran, found carers, and every acknowledged contact request is stored.
    assert len(plan.searches) > 0
    assert len(results.latencies["search API"]) > SECONDS
    assert len(results.latencies["search page"]) > SECONDS
    assert results.search_hits == len(results.latencies["search API"])
    assert results.contacts_acknowledged > 0
    assert counts.contact_requests_stored == results.contacts_acknowledged
    assert sum(len(v) for v in results.latencies.values()) > 10 * SECONDS


def test_the_checks_can_fail():
    """Over-booking, a drifting seat counter and lost roll calls are each reported."""
    plan = harness.Plan(activity_id=1, capacity=8, contenders=[], roll_calls={})
    results = harness.Results(roll_calls_sent=10, contacts_acknowledged=7)
    counts = harness.Counts(
        capacity=8,
        seats_taken=8,
        enrolled=9,
        enrol_audits=4,
        roll_call_audits=9,
        unmarked_in_roll_calls=1,
        contact_requests_stored=6,
    )
    problems = "\n".join(harness.check(results, counts, plan))
    assert "over-booked" in problems
    assert "seat counter 8 ≠ 9" in problems
    assert "roll calls lost: 10 answered, 9 recorded" in problems
    assert "left unmarked" in problems
    assert "contact requests lost: 7 acknowledged, 6 stored" in problems
