"""Delays between stages (median, 80th percentile) and the candidates past a legal deadline."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import (
    and_,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from onboarding.pathway.indicators.sql import (
    PAST_DEADLINE_LIMIT,
    Period,
    candidate_filter,
    days_between,
    in_scope,
    month_of,
    percentile,
)
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    Vacancy,
)
from onboarding.pathway.situation import next_deadline_order, past_deadline_clause


# --- 2. delays ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delay:
    key: str
    label: str
    count: int
    median: float | None
    p80: float | None
    # Median per month of the ending event ("2026-03"), for the chart over time.
    by_month: list[tuple[str, float]]


@dataclass(frozen=True)
class PastDeadline:
    candidate_id: int
    full_name: str
    department_code: str
    status: CandidateStatus
    deadline: str
    due_on: date


@dataclass(frozen=True)
class Delays:
    delays: list[Delay]
    past_deadline_count: int
    past_deadline_by_kind: dict[str, int]
    past_deadline: list[PastDeadline] = field(default_factory=list)


def _delay(session: Session, key: str, label: str, query) -> Delay:
    """`query` selects (month, days) for each person concerned; the database groups them, so
    only a histogram comes back, from which Python reads the percentiles."""
    per_month: dict[str, list[int]] = defaultdict(list)
    values: list[int] = []
    rows = query.subquery()
    month, days = rows.c
    histogram = select(month, days, func.count()).group_by(month, days)
    for month_key, days_value, count in session.execute(histogram):
        values.extend([days_value] * count)
        per_month[month_key].extend([days_value] * count)
    values.sort()
    return Delay(
        key=key,
        label=label,
        count=len(values),
        median=percentile(values, 0.5),
        p80=percentile(values, 0.8),
        by_month=[(m, percentile(sorted(v), 0.5)) for m, v in sorted(per_month.items())],
    )


# The delays between two stages, by key, in the pathway's order.
DELAY_LABELS = {
    "entry_to_filed": "De l'entrée au dépôt du dossier",
    "complete_to_decision": "Du dossier complet à la décision",
    "decision_to_vacancy": "De la décision à la première place publiée",
}

# Every deadline that can be a candidate's next one (situation.WATCHED), in the pathway's order.
DEADLINE_LABELS = {
    "decision": "Décision sur l'agrément",
    "training_part1": "Formation initiale, 1re partie",
    "renewal_notice": "Envoi du dossier de renouvellement",
    "expiry": "Fin de validité de l'agrément",
    "training_part2": "Formation initiale, 2e partie",
}


def delays(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Delays:
    where = candidate_filter(departments, cohort, period)
    filed = _delay(
        session,
        "entry_to_filed",
        DELAY_LABELS["entry_to_filed"],
        select(
            month_of(session, Candidate.dossier_filed_on),
            days_between(session, Candidate.dossier_filed_on, Candidate.referred_on),
        ).where(where, Candidate.dossier_filed_on.is_not(None)),
    )
    first_decision = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    decided = _delay(
        session,
        "complete_to_decision",
        DELAY_LABELS["complete_to_decision"],
        select(
            month_of(session, first_decision.c.decided_on),
            days_between(session, first_decision.c.decided_on, Candidate.dossier_complete_on),
        )
        .select_from(Candidate)
        .join(first_decision, first_decision.c.candidate_id == Candidate.id)
        .where(where, Candidate.dossier_complete_on.is_not(None)),
    )
    first_positive = (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.min(AgrementDecision.decided_on).label("decided_on"),
        )
        .where(AgrementDecision.outcome != DecisionOutcome.REFUSED)
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )
    first_vacancy = (
        select(Vacancy.carer_id.label("carer_id"), func.min(Vacancy.created_at).label("at"))
        .group_by(Vacancy.carer_id)
        .subquery()
    )
    published = _delay(
        session,
        "decision_to_vacancy",
        DELAY_LABELS["decision_to_vacancy"],
        select(
            month_of(session, first_vacancy.c.at),
            days_between(session, first_vacancy.c.at, first_positive.c.decided_on),
        )
        .select_from(Candidate)
        .join(first_positive, first_positive.c.candidate_id == Candidate.id)
        .join(Carer, Carer.candidate_id == Candidate.id)
        .join(first_vacancy, first_vacancy.c.carer_id == Carer.id)
        .where(where, Carer.is_published.is_(True)),
    )
    past = past_deadlines(
        session, departments=departments, cohort=cohort, period=period, today=today
    )
    return Delays(
        delays=[filed, decided, published],
        past_deadline_count=sum(past[0].values()),
        past_deadline_by_kind=past[0],
        past_deadline=past[1],
    )


def past_deadlines(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> tuple[dict[str, int], list[PastDeadline]]:
    """Counts by deadline, and the first candidates (longest overdue first).

    A candidate is past a deadline when their next deadline (situation.next_deadline, the rule
    the candidate page shows) is before today; both queries read ix_candidate_next_deadline."""
    where = and_(candidate_filter(departments, cohort, period), past_deadline_clause(today))
    counts = dict.fromkeys(DEADLINE_LABELS, 0)
    for key, value in session.execute(
        select(Candidate.next_deadline, func.count()).where(where).group_by(Candidate.next_deadline)
    ):
        counts[key] = value
    return counts, past_deadline_list(
        session, departments=departments, cohort=cohort, period=period, today=today
    )


def _months(start: date, end: date) -> list[str]:
    """The cohorts ("2026-03") of the days from start to end."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def past_deadline_list(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> list[PastDeadline]:
    """The first candidates past a deadline, longest overdue first.

    Without a cohort or a period, a walk of ix_candidate_next_deadline in that order. With them,
    the first ones of each month of entry concerned, each a walk of ix_candidate_past_deadline
    (a cohort in deadline order), then the first of those: reading the period's candidates and
    sorting them would grow with their number."""
    columns = (
        Candidate.id,
        Candidate.first_name,
        Candidate.last_name,
        Candidate.department_code,
        Candidate.status,
        Candidate.next_deadline,
        Candidate.next_deadline_on,
    )
    where = [in_scope(Candidate.department_code, departments), past_deadline_clause(today)]
    if cohort is None and period is None:
        query = select(*columns).where(*where).order_by(*next_deadline_order())
    else:
        if period:
            where.append(Candidate.referred_on.between(*period))
        months = [cohort] if cohort else _months(*period)
        if cohort and period:
            months = [month for month in _months(*period) if month == cohort]
        if not months:
            return []
        # Past a deadline: never without one, so the plain order is the list's.
        firsts = union_all(
            *(
                select(
                    select(*columns)
                    .where(*where, Candidate.cohort == month)
                    .order_by(Candidate.next_deadline_on, Candidate.id)
                    .limit(PAST_DEADLINE_LIMIT)
                    .subquery()
                )
                for month in months
            )
        ).subquery()
        query = select(*firsts.c).order_by(firsts.c.next_deadline_on, firsts.c.id)
    rows = session.execute(query.limit(PAST_DEADLINE_LIMIT)).all()
    return [
        PastDeadline(
            candidate_id=id_,
            full_name=f"{first} {last}",
            department_code=department,
            status=status,
            deadline=key,
            due_on=due_on,
        )
        for id_, first, last, department, status, key, due_on in rows
    ]
