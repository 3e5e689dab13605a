"""Personal data: the export holds everything on one candidate, anonymisation erases who she is
and keeps what the indicators count, the retention purge finds exactly what is past its time."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from onboarding.pathway import indicators, privacy, transitions
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import (
    ActivityKind,
    AuditLog,
    CandidateStatus,
    Carer,
    ContactRequest,
    TransitionLog,
    WithdrawalReason,
)
from tests import builders

TODAY = builders.TODAY
POLICY = privacy.RetentionPolicy(withdrawn_months=24, contact_request_months=6)


def _withdrawn_on(session, on: date, **fields):
    candidate = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, referred_on=on - timedelta(days=60), **fields
    )
    transitions.withdraw(
        session,
        candidate,
        actor=None,
        on=on,
        reason=WithdrawalReason.MOVED,
        note="Partie chez sa sœur Josiane à Lyon",
        today=TODAY,
    )
    session.flush()
    return candidate


def _contact_request(session, carer: Carer, created_at):
    row = ContactRequest(
        carer=carer,
        parent_name="Julie Parent",
        email="julie@example.org",
        commune_insee=carer.commune_insee,
        child_birth_date=date(2025, 9, 1),
        start_date=date(2026, 5, 1),
        consent_at=created_at,
        consent_version="2026-01",
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return row


def test_export_holds_every_row_about_the_candidate_and_is_json(session):
    step = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    activity = builders.make_activity(session, step, on=TODAY - timedelta(days=5))
    candidate = builders.make_candidate(
        session,
        CandidateStatus.APPROVED,
        email="camille@example.org",
        phone="0601020304",
        france_travail_id="1234567A",
    )
    builders.attend(session, candidate, activity)
    _contact_request(session, candidate.carer, utcnow())
    session.commit()

    export = privacy.export_candidate(session, candidate, actor=None)
    text = json.dumps(export, ensure_ascii=False)

    assert export["candidate"]["email"] == "camille@example.org"
    assert export["candidate"]["france_travail_id"] == "1234567A"
    assert len(export["enrollments"]) == 1
    assert len(export["dossier_items"]) == len(candidate.dossier_items) > 0
    assert [d["outcome"] for d in export["decisions"]] == ["granted"]
    assert [t["name"] for t in export["transitions"]] == [t.name for t in candidate.transitions]
    assert (
        export["carer"]["publication_consent_version"]
        == candidate.carer.publication_consent_version
    )
    # Parents' requests belong to the parents: dates and outcomes only.
    assert export["carer"]["contact_requests"][0]["outcome"] == "new"
    assert "julie@example.org" not in text
    # Every column of the candidate row is there.
    assert set(export["candidate"]) == {c.key for c in candidate.__table__.columns}


def test_anonymisation_erases_identity_and_keeps_the_figures(session):
    candidate = _withdrawn_on(
        session,
        TODAY - timedelta(days=10),
        first_name="Josiane",
        last_name="Dupont-Secret",
        email="josiane@example.org",
        phone="0611223344",
        address="3 rue des Lilas",
        france_travail_id="7654321B",
        is_job_seeker=True,
    )
    session.commit()
    figures_before = indicators.key_figures(session, departments=None, today=TODAY)
    kept = (
        candidate.status,
        candidate.referred_on,
        candidate.cohort,
        candidate.commune_insee,
        candidate.department_code,
        candidate.withdrawal_reason,
        candidate.is_job_seeker,
        [(t.name, t.from_status, t.to_status, t.effective_on) for t in candidate.transitions],
    )

    privacy.anonymise_candidate(session, candidate, actor=None)
    session.commit()
    session.expire_all()

    assert candidate.first_name == privacy.ANONYMOUS_FIRST_NAME
    assert "Dupont" not in candidate.last_name
    assert candidate.email is None
    assert candidate.phone is None
    assert candidate.address is None
    assert candidate.france_travail_id is None
    assert candidate.withdrawal_note == ""
    assert candidate.anonymised_at is not None
    assert all(t.note == "" for t in candidate.transitions)
    assert kept == (
        candidate.status,
        candidate.referred_on,
        candidate.cohort,
        candidate.commune_insee,
        candidate.department_code,
        candidate.withdrawal_reason,
        candidate.is_job_seeker,
        [(t.name, t.from_status, t.to_status, t.effective_on) for t in candidate.transitions],
    )
    assert indicators.key_figures(session, departments=None, today=TODAY) == figures_before
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "anonymise")).one()
    assert entry.object_id == str(candidate.id)
    # Nothing about her is left in the export but her figures.
    text = json.dumps(privacy.export_candidate(session, candidate, actor=None), ensure_ascii=False)
    for secret in ("Josiane", "Dupont", "josiane@", "0611223344", "Lilas", "7654321B", "sœur"):
        assert secret not in text


def test_anonymising_a_carer_unpublishes_her(session):
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED, last_name="Publiée")
    candidate.carer.is_published = True
    candidate.carer.publication_consent_at = utcnow()
    candidate.carer.presentation = "Maison avec jardin, rue des Roses"
    session.commit()

    privacy.anonymise_candidate(session, candidate, actor=None)
    session.commit()

    carer = candidate.carer
    assert carer.is_published is False
    assert carer.presentation == ""
    assert carer.email is None
    assert carer.phone is None
    assert "Publiée" not in str(carer)


def test_anonymising_twice_is_refused(session):
    candidate = builders.make_candidate(session)
    privacy.anonymise_candidate(session, candidate, actor=None)
    session.commit()
    with pytest.raises(privacy.AlreadyAnonymised, match="déjà anonymisée"):
        privacy.anonymise_candidate(session, candidate, actor=None)


def test_purge_plan_finds_exactly_what_is_past_its_retention(session):
    old = _withdrawn_on(session, TODAY - timedelta(days=2 * 365 + 10))
    just_in_time = _withdrawn_on(session, date(2024, 3, 17))  # 24 months on 2026-03-17
    recent = _withdrawn_on(session, TODAY - timedelta(days=100))
    active = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, referred_on=date(2020, 1, 6)
    )
    carer = builders.make_candidate(session, CandidateStatus.APPROVED).carer
    stale = _contact_request(session, carer, utcnow().replace(year=2025, month=9, day=1))
    fresh = _contact_request(session, carer, utcnow().replace(year=2026, month=1, day=20))
    session.commit()

    plan = {
        item.step.name: item.ids for item in privacy.plan_purge(session, today=TODAY, policy=POLICY)
    }

    assert plan["withdrawn_candidates"] == [old.id]
    assert just_in_time.id not in plan["withdrawn_candidates"]
    assert recent.id not in plan["withdrawn_candidates"]
    assert active.id not in plan["withdrawn_candidates"]
    assert plan["contact_requests"] == [stale.id]
    assert fresh.id not in plan["contact_requests"]


def test_purge_applies_its_plan_and_then_finds_nothing(session):
    old = _withdrawn_on(session, date(2023, 1, 10), last_name="Ancienne")
    carer = builders.make_candidate(session, CandidateStatus.APPROVED).carer
    _contact_request(session, carer, utcnow().replace(year=2025, month=1, day=1))
    session.commit()
    logs_before = session.scalar(select(func.count()).select_from(TransitionLog))

    privacy.run_purge(session, privacy.plan_purge(session, today=TODAY, policy=POLICY))
    session.commit()

    assert old.anonymised_at is not None
    assert old.last_name != "Ancienne"
    assert session.scalar(select(func.count()).select_from(ContactRequest)) == 0
    assert session.scalar(select(func.count()).select_from(TransitionLog)) == logs_before
    again = privacy.plan_purge(session, today=TODAY, policy=POLICY)
    assert all(item.ids == [] for item in again)


def test_purge_steps_are_a_list_another_part_can_extend(session):
    seen = []
    extra = privacy.PurgeStep(
        "expired_links",
        "drop expired personal links",
        lambda session, today, policy: [41, 42],
        lambda session, ids: seen.extend(ids),
    )
    plan = privacy.plan_purge(
        session, today=TODAY, policy=POLICY, steps=[*privacy.PURGE_STEPS, extra]
    )
    privacy.run_purge(session, plan)
    assert [item.step.name for item in plan][-1] == "expired_links"
    assert seen == [41, 42]


def test_consents_are_stored_with_their_date_and_text_version(session):
    """Publication (carer) and contact (parent) consents: the columns exist and are filled."""
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED)
    carer = candidate.carer
    carer.publication_consent_at = utcnow()
    carer.publication_consent_version = "2026-01"
    request = _contact_request(session, carer, utcnow())
    session.commit()
    assert carer.publication_consent_at is not None
    assert carer.publication_consent_version == "2026-01"
    assert request.consent_at is not None
    assert request.consent_version == "2026-01"
    assert ContactRequest.__table__.c.consent_at.nullable is False
    assert ContactRequest.__table__.c.consent_version.nullable is False


def test_anonymisation_erases_the_people_named_in_her_conventions(session):
    from onboarding.pathway.immersion import create_convention

    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    convention = create_convention(
        session, candidate, host_name="MAM Les Petits Pas", host_siret="73282932000074",
        host_tutor="Sophie Tutrice", host_address="3 rue des Lilas, 33000 Bordeaux",
        prescriber="France Travail Bastide, M. Conseiller", purpose="discover",
        starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 10),
    )  # fmt: skip
    privacy.anonymise_candidate(session, candidate, actor=None)
    assert (convention.host_tutor, convention.prescriber) == ("", "")
    assert (convention.host_name, convention.starts_on) == ("MAM Les Petits Pas", date(2026, 4, 1))
