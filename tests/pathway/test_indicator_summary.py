"""The indicators' summary rows: random populations built through the real domain functions, the
page's figures read from the summary compared with the plain computation for many filters, the
rows kept by every flush compared with a rebuild from scratch, and a change that bypasses the
flush caught by both comparisons."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from onboarding.pathway import (
    carers,
    contact_answers,
    dossier,
    enrollment,
    indicators,
    territories,
    transitions,
    workload,
)
from onboarding.pathway.base import utcnow
from onboarding.pathway.indicators import summary
from onboarding.pathway.indicators.summarised import days_of, within
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    Candidate,
    CandidateStatus,
    Carer,
    ContactOutcome,
    ContactRequest,
    DossierItemStatus,
    Enrollment,
    IndicatorCount,
    TerritoryKind,
    Vacancy,
    WithdrawalReason,
)
from tests import builders
from tests.builders import BORDEAUX, PERIGUEUX, TODAY

S = CandidateStatus
STATUSES = [S.REFERRED, S.IN_PATHWAY, S.DOSSIER_FILED, S.UNDER_EVALUATION, S.APPROVED,
            S.ACTIVE, S.REFUSED, S.WITHDRAWN]  # fmt: skip
SCENARIO_DAYS = {
    S.REFERRED: 0, S.IN_PATHWAY: 7, S.WITHDRAWN: 7, S.DOSSIER_FILED: 37,
    S.UNDER_EVALUATION: 42, S.APPROVED: 102, S.REFUSED: 102, S.ACTIVE: 122,
}  # fmt: skip
# The reasons that need no written note.
REASONS = [reason for reason in WithdrawalReason if reason != WithdrawalReason.OTHER]
DEPARTMENTS = [None, ("33",), ("24",), ("33", "24"), ()]
PERIODS = [
    None,
    (date(2025, 3, 16), date(2026, 3, 16)),  # partial months at both ends
    (date(2025, 10, 1), date(2025, 10, 31)),  # one month whole
    (date(2025, 11, 5), date(2025, 11, 20)),  # within one month
    (date(2025, 9, 1), date(2026, 2, 28)),  # whole months only
    (date(2026, 1, 1), date(2026, 12, 31)),  # beyond today
]
# Past deadlines and free places depend on the day: months' ends and starts included.
TODAYS = [
    TODAY, TODAY + timedelta(days=100), date(2026, 3, 31), date(2026, 5, 1), date(2025, 12, 1),
]  # fmt: skip


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _request(session, carer, rng: random.Random) -> None:
    created = datetime.combine(
        _day(rng, date(2025, 6, 1), TODAY), datetime.min.time(), tzinfo=UTC
    ) + timedelta(hours=rng.choice((0, 10, 23)))
    outcome = rng.choice(list(ContactOutcome))
    session.add(
        ContactRequest(
            carer=carer,
            parent_name="Julie Parent",
            email=f"parent{rng.randint(1, 5)}@example.org",
            commune_insee=carer.commune_insee,
            child_birth_date=date(2025, 9, 1),
            start_date=date(2026, 5, 1),
            consent_at=created,
            consent_version="2026-01",
            created_at=created,
            outcome=outcome,
            outcome_on=None
            if outcome == ContactOutcome.NEW
            else created.date() + timedelta(days=rng.randint(0, 12)),
            is_job_seeker=rng.random() < 0.5,
        )
    )


def build(session, seed: int, *, candidates: int = 22) -> random.Random:
    """A population of every status in both départements, entered over 15 months, with steps
    attended, a territory's own pathway from some date on, published carers, places and
    parents' requests: written through the domain's functions, each change flushed."""
    rng = random.Random(seed)
    info = builders.make_step(session, ActivityKind.INFORMATION, mandatory=False, position=1)
    coaching = builders.make_step(session, ActivityKind.COACHING, mandatory=False, position=2)
    module = builders.make_step(session, ActivityKind.MODULE, mandatory=False, position=3)
    activities = [
        builders.make_activity(
            session,
            rng.choice((info, coaching, module)),
            on=_day(rng, date(2025, 2, 1), TODAY),
            commune=rng.choice((BORDEAUX, PERIGUEUX)),
            capacity=40,
        )
        for _ in range(6)
    ]
    people = []
    for number in range(candidates):
        if number == candidates // 2:
            # From now on, newcomers of the 24 follow their département's own pathway.
            territories.save_configuration(
                session,
                territories.territory(TerritoryKind.DEPARTMENT, "24"),
                [
                    territories.StepSetting(info.id, is_mandatory=False),
                    territories.StepSetting(module.id, is_mandatory=False),
                ],
                actor=None,
            )
        status = rng.choice(STATUSES)
        # The builder's scenario takes up to 122 days after the entry, none in the future.
        referred_on = min(
            _day(rng, date(2024, 12, 20), TODAY - timedelta(days=10)),
            TODAY - timedelta(days=SCENARIO_DAYS[status]),
        )
        candidate = builders.make_candidate(
            session,
            status,
            commune=rng.choice((BORDEAUX, PERIGUEUX)),
            referred_on=referred_on,
            capacity=rng.randint(2, 4),
        )
        people.append(candidate)
        if status == S.DOSSIER_FILED and rng.random() < 0.5:
            # Every piece received, not yet declared complete.
            for item in candidate.dossier_items:
                dossier.mark_item(item, DossierItemStatus.RECEIVED, on=TODAY, today=TODAY)
        closed = status in (S.REFUSED, S.WITHDRAWN)
        # Each enrolled in activities of her own département.
        own = [a for a in activities if a.department_code == candidate.department_code]
        for activity in rng.sample(own, k=0 if closed else min(len(own), rng.randint(0, 3))):
            row = enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
            session.flush()
            mark = rng.choice([Attendance.ATTENDED, Attendance.ATTENDED, Attendance.ABSENT,
                               Attendance.EXCUSED, None])  # fmt: skip
            if mark is not None:
                enrollment.take_roll_call(
                    session, activity, [enrollment.Mark(row.id, mark.value)], today=TODAY
                )
        if status == S.IN_PATHWAY and rng.random() < 0.4:
            transitions.withdraw(
                session, candidate, actor=None, on=TODAY - timedelta(days=2),
                reason=rng.choice(REASONS), today=TODAY,
            )  # fmt: skip
        if candidate.carer is not None and rng.random() < 0.7:
            carer = candidate.carer
            carer.is_published = True
            carer.publication_consent_at = utcnow()
            carer.last_confirmed_on = TODAY - timedelta(days=rng.randint(0, 250))
            for _ in range(rng.randint(1, 2)):
                created = datetime.combine(
                    _day(rng, carer.agrement_on, TODAY), datetime.min.time(), tzinfo=UTC
                )
                session.add(
                    Vacancy(
                        carer=carer,
                        available_from=_day(rng, date(2025, 6, 1), TODAY + timedelta(days=60)),
                        half_days=3,
                        created_at=created,
                    )
                )
            for _ in range(rng.randint(0, 3)):
                _request(session, carer, rng)
        session.flush()
    session.commit()
    return rng


def filters(rng: random.Random, session, count: int) -> list[dict]:
    """The filters of the page: every département choice unfiltered, then a random sample of
    départements × cohort × period × today."""
    cohorts = indicators.cohorts(session, None, plain=True)
    choices = [
        {"departments": departments, "cohort": cohort, "period": period, "today": today}
        for departments in DEPARTMENTS
        for cohort in [None, "2024-01", *cohorts[:4]]
        for period in PERIODS
        for today in TODAYS
    ]
    unfiltered = [
        {"departments": departments, "cohort": None, "period": None, "today": TODAY}
        for departments in DEPARTMENTS
    ]
    return unfiltered + rng.sample(choices, count)


def assert_same_figures(session, chosen: list[dict]) -> None:
    for choice in chosen:
        plain = indicators.compute(session, plain=True, **choice)
        fast = indicators.compute(session, **choice)
        assert indicators.as_rows(fast) == indicators.as_rows(plain), choice
        assert fast == plain, choice
    for departments in DEPARTMENTS:
        for today in TODAYS[:2]:
            assert indicators.key_figures(
                session, departments=departments, today=today
            ) == indicators.key_figures(session, departments=departments, today=today, plain=True)
        assert indicators.cohorts(session, departments) == indicators.cohorts(
            session, departments, plain=True
        )
        assert_same_home(session, departments)


def assert_same_home(session, departments) -> None:
    """The panel's home: its statuses and its week's figures, from the summary and plainly."""
    fast = workload.status_counts(session, departments=departments)
    plain = workload.status_counts(session, departments=departments, plain=True)
    assert {k: v for k, v in fast.items() if v} == {k: v for k, v in plain.items() if v}
    for today in TODAYS[:3]:
        figures = {"departments": departments, "me_id": 0, "today": today}
        assert workload.workload(session, **figures) == workload.workload(
            session, **figures, plain=True
        ), (departments, today)


def assert_rebuild_is_incremental(session) -> None:
    kept = summary.stored(session)
    assert kept, "the flushes wrote no summary row"
    assert kept == summary.by_grain(summary.everything(session))
    summary.rebuild(session)
    assert summary.stored(session) == kept


def change_things(session, rng: random.Random) -> None:
    """Everyday changes after the fact, each through the domain or the ORM."""
    marked = session.scalars(
        select(Enrollment).where(Enrollment.attendance == Attendance.ATTENDED)
    ).all()
    for row in rng.sample(marked, k=min(2, len(marked))):
        enrollment.take_roll_call(
            session, row.activity, [enrollment.Mark(row.id, Attendance.ABSENT.value)], today=TODAY
        )
    activity = session.scalars(select(Activity).order_by(Activity.id)).first()
    activity.date = date(2025, 12, 31)
    for candidate in session.scalars(
        select(Candidate).where(Candidate.status == S.IN_PATHWAY).order_by(Candidate.id)
    ).all()[:2]:
        transitions.withdraw(
            session, candidate, actor=None, on=TODAY, reason=WithdrawalReason.HEALTH, today=TODAY
        )
    for request in session.scalars(select(ContactRequest).order_by(ContactRequest.id)).all()[:3]:
        request.outcome = ContactOutcome.CONTRACT_SIGNED
        request.outcome_on = request.created_at.date() + timedelta(days=3)
    vacancy = session.scalars(select(Vacancy).order_by(Vacancy.id)).first()
    if vacancy is not None:
        carers.remove_vacancy(session, vacancy)
    # A filed dossier's last pieces received, another's piece back to missing.
    for candidate in session.scalars(
        select(Candidate).where(Candidate.status == S.DOSSIER_FILED).order_by(Candidate.id)
    ).all()[:2]:
        items = sorted(candidate.dossier_items, key=lambda item: item.id)
        if any(item.status == DossierItemStatus.MISSING for item in items):
            for item in items:
                dossier.mark_item(item, DossierItemStatus.RECEIVED, on=TODAY, today=TODAY)
        else:
            dossier.mark_item(items[0], DossierItemStatus.MISSING, on=None, today=TODAY)
    # An activity cancelled; a past one given an enrolment whose attendance is not marked yet,
    # another rid of one.
    past = session.scalars(
        select(Activity).where(Activity.date < TODAY).order_by(Activity.id)
    ).all()
    past[-1].is_cancelled = True
    newcomer = session.scalars(
        select(Candidate)
        .where(
            Candidate.status == S.IN_PATHWAY,
            ~Candidate.enrollments.any(),
            Candidate.department_code == past[0].department_code,
        )
        .order_by(Candidate.id)
    ).first()
    if newcomer is not None:
        enrollment.enroll(session, newcomer, past[0], actor=None, today=TODAY)
    pending = session.scalars(
        select(Enrollment)
        .where(Enrollment.attendance == Attendance.PENDING)
        .order_by(Enrollment.id)
    ).first()
    if pending is not None:
        enrollment.cancel_enrollment(session, pending)
    builders.make_candidate(
        session, S.DOSSIER_FILED, commune=PERIGUEUX, referred_on=TODAY - timedelta(days=40)
    )
    session.commit()


@pytest.mark.parametrize("seed", [1, 2])
def test_the_summary_gives_the_plain_figures_for_random_populations(session, seed):
    rng = build(session, seed)
    assert_same_figures(session, filters(rng, session, 18))
    assert_rebuild_is_incremental(session)

    change_things(session, rng)
    assert_same_figures(session, filters(rng, session, 8))
    assert_rebuild_is_incremental(session)


def test_a_change_the_flush_does_not_see_is_caught(session):
    """The checks can fail: a bulk UPDATE (no flush, no listener) leaves the rows behind."""
    rng = build(session, 3, candidates=10)
    assert_rebuild_is_incremental(session)
    candidate = session.scalars(
        select(Candidate).where(Candidate.dossier_filed_on.is_(None)).order_by(Candidate.id)
    ).first()
    session.execute(
        update(Candidate)
        .where(Candidate.id == candidate.id)
        .values(dossier_filed_on=TODAY)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(AssertionError):
        assert_rebuild_is_incremental_without_rebuilding(session)
    with pytest.raises(AssertionError):
        assert_same_figures(session, filters(rng, session, 0))

    # The same change through summary.kept, as bulk writes must: the rows follow.
    other = session.scalars(
        select(Candidate).where(Candidate.dossier_filed_on.is_(None)).order_by(Candidate.id)
    ).first()
    summary.rebuild(session)
    with summary.kept(session, candidates=[other.id]):
        session.execute(
            update(Candidate)
            .where(Candidate.id == other.id)
            .values(dossier_filed_on=TODAY)
            .execution_options(synchronize_session=False)
        )
    assert_rebuild_is_incremental(session)
    assert_same_figures(session, filters(rng, session, 0))


def assert_rebuild_is_incremental_without_rebuilding(session) -> None:
    assert summary.stored(session) == summary.by_grain(summary.everything(session))


def test_a_request_outcome_written_in_bulk_is_caught(session):
    rng = build(session, 4, candidates=12)
    request = (
        session.scalars(
            select(ContactRequest).where(ContactRequest.outcome == ContactOutcome.NEW)
        ).first()
        or session.scalars(select(ContactRequest)).first()
    )
    assert request is not None, "the population has no parent's request"
    session.execute(
        update(ContactRequest)
        .where(ContactRequest.id == request.id)
        .values(outcome=ContactOutcome.NO_MATCH, outcome_on=TODAY, is_job_seeker=True)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(AssertionError):
        assert_same_figures(session, filters(rng, session, 0))


@pytest.mark.parametrize(
    ("days", "statements"),
    [
        ((None, None), 1),
        ((date(2025, 10, 1), date(2025, 10, 31)), 1),
        ((date(2025, 11, 5), date(2025, 11, 20)), 1),
        ((date(2025, 3, 16), date(2026, 3, 16)), 3),
        ((date(2025, 9, 1), date(2026, 2, 28)), 1),
        ((None, date(2026, 3, 16)), 2),
        ((date(2026, 3, 20), date(2026, 3, 2)), 0),
    ],
)
def test_a_range_of_days_reads_whole_months_and_the_days_of_the_others(session, days, statements):
    """Over rows counting 1 a day and, per month, its number of days: every day of the range
    counted once, by its month's row when the month is whole."""
    parts = within(days)
    assert len(parts) == statements
    first, last = date(2025, 1, 1), date(2026, 12, 31)

    def row(grain: str, day: date, count: int) -> None:
        session.add(
            IndicatorCount(
                section="t", grain=grain, department_code="33", day=day, key="k", count=count
            )
        )

    row("total", summary.EVERY_DAY, (last - first).days + 1)
    day = first
    while day <= last:
        row("day", day, 1)
        if day.day == 1:
            row("month", day, ((day + timedelta(days=31)).replace(day=1) - day).days)
        day += timedelta(days=1)
    session.flush()
    low, high = days
    low, high = max(low or first, first), min(high or last, last)
    total = sum(
        session.scalar(
            select(func.sum(IndicatorCount.count)).where(IndicatorCount.section == "t", part)
        )
        or 0
        for part in parts
    )
    assert total == max(0, (high - low).days + 1)
    if days == (None, None):
        assert len(within(days, by_month=True)) == 1
        assert (
            session.scalar(
                select(func.sum(IndicatorCount.count)).where(
                    IndicatorCount.section == "t", *within(days, by_month=True)
                )
            )
            == (last - first).days + 1
        )
    assert days_of("2025-10", (date(2025, 10, 10), date(2026, 1, 1))) == (
        date(2025, 10, 10),
        date(2025, 10, 31),
    )


