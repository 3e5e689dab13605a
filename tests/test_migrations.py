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
        # As the suite's own databases: commits need not wait for the disk.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_schema_from_nothing_matches_the_models(empty_postgres_database, tmp_path):
    app = _app_on(empty_postgres_database, tmp_path)
    assert _upgrade_and_compare(app) == []


def test_migration_0007_fills_the_steps_reached_from_the_enrolments(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'filled.sqlite'}", tmp_path)
    now = "2026-03-01 09:00:00"
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for step in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO pathway_step (id, kind, title, description, position,"
                        " is_mandatory, required_sessions, required_hours, is_active)"
                        " VALUES (:id, 'information', 'Étape', '', :id, 1, 1, 0, 1)"
                    ),
                    {"id": step},
                )
            for activity, step in ((1, 1), (2, 3), (3, 3), (4, 2)):
                connection.execute(
                    text(
                        "INSERT INTO activity (id, step_id, kind, title, date, start_time,"
                        " end_time, place_name, address, commune_insee, department_code,"
                        " capacity, seats_taken, what_to_bring, is_cancelled, created_at)"
                        " VALUES (:id, :step, 'information', 'A', '2026-02-01', '09:00:00',"
                        " '12:00:00', 'Agence', '', '33063', '33', 10, 2, '', 0, :now)"
                    ),
                    {"id": activity, "step": step, "now": now},
                )
            for candidate in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO candidate (id, first_name, last_name, commune_insee,"
                        " department_code, referral_source, referred_on, cohort, is_job_seeker,"
                        " status, status_changed_at, has_cap_aepe_units, created_at, updated_at)"
                        " VALUES (:id, 'Zoé', 'Lefèvre', '33063', '33', 'caf', '2026-01-10',"
                        " '2026-01', 0, 'in_pathway', :now, 0, :now, :now)"
                    ),
                    {"id": candidate, "now": now},
                )
            # 1 attended steps 3 (twice) and 1, and missed step 2; 2 missed; 3 has none.
            for candidate, activity, attendance in (
                (1, 2, "attended"), (1, 3, "attended"), (1, 1, "attended"), (1, 4, "absent"),
                (2, 1, "excused"),
            ):  # fmt: skip
                connection.execute(
                    text(
                        "INSERT INTO enrollment (candidate_id, activity_id, attendance,"
                        " excused_by_candidate, enrolled_at)"
                        " VALUES (:candidate, :activity, :attendance, 0, :now)"
                    ),
                    {"candidate": candidate, "activity": activity, "attendance": attendance,
                     "now": now},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            found = dict(connection.execute(text("SELECT id, steps_reached FROM candidate")).all())
        db.engine.dispose()
    assert found == {1: ",1,3,", 2: None, 3: None}


def test_migration_0010_fills_what_the_shown_rule_reads_and_unpublishes_without_consent(
    tmp_path,
):
    app = _app_on(f"sqlite:///{tmp_path / 'carers.sqlite'}", tmp_path)
    now = "2026-03-01 09:00:00"
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            for candidate, status in ((1, "approved"), (2, "withdrawn")):
                connection.execute(
                    text(
                        "INSERT INTO candidate (id, first_name, last_name, commune_insee,"
                        " department_code, referral_source, referred_on, cohort, is_job_seeker,"
                        " status, status_changed_at, has_cap_aepe_units, created_at, updated_at)"
                        " VALUES (:id, 'Zoé', 'Lefèvre', '33063', '33', 'caf', '2025-01-10',"
                        " '2025-01', 0, :status, :now, 0, :now, :now)"
                    ),
                    {"id": candidate, "status": status, "now": now},
                )
            # Two decisions for 1: the renewal's validity wins.
            for decided_on, valid_until in (("2020-01-10", "2025-01-09"),
                                            ("2025-01-05", "2030-01-04")):  # fmt: skip
                connection.execute(
                    text(
                        "INSERT INTO agrement_decision (candidate_id, outcome, decided_on,"
                        " capacity, reason, is_renewal, valid_until, created_at)"
                        " VALUES (1, 'granted', :on, 3, '', 0, :until, :now)"
                    ),
                    {"on": decided_on, "until": valid_until, "now": now},
                )
            for passed, on in ((0, "2025-02-01"), (1, "2025-03-01")):
                connection.execute(
                    text(
                        "INSERT INTO training (candidate_id, part, kind, hours,"
                        " includes_first_aid, passed, completed_on, provider, created_at)"
                        " VALUES (1, 1, 'evaluation', 3, 0, :passed, :on, '', :now)"
                    ),
                    {"passed": passed, "on": on, "now": now},
                )
            connection.execute(
                text(
                    "INSERT INTO transition_log (candidate_id, name, from_status, to_status,"
                    " effective_on, note, created_at)"
                    " VALUES (2, 'withdraw', 'approved', 'withdrawn', '2026-02-20', '', :now)"
                ),
                {"now": now},
            )
            # 1 from the pathway, published with consent; 2 withdrawn, published without
            # consent; 3 imported on 29 February, unpublished.
            for carer, candidate, agrement_on, consent, source in (
                (1, 1, "2020-01-10", now, "pathway"),
                (2, 2, "2025-06-01", None, "pathway"),
                (3, None, "2024-02-29", None, "imported"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO carer (id, candidate_id, source, first_name, last_name,"
                        " commune_insee, department_code, latitude, longitude, agrement_on,"
                        " agrement_capacity, presentation, is_published, publication_consent_at,"
                        " show_address, show_email, show_phone, created_at, updated_at)"
                        " VALUES (:id, :candidate, :source, 'Zoé', 'Lefèvre', '33063', '33',"
                        " 44.8, -0.6, :agrement_on, 3, '', :published, :consent, 0, 1, 1,"
                        " :now, :now)"
                    ),
                    {"id": carer, "candidate": candidate, "source": source,
                     "agrement_on": agrement_on, "published": int(carer < 3),
                     "consent": consent, "now": now},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT id, agrement_expires_on, training_part1_on, withdrawn_on,"
                    " is_published FROM carer ORDER BY id"
                )
            ).all()
        db.engine.dispose()
    assert [tuple(row) for row in found] == [
        (1, "2030-01-04", "2025-03-01", None, 1),
        (2, "2030-05-31", None, "2026-02-20", 0),
        (3, "2029-02-28", "2024-02-29", None, 0),
    ]


def test_migration_0011_fills_the_next_deadline_with_the_configured_departements(tmp_path):
    url = f"sqlite:///{tmp_path / 'deadlines.sqlite'}"
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": url,
            "EXTENDED_TRAINING_DEPARTMENTS": ("24",),
        },
        instance_path=str(tmp_path),
    )
    now = "2026-03-01 09:00:00"
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            # Approved (decision met) in 33 and in 24: part-1 training is next, 6 or 8 months.
            for candidate, insee, department in ((1, "33063", "33"), (2, "24322", "24")):
                connection.execute(
                    text(
                        "INSERT INTO candidate (id, first_name, last_name, commune_insee,"
                        " department_code, referral_source, referred_on, cohort, is_job_seeker,"
                        " status, status_changed_at, has_cap_aepe_units, created_at, updated_at,"
                        " dossier_complete_on)"
                        " VALUES (:id, 'Zoé', 'Lefèvre', :insee, :department, 'caf', '2025-06-10',"
                        " '2025-06', 0, 'approved', :now, 0, :now, :now, '2025-08-31')"
                    ),
                    {"id": candidate, "insee": insee, "department": department, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO agrement_decision (candidate_id, outcome, decided_on,"
                        " capacity, reason, is_renewal, valid_until, created_at)"
                        " VALUES (:id, 'granted', '2025-10-01', 4, '', 0, '2030-09-30', :now)"
                    ),
                    {"id": candidate, "now": now},
                )
            # In the pathway: no clock runs yet.
            connection.execute(
                text(
                    "INSERT INTO candidate (id, first_name, last_name, commune_insee,"
                    " department_code, referral_source, referred_on, cohort, is_job_seeker,"
                    " status, status_changed_at, has_cap_aepe_units, created_at, updated_at)"
                    " VALUES (3, 'Zoé', 'Lefèvre', '33063', '33', 'caf', '2026-01-10',"
                    " '2026-01', 0, 'in_pathway', :now, 0, :now, :now)"
                ),
                {"now": now},
            )
        upgrade()
        with db.engine.connect() as connection:
            found = {
                id_: (str(due) if due else None, code)
                for id_, due, code in connection.execute(
                    text("SELECT id, next_deadline_on, next_deadline FROM candidate")
                )
            }
        db.engine.dispose()
    assert found == {
        1: ("2026-02-28", "training_part1"),
        2: ("2026-04-30", "training_part1"),
        3: (None, None),
    }


def test_the_migrations_fill_the_indicators_summary_and_the_missing_pieces(tmp_path):
    from datetime import date

    from onboarding.pathway import indicators, workload
    from onboarding.pathway.indicators import summary

    app = _app_on(f"sqlite:///{tmp_path / 'indicators.sqlite'}", tmp_path)
    now = "2026-03-01 09:00:00"
    with app.app_context():
        upgrade(revision="0022")
        with db.engine.begin() as connection:
            for candidate, insee, department, status in (
                (1, "33063", "33", "approved"),
                (2, "24322", "24", "dossier_filed"),
                (3, "33063", "33", "in_pathway"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO candidate (id, first_name, last_name, commune_insee,"
                        " department_code, referral_source, referred_on, cohort, is_job_seeker,"
                        " status, status_changed_at, has_cap_aepe_units, created_at, updated_at,"
                        " dossier_filed_on, dossier_complete_on, next_deadline_on, next_deadline)"
                        " VALUES (:id, 'Zoé', 'Lefèvre', :insee, :department, 'caf', '2025-06-10',"
                        " '2025-06', 0, :status, :now, 0, :now, :now, :filed, :filed, :due, :code)"
                    ),
                    {
                        "id": candidate, "insee": insee, "department": department,
                        "status": status, "now": now,
                        "filed": None if status == "in_pathway" else "2025-08-31",
                        "due": "2026-02-28" if status == "approved" else None,
                        "code": "training_part1" if status == "approved" else None,
                    },
                )  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO agrement_decision (candidate_id, outcome, decided_on, capacity,"
                    " reason, is_renewal, valid_until, created_at)"
                    " VALUES (1, 'granted', '2025-10-01', 4, '', 0, '2030-09-30', :now)"
                ),
                {"now": now},
            )
            # The filed dossier misses one piece of two; the approved one has all of hers.
            for candidate, kind, status in (
                (2, "cerfa_form", "received"),
                (2, "identity", "missing"),
                (1, "cerfa_form", "received"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO dossier_item (candidate_id, kind, status, note)"
                        " VALUES (:candidate, :kind, :status, '')"
                    ),
                    {"candidate": candidate, "kind": kind, "status": status},
                )
        upgrade()
        assert dict(db.session.execute(text("SELECT id, missing_pieces FROM candidate")).all()) == {
            1: 0,
            2: 1,
            3: 0,
        }
        counts = workload.status_counts(db.session, departments=None)
        assert counts[workload.MISSING_PIECES] == 1
        assert {k: v for k, v in counts.items() if v} == workload.status_counts(
            db.session, departments=None, plain=True
        )
        kept = summary.stored(db.session)
        assert kept, "the migration fills the summary"
        assert kept == summary.by_grain(summary.everything(db.session))
        filters = {"departments": None, "today": date(2026, 3, 16)}
        fast = indicators.compute(db.session, **filters)
        assert fast == indicators.compute(db.session, **filters, plain=True)
        assert fast.funnel.entered == 3
        assert fast.delays.past_deadline_by_kind["training_part1"] == 1
        db.session.remove()
        db.engine.dispose()


def test_migration_0024_names_the_imports_journal_objects_as_their_models(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'journal.sqlite'}", tmp_path)
    with app.app_context():
        upgrade(revision="0023")
        with db.engine.begin() as connection:
            for object_type in ("carer", "candidate", "Carer", "Activity"):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (action, object_type, object_id, fields, created_at)"
                        " VALUES ('import_create', :type, '1', '[]', '2026-03-01 09:00:00')"
                    ),
                    {"type": object_type},
                )
        upgrade(revision="0024")
        with db.engine.connect() as connection:
            types = connection.scalars(text("SELECT object_type FROM audit_log ORDER BY id")).all()
        db.engine.dispose()
    assert types == ["Carer", "Candidate", "Carer", "Activity"]
