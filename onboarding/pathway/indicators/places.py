"""Capacity created (places approved and free) and parents' requests by outcome."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    and_,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from onboarding.pathway import shown
from onboarding.pathway.indicators.sql import (
    ANSWER_DAYS,
    Period,
    candidate_filter,
    days_between,
    in_scope,
    rate,
    utc_bounds,
)
from onboarding.pathway.models import (
    Candidate,
    Carer,
    ContactOutcome,
    ContactRequest,
    Vacancy,
)


# --- 3. capacity and parents' requests ---------------------------------------------------------
@dataclass(frozen=True)
class DepartmentCapacity:
    department_code: str
    places_approved: int
    places_free: int


@dataclass(frozen=True)
class RequestOutcome:
    outcome: ContactOutcome
    count: int
    job_seekers: int


@dataclass(frozen=True)
class Capacity:
    by_department: list[DepartmentCapacity]
    requests: list[RequestOutcome]
    answered_in_time: int

    @property
    def places_approved(self) -> int:
        return sum(row.places_approved for row in self.by_department)

    @property
    def places_free(self) -> int:
        return sum(row.places_free for row in self.by_department)

    @property
    def request_count(self) -> int:
        return sum(row.count for row in self.requests)

    @property
    def job_seeker_requests(self) -> int:
        return sum(row.job_seekers for row in self.requests)

    @property
    def answered_in_time_rate(self) -> float | None:
        return rate(self.answered_in_time, self.request_count)


def capacity(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
) -> Capacity:
    """Places approved: the agrément capacity of the carers who came through the pathway. Places
    free now: their vacancies parents may see today, offered from today or earlier
    (`pathway.shown`)."""
    # Free now: counted per carer from the vacancies' index, in the same pass as the capacity.
    shown_today = shown.place_clause(
        values=shown.parameters(today=today, care_from=today, free_by=today)
    )
    free_now = (
        select(func.count()).where(Vacancy.carer_id == Carer.id, shown_today).scalar_subquery()
    )
    query = select(
        Carer.department_code, func.sum(Carer.agrement_capacity), func.sum(free_now)
    ).group_by(Carer.department_code)
    if cohort is None and period is None:
        # Only the département narrows: read it on the carer, without joining the candidates.
        query = query.where(
            Carer.candidate_id.is_not(None), in_scope(Carer.department_code, departments)
        )
    else:
        query = query.join(Candidate, Candidate.id == Carer.candidate_id).where(
            candidate_filter(departments, cohort, period)
        )
    by_department = [
        DepartmentCapacity(code, int(places or 0), int(vacancies or 0))
        for code, places, vacancies in session.execute(query.order_by(Carer.department_code))
    ]

    request_where = [in_scope(Carer.department_code, departments)]
    if period:
        start, end = utc_bounds(period)
        request_where += [ContactRequest.created_at >= start, ContactRequest.created_at < end]
    in_time = and_(
        ContactRequest.outcome != ContactOutcome.NEW,
        ContactRequest.outcome_on.is_not(None),
        days_between(session, ContactRequest.outcome_on, ContactRequest.created_at) <= ANSWER_DAYS,
    )
    rows = session.execute(
        select(
            ContactRequest.outcome,
            func.count(),
            func.sum(case((ContactRequest.is_job_seeker.is_(True), 1), else_=0)),
            func.sum(case((in_time, 1), else_=0)),
        )
        .join(Carer, Carer.id == ContactRequest.carer_id)
        .where(*request_where)
        .group_by(ContactRequest.outcome)
    ).all()
    found = {
        outcome: (count, int(seekers or 0), int(timely or 0))
        for outcome, count, seekers, timely in rows
    }
    return Capacity(
        by_department=by_department,
        requests=[
            RequestOutcome(outcome, *found.get(outcome, (0, 0, 0))[:2])
            for outcome in ContactOutcome
        ],
        answered_in_time=sum(timely for _, _, timely in found.values()),
    )