@pytest.mark.parametrize("today", [date(2026, 1, 15), date(2026, 7, 15)])
def test_the_requests_unanswered_for_a_week_around_the_paris_midnight(session, today):
    """The summary counts requests by UTC day, the rule's cutoff is a Paris midnight (23:00 or
    22:00 UTC the day before): requests on either side of both are counted as the rule says."""
    build(session, 5, candidates=8)
    carer = session.scalars(select(Carer).where(Carer.candidate_id.is_not(None))).first()
    assert carer is not None, "the population has no carer"
    cutoff = contact_answers.unanswered_cutoff(today)
    utc_midnight = datetime.combine(cutoff.astimezone(UTC).date(), datetime.min.time(), UTC)
    moments = [
        utc_midnight - timedelta(minutes=1),
        utc_midnight,
        utc_midnight + timedelta(hours=1),
        cutoff - timedelta(seconds=1),
        cutoff,
        cutoff + timedelta(minutes=1),
    ]
    figures = {"me_id": 0, "today": today}
    counted_before = workload.workload(session, departments=None, **figures, plain=True)
    for moment in moments:
        session.add(
            ContactRequest(
                carer=carer, parent_name="Julie Parent", email="parent@example.org",
                commune_insee=carer.commune_insee, child_birth_date=date(2025, 9, 1),
                start_date=date(2026, 5, 1), consent_at=moment, consent_version="2026-01",
                created_at=moment, outcome=ContactOutcome.NEW,
            )
        )  # fmt: skip
    session.commit()
    plain = workload.workload(session, departments=None, **figures, plain=True)
    # The four before the cutoff are overdue; the two from it on are not yet.
    assert plain.requests_unanswered == counted_before.requests_unanswered + 4
    for departments in DEPARTMENTS:
        assert workload.workload(session, departments=departments, **figures) == (
            workload.workload(session, departments=departments, **figures, plain=True)
        ), departments
