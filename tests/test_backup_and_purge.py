"""flask backup (SQLite's online backup; pg_dump advice on PostgreSQL) and flask purge (dry run
unless --wet-run): a restored backup holds every row; a dry run changes nothing."""

import shutil
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from onboarding import create_app
from onboarding.candidate.links import new_personal_link
from onboarding.extensions import db
from onboarding.pathway import access, transitions
from onboarding.pathway.base import Model, utcnow
from onboarding.pathway.models import (
    ActivityKind,
    Candidate,
    CandidateStatus,
    ContactRequest,
    Role,
    WithdrawalReason,
)
from tests import builders
from tests.conftest import only_on


@pytest.fixture
def some_of_everything(session):
    builders.make_staff(session, "coord33@example.org", Role.COORDINATOR, "33")
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    activity = builders.make_activity(session, step, on=builders.TODAY - timedelta(days=3))
    for status in CandidateStatus:
        if status == CandidateStatus.REFUSED:
            continue
        candidate = builders.make_candidate(session, status, last_name=f"Nom-{status.value}")
        if status == CandidateStatus.IN_PATHWAY:
            builders.attend(session, candidate, activity)
    approved = session.scalar(select(Candidate).where(Candidate.status == CandidateStatus.APPROVED))
    session.add(
        ContactRequest(
            carer=approved.carer,
            parent_name="Julie « Parent »",
            email="julie@example.org",
            commune_insee=approved.carer.commune_insee,
            child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 5, 1),
            consent_at=utcnow(),
            consent_version="2026-01",
        )
    )
    session.commit()


def _all_rows(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Model.metadata.sorted_tables
        }


@only_on("sqlite")  # the online backup is SQLite's; PostgreSQL is told to use pg_dump (below)
def test_a_restored_backup_holds_every_row(runner, some_of_everything, tmp_path):
    backup = tmp_path / "backup.sqlite"

    result = runner.invoke(args=["backup", str(backup)])

    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    # Restore: the backup file becomes the database of a fresh app.
    restored = tmp_path / "restored.sqlite"
    shutil.copy(backup, restored)
    original = _all_rows(db.engine)
    assert sum(len(rows) for name, rows in original.items() if name != "commune") > 50
    engine = create_engine(f"sqlite:///{restored}")
    try:
        assert _all_rows(engine) == original
    finally:
        engine.dispose()
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}",
        },
        instance_path=str(tmp_path / "restored-instance"),
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 200


@only_on("sqlite")
def test_backup_never_overwrites_a_file(runner, tmp_path):
    target = tmp_path / "there.sqlite"
    target.write_text("precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_text() == "precious"


@only_on("postgresql")
def test_backup_on_postgresql_says_to_use_pg_dump(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b.dump")])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output
    assert "pg_restore" in result.output
    assert not (tmp_path / "b.dump").exists()


def _withdrawn_long_ago(session):
    candidate = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, referred_on=date(2022, 1, 3), last_name="Partie"
    )
    transitions.withdraw(
        session,
        candidate,
        actor=None,
        on=date(2022, 6, 1),
        reason=WithdrawalReason.MOVED,
        today=builders.TODAY,
    )
    session.commit()
    return candidate


def test_purge_dry_run_lists_and_changes_nothing(runner, session):
    candidate = _withdrawn_long_ago(session)

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "withdrawn_candidates" in result.output
    assert f"ids: {candidate.id}" in result.output
    assert "Dry run: nothing was changed" in result.output
    # Ids only: no name printed.
    assert "Partie" not in result.output
    session.expire_all()
    assert session.get(Candidate, candidate.id).anonymised_at is None


def test_purge_wet_run_applies(runner, session):
    candidate = _withdrawn_long_ago(session)

    result = runner.invoke(args=["purge", "--wet-run"])

    assert result.exit_code == 0, result.output
    assert "Purge applied." in result.output
    session.expire_all()
    assert session.get(Candidate, candidate.id).anonymised_at is not None
    rerun = runner.invoke(args=["purge"])
    assert "0 row(s)" in rerun.output


def test_retention_periods_come_from_configuration(app, runner, session):
    candidate = _withdrawn_long_ago(session)
    app.config["RETENTION_WITHDRAWN_MONTHS"] = 60
    result = runner.invoke(args=["purge", "--wet-run"])
    assert "withdrawn candidates 60 months" in result.output
    session.expire_all()
    assert session.get(Candidate, candidate.id).anonymised_at is None
    assert session.scalar(select(func.count()).select_from(Candidate)) == 1


def _linked(session, issued_at, last_name):
    """A candidate whose personal link was issued at that moment."""
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name=last_name)
    access.issue_link(candidate, secret_key="test-secret-key", now=issued_at)
    return candidate


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@pytest.fixture
def links(session):
    today = _midnight(builders.TODAY)
    expired = _linked(session, today - timedelta(days=31), "Expirée")
    fresh = _linked(session, today - timedelta(days=29), "Valable")
    never = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Sanslien")
    session.commit()
    return expired, fresh, never


def test_purge_dry_run_lists_expired_links_and_keeps_them(runner, session, links):
    expired, _fresh, _never = links

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("- expired_links"))
    assert "1 row(s)" in line
    # Only the expired one: the fresh link and the candidate without one are not listed.
    listed = result.output.split("- expired_links", 1)[1].splitlines()
    assert listed[1].strip() == f"ids: {expired.id}"
    assert "Expirée" not in result.output
    session.expire_all()
    assert session.get(Candidate, expired.id).access_nonce is not None


def test_purge_wet_run_drops_expired_links_only(runner, session, links):
    expired, fresh, never = links
    fresh_nonce = fresh.access_nonce

    result = runner.invoke(args=["purge", "--wet-run"])

    assert result.exit_code == 0, result.output
    session.expire_all()
    dropped = session.get(Candidate, expired.id)
    assert (dropped.access_nonce, dropped.access_issued_at) == (None, None)
    kept = session.get(Candidate, fresh.id)
    assert kept.access_nonce == fresh_nonce
    assert kept.access_issued_at is not None
    assert session.get(Candidate, never.id).access_nonce is None
    # Nothing stale remains: a second dry run finds no link to drop.
    rerun = runner.invoke(args=["purge"])
    assert "- expired_links: drop candidates' personal links" in rerun.output
    line = next(row for row in rerun.output.splitlines() if row.startswith("- expired_links"))
    assert "0 row(s)" in line


def test_a_link_purged_no_longer_opens_the_space(client, runner, session):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    url = new_personal_link(candidate).removeprefix("http://localhost")
    candidate.access_issued_at = _midnight(builders.TODAY) - timedelta(days=40)
    session.commit()

    runner.invoke(args=["purge", "--wet-run"])

    assert client.get(url).status_code == 403
