"""Indicators over a small known population: every figure checked exactly."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from onboarding.pathway import enrollment, indicators, transitions
from onboarding.pathway.base import utcnow
from onboarding.pathway.indicators import DEADLINE_LABELS, percentile
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    Candidate,
    CandidateStatus,
    ContactOutcome,
    ContactRequest,
    Vacancy,
    WithdrawalReason,
)
from tests import builders
from tests.builders import BORDEAUX, PERIGUEUX, TODAY
from tests.conftest import built_once

S = CandidateStatus


@dataclass
class Population:
    a: Candidate  # 33, active, published, two vacancies free now
    b: Candidate  # 33, approved for 3, published, a vacancy from April
    d: Candidate  # 33, under evaluation, decision overdue
    i: Candidate  # 33, approved in 2025, part-1 training overdue, not published
    k: Candidate  # 24, approved for 2, not published


def _vacancy(session, candidate, *, available_from, created):
    session.add(
        Vacancy(
            carer=candidate.carer,
            available_from=available_from,
            half_days=3,
            created_at=datetime(*created, 10, 0, tzinfo=UTC),
        )
    )


def _request(session, candidate, *, created, outcome=ContactOutcome.NEW, outcome_on=None, js=False):
    session.add(
        ContactRequest(
            carer=candidate.carer,
            parent_name="Julie Parent",
            email="julie@example.org",
            commune_insee=candidate.commune_insee,
            child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 5, 1),
            consent_at=datetime(*created, 10, 0, tzinfo=UTC),
            consent_version="2026-01",
            created_at=datetime(*created, 10, 0, tzinfo=UTC),
            outcome=outcome,
            outcome_on=outcome_on,
            is_job_seeker=js,
        )
    )


def _filed(session, commune, referred_on, filed_on):
    candidate = builders.make_candidate(
        session, S.IN_PATHWAY, commune=commune, referred_on=referred_on
    )
    transitions.file_dossier(session, candidate, actor=None, on=filed_on, today=TODAY)
    return candidate


@pytest.fixture
def population(session) -> Population:
    """Built through the pathway's rules once a process and database, then put back as rows
    (tests.conftest.built_once): the same rows, the same ids."""
    ids = built_once("indicators population", lambda: _build_population(session))
    return Population(*(session.get(Candidate, id_) for id_ in ids))


def _build_population(session) -> tuple[int, int, int, int, int]:
    make = builders.make_candidate
    info = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False, position=1)
    coaching = builders.make_step(session, ActivityKind.COACHING, mandatory=False, position=2)
    a = make(session, S.ACTIVE, commune=BORDEAUX, referred_on=date(2025, 10, 1))
    b = make(session, S.APPROVED, commune=BORDEAUX, referred_on=date(2025, 10, 15), capacity=3)
    d = make(session, S.UNDER_EVALUATION, commune=BORDEAUX, referred_on=date(2025, 10, 20))
    make(session, S.REFUSED, commune=PERIGUEUX, referred_on=date(2025, 11, 3))
    c = _filed(session, PERIGUEUX, date(2025, 11, 3), date(2026, 1, 2))
    _filed(session, PERIGUEUX, date(2025, 11, 10), date(2026, 2, 18))
    make(session, S.WITHDRAWN, commune=BORDEAUX, referred_on=date(2025, 10, 5))
    g = make(session, S.IN_PATHWAY, commune=BORDEAUX, referred_on=date(2025, 11, 20))
    transitions.withdraw(
        session, g, actor=None, on=date(2026, 1, 5), reason=WithdrawalReason.HEALTH, today=TODAY
    )
    make(session, S.REFERRED, commune=PERIGUEUX, referred_on=date(2026, 3, 2))
    i = make(session, S.APPROVED, commune=BORDEAUX, referred_on=date(2025, 6, 1))
    k = make(session, S.APPROVED, commune=PERIGUEUX, referred_on=date(2025, 10, 1), capacity=2)

    for carer in (a.carer, b.carer):
        carer.is_published = True
        carer.publication_consent_at = utcnow()
        # Shown to parents (pathway.shown): confirmed lately.
        carer.last_confirmed_on = TODAY - timedelta(days=5)
    _vacancy(session, a, available_from=date(2026, 3, 1), created=(2026, 2, 10))
    _vacancy(session, a, available_from=TODAY, created=(2026, 2, 20))
    _vacancy(session, b, available_from=date(2026, 4, 1), created=(2026, 2, 4))
    _vacancy(session, i, available_from=date(2026, 1, 1), created=(2025, 10, 1))

    _request(
        session, a, created=(2026, 3, 1), outcome=ContactOutcome.CONTACTED,
        outcome_on=date(2026, 3, 5), js=True,
    )  # fmt: skip
    _request(
        session, a, created=(2026, 2, 1), outcome=ContactOutcome.NO_MATCH,
        outcome_on=date(2026, 2, 20),
    )  # fmt: skip
    _request(session, a, created=(2026, 3, 10), js=True)
    _request(
        session, b, created=(2026, 3, 2), outcome=ContactOutcome.CONTRACT_SIGNED,
        outcome_on=date(2026, 3, 9), js=True,
    )  # fmt: skip
    _request(session, k, created=(2026, 3, 12))

    info_33 = builders.make_activity(session, info, on=date(2026, 3, 2), commune=BORDEAUX)
    people = (a, b, d, i)
    rows = {p: enrollment.enroll(session, p, info_33, actor=None, today=TODAY) for p in people}
    session.flush()
    enrollment.take_roll_call(
        session,
        info_33,
        [
            enrollment.Mark(rows[p].id, Attendance.ABSENT if p is i else Attendance.ATTENDED)
            for p in (a, b, d, i)
        ],
        today=TODAY,
    )
    info_24 = builders.make_activity(session, info, on=date(2026, 3, 3), commune=PERIGUEUX)
    builders.attend(session, c, info_24)
    coaching_33 = builders.make_activity(session, coaching, on=date(2026, 3, 9), commune=BORDEAUX)
    rows = {p: enrollment.enroll(session, p, coaching_33, actor=None, today=TODAY) for p in (a, b)}
    session.flush()
    enrollment.take_roll_call(
        session,
        coaching_33,
        [
            enrollment.Mark(rows[a].id, Attendance.ATTENDED),
            enrollment.Mark(rows[b].id, Attendance.EXCUSED),
        ],
        today=TODAY,
    )
    coming_33 = builders.make_activity(
        session, info, on=date(2026, 3, 26), commune=BORDEAUX, capacity=4, title="Réunion mars"
    )
    enrollment.enroll(session, a, coming_33, actor=None, today=TODAY)
    builders.make_activity(
        session, info, on=date(2026, 4, 10), commune=PERIGUEUX, capacity=5, title="Réunion avril"
    )
    cancelled = builders.make_activity(session, info, on=date(2026, 3, 20), commune=BORDEAUX)
    cancelled.is_cancelled = True
    session.commit()
    return (a.id, b.id, d.id, i.id, k.id)


def compute(session, departments=None, cohort=None, period=None):
    return indicators.compute(
        session, departments=departments, cohort=cohort, period=period, today=TODAY
    )


STAGE_KEYS = ["entered", "info", "coaching", "dossier_filed", "granted", "deemed_granted",
              "refused", "training_done", "published"]  # fmt: skip


def stages(result) -> list[tuple[int, float | None]]:
    return [(stage.count, stage.conversion) for stage in result.funnel.stages]


def groups(found) -> dict[str, list[int]]:
    return {group.key: list(group.counts.values()) for group in found}


def test_percentile_follows_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.8) == 7
    assert percentile([10, 30], 0.5) == 20.0
    assert percentile([10, 30], 0.8) == 26.0
    assert percentile([37, 37, 37, 37, 37, 37, 60, 100], 0.8) == 50.8


def test_the_funnel_counts_every_stage_with_its_conversion(session, population):
    result = compute(session)
    labels = [stage.label for stage in result.funnel.stages]
    assert labels == [
        "Entrés dans le parcours",
        "Étape « Réunion d'information » suivie",
        "Étape « Accompagnement collectif » suivie",
        "Dossier déposé",
        "Agrément obtenu (accordé ou réputé acquis)",
        "dont réputé acquis",
        "Agrément refusé",
        "Formation initiale, 1re partie validée",
        "Disponibilités publiées",
    ]
    assert stages(result) == [
        (11, None), (4, 36.4), (1, 9.1), (8, 72.7), (4, 50.0),
        (0, None), (1, None), (1, 25.0), (2, 200.0),
    ]  # fmt: skip
    assert groups(result.funnel.by_cohort) == {
        "2025-06": [1, 0, 0, 1, 1, 0, 0, 0, 0],
        "2025-10": [5, 3, 1, 4, 3, 0, 0, 1, 2],
        "2025-11": [4, 1, 0, 3, 0, 0, 1, 0, 0],
        "2026-03": [1, 0, 0, 0, 0, 0, 0, 0, 0],
    }
    assert groups(result.funnel.by_department) == {
        "24": [5, 1, 0, 4, 1, 0, 1, 0, 0],
        "33": [6, 3, 1, 4, 3, 0, 0, 1, 2],
    }


def test_withdrawals_by_reason_and_by_stage_left(session, population):
    withdrawals = compute(session).funnel.withdrawals
    assert withdrawals.total == 2
    assert withdrawals.by_reason == [(WithdrawalReason.HEALTH, 1), (WithdrawalReason.MOVED, 1)]
    assert withdrawals.by_stage == [(S.REFERRED, 1), (S.IN_PATHWAY, 1)]


def test_delays_median_and_80th_percentile_in_days(session, population):
    result = compute(session).delays
    filed, decided, published = result.delays
    assert (filed.count, filed.median, filed.p80) == (8, 37.0, 50.8)
    assert filed.by_month == [
        ("2025-07", 37.0), ("2025-11", 37.0), ("2025-12", 37.0), ("2026-01", 60.0),
        ("2026-02", 100.0),
    ]  # fmt: skip
    assert (decided.count, decided.median, decided.p80) == (5, 60.0, 60.0)
    assert decided.by_month == [("2025-09", 60.0), ("2026-01", 60.0), ("2026-02", 60.0)]
    # An unpublished carer's vacancy (I) does not count: nobody sees it.
    assert (published.count, published.median, published.p80) == (2, 20.0, 26.0)
    assert published.by_month == [("2026-02", 20.0)]


def test_candidates_past_a_legal_deadline_are_listed(session, population):
    result = compute(session).delays
    assert result.past_deadline_by_kind == {
        "decision": 1, "training_part1": 1, "renewal_notice": 0, "expiry": 0, "training_part2": 0,
    }  # fmt: skip
    assert result.past_deadline_count == 2
    assert [(p.candidate_id, p.deadline, p.due_on) for p in result.past_deadline] == [
        (population.i.id, "training_part1", date(2026, 1, 13)),
        (population.d.id, "decision", date(2026, 3, 1)),
    ]
    assert result.past_deadline[1].full_name == population.d.full_name


def test_capacity_and_parents_requests(session, population):
    result = compute(session).capacity
    places = [(r.department_code, r.places_approved, r.places_free) for r in result.by_department]
    assert places == [("24", 2, 0), ("33", 11, 2)]
    assert (result.places_approved, result.places_free) == (13, 2)
    assert [(r.outcome, r.count, r.job_seekers) for r in result.requests] == [
        (ContactOutcome.NEW, 2, 1),
        (ContactOutcome.CONTACTED, 1, 1),
        (ContactOutcome.CONTRACT_SIGNED, 1, 1),
        (ContactOutcome.NO_MATCH, 1, 0),
    ]
    assert (result.request_count, result.job_seeker_requests) == (5, 3)
    # 4 days and exactly 7 days are in time; 19 days and no answer yet are not.
    assert (result.answered_in_time, result.answered_in_time_rate) == (2, 40.0)


def test_activities_coming_and_attendance_by_kind(session, population):
    result = compute(session).activities
    assert result.coming_count == 2
    assert [(a.title, a.on, a.seats_taken, a.capacity, a.fill_rate) for a in result.coming] == [
        ("Réunion mars", date(2026, 3, 26), 1, 4, 25.0),
        ("Réunion avril", date(2026, 4, 10), 0, 5, 0.0),
    ]
    assert [(k.kind, k.attended, k.excused, k.absent, k.rate) for k in result.attendance] == [
        (ActivityKind.INFORMATION, 4, 0, 1, 80.0),
        (ActivityKind.IMMERSION, 0, 0, 0, None),
        (ActivityKind.COACHING, 1, 1, 0, 50.0),
        (ActivityKind.MODULE, 0, 0, 0, None),
    ]


def test_a_single_departement(session, population):
    result = compute(session, departments=("33",))
    assert stages(result) == [
        (6, None), (3, 50.0), (1, 16.7), (4, 66.7), (3, 75.0),
        (0, None), (0, None), (1, 33.3), (2, 200.0),
    ]  # fmt: skip
    assert list(groups(result.funnel.by_department)) == ["33"]
    filed, decided, published = result.delays.delays
    assert (filed.count, filed.median, filed.p80) == (4, 37.0, 37.0)
    assert (decided.count, published.count) == (3, 2)
    assert result.delays.past_deadline_count == 2
    assert [(r.department_code, r.places_approved) for r in result.capacity.by_department] == [
        ("33", 11)
    ]
    assert (result.capacity.request_count, result.capacity.answered_in_time_rate) == (4, 50.0)
    assert result.activities.coming_count == 1
    assert result.activities.attendance[0].rate == 75.0


def test_a_departement_nobody_may_see_gives_nothing(session, population):
    result = compute(session, departments=())
    assert result.funnel.entered == 0
    assert result.capacity.request_count == 0
    assert result.activities.coming_count == 0


def test_cohort_filter(session, population):
    result = compute(session, cohort="2025-11")
    assert stages(result)[0] == (4, None)
    assert list(groups(result.funnel.by_cohort)) == ["2025-11"]
    assert result.funnel.withdrawals.by_reason == [(WithdrawalReason.HEALTH, 1)]
    assert result.delays.delays[0].count == 3
    assert result.delays.past_deadline_count == 0
    assert result.capacity.by_department == []
    # Requests and activities do not belong to a cohort.
    assert result.capacity.request_count == 5


def test_period_filter(session, population):
    result = compute(session, period=(date(2026, 3, 1), date(2026, 3, 31)))
    assert stages(result)[0] == (1, None)
    assert result.capacity.request_count == 4
    assert result.capacity.answered_in_time == 2
    # Attendance over the activities held within the period: here all of them.
    assert result.activities.attendance[0].rate == 80.0
    earlier = compute(session, period=(date(2025, 1, 1), date(2026, 2, 28)))
    assert earlier.activities.attendance[0].marked == 0
    assert earlier.funnel.entered == 10


def test_the_empty_database(session):
    result = compute(session)
    # No step configured: entered, then the six stages after the steps, none with a rate.
    assert stages(result) == [(0, None)] * 7
    assert result.funnel.by_cohort == []
    assert result.funnel.by_department == []
    assert result.funnel.withdrawals.total == 0
    assert [(d.count, d.median, d.p80, d.by_month) for d in result.delays.delays] == [
        (0, None, None, [])
    ] * 3
    assert result.delays.past_deadline_by_kind == dict.fromkeys(DEADLINE_LABELS, 0)
    assert result.capacity.places_approved == 0
    assert result.capacity.request_count == 0
    assert result.capacity.answered_in_time_rate is None
    assert result.activities.coming == []
    assert result.activities.coming_count == 0
    assert all(k.rate is None for k in result.activities.attendance)


def test_as_rows_holds_no_name(session, population):
    rows = indicators.as_rows(compute(session))
    assert ("Entonnoir", "Entrés dans le parcours", "effectif", 11) in rows
    assert ("Places", "Places agréées", "33", 11) in rows
    text = repr(rows)
    assert population.d.last_name not in text
    assert population.i.last_name not in text


def test_key_figures_of_the_dashboard(session, population):
    found = indicators.key_figures(session, departments=None, today=TODAY)
    assert [(stage.key, stage.count) for stage in found.stages] == [
        ("entered", 11), ("dossier_filed", 8), ("granted", 4), ("deemed_granted", 0),
        ("refused", 1), ("training_done", 1), ("published", 2),
    ]  # fmt: skip
    assert (found.capacity.places_approved, found.capacity.places_free) == (13, 2)
    assert (found.coming_activities, found.past_deadline_count) == (2, 2)
    only_24 = indicators.key_figures(session, departments=("24",), today=TODAY)
    assert (only_24.entered, only_24.capacity.places_approved, only_24.coming_activities) == (
        5, 2, 1,
    )  # fmt: skip
    assert only_24.past_deadline_count == 0
