"""The demo seed: a believable, consistent Nouvelle-Aquitaine picture, the same for the same seed,
added beside existing data without touching it, and the seed-demo command around it.

Each full seed costs seconds, so one seed serves many checks: the content test seeds once through
the command, the append test once more; the determinism test uses a tenth-size picture.
"""

import itertools
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from onboarding.demo import DEMO_ACCOUNTS, seed_demo
from onboarding.pathway import enrollment, indicators, staff, training
from onboarding.pathway.clock import PARIS
from onboarding.pathway.geography import NOUVELLE_AQUITAINE, department_of
from onboarding.pathway.identifiers import is_france_travail_id, is_siret
from onboarding.pathway.immersion import convention_covering
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AgrementDecision,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    CarerSource,
    Commune,
    ContactOutcome,
    ContactRequest,
    DecisionOutcome,
    Enrollment,
    PathwayConfiguration,
    PathwayStep,
    ReferralSource,
    Role,
    StaffUser,
    TransitionLog,
    Vacancy,
    WithdrawalReason,
)
from tests import builders
from tests.conftest import empty_tables

SMALL = 0.1


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def fingerprint(session) -> dict[str, list[tuple]]:
    """What a reader of the demo sees, row by row, ids included."""
    queries = {
        "candidates": select(
            Candidate.id, Candidate.first_name, Candidate.last_name, Candidate.status,
            Candidate.referred_on, Candidate.commune_insee, Candidate.france_travail_id,
            Candidate.email, Candidate.phone, Candidate.coordinator_id,
            Candidate.withdrawal_reason, Candidate.created_at, Candidate.updated_at,
        ).order_by(Candidate.id),
        "transitions": select(
            TransitionLog.candidate_id, TransitionLog.name, TransitionLog.effective_on,
            TransitionLog.created_at, TransitionLog.note,
        ).order_by(TransitionLog.id),
        "activities": select(
            Activity.id, Activity.title, Activity.date, Activity.start_time, Activity.place_name,
            Activity.commune_insee, Activity.capacity, Activity.seats_taken, Activity.is_cancelled,
        ).order_by(Activity.id),
        "enrollments": select(
            Enrollment.candidate_id, Enrollment.activity_id, Enrollment.attendance,
            Enrollment.hours_credited, Enrollment.enrolled_at, Enrollment.marked_at,
        ).order_by(Enrollment.id),
        "decisions": select(
            AgrementDecision.candidate_id, AgrementDecision.outcome, AgrementDecision.decided_on,
            AgrementDecision.capacity, AgrementDecision.reason,
        ).order_by(AgrementDecision.id),
        "carers": select(
            Carer.id, Carer.first_name, Carer.last_name, Carer.commune_insee, Carer.is_published,
            Carer.publication_consent_at, Carer.last_confirmed_on, Carer.presentation,
        ).order_by(Carer.id),
        "vacancies": select(
            Vacancy.carer_id, Vacancy.available_from, Vacancy.half_days, Vacancy.age_min_months,
            Vacancy.age_max_months, Vacancy.created_at,
        ).order_by(Vacancy.id),
        "requests": select(
            ContactRequest.carer_id, ContactRequest.parent_name, ContactRequest.outcome,
            ContactRequest.created_at, ContactRequest.outcome_on, ContactRequest.message,
        ).order_by(ContactRequest.id),
    }  # fmt: skip
    return {name: [tuple(row) for row in session.execute(query)] for name, query in queries.items()}


def test_same_seed_and_day_give_the_same_data_and_another_seed_other_data(session, today):
    fractions = []
    seed_demo(session, seed=5, today=today, scale=SMALL, progress=fractions.append)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len(fractions) > 3
    session.rollback()
    assert count(session, Candidate) == 0, "seed_demo committed: the caller is meant to"
    empty_tables()

    seed_demo(session, seed=5, today=today, scale=SMALL)
    session.commit()
    first = fingerprint(session)
    assert len(first["candidates"]) > 30
    assert len(first["activities"]) > 20
    assert all(first.values())
    empty_tables()

    seed_demo(session, seed=5, today=today, scale=SMALL)
    session.commit()
    second = fingerprint(session)
    for name in first:
        assert second[name] == first[name], f"{name} differ between two runs of the same seed"
    empty_tables()

    seed_demo(session, seed=6, today=today, scale=SMALL)
    session.commit()
    other = fingerprint(session)
    names = {row[1:3] for row in first["candidates"]}
    other_names = {row[1:3] for row in other["candidates"]}
    assert len(names & other_names) < len(names) / 2
    assert other["activities"] != first["activities"]


def test_seed_demo_fills_an_empty_database_with_a_believable_picture(
    session, runner, today, monkeypatch
):
    monkeypatch.setattr("onboarding.cli.today", lambda: today)
    result = runner.invoke(args=["seed-demo", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Demo data for Nouvelle-Aquitaine, seed 3" in result.output
    assert "candidates:" in result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output
        assert account.password in result.output

    check_accounts(session)
    check_candidates(session, today)
    check_transitions(session, today)
    check_activities(session, today)
    check_decisions_and_training(session, today)
    check_carers(session, today)
    check_contact_requests(session, today)
    check_places(session)
    check_indicator_summary(session, today)
    check_territories(session)

    # A second run without --append would mix two pictures: refused, and nothing added.
    before = {model: count(session, model) for model in (Candidate, Carer, StaffUser)}
    refused = runner.invoke(args=["seed-demo", "--seed", "4"])
    assert refused.exit_code != 0
    assert "not empty" in refused.output
    assert "--append" in refused.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0, quiet.output
    assert "already holds data" in quiet.output
    assert DEMO_ACCOUNTS[0].email in quiet.output
    session.expire_all()
    assert {model: count(session, model) for model in before} == before


def check_accounts(session) -> None:
    for account in DEMO_ACCOUNTS:
        assert len(account.password) >= staff.PASSWORD_MIN_LENGTH
        user = staff.find_by_email(session, account.email)
        assert user is not None
        assert user.check_password(account.password)
        assert user.role == Role(account.role)
    roles = {account.role for account in DEMO_ACCOUNTS}
    assert roles == {"admin", "coordinator", "partner"}
    coordinator = staff.find_by_email(session, DEMO_ACCOUNTS[1].email)
    assert set(coordinator.department_codes) == {"24", "33"}


def check_candidates(session, today) -> None:
    candidates = list(session.scalars(select(Candidate)))
    assert 250 <= len(candidates) <= 350
    statuses = Counter(c.status for c in candidates)
    assert set(statuses) == set(CandidateStatus), f"missing statuses: {statuses}"
    assert all(n >= 5 for n in statuses.values()), statuses
    assert {c.referral_source for c in candidates} >= {
        ReferralSource.FRANCE_TRAVAIL,
        ReferralSource.CAF,
        ReferralSource.RPE,
        ReferralSource.SELF,
    }
    job_seekers = [c for c in candidates if c.is_job_seeker]
    assert 0.45 <= len(job_seekers) / len(candidates) <= 0.75
    identifiers = [c.france_travail_id for c in candidates if c.france_travail_id]
    assert len(identifiers) >= 0.8 * len(job_seekers)
    assert all(is_france_travail_id(value) for value in identifiers)
    assert any(len(value) == 8 for value in identifiers)
    assert any(len(value) == 11 for value in identifiers)
    assert sum(1 for c in candidates if c.email) >= 0.75 * len(candidates)
    assert sum(1 for c in candidates if c.phone) >= 0.75 * len(candidates)
    assert all(c.coordinator is not None for c in candidates)
    assert all(c.coordinator.covers_department(c.department_code) for c in candidates)
    # Cohorts over about eighteen months, none in the future.
    oldest = today - relativedelta(months=19)
    assert all(oldest <= c.referred_on <= today for c in candidates)
    assert len({c.cohort for c in candidates}) >= 15
    assert len({c.last_name for c in candidates}) >= 100

    withdrawn = [c for c in candidates if c.status == CandidateStatus.WITHDRAWN]
    assert all(c.withdrawal_reason is not None for c in withdrawn)
    assert len({c.withdrawal_reason for c in withdrawn}) >= 6
    assert all(
        c.withdrawal_note for c in withdrawn if c.withdrawal_reason == WithdrawalReason.OTHER
    )
    # Withdrawals at various stages: the status just before leaving.
    stages = {c.transitions[-1].from_status for c in withdrawn}
    assert {CandidateStatus.REFERRED, CandidateStatus.IN_PATHWAY} < stages
    assert len(stages) >= 4


def check_transitions(session, today) -> None:
    for candidate in session.scalars(select(Candidate)):
        log = candidate.transitions
        if candidate.status == CandidateStatus.REFERRED:
            assert not log
            continue
        assert log, f"{candidate} moved without a journal line"
        assert log[-1].to_status == candidate.status
        assert log[0].from_status == CandidateStatus.REFERRED
        for before, after in itertools.pairwise(log):
            assert after.from_status == before.to_status
            assert after.effective_on >= before.effective_on
        assert candidate.referred_on <= log[0].effective_on
        assert log[-1].effective_on <= today
        # Recorded on the day it took effect, not when the seed ran.
        assert all(line.created_at.astimezone(PARIS).date() == line.effective_on for line in log)


def check_activities(session, today) -> None:
    activities = list(session.scalars(select(Activity)))
    past = [a for a in activities if a.date < today]
    upcoming = [a for a in activities if a.date > today]
    assert past
    assert upcoming
    assert {a.kind for a in past} == set(ActivityKind)
    assert len({a.department_code for a in upcoming}) >= 6
    for activity in activities:
        assert activity.seats_taken <= activity.capacity
        # An absence said before the day gave its seat back.
        holding = [e for e in activity.enrollments if not enrollment.seat_was_released(e)]
        assert activity.seats_taken == len(holding)
    # Some upcoming sessions are nearly full.
    assert any(
        a.seats_taken >= a.capacity - 1 and a.capacity >= 4 and a.kind != ActivityKind.IMMERSION
        for a in upcoming
    )
    marks = Counter()
    for activity in past:
        for row in activity.enrollments:
            assert row.attendance != Attendance.PENDING, "a past session without its roll call"
            marks[row.attendance] += 1
            if row.attendance == Attendance.ATTENDED:
                assert Decimal(0) < row.hours_credited <= activity.duration_hours
    assert set(marks) == {Attendance.ATTENDED, Attendance.EXCUSED, Attendance.ABSENT}
    assert marks[Attendance.ATTENDED] > 5 * (marks[Attendance.EXCUSED] + marks[Attendance.ABSENT])
    pending = [row for a in upcoming for row in a.enrollments]
    assert pending
    assert all(row.attendance in (Attendance.PENDING, Attendance.EXCUSED) for row in pending)
    assert any(row.attendance == Attendance.PENDING for row in pending)
    immersions = [a for a in activities if a.kind == ActivityKind.IMMERSION]
    assert any(a.host_name == "MAM Les P'tits Loups" for a in immersions)
    for activity in immersions:
        assert is_siret(activity.host_siret)
        for row in activity.enrollments:
            if row.candidate.is_job_seeker:
                assert convention_covering(
                    session, row.candidate, activity.host_siret, activity.date
                ), f"{row.candidate} went on an immersion without a PMSMP convention"


def check_decisions_and_training(session, today) -> None:
    decisions = list(session.scalars(select(AgrementDecision)))
    assert {d.outcome for d in decisions} == set(DecisionOutcome)
    granted = [d for d in decisions if d.outcome == DecisionOutcome.GRANTED]
    assert sum(1 for d in granted if d.capacity >= 3) >= 0.6 * len(granted)
    assert all(d.reason for d in decisions if d.outcome == DecisionOutcome.REFUSED)
    assert all(d.reason for d in granted if d.capacity < 4)
    for decision in decisions:
        assert decision.decided_on <= today
        if decision.outcome == DecisionOutcome.DEEMED_GRANTED:
            due = decision.candidate.dossier_complete_on + relativedelta(months=3)
            assert decision.decided_on == due
    for candidate in session.scalars(select(Candidate)):
        if candidate.status == CandidateStatus.ACTIVE:
            assert training.part1_done(candidate)
            assert candidate.carer.first_child_on >= training.part1_done_on(candidate)
        if candidate.status in (CandidateStatus.APPROVED, CandidateStatus.ACTIVE):
            assert candidate.carer is not None
    approved = session.scalars(
        select(Candidate).where(Candidate.status == CandidateStatus.APPROVED)
    ).all()
    assert any(c.trainings for c in approved)
    assert any(not training.part1_done(c) for c in approved)


def check_carers(session, today) -> None:
    carers = list(session.scalars(select(Carer)))
    assert 120 <= len(carers) <= 180
    sources = Counter(c.source for c in carers)
    assert sources[CarerSource.PATHWAY] >= 60
    assert sources[CarerSource.IMPORTED] >= 20
    published = [c for c in carers if c.is_published]
    assert len(published) >= 0.7 * len(carers)
    for carer in published:
        assert carer.publication_consent_at is not None
        assert carer.publication_consent_version
        assert carer.show_email or carer.show_phone
        assert (carer.email if carer.show_email else carer.phone) is not None
        assert carer.last_confirmed_on <= today
    stale_before = today - relativedelta(months=6)
    stale = [c for c in published if c.last_confirmed_on < stale_before]
    assert stale
    assert len(stale) < 0.3 * len(published)
    places = Counter(len(c.vacancies) for c in published)
    assert places[0] > 0
    assert sum(n for k, n in places.items() if k >= 2) > 0
    vacancies = list(session.scalars(select(Vacancy)))
    assert any(v.available_from < today for v in vacancies)
    assert any(v.available_from >= today for v in vacancies)
    assert any(v.periscolaire for v in vacancies)
    assert {v.carer.agrement_capacity >= len(v.carer.vacancies) for v in vacancies} == {True}
    for carer in carers:
        commune = session.get(Commune, carer.commune_insee)
        assert (carer.latitude, carer.longitude) == (commune.latitude, commune.longitude)
        if carer.source == CarerSource.PATHWAY:
            assert carer.candidate.status in (
                CandidateStatus.APPROVED,
                CandidateStatus.ACTIVE,
                CandidateStatus.WITHDRAWN,
            )


def check_contact_requests(session, today) -> None:
    requests = list(session.scalars(select(ContactRequest)))
    assert len(requests) >= 50
    assert {r.outcome for r in requests} == set(ContactOutcome)
    for request in requests:
        assert request.email or request.phone
        assert request.consent_at is not None
        assert request.consent_version
        assert request.carer.is_published
        assert request.child_birth_date < request.start_date
        assert request.created_at.date() <= today
        if request.outcome == ContactOutcome.NEW:
            assert request.outcome_on is None
        else:
            assert request.created_at.date() <= request.outcome_on <= today
    job_seekers = sum(1 for r in requests if r.is_job_seeker)
    assert 0.3 * len(requests) <= job_seekers <= 0.8 * len(requests)
    assert len({r.created_at.date().replace(day=1) for r in requests}) >= 4


def check_territories(session) -> None:
    """Nouvelle-Aquitaine's full pathway, followed by every demo candidate; Moselle's without
    steps (intermediation only)."""
    configurations = {
        (c.territory_kind.value, c.territory_code): c
        for c in session.scalars(select(PathwayConfiguration))
    }
    assert set(configurations) == {("region", "75"), ("department", "57")}
    region = configurations[("region", "75")]
    active = session.scalars(
        select(PathwayStep.id)
        .where(PathwayStep.is_active.is_(True))
        .order_by(PathwayStep.position, PathwayStep.id)
    )
    assert [s.step_id for s in region.steps] == list(active)
    assert configurations[("department", "57")].steps == []
    assert set(session.scalars(select(Candidate.pathway_configuration_id))) == {region.id}


def check_places(session) -> None:
    """Every place is a real commune of Nouvelle-Aquitaine, mostly one where people live."""
    for model in (Candidate, Activity, Carer, ContactRequest):
        codes = set(session.scalars(select(model.commune_insee)))
        assert {department_of(code) for code in codes} <= set(NOUVELLE_AQUITAINE)
        known = set(
            session.scalars(select(Commune.insee_code).where(Commune.insee_code.in_(codes)))
        )
        assert known == codes
    departments = set(session.scalars(select(Candidate.department_code)))
    assert departments == set(NOUVELLE_AQUITAINE)
    populations = list(
        session.scalars(
            select(Commune.population).join(
                Candidate, Candidate.commune_insee == Commune.insee_code
            )
        )
    )
    assert sorted(populations)[len(populations) // 2] >= 2000


def check_indicator_summary(session, today) -> None:
    """The summary, rebuilt once at the end of the seed, gives the figures the records give."""
    for departments in (None, ("33",), ("24", "64")):
        fast = indicators.compute(session, departments=departments, today=today)
        assert fast == indicators.compute(
            session, departments=departments, today=today, plain=True
        ), departments
    assert fast.funnel.stages[0].count > 0


def test_append_adds_beside_existing_data_and_reuses_what_is_there(
    session, runner, today, monkeypatch
):
    monkeypatch.setattr("onboarding.cli.today", lambda: today)
    # A programme that configured its own pathway, with one of the demo accounts already there.
    admin = DEMO_ACCOUNTS[0]
    staff.create_staff_user(session, email=admin.email, role=admin.role, password=admin.password)
    steps = [
        builders.make_step(session, ActivityKind.INFORMATION, position=1),
        builders.make_step(session, ActivityKind.COACHING, sessions=2, position=2),
        builders.make_step(
            session, ActivityKind.MODULE, title="Français à l'oral", hours=6, sessions=2, position=3
        ),
        builders.make_step(session, ActivityKind.IMMERSION, mandatory=False, position=4),
    ]
    mine = builders.make_candidate(
        session, CandidateStatus.REFERRED, is_job_seeker=True, france_travail_id="1234567A"
    )
    session.commit()
    mine_id, step_ids = mine.id, {s.id for s in steps}

    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert "1 candidates" in refused.output
    assert "1 staff users" in refused.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert count(session, Candidate) == 1

    result = runner.invoke(args=["seed-demo", "--append", "--seed", "8"])
    assert result.exit_code == 0, result.output
    assert "4 existing pathway steps reused" in result.output
    session.expire_all()
    assert set(session.scalars(select(PathwayStep.id))) == step_ids
    assert (
        session.scalar(select(func.count()).where(func.lower(StaffUser.email) == admin.email)) == 1
    )
    assert session.get(Candidate, mine_id).status == CandidateStatus.REFERRED
    candidates = list(session.scalars(select(Candidate)))
    assert len(candidates) > 250
    assert {c.status for c in candidates} == set(CandidateStatus)
    identifiers = [c.france_travail_id for c in candidates if c.france_travail_id]
    assert len(identifiers) == len(set(identifiers))
    # Candidates who filed their dossier went through the programme's own mandatory steps.
    filed = [c for c in candidates if c.dossier_filed_on]
    assert filed
    french = steps[2]
    for candidate in filed[:20]:
        hours = sum(
            (e.hours_credited for e in candidate.enrollments
             if e.activity.step_id == french.id and e.attendance == Attendance.ATTENDED),
            Decimal(0),
        )  # fmt: skip
        assert hours >= 6
    assert session.scalar(select(func.min(Activity.date))) < today - timedelta(days=300)
    check_indicator_summary(session, today)
